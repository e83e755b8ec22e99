#pragma once
/// \file
/// A small ResNet for Fashion-MNIST images [N, 28, 28] and 10 classes, built
/// with the functional API from the residual units of Hands-On ML, ch. 14.
#include <cstdint>
#include <vector>

#include "xgrad/nn/functional.hpp"

namespace xgrad::models {

/// A small ResNet: Reshape to [28, 28, 1] → stem Conv2D(f₀, 3) → BN → ReLU,
/// then one stage per entry fᵢ of `stage_filters`, each `units_per_stage`
/// residual units, then GlobalAveragePooling2D → Dense(`classes`, softmax).
///
/// A residual unit is the book's: Conv2D(f, 3, strides s) → BN → ReLU →
/// Conv2D(f, 3) → BN, added (nn::Add) to the unit's input, then ReLU. The
/// first unit of every stage after the first halves the image (s = 2) and
/// its skip connection is a 1 × 1 Conv2D with strides 2 → BN, so that both
/// branches have the same shape. Convolutions are "same"-padded, He-normal
/// initialized and have no bias (the BN that follows has the offset).
///
/// The defaults, {16, 32, 64} and 2 units, give 28 × 28 → 14 × 14 → 7 × 7
/// and 176,090 parameters (1,120 of them BN moving statistics).
/// ValueError for an empty `stage_filters`, a non-positive filter count,
/// `units_per_stage` < 1 or `classes` < 1, naming the option and value.
nn::Model small_resnet(const std::vector<std::int64_t>& stage_filters = {16, 32, 64},
                       std::int64_t units_per_stage = 2, std::int64_t classes = 10);

}  // namespace xgrad::models
