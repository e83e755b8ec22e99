#pragma once
// The pooling kernels.
#include <cstdint>

#include "simd/floating_kernels.hpp"

namespace xgrad::simd {

/// The pooling kernels for element type T.
template <class T> struct PoolingKernels {
    /// Folds one window pixel into a max pooling's running maxima over c
    /// channels: where pixel[ch] is larger (or the first NaN), best[ch] takes
    /// it and winner[ch] takes index.
    void (*max_pool_step)(const T* pixel, T* best, std::int32_t* winner, std::int32_t index, std::int64_t c);
};

/// Each level's table, defined in its build of pooling_kernels.cpp.
namespace sse2 { extern const FloatingKernels<PoolingKernels> pooling; }
namespace avx2 { extern const FloatingKernels<PoolingKernels> pooling; }
namespace avx512 { extern const FloatingKernels<PoolingKernels> pooling; }

}  // namespace xgrad::simd
