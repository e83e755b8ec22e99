#pragma once
// The optimizer kernels: the Adam moments and update, and the step itself.
#include <cstdint>

#include "simd/floating_kernels.hpp"

namespace xgrad::simd {

/// The optimizer kernels for element type T.
template <class T> struct OptimizerKernels {
    /// Adam in place: m += (g − m)·c1; v += (g² − v)·c2; g = m·scale/(√v + eps).
    void (*adam)(T* g, T* m, T* v, std::int64_t n, T c1, T c2, T scale, T eps);
    /// p += u (an optimizer step).
    void (*add_to)(T* p, const T* u, std::int64_t n);
    /// p *= factor.
    void (*scale)(T* p, std::int64_t n, T factor);
};

/// Each level's table, defined in its build of optimizer_kernels.cpp.
namespace sse2 { extern const FloatingKernels<OptimizerKernels> optimizer; }
namespace avx2 { extern const FloatingKernels<OptimizerKernels> optimizer; }
namespace avx512 { extern const FloatingKernels<OptimizerKernels> optimizer; }

}  // namespace xgrad::simd
