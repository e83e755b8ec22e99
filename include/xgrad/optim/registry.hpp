#pragma once
/// \file
/// optimizer_registry(): every optimizer by its lowercase Keras name (sgd,
/// adagrad, rmsprop, adam, adamw, adamax, nadam, lion), each a factory that
/// makes one from a config (Keras' get_config keys, defaults for absent
/// ones) with no parameters yet; the caller adds them:
///
///     auto opt = optim::optimizer_registry().get("adam")({{"learning_rate", "0.01"}});
///     opt->add_param_group(model);
///
/// A user's optimizer registers the same way, e.g. one defined by its
/// options class (NamedOptimizer, optimizer.hpp):
///
///     optim::optimizer_registry().add("my_sgd", optim::optimizer_factory<MySGDOptions>());
///     auto mine = optim::optimizer_registry().get("my_sgd")({{"learning_rate", "0.1"}});
#include <functional>
#include <memory>

#include "xgrad/core/config.hpp"
#include "xgrad/core/registry.hpp"
#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

/// Makes an optimizer with no parameters from a config (ValueError naming
/// the optimizer and the key for an unknown key or an invalid value).
using OptimizerFactory = std::function<std::unique_ptr<Optimizer>(const Config&)>;

/// Every optimizer by name; the built-in ones are there from the start.
Registry<OptimizerFactory>& optimizer_registry();

/// The factory of NamedOptimizer<Options>: NamedOptimizer<Options>::from_config.
template <class Options> OptimizerFactory optimizer_factory() {
    return [](const Config& config) -> std::unique_ptr<Optimizer> { return NamedOptimizer<Options>::from_config(config); };
}

}  // namespace xgrad::optim
