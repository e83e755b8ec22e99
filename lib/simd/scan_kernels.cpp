// The scan kernels of scan_kernels.hpp,
// compiled once per vector level: lib/meson.build builds it with that
// level's -m flags and -DXGRAD_ISA=<level>, and dispatch.cpp picks one
// level per process.
//
// Every function here lives in an anonymous namespace inside
// xgrad::simd::XGRAD_ISA, and the only header is <cstdint>: no out-of-line
// function compiled with AVX can stand in for a baseline copy of the same
// name (tests/core/portable_check.py checks the library's disassembly).
#include <cstdint>

#include "simd/scan_kernels.hpp"

namespace xgrad::simd::XGRAD_ISA {
namespace {

/// The accumulator of T's sums: float64 for float32 too.
using Acc = double;

/// Rows that cumsum_along advances together: eight independent chains of
/// additions hide the adder's latency.
constexpr std::int64_t row_group = 8;

// The rows of cumsum_down: plain loops the compiler vectorizes for this
// level. float32 keeps its float64 running sums in acc; a float64 running
// sum is the previous output row itself, so acc goes unused (may be null).
// The first partial sum is x itself (−0 stays −0).
void first_row(const float* row, float* dst, double* acc, std::int64_t cols) {
    for (std::int64_t c = 0; c < cols; ++c) {
        acc[c] = row[c];
        dst[c] = row[c];
    }
}
void first_row(const double* row, double* dst, double* /*acc*/, std::int64_t cols) {
    for (std::int64_t c = 0; c < cols; ++c) dst[c] = row[c];
}
void add_row(const float* row, const float* /*previous*/, float* dst, double* acc, std::int64_t cols) {
    for (std::int64_t c = 0; c < cols; ++c) {
        acc[c] += static_cast<double>(row[c]);
        dst[c] = static_cast<float>(acc[c]);
    }
}
void add_row(const double* row, const double* previous, double* dst, double* /*acc*/, std::int64_t cols) {
    for (std::int64_t c = 0; c < cols; ++c) dst[c] = previous[c] + row[c];
}

template <class T> void cumsum_down(const T* x, T* out, std::int64_t rows, std::int64_t cols, double* acc) {
    if (rows == 0) return;
    first_row(x, out, acc, cols);
    for (std::int64_t r = 1; r < rows; ++r) add_row(x + r * cols, out + (r - 1) * cols, out + r * cols, acc, cols);
}

template <class T> void cumsum_along(const T* x, T* out, std::int64_t rows, std::int64_t n) {
    if (n == 0) return;
    std::int64_t r = 0;
    for (; r + row_group <= rows; r += row_group) {
        const T* src = x + r * n;
        T* dst = out + r * n;
        Acc acc[row_group];
        for (std::int64_t g = 0; g < row_group; ++g) {
            acc[g] = src[g * n];
            dst[g * n] = src[g * n];
        }
        for (std::int64_t i = 1; i < n; ++i)
            for (std::int64_t g = 0; g < row_group; ++g) {
                acc[g] += static_cast<Acc>(src[g * n + i]);
                dst[g * n + i] = static_cast<T>(acc[g]);
            }
    }
    for (; r < rows; ++r) {
        const T* src = x + r * n;
        T* dst = out + r * n;
        Acc acc = src[0];
        dst[0] = src[0];
        for (std::int64_t i = 1; i < n; ++i) {
            acc += static_cast<Acc>(src[i]);
            dst[i] = static_cast<T>(acc);
        }
    }
}

}  // namespace

const FloatingKernels<ScanKernels> scan{{cumsum_down<float>, cumsum_along<float>},
                                        {cumsum_down<double>, cumsum_along<double>}};

}  // namespace xgrad::simd::XGRAD_ISA
