// The library's GEMM, chosen by measurement on the development box: 2-core AMD
// EPYC with AVX-512 (Zen 4 class), g++ 12, Debian 12, libdnnl2 2.6.3,
// libopenblas0-pthread 0.3.21. Best of 7 warm runs, 2 threads, GFLOP/s:
//
//   FMA peak (f32, 2 FMA ports x 8 lanes; zmm is double-pumped, ymm gives the same)
//     1 thread 116.9, 2 threads 233.4  -> 85% of 2-thread peak = 198.4
//
//   float32 shape (op, m x n x k)      oneDNN  OpenBLAS  OB  OB     OB      OB
//                                      sgemm   detected  SKX Zen  Haswell Prescott
//                                              (Cooperlake)
//   square  128                        181.9   136.9     126.9 145.8 129.5  36.3
//   square  256                        216.2   186.2     179.9 179.8 191.2  43.8
//   square  512                        213.2   201.5     200.3 202.9 213.4  41.5
//   square 1024                        211.3   199.0     204.5 213.2 207.0  79.3
//   square 2048                        221.0   202.4     210.0 216.2 170.6  78.0
//   L1 fwd  NN 32 x 300 x 784          196.2   109.3     143.8 128.2 114.5  69.7
//   L1 dX   NT 32 x 784 x 300          121.2   119.3     141.9 153.4 116.3  69.9
//   L1 dW   TN 784 x 300 x 32          198.1    38.6     116.5  97.1  84.8  54.4
//   L2 fwd  NN 32 x 100 x 300          146.2   112.1
//   L2 dX   NT 32 x 300 x 100          109.8    73.4
//   L2 dW   TN 300 x 100 x 32          124.5   106.2
//   L3 fwd  NN 32 x 100 x 100          108.7   110.2     110.4  52.2  71.4  32.7
//   L3 dX   NT 32 x 100 x 100           59.6    84.3      66.5  95.3  84.0  31.2
//   L3 dW   TN 100 x 100 x 32           88.7   105.8     106.2  72.3  62.9  18.8
//   sum of the 9 MLP products, us       347     734
//
//   float64 (oneDNN 2.6 has no dgemm): OpenBLAS detected 1024^3 101.0 (87% of the
//   116.7 f64 peak), L1 fwd 77.0; with a misdetected core (Prescott) 38.3 / 31.6.
//
// Choice:
//  * float32 -> oneDNN dnnl_sgemm. It reaches >= 85% of peak on large products
//    whatever the CPU reports to BLAS libraries (it JIT-generates kernels from its
//    own cpuid check: 89-95% from 256^3 up), and it is the fastest on the training
//    shapes overall (the 9 products of a 784-300-100 MLP step take half the time
//    of OpenBLAS's). OpenBLAS gets there too on this box only because it happens
//    to detect the core (Cooperlake); with a misdetected core (Prescott) it is
//    2.7-5x slower, and forcing the core needs OPENBLAS_CORETYPE set before the
//    library is loaded, i.e. setenv + dlopen -- racy, and useless once anything
//    else in the process has linked libopenblas, so not done.
//  * float64 -> OpenBLAS cblas_dgemm: oneDNN 2.6 has no f64 GEMM (no dnnl_dgemm,
//    no f64 matmul on CPU); OpenBLAS is installed anyway (tools/setup) and reaches
//    87% of the f64 peak when it detects the core. float64 is not the training
//    dtype, so the misdetection risk is accepted there.
//  * Tiny float32 products (m*n*k <= 64) use the plain loop below: a dnnl_sgemm
//    call costs 0.11 us (1x1x1) to 0.2-0.3 us (4x4x4, 1x1x64, 64x1x1), the loop
//    0.01-0.1 us. Above 64 oneDNN wins (8x8x8: 0.3-0.44 us vs ~0.5 us for the
//    loop). From there the per-call overhead of dnnl_sgemm stays under 0.5 us
//    (1x100x100: 0.50 us in total, 40 GFLOP/s). OpenBLAS has its own small-matrix
//    path (1x1x1: 0.02 us), so doubles go straight to it.
//
// Threads: xgrad's own pool (core/thread_pool.hpp) splits a product of at
// least kParallelFlops multiply-adds into one block of C per thread, and every
// backend call runs single-threaded: oneDNN's OpenMP thread count is set to 1
// around each call (per calling thread, restored after), OpenBLAS's to 1 once
// (a process-wide setting). oneDNN's own OpenMP threads used to spin at a
// barrier around each small product: two threads made the 100-layer SELU
// network 1.5x slower than one. Measured on the Zen 5 box (one thread, warm,
// us): 32x100x100 NN 3.36 whole, 1.83 per half of its rows; NT 6.34, 3.74 per
// half of its columns; TN 100x100x32 3.56, 1.90 per half of its rows. A
// transposed B is split by columns, anything else by rows.
#include "gemm.hpp"

#include <cblas.h>
#include <dnnl.h>

#include <algorithm>
#include <climits>
#include <string>

#include "core/thread_pool.hpp"
#include "linalg/single_threaded_omp.hpp"
#include "xgrad/core/error.hpp"
#include "xgrad/core/threads.hpp"

extern "C" char* openblas_get_corename(void);
extern "C" char* openblas_get_config(void);
extern "C" void openblas_set_num_threads(int);

namespace xgrad::detail {
namespace {

// Products with at most this many multiply-adds skip the BLAS call overhead.
constexpr std::int64_t kSmallFlops = 64;
// Products with at least this many multiply-adds are split over the pool.
constexpr std::int64_t kParallelFlops = std::int64_t{1} << 17;
// Smallest block of C rows / columns given to one thread.
constexpr std::int64_t kMinRows = 8, kMinColumns = 16;

// A block of C for one backend call: rows [row, row + m) and columns [col, col + n).
struct Block {
    std::int64_t row = 0, col = 0, m = 0, n = 0;
};

// Runs kernel(block) over C in one block per pool thread when the product is
// large enough, else once over the whole of C. A block's operands are A's
// rows and B's columns behind it, so the kernel offsets its pointers by
// (block.row, block.col) and leaves k whole: no sum is split.
template <class Kernel>
void for_each_block(bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k, Kernel&& kernel) {
    const Block whole{0, 0, m, n};
    if (m * n * k < kParallelFlops) return kernel(whole);
    const std::int64_t threads = num_threads();
    const bool by_columns = (trans_b && n >= 2 * kMinColumns) || m < 2 * kMinRows;
    const std::int64_t extent = by_columns ? n : m;
    const std::int64_t minimum = by_columns ? kMinColumns : kMinRows;
    const std::int64_t parts = std::min(threads, extent / minimum);
    if (parts < 2) return kernel(whole);
    // Column blocks start on multiples of 16, the AVX-512 float lane count.
    std::int64_t step = (extent + parts - 1) / parts;
    if (by_columns) step = (step + kMinColumns - 1) / kMinColumns * kMinColumns;
    const std::int64_t blocks = (extent + step - 1) / step;
    parallel_for(blocks, [&](std::int64_t i) {
        const std::int64_t lo = i * step, len = std::min(step, extent - lo);
        kernel(by_columns ? Block{0, lo, m, len} : Block{lo, 0, len, n});
    });
}

// Pointer offsets of a block's operands: op(A)'s rows start at block.row,
// op(B)'s columns at block.col, C at (row, col).
template <class T> const T* a_rows(const T* a, bool trans_a, std::int64_t lda, std::int64_t row) {
    return trans_a ? a + row : a + row * lda;
}
template <class T> const T* b_columns(const T* b, bool trans_b, std::int64_t ldb, std::int64_t col) {
    return trans_b ? b + col * ldb : b + col;
}

// C = beta * C over an m x n block; beta == 0 writes zeros without reading C.
template <class T>
void scale_c(std::int64_t m, std::int64_t n, T beta, T* c, std::int64_t ldc) {
    if (beta == T(1)) return;
    for (std::int64_t i = 0; i < m; ++i) {
        T* row = c + i * ldc;
        if (beta == T(0)) {
            for (std::int64_t j = 0; j < n; ++j) row[j] = T(0);
        } else {
            for (std::int64_t j = 0; j < n; ++j) row[j] *= beta;
        }
    }
}

// Tiny products (k > 0, alpha != 0): one register dot product per element of C,
// strided access for every transpose combination. No vectorisation on purpose: at
// these sizes the set-up of a vector loop (alias checks, peeling) costs more than it
// saves.
template <class T>
void small_gemm(bool ta, bool tb, std::int64_t m, std::int64_t n, std::int64_t k, T alpha,
                const T* a, std::int64_t lda, const T* b, std::int64_t ldb, T beta, T* c,
                std::int64_t ldc) {
    const std::int64_t a_i = ta ? 1 : lda, a_p = ta ? lda : 1;  // op(A)(i,p) = a[i*a_i + p*a_p]
    const std::int64_t b_p = tb ? 1 : ldb, b_j = tb ? ldb : 1;  // op(B)(p,j) = b[p*b_p + j*b_j]
    for (std::int64_t i = 0; i < m; ++i) {
        for (std::int64_t j = 0; j < n; ++j) {
            const T* ap = a + i * a_i;
            const T* bp = b + j * b_j;
            T s = T(0);
            for (std::int64_t p = 0; p < k; ++p) s += ap[p * a_p] * bp[p * b_p];
            T& cij = c[i * ldc + j];
            cij = beta == T(0) ? alpha * s : alpha * s + beta * cij;
        }
    }
}

// Handles the cases no backend needs to see. Returns true when C is done.
template <class T>
bool trivial(std::int64_t m, std::int64_t n, std::int64_t k, T alpha, T beta, T* c,
             std::int64_t ldc) {
    if (m <= 0 || n <= 0) return true;
    if (k <= 0 || alpha == T(0)) {
        scale_c(m, n, beta, c, ldc);
        return true;
    }
    return false;
}

const char* isa_name(dnnl_cpu_isa_t isa) {
    switch (isa) {
        case dnnl_cpu_isa_sse41: return "sse41";
        case dnnl_cpu_isa_avx: return "avx";
        case dnnl_cpu_isa_avx2: return "avx2";
        case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
        case dnnl_cpu_isa_avx512_mic: return "avx512_mic";
        case dnnl_cpu_isa_avx512_mic_4ops: return "avx512_mic_4ops";
        case dnnl_cpu_isa_avx512_core: return "avx512_core";
        case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
        case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
        case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
        default: return "default";
    }
}

}  // namespace

void gemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k,
          float alpha, const float* a, std::int64_t lda, const float* b, std::int64_t ldb,
          float beta, float* c, std::int64_t ldc) {
    if (trivial(m, n, k, alpha, beta, c, ldc)) return;
    if (m <= kSmallFlops && n <= kSmallFlops && k <= kSmallFlops && m * n * k <= kSmallFlops) {
        small_gemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    for_each_block(trans_b, m, n, k, [&](const Block& blk) {
        // Row-major; oneDNN does not read C when beta == 0.
        const SingleThreadedOmp one_thread;
        const dnnl_status_t st = dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', blk.m, blk.n, k, alpha,
                                            a_rows(a, trans_a, lda, blk.row), lda,
                                            b_columns(b, trans_b, ldb, blk.col), ldb, beta,
                                            c + blk.row * ldc + blk.col, ldc);
        if (st != dnnl_success)
            throw ValueError("gemm: dnnl_sgemm rejected m=" + std::to_string(blk.m) + " n=" +
                             std::to_string(blk.n) + " k=" + std::to_string(k) + " lda=" + std::to_string(lda) +
                             " ldb=" + std::to_string(ldb) + " ldc=" + std::to_string(ldc) + " (status " +
                             std::to_string(int(st)) + ")");
    });
}

void gemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k,
          double alpha, const double* a, std::int64_t lda, const double* b, std::int64_t ldb,
          double beta, double* c, std::int64_t ldc) {
    if (trivial(m, n, k, alpha, beta, c, ldc)) return;
    // Debian's OpenBLAS takes 32-bit int sizes.
    for (std::int64_t v : {m, n, k, lda, ldb, ldc})
        if (v > INT_MAX) throw ValueError("gemm: float64 matrix dimension " + std::to_string(v) +
                                          " exceeds the BLAS 32-bit limit");
    static const bool single_threaded = (openblas_set_num_threads(1), true);
    (void)single_threaded;
    for_each_block(trans_b, m, n, k, [&](const Block& blk) {
        // Row-major; reference BLAS semantics: beta == 0 does not read C.
        cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                    int(blk.m), int(blk.n), int(k), alpha, a_rows(a, trans_a, lda, blk.row), int(lda),
                    b_columns(b, trans_b, ldb, blk.col), int(ldb), beta, c + blk.row * ldc + blk.col, int(ldc));
    });
}

const char* gemm_backend() {
    static const std::string name = [] {
        const dnnl_version_t* v = dnnl_version();
        std::string s = "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) +
                        "." + std::to_string(v->patch) + " (" +
                        isa_name(dnnl_get_effective_cpu_isa()) + ") for float32; ";
        // openblas_get_config(): "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Cooperlake ..."
        std::string cfg = openblas_get_config();
        std::size_t sp = cfg.find(' ');
        sp = sp == std::string::npos ? sp : cfg.find(' ', sp + 1);
        s += cfg.substr(0, sp) + " (" + openblas_get_corename() + ") for float64";
        return s;
    }();
    return name.c_str();
}

}  // namespace xgrad::detail
