#pragma once
/// \file
/// Linear systems and inverses (torch.linalg), on float32 and
/// float64 matrices, batched over leading dimensions. Computed with LAPACK
/// (LU with partial pivoting, triangular solves, Householder QR).
///
/// Errors: ShapeError for non-square or mismatched operands (naming the
/// shapes), DtypeError for non-floating or mixed dtypes, ValueError naming the
/// op and the batch element for a singular system:
/// `linalg.solve: batch element 3 is singular (U[1,1] of its LU factorization is zero)`.
/// Singularity is detected as an exactly zero pivot, as in LAPACK and
/// PyTorch; nearly singular systems give large, inaccurate results.
#include "xgrad/core/tensor.hpp"

namespace xgrad::linalg {

/// X with A·X = B. A [..., n, n]; B [..., n, k], or a vector [n] / [..., n]
/// when its shape is A's without the last dimension (as torch.linalg.solve).
/// Batch dimensions broadcast.
/// backward: dB = A⁻ᵀ·G, dA = −dB·Xᵀ.
Tensor solve(const Tensor& a, const Tensor& b);

/// A⁻¹ of A [..., n, n].   backward: dA = −A⁻ᵀ·G·A⁻ᵀ.
Tensor inv(const Tensor& a);

/// X with A·X = B for triangular A [..., n, n] (only its upper or lower
/// triangle is read; the diagonal is taken as ones when `unitriangular`),
/// B [..., n, k], batch dimensions broadcast (torch.linalg.solve_triangular,
/// left = true). ValueError for a zero on a non-unit diagonal.
/// backward: dB = A⁻ᵀ·G, dA = −dB·Xᵀ restricted to the triangle read.
Tensor solve_triangular(const Tensor& a, const Tensor& b, bool upper, bool unitriangular = false);

/// X with (L·Lᵀ)·X = B given the Cholesky factor L [..., n, n] (lower, or
/// upper with A = Uᵀ·U when `upper`), B [..., n, k] (torch.cholesky_solve).
/// Differentiable as two triangular solves, so the gradient of L is zero in
/// the triangle that is not read (PyTorch returns its dense formula there).
Tensor cholesky_solve(const Tensor& b, const Tensor& l, bool upper = false);

/// Least-squares solution X minimizing ‖A·X − B‖ for A [..., m, n] of full
/// rank, B [..., m, k], or [..., m] when B is one rank below A (torch.linalg.lstsq's
/// rule, unlike solve's); batch dimensions broadcast; for m < n the minimum-norm solution.
/// Via reduced QR (of A, or of Aᵀ when m < n), differentiable through it.
/// ValueError naming the batch element when A is rank-deficient: some
/// |R_ii| ≤ max(m, n)·ε·max_j |R_jj|.
Tensor lstsq(const Tensor& a, const Tensor& b);

}  // namespace xgrad::linalg
