#pragma once
// The kernel families at this process's level, for the element type the
// caller computes in: simd::elementwise_kernels<T>() and the like. A family's
// float32 or float64 table is chosen by T's dtype (dtype_v<T>), so an
// element type without kernels (int64, or one xgrad has no dtype for) is a
// compile error rather than another type's kernels.
#include "simd/batch_norm_kernels.hpp"
#include "simd/elementwise_kernels.hpp"
#include "simd/level.hpp"
#include "simd/optimizer_kernels.hpp"
#include "simd/pooling_kernels.hpp"
#include "xgrad/core/dtype.hpp"

namespace xgrad::simd {

/// The member of `kernels` for T's dtype: float32 or float64.
template <class T, template <class> class Family> const Family<T>& for_dtype(const FloatingKernels<Family>& kernels) {
    constexpr Dtype dtype = dtype_v<T>;
    if constexpr (dtype == Dtype::float32) return kernels.float32;
    else if constexpr (dtype == Dtype::float64) return kernels.float64;
    else static_assert(dtype == Dtype::float32, "the SIMD kernels exist for float32 and float64 only");
}

// Each family's table at `level`, or nullptr when the CPU lacks the level.
const FloatingKernels<ElementwiseKernels>* elementwise_at(Level level);
const FloatingKernels<OptimizerKernels>* optimizer_at(Level level);
const FloatingKernels<BatchNormKernels>* batch_norm_at(Level level);
const FloatingKernels<PoolingKernels>* pooling_at(Level level);

// This process's kernels of each family for T (float or double).
template <class T> const ElementwiseKernels<T>& elementwise_kernels() {
    static const FloatingKernels<ElementwiseKernels>& table = *elementwise_at(process_level());
    return for_dtype<T>(table);
}
template <class T> const OptimizerKernels<T>& optimizer_kernels() {
    static const FloatingKernels<OptimizerKernels>& table = *optimizer_at(process_level());
    return for_dtype<T>(table);
}
template <class T> const BatchNormKernels<T>& batch_norm_kernels() {
    static const FloatingKernels<BatchNormKernels>& table = *batch_norm_at(process_level());
    return for_dtype<T>(table);
}
template <class T> const PoolingKernels<T>& pooling_kernels() {
    static const FloatingKernels<PoolingKernels>& table = *pooling_at(process_level());
    return for_dtype<T>(table);
}

}  // namespace xgrad::simd
