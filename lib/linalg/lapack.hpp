#pragma once
// Batched LAPACK calls on row-major matrices (internal, not installed).
//
// Every function loops over `batch` contiguous matrices, converts between
// xgrad's row-major layout and LAPACK's column-major one (mostly by reading a
// row-major X as the column-major Xᵀ, without copies), checks LAPACK's info
// and throws ValueError naming `op` and the batch element when a matrix is
// singular, not positive-definite or the algorithm did not converge. Sizes
// beyond LAPACK's 32-bit integers are a ValueError too.
#include <cstdint>

namespace xgrad::detail::lapack {

/// X = A⁻¹·B for A [batch, n, n], B and X [batch, n, k] (LU with partial
/// pivoting). ValueError when an exactly zero pivot makes A singular.
template <class T>
void lu_solve(const char* op, std::int64_t batch, std::int64_t n, std::int64_t k, const T* a, const T* b, T* x);

/// det(A), sign(det A) and log|det A| of A [batch, n, n] from its LU
/// factorization; each output may be null. A singular matrix gives det 0,
/// sign 0 and log|det| −inf (as NumPy and PyTorch), not an error.
template <class T>
void lu_determinant(std::int64_t batch, std::int64_t n, const T* a, T* det, T* sign, T* logabsdet);

/// The lower Cholesky factor L (A = L·Lᵀ) of each A [batch, n, n], read from
/// A's lower triangle; L's upper triangle is zero. ValueError naming the
/// leading minor that is not positive.
template <class T> void cholesky(const char* op, std::int64_t batch, std::int64_t n, const T* a, T* l);

/// X = A⁻¹·B for triangular A [batch, n, n] (only the triangle `upper` is
/// read; its diagonal is taken as ones when `unit_diagonal`), B and X
/// [batch, n, k]. ValueError for a zero on a non-unit diagonal.
template <class T>
void triangular_solve(const char* op, std::int64_t batch, std::int64_t n, std::int64_t k, const T* a, const T* b,
                      T* x, bool upper, bool unit_diagonal);

/// Reduced QR of A [batch, m, n]: Q [batch, m, min(m,n)] with orthonormal
/// columns and upper-triangular R [batch, min(m,n), n] (Householder).
template <class T> void qr(const char* op, std::int64_t batch, std::int64_t m, std::int64_t n, const T* a, T* q, T* r);

/// Eigenvalues w [batch, n] (ascending) and eigenvectors V [batch, n, n] (as
/// columns) of the symmetric matrices whose lower triangle is in A.
/// ValueError when the divide-and-conquer algorithm does not converge.
template <class T> void eigh(const char* op, std::int64_t batch, std::int64_t n, const T* a, T* w, T* v);

/// Reduced SVD A = U·diag(S)·Vh of A [batch, m, n]: U [batch, m, k],
/// S [batch, k] (descending), Vh [batch, k, n], k = min(m, n). U and Vh may
/// both be null for the singular values alone. ValueError on no convergence.
template <class T>
void svd(const char* op, std::int64_t batch, std::int64_t m, std::int64_t n, const T* a, T* u, T* s, T* vh);

}  // namespace xgrad::detail::lapack
