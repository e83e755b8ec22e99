#pragma once
/// \file
/// Matrix decompositions (torch.linalg), on float32 and float64 matrices,
/// batched over leading dimensions, computed with LAPACK (potrf, geqrf +
/// orgqr, syevd, gesdd). Gradients follow PyTorch's formulas and are written
/// with xgrad ops, so they differentiate again.
///
/// Signs: eigenvectors and singular vectors are determined up to sign (LAPACK
/// and PyTorch may pick different ones); compare invariant quantities.
/// Errors: ShapeError (naming the shape) for non-square input where a square
/// one is needed, ValueError naming the batch element for a matrix that is not
/// positive-definite (cholesky), contains NaN/inf (eigh, svd) or does not converge.
#include "xgrad/core/tensor.hpp"

namespace xgrad::linalg {

/// Cholesky factor of symmetric positive-definite A [..., n, n], read from
/// A's lower triangle: lower L with A = L·Lᵀ, or upper U = Lᵀ when `upper`.
/// ValueError: `linalg.cholesky: batch element 3 is not positive-definite
/// (leading minor of order 2 is not positive)`.
/// backward: dA = L⁻ᵀ·Φ(Lᵀ·G)·L⁻¹ with Φ(X) = symmetric part of tril(X),
/// diagonal halved (PyTorch's formula).
Tensor cholesky(const Tensor& a, bool upper = false);

/// Result of qr(): A = Q·R.
struct QR {
    Tensor Q;  ///< [..., m, k], orthonormal columns, k = min(m, n).
    Tensor R;  ///< [..., k, n], upper triangular.
};

/// Reduced QR decomposition of A [..., m, n] (Householder; R's diagonal may be
/// negative, as in LAPACK and PyTorch).
/// backward (m ≥ n; ValueError for m < n): with M = R·Gᵣᵀ − G_Qᵀ·Q,
/// dA = (G_Q + Q·copyltu(M))·R⁻ᵀ, copyltu(M) = tril(M) + tril(M, −1)ᵀ.
QR qr(const Tensor& a);

/// Result of eigh(): A = V·diag(eigenvalues)·Vᵀ.
struct Eigh {
    Tensor eigenvalues;   ///< [..., n], ascending.
    Tensor eigenvectors;  ///< [..., n, n], orthonormal eigenvectors as columns.
};

/// Eigen-decomposition of symmetric A [..., n, n], read from its lower triangle.
/// backward (distinct eigenvalues, as PyTorch): with E_ij = λ_j − λ_i,
/// dA = V·(diag(G_λ) + skew(Vᵀ·G_V)/2 ÷ E)·Vᵀ, the diagonal of the quotient 0.
Eigh eigh(const Tensor& a);

/// Result of svd(): A = U·diag(S)·Vh.
struct SVD {
    Tensor U;   ///< [..., m, k], k = min(m, n), orthonormal columns.
    Tensor S;   ///< [..., k], descending, non-negative.
    Tensor Vh;  ///< [..., k, n], orthonormal rows.
};

/// Reduced SVD (full_matrices = false) of A [..., m, n] (LAPACK gesdd).
/// backward (distinct non-zero singular values, as PyTorch's svd_backward):
/// dA = U·((skew(Uᵀ·G_U)·S + S·skew(Vᵀ·G_V)) ÷ (S_j² − S_i²) + diag(G_S))·Vh plus
/// the projections of G_U, G_V off the spans of U, V when m ≠ n; skew(X) = X − Xᵀ.
SVD svd(const Tensor& a);

/// The singular values S [..., k] of A [..., m, n], descending.
/// backward: dA = U·diag(G)·Vh.
Tensor svdvals(const Tensor& a);

}  // namespace xgrad::linalg
