#pragma once
/// \file
/// Rounding to whole numbers on floating tensors (float32 / float64, the
/// result in the same dtype; DtypeError for integer dtypes). The gradient
/// is 0 everywhere, as in PyTorch (the steps' jumps have no derivative).
#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// The largest whole number ≤ x.
Tensor floor(const Tensor& x);
/// The smallest whole number ≥ x.
Tensor ceil(const Tensor& x);
/// The nearest whole number, halves to even (NumPy's and PyTorch's round:
/// 0.5 → 0, 1.5 → 2, −2.5 → −2).
Tensor round(const Tensor& x);
/// x without its fraction (toward zero: −1.7 → −1).
Tensor trunc(const Tensor& x);

}  // namespace xgrad
