#pragma once
// Internal kernel helpers shared by the op files: result allocation, dtype
// checks, and loops over contiguous or broadcast operands. Same-shape loops
// are plain loops the compiler vectorizes (-O3 -march=native); transcendental
// unary functions go through xsimd batches (see map_unary).
#include <cstdint>
#include <string>

// GCC 12 reports -Wmaybe-uninitialized (at -O1, -Wuninitialized) inside its own AVX-512 intrinsics
// (_mm512_undefined_*, GCC bug 105593) wherever xsimd inlines them; the
// diagnostic state is tracked by location, so silencing it around the include
// covers exactly those system-header lines.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <xsimd/xsimd.hpp>
#pragma GCC diagnostic pop

#include "xgrad/core/tensor.hpp"

namespace xgrad::detail {

/// A new uninitialized tensor.
inline Tensor new_tensor(const Shape& shape, Dtype dtype) { return Tensor(shape, dtype); }

/// Throws DtypeError unless a and b have the same dtype.
void check_same_dtype(const char* op, const Tensor& a, const Tensor& b);
/// Throws DtypeError unless t is float32 or float64.
void check_floating(const char* op, const Tensor& t);

/// Strides in elements of a contiguous tensor of shape `from`, viewed as
/// broadcast to `to` (0 along broadcast dimensions; `to` has rank ≥ from's).
Shape broadcast_strides(const Shape& from, const Shape& to);

/// Calls inner(out_offset, a_offset, b_offset, n, a_step, b_step) for each
/// innermost row of `out_shape`, walking a and b with the given strides.
template <class Inner>
void for_each_row(const Shape& out_shape, const Shape& a_strides, const Shape& b_strides,
                  Inner&& inner) {
    const std::size_t rank = out_shape.size();
    if (rank == 0) {
        inner(std::int64_t{0}, std::int64_t{0}, std::int64_t{0}, std::int64_t{1}, std::int64_t{0},
              std::int64_t{0});
        return;
    }
    const std::int64_t n = out_shape[rank - 1];
    const std::int64_t rows = n == 0 ? 0 : out_shape.numel() / n;
    Shape index = Shape::filled(rank, 0);
    std::int64_t ao = 0, bo = 0;
    for (std::int64_t r = 0; r < rows; ++r) {
        inner(r * n, ao, bo, n, a_strides[rank - 1], b_strides[rank - 1]);
        for (std::size_t d = rank - 1; d-- > 0;) {
            ao += a_strides[d];
            bo += b_strides[d];
            if (++index[d] < out_shape[d]) break;
            ao -= a_strides[d] * out_shape[d];
            bo -= b_strides[d] * out_shape[d];
            index[d] = 0;
        }
    }
}

/// out = f(a, b) elementwise with NumPy broadcasting; f works on T values.
template <class T, class F>
void map_binary(const Tensor& a, const Tensor& b, Tensor& out, F f) {
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* po = out.data<T>();
    const std::int64_t n = out.numel();
    if (a.shape() == b.shape()) {
        for (std::int64_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[i]);
    } else if (b.numel() == 1 && a.numel() == n) {
        const T s = pb[0];
        for (std::int64_t i = 0; i < n; ++i) po[i] = f(pa[i], s);
    } else if (a.numel() == 1 && b.numel() == n) {
        const T s = pa[0];
        for (std::int64_t i = 0; i < n; ++i) po[i] = f(s, pb[i]);
    } else {
        const Shape sa = broadcast_strides(a.shape(), out.shape());
        const Shape sb = broadcast_strides(b.shape(), out.shape());
        for_each_row(out.shape(), sa, sb,
                     [&](std::int64_t o, std::int64_t ia, std::int64_t ib, std::int64_t len,
                         std::int64_t da, std::int64_t db) {
                         T* dst = po + o;
                         const T* x = pa + ia;
                         const T* y = pb + ib;
                         if (da == 1 && db == 1) {
                             for (std::int64_t i = 0; i < len; ++i) dst[i] = f(x[i], y[i]);
                         } else if (da == 1 && db == 0) {
                             const T s = *y;
                             for (std::int64_t i = 0; i < len; ++i) dst[i] = f(x[i], s);
                         } else if (da == 0 && db == 1) {
                             const T s = *x;
                             for (std::int64_t i = 0; i < len; ++i) dst[i] = f(s, y[i]);
                         } else {
                             for (std::int64_t i = 0; i < len; ++i) dst[i] = f(x[i * da], y[i * db]);
                         }
                     });
    }
}

/// out[i] = f(x[i]) where f is callable on both T and xsimd::batch<T>
/// (e.g. `[](auto v) { return xsimd::exp(v); }`), so transcendental functions
/// run vectorized.
template <class T, class F>
void map_unary_simd(const T* x, T* out, std::int64_t n, F f) {
    using batch = xsimd::batch<T>;
    constexpr std::int64_t width = static_cast<std::int64_t>(batch::size);
    std::int64_t i = 0;
    for (; i + width <= n; i += width) f(batch::load_unaligned(x + i)).store_unaligned(out + i);
    for (; i < n; ++i) out[i] = f(x[i]);
}

/// mask ? a : b for one value (bool mask) or per lane (xsimd::batch_bool), so
/// one lambda serves map_unary_simd's vector body and its scalar tail.
template <class T> T choose(bool mask, T a, T b) { return mask ? a : b; }
template <class T, class A>
xsimd::batch<T, A> choose(const xsimd::batch_bool<T, A>& mask, const xsimd::batch<T, A>& a,
                          const xsimd::batch<T, A>& b) {
    return xsimd::select(mask, a, b);
}

/// out[i] = f(a[i], b[i]) with f callable on (T, T) and on two xsimd::batch<T>.
template <class T, class F>
void map_binary_simd(const T* a, const T* b, T* out, std::int64_t n, F f) {
    using batch = xsimd::batch<T>;
    constexpr std::int64_t width = static_cast<std::int64_t>(batch::size);
    std::int64_t i = 0;
    for (; i + width <= n; i += width)
        f(batch::load_unaligned(a + i), batch::load_unaligned(b + i)).store_unaligned(out + i);
    for (; i < n; ++i) out[i] = f(a[i], b[i]);
}

/// A new tensor f(x) for a floating x, f callable on T and xsimd::batch<T>;
/// `op` names the caller in the DtypeError for int64.
template <class F> Tensor unary_floating_simd(const char* op, const Tensor& x, F f) {
    check_floating(op, x);
    Tensor out(x.shape(), x.dtype());
    visit_floating(x.dtype(), op, [&](auto tag) {
        using T = decltype(tag);
        map_unary_simd(x.data<T>(), out.data<T>(), x.numel(), f);
    });
    return out;
}

/// out[i] = f(x[i]) with a plain loop (f on T only).
template <class T, class F>
void map_unary(const T* x, T* out, std::int64_t n, F f) {
    for (std::int64_t i = 0; i < n; ++i) out[i] = f(x[i]);
}

}  // namespace xgrad::detail
