#pragma once
// Helpers shared by the optimizer kernels: loops over contiguous data, outside
// autograd, with the dtype dispatched once per tensor. Kernels that need sqrt,
// max or abs run on xsimd batches (the compiler does not vectorize std::sqrt
// without -fno-math-errno); plain arithmetic loops are left to the compiler.
#include <array>
#include <cmath>
#include <cstdint>
#include <tuple>
#include <utility>

// GCC 12 reports -Wmaybe-uninitialized inside its own AVX-512 intrinsics
// (GCC bug 105593) wherever xsimd inlines them (see lib/ops/kernels.hpp).
#pragma GCC diagnostic push
#if !defined(__clang__)  // clang has no -Wmaybe-uninitialized
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <xsimd/xsimd.hpp>
#pragma GCC diagnostic pop

#include "simd/kernels.hpp"
#include "xgrad/core/dtype.hpp"
#include "xgrad/core/tensor.hpp"

namespace xgrad::optim::detail {

/// Calls f(T{}) with T = float or double, the dtype of `t` (DtypeError naming `who` otherwise).
template <class F> void visit(const Tensor& t, const char* who, F&& f) {
    visit_floating(t.dtype(), who, std::forward<F>(f));
}

/// Marks an in-place write of `t` (autograd checks saved tensors' versions).
inline void bump_version(const Tensor& t) { t.impl()->storage->bump_version(); }

// Elementwise functions for both scalars and xsimd batches, so one kernel
// body serves the vector loop and its scalar tail.
inline float vsqrt(float x) { return std::sqrt(x); }
inline double vsqrt(double x) { return std::sqrt(x); }
template <class T, class A> xsimd::batch<T, A> vsqrt(const xsimd::batch<T, A>& x) { return xsimd::sqrt(x); }
inline float vabs(float x) { return std::abs(x); }
inline double vabs(double x) { return std::abs(x); }
template <class T, class A> xsimd::batch<T, A> vabs(const xsimd::batch<T, A>& x) { return xsimd::abs(x); }
inline float vmax(float a, float b) { return a < b ? b : a; }
inline double vmax(double a, double b) { return a < b ? b : a; }
template <class T, class A> xsimd::batch<T, A> vmax(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b) {
    return xsimd::max(a, b);
}

/// For every i < n: loads p[0][i] … p[N−1][i], calls f on references to them
/// (xsimd::batch<T> for the bulk, T for the tail), and stores them back.
///
///     simd_update<T, 2>(n, {u, m}, [=](auto& u, auto& m) { m = m * mu + u; u = m; });
template <class T, std::size_t N, class F>
void simd_update(std::int64_t n, const std::array<T*, N>& p, F&& f) {
    using B = xsimd::batch<T>;
    constexpr std::int64_t width = static_cast<std::int64_t>(B::size);
    std::int64_t i = 0;
    for (; i + width <= n; i += width) {
        std::array<B, N> v;
        for (std::size_t k = 0; k < N; ++k) v[k] = B::load_unaligned(p[k] + i);
        std::apply(f, v);
        for (std::size_t k = 0; k < N; ++k) v[k].store_unaligned(p[k] + i);
    }
    for (; i < n; ++i) {
        std::array<T, N> v;
        for (std::size_t k = 0; k < N; ++k) v[k] = p[k][i];
        std::apply(f, v);
        for (std::size_t k = 0; k < N; ++k) p[k][i] = v[k];
    }
}

/// Σ p[i]² in double (vector partial sums in T over blocks of 256 elements,
/// each block added in double: fast and deterministic).
template <class T> double sum_squares(const T* p, std::int64_t n) {
    using B = xsimd::batch<T>;
    constexpr std::int64_t width = static_cast<std::int64_t>(B::size), block = 256;
    double s = 0.0;
    std::int64_t i = 0;
    for (; i + block <= n; i += block) {
        B acc(T(0));
        for (std::int64_t j = 0; j < block; j += width) {
            const B x = B::load_unaligned(p + i + j);
            acc = xsimd::fma(x, x, acc);
        }
        s += static_cast<double>(xsimd::hadd(acc));
    }
    for (; i < n; ++i) s += static_cast<double>(p[i]) * static_cast<double>(p[i]);
    return s;
}

/// p[i] *= factor.
template <class T> void scale_in_place(T* p, std::int64_t n, double factor) {
    simd::optimizer_kernels<T>().scale(p, n, static_cast<T>(factor));
}

}  // namespace xgrad::optim::detail
