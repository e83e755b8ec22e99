#pragma once
// The kernel families at this process's level, for the element type the
// caller computes in: simd::elementwise_kernels<T>() and the like. A family's
// float32 or float64 table is chosen by the exact type (float or double),
// so any other element type (int64, or a 2-byte type that used to be given
// the float64 kernels by its size) is a compile error. lib/simd includes no
// other library folder, so the choice is by type rather than by core's
// dtype_v<T>; the two agree (float is float32, double float64).
#include <type_traits>

#include "simd/batch_norm_kernels.hpp"
#include "simd/elementwise_kernels.hpp"
#include "simd/level.hpp"
#include "simd/optimizer_kernels.hpp"
#include "simd/pooling_kernels.hpp"
#include "simd/scan_kernels.hpp"

namespace xgrad::simd {

/// The member of `kernels` for element type T: float32 for float, float64 for double.
template <class T, template <class> class Family> const Family<T>& for_dtype(const FloatingKernels<Family>& kernels) {
    if constexpr (std::is_same_v<T, float>) return kernels.float32;
    else if constexpr (std::is_same_v<T, double>) return kernels.float64;
    else static_assert(std::is_same_v<T, float>, "the SIMD kernels exist for float32 and float64 only");
}

// Each family's table at `level`, or nullptr when the CPU lacks the level.
const FloatingKernels<ElementwiseKernels>* elementwise_at(Level level);
const FloatingKernels<OptimizerKernels>* optimizer_at(Level level);
const FloatingKernels<BatchNormKernels>* batch_norm_at(Level level);
const FloatingKernels<PoolingKernels>* pooling_at(Level level);
const FloatingKernels<ScanKernels>* scan_at(Level level);

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
template <class T> const ScanKernels<T>& scan_kernels() {
    static const FloatingKernels<ScanKernels>& table = *scan_at(process_level());
    return for_dtype<T>(table);
}

}  // namespace xgrad::simd
