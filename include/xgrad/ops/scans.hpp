#pragma once
/// \file
/// Cumulative ops along one axis (negative counts from the end), as
/// torch.cumsum and friends: the result has x's shape, element i folds
/// elements 0..i. Floating dtypes (float32/float64; cumsum also int64); a
/// 0-d tensor is treated as one element; an empty axis gives an empty result.
#include <cstdint>

#include "xgrad/core/tensor.hpp"
#include "xgrad/ops/values_and_indices.hpp"

namespace xgrad {

/// Running sum. float32 accumulates in double, as PyTorch on the CPU.
/// d = reverse cumulative sum of the gradient.
Tensor cumsum(const Tensor& x, std::int64_t axis);
/// Running product. The gradient is exact with zeros in x (no division by
/// x there): without zeros it is revcumsum(g·out)/x, O(n); a slice with a
/// zero takes the product of the others, O(n²) time and memory per slice.
Tensor cumprod(const Tensor& x, std::int64_t axis);
/// Running maximum and the index (int64) where it was reached; on ties the
/// later index, NaN propagates (as PyTorch). The gradient goes to that index.
ValuesAndIndices cummax(const Tensor& x, std::int64_t axis);
/// Running minimum and its index, as cummax.
ValuesAndIndices cummin(const Tensor& x, std::int64_t axis);
/// log Σ_{j≤i} e^(x_j), computed as a running logaddexp: no overflow.
/// d/dx_j = Σ_{i≥j} g_i·e^(x_j − out_i), through logs of |g| as PyTorch.
Tensor logcumsumexp(const Tensor& x, std::int64_t axis);

}  // namespace xgrad
