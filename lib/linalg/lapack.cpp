// Batched LAPACK calls on row-major matrices (see lapack.hpp).
//
// LAPACK is column-major: a row-major buffer holding X is, to LAPACK, the
// column-major Xᵀ. Each routine below uses that reading where it makes the
// copy unnecessary (symmetric inputs, SVD of Aᵀ = V·S·Uᵀ) and transposes
// into a scratch buffer where LAPACK overwrites its input anyway.
// The LAPACK shipped inside OpenBLAS is called through its Fortran symbols
// (declared here; gfortran appends a hidden length per character argument).
#include "linalg/lapack.hpp"

#include <cblas.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "xgrad/core/error.hpp"

extern "C" {
void openblas_set_num_threads(int);
void sgetrf_(const int* m, const int* n, float* a, const int* lda, int* ipiv, int* info);
void dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info);
void sgetrs_(const char* trans, const int* n, const int* nrhs, const float* a, const int* lda, const int* ipiv,
             float* b, const int* ldb, int* info, std::size_t);
void dgetrs_(const char* trans, const int* n, const int* nrhs, const double* a, const int* lda, const int* ipiv,
             double* b, const int* ldb, int* info, std::size_t);
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info, std::size_t);
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info, std::size_t);
void sgeqrf_(const int* m, const int* n, float* a, const int* lda, float* tau, float* work, const int* lwork,
             int* info);
void dgeqrf_(const int* m, const int* n, double* a, const int* lda, double* tau, double* work, const int* lwork,
             int* info);
void sorgqr_(const int* m, const int* n, const int* k, float* a, const int* lda, const float* tau, float* work,
             const int* lwork, int* info);
void dorgqr_(const int* m, const int* n, const int* k, double* a, const int* lda, const double* tau, double* work,
             const int* lwork, int* info);
void ssyevd_(const char* jobz, const char* uplo, const int* n, float* a, const int* lda, float* w, float* work,
             const int* lwork, int* iwork, const int* liwork, int* info, std::size_t, std::size_t);
void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w, double* work,
             const int* lwork, int* iwork, const int* liwork, int* info, std::size_t, std::size_t);
void sgesdd_(const char* jobz, const int* m, const int* n, float* a, const int* lda, float* s, float* u,
             const int* ldu, float* vt, const int* ldvt, float* work, const int* lwork, int* iwork, int* info,
             std::size_t);
void dgesdd_(const char* jobz, const int* m, const int* n, double* a, const int* lda, double* s, double* u,
             const int* ldu, double* vt, const int* ldvt, double* work, const int* lwork, int* iwork, int* info,
             std::size_t);
}

namespace xgrad::detail::lapack {

namespace {

/// The float and double entry points under one name.
template <class T> struct Routines;
template <> struct Routines<float> {
    static constexpr auto getrf = sgetrf_;
    static constexpr auto getrs = sgetrs_;
    static constexpr auto potrf = spotrf_;
    static constexpr auto geqrf = sgeqrf_;
    static constexpr auto orgqr = sorgqr_;
    static constexpr auto syevd = ssyevd_;
    static constexpr auto gesdd = sgesdd_;
    static void trsm(bool upper, bool unit, int n, int k, const float* a, float* b) {
        cblas_strsm(CblasRowMajor, CblasLeft, upper ? CblasUpper : CblasLower, CblasNoTrans,
                    unit ? CblasUnit : CblasNonUnit, n, k, 1.0f, a, n, b, k);
    }
};
template <> struct Routines<double> {
    static constexpr auto getrf = dgetrf_;
    static constexpr auto getrs = dgetrs_;
    static constexpr auto potrf = dpotrf_;
    static constexpr auto geqrf = dgeqrf_;
    static constexpr auto orgqr = dorgqr_;
    static constexpr auto syevd = dsyevd_;
    static constexpr auto gesdd = dgesdd_;
    static void trsm(bool upper, bool unit, int n, int k, const double* a, double* b) {
        cblas_dtrsm(CblasRowMajor, CblasLeft, upper ? CblasUpper : CblasLower, CblasNoTrans,
                    unit ? CblasUnit : CblasNonUnit, n, k, 1.0, a, n, b, k);
    }
};

/// `v` as LAPACK's 32-bit int; ValueError naming the op beyond INT_MAX.
int lapack_int(const char* op, std::int64_t v) {
    if (v > INT_MAX) {
        throw ValueError(std::string(op) + ": matrix dimension " + std::to_string(v) +
                         " exceeds LAPACK's 32-bit limit");
    }
    return static_cast<int>(v);
}

/// OpenBLAS's own threads would compete with xgrad's pool (as in gemm.cpp).
void single_threaded_openblas() {
    static const bool once = (openblas_set_num_threads(1), true);
    (void)once;
}

[[noreturn]] void throw_batch_error(const char* op, std::int64_t element, const std::string& what) {
    throw ValueError(std::string(op) + ": batch element " + std::to_string(element) + " " + what);
}

/// dst (cols × rows, row-major) = srcᵀ for src rows × cols, row-major.
template <class T> void transpose_into(const T* src, std::int64_t rows, std::int64_t cols, T* dst) {
    for (std::int64_t i = 0; i < rows; ++i)
        for (std::int64_t j = 0; j < cols; ++j) dst[j * rows + i] = src[i * cols + j];
}

template <class T> void check_finite(const char* op, std::int64_t element, const T* a, std::int64_t count) {
    for (std::int64_t i = 0; i < count; ++i)
        if (!std::isfinite(a[i])) throw_batch_error(op, element, "contains NaN or infinity");
}

/// Size of the optimal workspace LAPACK reported in `query` (ValueError past its 32-bit ints).
template <class T> int workspace_size(const char* op, T query) {
    if (!(static_cast<double>(query) < static_cast<double>(INT_MAX))) {
        throw ValueError(std::string(op) + ": the LAPACK workspace exceeds its 32-bit limit");
    }
    return std::max(1, static_cast<int>(query));
}

}  // namespace

template <class T>
void lu_solve(const char* op, std::int64_t batch, std::int64_t n, std::int64_t k, const T* a, const T* b, T* x) {
    if (batch == 0 || n == 0 || k == 0) return;
    single_threaded_openblas();
    const int ni = lapack_int(op, n), ki = lapack_int(op, k);
    std::vector<T> lu(static_cast<std::size_t>(n * n));
    std::vector<T> rhs(k == 1 ? 0 : static_cast<std::size_t>(n * k));
    std::vector<int> pivots(static_cast<std::size_t>(n));
    const char trans = 'N';
    for (std::int64_t e = 0; e < batch; ++e) {
        // Column-major A: getrs with 'T' on the row-major buffer (Aᵀ) would
        // save this copy, but OpenBLAS's transposed solve was 5× slower for one
        // right-hand side (tools/bench/linalg_solve.cpp).
        transpose_into(a + e * n * n, n, n, lu.data());
        int info = 0;
        Routines<T>::getrf(&ni, &ni, lu.data(), &ni, pivots.data(), &info);
        if (info > 0) {
            throw_batch_error(op, e, "is singular (U[" + std::to_string(info - 1) + "," + std::to_string(info - 1) +
                                         "] of its LU factorization is zero)");
        }
        // B row-major n×k is column-major Bᵀ: one column vector needs no copy.
        T* col = k == 1 ? x + e * n : rhs.data();
        if (k == 1) std::copy(b + e * n, b + (e + 1) * n, col);
        else transpose_into(b + e * n * k, n, k, col);
        Routines<T>::getrs(&trans, &ni, &ki, lu.data(), &ni, pivots.data(), col, &ni, &info, 1);
        if (k != 1) transpose_into(col, k, n, x + e * n * k);
    }
}

template <class T>
void lu_determinant(std::int64_t batch, std::int64_t n, const T* a, T* det, T* sign, T* logabsdet) {
    single_threaded_openblas();
    const int ni = lapack_int("linalg.det", n);
    std::vector<T> lu(static_cast<std::size_t>(n * n));
    std::vector<int> pivots(static_cast<std::size_t>(n));
    for (std::int64_t e = 0; e < batch; ++e) {
        std::copy(a + e * n * n, a + (e + 1) * n * n, lu.begin());
        int info = 0;
        if (n > 0) Routines<T>::getrf(&ni, &ni, lu.data(), &ni, pivots.data(), &info);
        // det Aᵀ = det A = Π U_ii · (−1)^(row swaps)
        T product = 1, s = 1, log_sum = 0;
        for (std::int64_t i = 0; i < n; ++i) {
            const T u = lu[static_cast<std::size_t>(i * n + i)];
            const T swap = pivots[static_cast<std::size_t>(i)] != i + 1 ? T(-1) : T(1);
            product *= u * swap;
            s *= (u < 0 ? T(-1) : T(1)) * swap;
            log_sum += std::log(std::abs(u));
        }
        const bool singular = info > 0;
        if (det) det[e] = singular ? T(0) : product;
        if (sign) sign[e] = singular ? T(0) : s;
        if (logabsdet) logabsdet[e] = singular ? -INFINITY : log_sum;
    }
}

template <class T> void cholesky(const char* op, std::int64_t batch, std::int64_t n, const T* a, T* l) {
    if (n == 0) return;
    single_threaded_openblas();
    const int ni = lapack_int(op, n);
    const char uplo = 'U';  // the upper triangle of Aᵀ (column-major) is A's lower one
    for (std::int64_t e = 0; e < batch; ++e) {
        T* le = l + e * n * n;
        std::copy(a + e * n * n, a + (e + 1) * n * n, le);
        int info = 0;
        Routines<T>::potrf(&uplo, &ni, le, &ni, &info, 1);
        if (info > 0) {
            throw_batch_error(op, e, "is not positive-definite (leading minor of order " + std::to_string(info) +
                                         " is not positive)");
        }
        // Aᵀ = Uᵀ·U column-major leaves L = Uᵀ row-major in the lower triangle.
        for (std::int64_t i = 0; i < n; ++i)
            for (std::int64_t j = i + 1; j < n; ++j) le[i * n + j] = 0;
    }
}

template <class T>
void triangular_solve(const char* op, std::int64_t batch, std::int64_t n, std::int64_t k, const T* a, const T* b,
                      T* x, bool upper, bool unit_diagonal) {
    if (n == 0 || k == 0) return;
    single_threaded_openblas();
    const int ni = lapack_int(op, n), ki = lapack_int(op, k);
    for (std::int64_t e = 0; e < batch; ++e) {
        const T* ae = a + e * n * n;
        if (!unit_diagonal) {
            for (std::int64_t i = 0; i < n; ++i)
                if (ae[i * n + i] == T(0)) {
                    throw_batch_error(op, e, "is singular (diagonal element " + std::to_string(i) + " is zero)");
                }
        }
        std::copy(b + e * n * k, b + (e + 1) * n * k, x + e * n * k);
        Routines<T>::trsm(upper, unit_diagonal, ni, ki, ae, x + e * n * k);
    }
}

template <class T> void qr(const char* op, std::int64_t batch, std::int64_t m, std::int64_t n, const T* a, T* q, T* r) {
    const std::int64_t k = std::min(m, n);
    if (batch == 0 || k == 0) return;  // Q is m×0 and R is 0×n: nothing to compute
    single_threaded_openblas();
    const int mi = lapack_int(op, m), ni = lapack_int(op, n), ki = static_cast<int>(k);
    std::vector<T> work_a(static_cast<std::size_t>(m * n)), tau(static_cast<std::size_t>(k));
    int info = 0, query = -1;
    T size_geqrf = 0, size_orgqr = 0;
    Routines<T>::geqrf(&mi, &ni, work_a.data(), &mi, tau.data(), &size_geqrf, &query, &info);
    Routines<T>::orgqr(&mi, &ki, &ki, work_a.data(), &mi, tau.data(), &size_orgqr, &query, &info);
    const int lwork = std::max(workspace_size(op, size_geqrf), workspace_size(op, size_orgqr));
    std::vector<T> work(static_cast<std::size_t>(lwork));
    for (std::int64_t e = 0; e < batch; ++e) {
        transpose_into(a + e * m * n, m, n, work_a.data());  // column-major A
        Routines<T>::geqrf(&mi, &ni, work_a.data(), &mi, tau.data(), work.data(), &lwork, &info);
        T* re = r + e * k * n;
        for (std::int64_t i = 0; i < k; ++i)
            for (std::int64_t j = 0; j < n; ++j) re[i * n + j] = j >= i ? work_a[static_cast<std::size_t>(j * m + i)] : T(0);
        Routines<T>::orgqr(&mi, &ki, &ki, work_a.data(), &mi, tau.data(), work.data(), &lwork, &info);
        transpose_into(work_a.data(), k, m, q + e * m * k);  // column-major m×k → row-major
    }
}

template <class T> void eigh(const char* op, std::int64_t batch, std::int64_t n, const T* a, T* w, T* v) {
    if (batch == 0 || n == 0) return;
    single_threaded_openblas();
    const int ni = lapack_int(op, n);
    const char jobz = 'V', uplo = 'U';  // A's lower triangle is the upper one of Aᵀ (column-major)
    int info = 0, query = -1, iwork_size = 0;
    T work_size = 0;
    std::vector<T> vectors(static_cast<std::size_t>(n * n));
    Routines<T>::syevd(&jobz, &uplo, &ni, vectors.data(), &ni, w, &work_size, &query, &iwork_size, &query, &info, 1, 1);
    const int lwork = workspace_size(op, work_size), liwork = std::max(1, iwork_size);
    std::vector<T> work(static_cast<std::size_t>(lwork));
    std::vector<int> iwork(static_cast<std::size_t>(liwork));
    for (std::int64_t e = 0; e < batch; ++e) {
        const T* ae = a + e * n * n;
        for (std::int64_t i = 0; i < n; ++i) check_finite(op, e, ae + i * n, i + 1);  // the lower triangle
        std::copy(ae, ae + n * n, vectors.begin());
        Routines<T>::syevd(&jobz, &uplo, &ni, vectors.data(), &ni, w + e * n, work.data(), &lwork, iwork.data(),
                           &liwork, &info, 1, 1);
        if (info > 0) throw_batch_error(op, e, "did not converge (eigenvalue algorithm, info " + std::to_string(info) + ")");
        transpose_into(vectors.data(), n, n, v + e * n * n);  // column-major eigenvectors → row-major V
    }
}

template <class T>
void svd(const char* op, std::int64_t batch, std::int64_t m, std::int64_t n, const T* a, T* u, T* s, T* vh) {
    const std::int64_t k = std::min(m, n);
    if (batch == 0 || k == 0) return;
    single_threaded_openblas();
    // The buffer is column-major Aᵀ (n×m) = U'·S·V'ᵀ, so A = V'·S·U'ᵀ: LAPACK's Vᵀ
    // (k×m column-major) read row-major is A's U (m×k), and its U (n×k) is A's Vh.
    const int mi = lapack_int(op, n), ni = lapack_int(op, m), ki = static_cast<int>(k);
    const bool vectors = u != nullptr;
    const char jobz = vectors ? 'S' : 'N';
    const int ldu = mi, ldvt = ki;
    std::vector<T> work_a(static_cast<std::size_t>(m * n));
    std::vector<int> iwork(static_cast<std::size_t>(8 * k));
    int info = 0, query = -1;
    T work_size = 0;
    Routines<T>::gesdd(&jobz, &mi, &ni, work_a.data(), &mi, s, vh, &ldu, u, &ldvt, &work_size, &query, iwork.data(),
                       &info, 1);
    const int lwork = workspace_size(op, work_size);
    std::vector<T> work(static_cast<std::size_t>(lwork));
    for (std::int64_t e = 0; e < batch; ++e) {
        check_finite(op, e, a + e * m * n, m * n);
        std::copy(a + e * m * n, a + (e + 1) * m * n, work_a.begin());
        Routines<T>::gesdd(&jobz, &mi, &ni, work_a.data(), &mi, s + e * k, vectors ? vh + e * k * n : nullptr, &ldu,
                           vectors ? u + e * m * k : nullptr, &ldvt, work.data(), &lwork, iwork.data(), &info, 1);
        if (info > 0) throw_batch_error(op, e, "did not converge (SVD algorithm, info " + std::to_string(info) + ")");
    }
}

#define XGRAD_LAPACK_INSTANTIATE(T)                                                                            \
    template void lu_solve<T>(const char*, std::int64_t, std::int64_t, std::int64_t, const T*, const T*, T*); \
    template void lu_determinant<T>(std::int64_t, std::int64_t, const T*, T*, T*, T*);                        \
    template void cholesky<T>(const char*, std::int64_t, std::int64_t, const T*, T*);                         \
    template void triangular_solve<T>(const char*, std::int64_t, std::int64_t, std::int64_t, const T*,        \
                                      const T*, T*, bool, bool);                                              \
    template void qr<T>(const char*, std::int64_t, std::int64_t, std::int64_t, const T*, T*, T*);            \
    template void eigh<T>(const char*, std::int64_t, std::int64_t, const T*, T*, T*);                         \
    template void svd<T>(const char*, std::int64_t, std::int64_t, std::int64_t, const T*, T*, T*, T*);
XGRAD_LAPACK_INSTANTIATE(float)
XGRAD_LAPACK_INSTANTIATE(double)
#undef XGRAD_LAPACK_INSTANTIATE

}  // namespace xgrad::detail::lapack
