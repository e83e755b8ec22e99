#pragma once
// The scan kernels: running sums along an axis, each sum in the order of
// the axis (the sequential sum's result exactly; float32 sums in float64,
// each partial sum rounded once, as the scalar path always did).
#include <cstdint>

#include "simd/floating_kernels.hpp"

namespace xgrad::simd {

/// The scan kernels for element type T.
template <class T> struct ScanKernels {
    /// Running sums down the rows of a row-major [rows, cols] block (an axis
    /// before the last): out[r, c] = x[0, c] + … + x[r, c], vectorized along c;
    /// float32 keeps its cols float64 running sums in `acc` (float64 needs
    /// none: its running sums are the previous output row; acc may be null).
    void (*cumsum_down)(const T* x, T* out, std::int64_t rows, std::int64_t cols, double* acc);
    /// Running sums along each of `rows` rows of length n (the last axis):
    /// out[r, i] = x[r, 0] + … + x[r, i]. Several rows advance together, so
    /// their additions overlap rather than wait on one another.
    void (*cumsum_along)(const T* x, T* out, std::int64_t rows, std::int64_t n);
};

/// Each level's table, defined in its build of scan_kernels.cpp.
namespace sse2 { extern const FloatingKernels<ScanKernels> scan; }
namespace avx2 { extern const FloatingKernels<ScanKernels> scan; }
namespace avx512 { extern const FloatingKernels<ScanKernels> scan; }

}  // namespace xgrad::simd
