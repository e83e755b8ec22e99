#pragma once
// Included by the per-level builds: only templates without code, so
// nothing compiled for AVX can stand in for a baseline function.
namespace xgrad::simd {

/// One kernel family at one level, for each floating dtype: Family<float>
/// for float32, Family<double> for float64 (kernels.hpp picks one by the
/// element type, so any other type is a compile error).
template <template <class> class Family> struct FloatingKernels {
    Family<float> float32;   ///< The float32 kernels.
    Family<double> float64;  ///< The float64 kernels.
};

}  // namespace xgrad::simd
