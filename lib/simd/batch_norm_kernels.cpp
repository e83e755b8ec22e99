// The batch-normalization kernels of batch_norm_kernels.hpp,
// compiled once per vector level: lib/meson.build builds it with that
// level's -m flags and -DXGRAD_ISA=<level>, and dispatch.cpp picks one
// level per process.
//
// Every function here lives in an anonymous namespace inside
// xgrad::simd::XGRAD_ISA, and the headers are only <cstdint>, xsimd and
// templates instantiated with those local types: no out-of-line function
// compiled with AVX can stand in for a baseline copy of the same name
// (tests/core/portable_check.py checks the library's disassembly).
#include <cstdint>

#include "simd/batch_norm_kernels.hpp"

namespace xgrad::simd::XGRAD_ISA {
namespace {

// Batch normalization: each loop runs over the channels of one row (restrict:
// vectorized without alias checks), so every per-channel sum adds its rows in
// order at any vector width.
template <class T>
void channel_sums(const T* __restrict x, std::int64_t rows, std::int64_t channels, double* __restrict sum) {
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = 0; c < channels; ++c) sum[c] += x[r * channels + c];
}

template <class T>
void channel_squared_deviations(const T* __restrict x, const double* __restrict mean, std::int64_t rows,
                                std::int64_t channels, double* __restrict out) {
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = 0; c < channels; ++c) {
            const double d = x[r * channels + c] - mean[c];
            out[c] += d * d;
        }
}

template <class T>
void channel_sums_with_products(const T* __restrict g, const T* __restrict h, std::int64_t rows,
                                std::int64_t channels, double* __restrict sum_g, double* __restrict sum_gh) {
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = 0; c < channels; ++c) {
            const std::int64_t i = r * channels + c;
            sum_g[c] += g[i];
            sum_gh[c] += static_cast<double>(g[i]) * h[i];
        }
}

template <class T>
void normalize_rows(const T* __restrict x, const T* __restrict shift, const T* __restrict inv_std,
                    const T* __restrict scale, const T* __restrict offset, std::int64_t rows, std::int64_t channels,
                    T* __restrict x_hat, T* __restrict y) {
    for (std::int64_t r = 0; r < rows; ++r) {
        const std::int64_t base = r * channels;
        for (std::int64_t c = 0; c < channels; ++c) {
            const T h = (x[base + c] - shift[c]) * inv_std[c];
            x_hat[base + c] = h;
            y[base + c] = h * scale[c] + offset[c];
        }
    }
}

template <class T>
void input_gradient_rows(const T* __restrict g, const T* __restrict x_hat, const T* __restrict mean_g,
                         const T* __restrict mean_gx, const T* __restrict factor, std::int64_t rows,
                         std::int64_t channels, T* __restrict dx) {
    for (std::int64_t r = 0; r < rows; ++r) {
        const std::int64_t base = r * channels;
        for (std::int64_t c = 0; c < channels; ++c)
            dx[base + c] = factor[c] * (g[base + c] - mean_g[c] - x_hat[base + c] * mean_gx[c]);
    }
}

template <class T> constexpr BatchNormKernels<T> kernels() {
    return {channel_sums<T>, channel_squared_deviations<T>, channel_sums_with_products<T>, normalize_rows<T>,
            input_gradient_rows<T>};
}

}  // namespace

const FloatingKernels<BatchNormKernels> batch_norm{kernels<float>(), kernels<double>()};

}  // namespace xgrad::simd::XGRAD_ISA
