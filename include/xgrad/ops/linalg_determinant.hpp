#pragma once
/// \file
/// Determinants (torch.linalg.det, slogdet) of float32 and float64 matrices
/// [..., n, n], batched over leading dimensions, from LAPACK's LU
/// factorization. ShapeError (naming the shape) for non-square input.
#include "xgrad/core/tensor.hpp"

namespace xgrad::linalg {

/// det A of A [..., n, n] (from LU); 0 for a singular A.
/// backward: dA = G·det A·A⁻ᵀ (defined for invertible A only: ValueError
/// otherwise, where PyTorch falls back to an SVD formula).
Tensor det(const Tensor& a);

/// Result of slogdet(): det A = sign · exp(logabsdet).
struct SignLogAbsDet {
    Tensor sign;       ///< −1, 0 or 1, not differentiable.
    Tensor logabsdet;  ///< log |det A|, −inf for a singular A.
};

/// sign(det A) and log |det A| of A [..., n, n] (from LU).
/// backward (logabsdet): dA = G·A⁻ᵀ.
SignLogAbsDet slogdet(const Tensor& a);

}  // namespace xgrad::linalg
