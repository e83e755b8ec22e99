#pragma once
// The batch-normalization kernels over x [rows, channels], channels last;
// sums in double.
#include <cstdint>

#include "simd/floating_kernels.hpp"

namespace xgrad::simd {

/// The batch-normalization kernels for element type T.
template <class T> struct BatchNormKernels {
    /// sum[c] += Σ_r x[r, c].
    void (*channel_sums)(const T* x, std::int64_t rows, std::int64_t channels, double* sum);
    /// out[c] += Σ_r (x[r, c] − mean[c])².
    void (*channel_squared_deviations)(const T* x, const double* mean, std::int64_t rows, std::int64_t channels,
                                       double* out);
    /// sum_g[c] += Σ_r g[r, c]; sum_gh[c] += Σ_r g[r, c]·h[r, c].
    void (*channel_sums_with_products)(const T* g, const T* h, std::int64_t rows, std::int64_t channels,
                                       double* sum_g, double* sum_gh);
    /// x̂ = (x − shift)·inv_std and y = x̂·scale + offset, per channel.
    void (*normalize_rows)(const T* x, const T* shift, const T* inv_std, const T* scale, const T* offset,
                           std::int64_t rows, std::int64_t channels, T* x_hat, T* y);
    /// dx = factor·(g − mean_g − x̂·mean_gx), per channel.
    void (*input_gradient_rows)(const T* g, const T* x_hat, const T* mean_g, const T* mean_gx, const T* factor,
                                std::int64_t rows, std::int64_t channels, T* dx);
};

/// Each level's table, defined in its build of batch_norm_kernels.cpp.
namespace sse2 { extern const FloatingKernels<BatchNormKernels> batch_norm; }
namespace avx2 { extern const FloatingKernels<BatchNormKernels> batch_norm; }
namespace avx512 { extern const FloatingKernels<BatchNormKernels> batch_norm; }

}  // namespace xgrad::simd
