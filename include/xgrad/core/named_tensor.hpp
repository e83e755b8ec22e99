#pragma once
/// \file
/// The vocabulary between models and optimizers: named tensors, and a live
/// source of them. nn::Module produces both (named_parameters(),
/// parameter_source()); optim::ParamGroup consumes them, so optimizers know
/// nothing of modules.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// A tensor with its hierarchical name ("dense_1.kernel").
struct NamedTensor {
    std::string name;  ///< Dot-separated path in the module tree ("dense_1.kernel").
    Tensor tensor;     ///< The parameter or buffer itself: a handle sharing its data, not a copy.
};

/// Parameters that may change between steps (layers frozen or unfrozen),
/// as an optimizer asks for them.
struct ParameterSource {
    /// The parameters to update now; asked at every step.
    std::function<std::vector<Tensor>()> parameters;
    /// The same with the names their optimizer state is kept under; asked
    /// only when a tensor is met for the first time.
    std::function<std::vector<NamedTensor>()> named_parameters;
    /// Every parameter, frozen ones included, named alike: restored optimizer
    /// state is checked against them (may be empty: then named_parameters).
    std::function<std::vector<NamedTensor>()> all_named_parameters;
    /// Run after every update (a projection such as weight constraints); may be empty.
    std::function<void()> project;
    /// Sources with the same non-null identity are projected once per step.
    const void* identity = nullptr;
    /// Kept alive as long as the source (may be null).
    std::shared_ptr<const void> owner;
};

}  // namespace xgrad
