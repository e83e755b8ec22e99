#pragma once
/// \file
/// The library's single GEMM entry point (internal, not installed). Every matrix
/// product in xgrad goes through here; see gemm.cpp for the backend choice.
#include <cstdint>

namespace xgrad::detail {

// C = alpha * op(A) * op(B) + beta * C, row-major. op(X) = X^T when trans_x.
// op(A) is m x k, op(B) is k x n, C is m x n; lda/ldb/ldc are row strides (elements).
// m, n or k may be 0 (k == 0 gives C = beta * C). beta == 0 never reads C, so C
// may be uninitialised.
void gemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k,
          float alpha, const float* a, std::int64_t lda, const float* b, std::int64_t ldb,
          float beta, float* c, std::int64_t ldc);
void gemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k,
          double alpha, const double* a, std::int64_t lda, const double* b, std::int64_t ldb,
          double beta, double* c, std::int64_t ldc);

// Human-readable name of the backend in use, e.g. "oneDNN 2.6.3 (avx512_core)" or "OpenBLAS 0.3.21 (SkylakeX)".
const char* gemm_backend();

}  // namespace xgrad::detail
