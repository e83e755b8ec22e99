#pragma once
/// \file
/// The models of "Training Deep Neural Networks" (Hands-On ML, ch. 11) for
/// 28 x 28 inputs and 10 classes, shared by the `xgrad` CLI, the examples and
/// the benchmarks.
#include <cstdint>
#include <vector>

#include "xgrad/nn/activations.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/nn/sequential.hpp"

namespace xgrad::models {

/// Flatten → Dense(h, activation, init) for each h in `hidden` → Dense(10, softmax).
/// The default is the notebook's 300-100 MLP.
nn::Sequential mlp(const nn::ActivationFn& activation = "relu", const nn::InitializerRef& init = "he_normal",
                   const std::vector<std::int64_t>& hidden = {300, 100});

/// The notebook's batch-norm model: Flatten → BN → Dense(300) → BN → Dense(100)
/// → BN → Dense(10, softmax); 271,346 parameters, 2,368 non-trainable.
nn::Sequential batch_norm_mlp(const nn::ActivationFn& activation = "relu",
                              const nn::InitializerRef& init = "he_normal");

/// The self-normalizing deep net: Flatten → `depth` × Dense(units, selu,
/// lecun_normal) → Dense(10, softmax). Needs standardized inputs.
nn::Sequential selu_deep(int depth = 100, std::int64_t units = 100);

}  // namespace xgrad::models
