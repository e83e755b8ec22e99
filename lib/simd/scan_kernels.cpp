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

/// Columns summed together down the rows: their accumulators (2 KB) stay in L1.
constexpr std::int64_t column_block = 256;

/// Rows that cumsum_along advances together: eight independent chains of
/// additions hide the adder's latency.
constexpr std::int64_t row_group = 8;

template <class T> void cumsum_down(const T* x, T* out, std::int64_t rows, std::int64_t cols) {
    Acc acc[column_block];
    for (std::int64_t c0 = 0; c0 < cols; c0 += column_block) {
        const std::int64_t width = cols - c0 < column_block ? cols - c0 : column_block;
        for (std::int64_t r = 0; r < rows; ++r) {
            const T* row = x + r * cols + c0;
            T* dst = out + r * cols + c0;
            if (r == 0) {
                // The first partial sum is x itself (−0 stays −0).
                for (std::int64_t c = 0; c < width; ++c) {
                    acc[c] = row[c];
                    dst[c] = row[c];
                }
                continue;
            }
            // A plain loop the compiler vectorizes for this level.
            for (std::int64_t c = 0; c < width; ++c) {
                acc[c] += static_cast<Acc>(row[c]);
                dst[c] = static_cast<T>(acc[c]);
            }
        }
    }
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
