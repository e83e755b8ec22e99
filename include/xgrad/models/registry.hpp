#pragma once
/// \file
/// The models by name: the `xgrad` CLI's `--model` choices, and a program's
/// own models registered the same way.
///
/// \code
/// models::model_registry().add("tiny", {"one hidden layer of 10 units",
///     [](const models::ModelOptions& o) { return models::mlp(o.activation, o.init, {10}); }});
/// nn::Sequential m = models::model_registry().get("tiny").make({});
/// \endcode
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "xgrad/core/registry.hpp"
#include "xgrad/nn/activations.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/nn/sequential.hpp"

namespace xgrad::models {

/// What a model factory takes from its caller; models with a fixed recipe
/// (selu100, the CNNs) ignore it.
struct ModelOptions {
    /// The hidden layers' activation.
    nn::ActivationFn activation = "relu";
    /// The hidden layers' kernel initializer.
    nn::InitializerRef init = "he_normal";
};

/// Builds a fresh model, unbuilt, for the options given.
using ModelFactory = std::function<nn::Sequential(const ModelOptions&)>;

/// A registered model: how to build it and how it is trained.
struct ModelEntry {
    /// One line for help texts ("the 300-100 MLP").
    std::string description;
    /// Builds the model; required (the registry refuses an entry without it).
    ModelFactory make;
    /// Whether the model needs standardized inputs (the self-normalizing net does).
    bool standardized_inputs = false;
    /// The learning rate it trains with when the caller gives none (otherwise the optimizer's default).
    std::optional<double> learning_rate;

    /// An entry without a factory counts as empty, so that Registry::add refuses it.
    friend bool operator==(const ModelEntry& entry, std::nullptr_t) { return !entry.make; }
};

/// The models by name, starting with the built-in ones: mlp, bn-mlp,
/// selu100, cnn, book-cnn, resnet (for 28 x 28 inputs and 10 classes).
Registry<ModelEntry>& model_registry();

}  // namespace xgrad::models
