#pragma once
/// \file
/// Matrix products on float32/float64, backed by one internal GEMM.
#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// NumPy matmul: 1-D·1-D → scalar, 2-D·2-D → matrix, 1-D operands are
/// promoted and the added dimension removed, N-D operands are batches of
/// matrices with broadcast batch dimensions.
/// backward: dA = dC·Bᵀ, dB = Aᵀ·dC (as transpose flags, no copies).
/// ShapeError: `matmul: shapes [32,784] and [300,100] are not aligned (784 != 300)`.
Tensor matmul(const Tensor& a, const Tensor& b);
/// x·W + b with W of shape [in, out] (Keras' kernel layout); b may be undefined.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());

}  // namespace xgrad
