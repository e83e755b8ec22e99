// The kernels of kernel_table.hpp at one vector level. lib/meson.build
// compiles this file once per level, with that level's -m flags and
// -DXGRAD_ISA=<level>; xsimd::batch<T> is then the level's widest vector and
// the plain loops are vectorized for it.
//
// Every function here lives in an anonymous namespace inside
// xgrad::simd::XGRAD_ISA, and the headers are only <cstdint>, xsimd and
// templates instantiated with those local types: no out-of-line function
// compiled with AVX can stand in for a baseline copy of the same name
// (tests/core/portable_check.py checks the library's disassembly).
#include <cstdint>

// GCC 12 reports -Wmaybe-uninitialized (at -O1, -Wuninitialized) inside its
// own AVX-512 intrinsics (_mm512_undefined_*, GCC bug 105593) wherever xsimd
// inlines them; the diagnostic state is tracked by location, so silencing it
// around the include covers exactly those system-header lines (clang has no
// -Wmaybe-uninitialized).
#pragma GCC diagnostic push
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <xsimd/xsimd.hpp>
#pragma GCC diagnostic pop

#include "simd/binary_loop.hpp"
#include "simd/kernel_table.hpp"

namespace xgrad::simd::XGRAD_ISA {
namespace {

/// mask ? a : b for one value (bool mask) or per lane (xsimd::batch_bool),
/// so one functor serves a kernel's vector body and its scalar tail.
template <class T> T choose(bool mask, T a, T b) { return mask ? a : b; }
template <class T, class A>
xsimd::batch<T, A> choose(const xsimd::batch_bool<T, A>& mask, const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b) {
    return xsimd::select(mask, a, b);
}

/// out[i] = f(x[i]), f callable on T and on xsimd::batch<T>.
template <class T, class F> void map_unary(const T* x, T* out, std::int64_t n, F f) {
    using B = xsimd::batch<T>;
    constexpr std::int64_t width = static_cast<std::int64_t>(B::size);
    std::int64_t i = 0;
    for (; i + width <= n; i += width) f(B::load_unaligned(x + i)).store_unaligned(out + i);
    for (; i < n; ++i) out[i] = f(x[i]);
}

/// out[i] = f(a[i], b[i]), f callable on two T and on two xsimd::batch<T>.
template <class T, class F> void map_binary(const T* a, const T* b, T* out, std::int64_t n, F f) {
    using B = xsimd::batch<T>;
    constexpr std::int64_t width = static_cast<std::int64_t>(B::size);
    std::int64_t i = 0;
    for (; i + width <= n; i += width) f(B::load_unaligned(a + i), B::load_unaligned(b + i)).store_unaligned(out + i);
    for (; i < n; ++i) out[i] = f(a[i], b[i]);
}

// Unary functions for T and xsimd::batch<T> alike.
struct Exp { template <class V> V operator()(V v) const { return xsimd::exp(v); } };
struct Log { template <class V> V operator()(V v) const { return xsimd::log(v); } };
struct Log1p { template <class V> V operator()(V v) const { return xsimd::log1p(v); } };
struct Expm1 { template <class V> V operator()(V v) const { return xsimd::expm1(v); } };
struct Sqrt { template <class V> V operator()(V v) const { return xsimd::sqrt(v); } };
struct Abs { template <class V> V operator()(V v) const { return xsimd::abs(v); } };
struct Erf { template <class V> V operator()(V v) const { return xsimd::erf(v); } };
struct Tanh { template <class V> V operator()(V v) const { return xsimd::tanh(v); } };
// 1/(1 + e^-x) never overflows to NaN: e^-x → inf gives 0, e^-x → 0 gives 1.
struct Sigmoid { template <class V> V operator()(V v) const { return V(1) / (V(1) + xsimd::exp(-v)); } };
// x < 0 ? 0 : x rather than max(x, 0): NaN stays NaN in the vector body and
// the scalar tail alike (maxps would give 0 there, the scalar max NaN).
struct Relu { template <class V> V operator()(V v) const { return choose(v < V(0), V(0), v); } };
struct Softplus {
    template <class V> V operator()(V v) const { return xsimd::max(v, V(0)) + xsimd::log1p(xsimd::exp(-xsimd::abs(v))); }
};
struct Square { template <class V> V operator()(V v) const { return v * v; } };

template <class T, class F> void unary(const T* x, T* out, std::int64_t n) { map_unary(x, out, n, F{}); }

// Binary functions on T; the loops are left to the compiler.
struct Add { template <class T> T operator()(T x, T y) const { return x + y; } };
struct Sub { template <class T> T operator()(T x, T y) const { return x - y; } };
struct Mul { template <class T> T operator()(T x, T y) const { return x * y; } };
struct Div { template <class T> T operator()(T x, T y) const { return x / y; } };
struct Maximum { template <class T> T operator()(T x, T y) const { return x >= y ? x : y; } };
struct Minimum { template <class T> T operator()(T x, T y) const { return x <= y ? x : y; } };
// Selecting between two constants (rather than converting the bool) lets the compiler vectorize.
struct Eq { template <class T> T operator()(T x, T y) const { return x == y ? T(1) : T(0); } };
struct Ne { template <class T> T operator()(T x, T y) const { return x != y ? T(1) : T(0); } };
struct Lt { template <class T> T operator()(T x, T y) const { return x < y ? T(1) : T(0); } };
struct Le { template <class T> T operator()(T x, T y) const { return x <= y ? T(1) : T(0); } };
struct Gt { template <class T> T operator()(T x, T y) const { return x > y ? T(1) : T(0); } };
struct Ge { template <class T> T operator()(T x, T y) const { return x >= y ? T(1) : T(0); } };

template <class T, class F>
void binary(const T* a, std::int64_t da, const T* b, std::int64_t db, T* out, std::int64_t n) {
    binary_loop<T>(F{}, a, da, b, db, out, n);
}

/// min(x, 0), but NaN for NaN (minps and the scalar xsimd::min give 0).
template <class V> V nonpositive_part(V v) { return choose(v > V(0), V(0), v); }

template <class T> void scaled_elu(const T* x, T* out, std::int64_t n, T scale, T scale_alpha) {
    map_unary(x, out, n, [scale, scale_alpha](auto v) {
        using V = decltype(v);
        // expm1 of min(x, 0): the unused branch never overflows.
        return choose(v > V(0), V(scale) * v, V(scale_alpha) * xsimd::expm1(nonpositive_part(v)));
    });
}

template <class T> void scaled_elu_grad(const T* g, const T* x, T* out, std::int64_t n, T scale, T scale_alpha) {
    map_binary(g, x, out, n, [scale, scale_alpha](auto gv, auto xv) {
        using V = decltype(xv);
        return gv * choose(xv > V(0), V(scale), V(scale_alpha) * xsimd::exp(nonpositive_part(xv)));
    });
}

// Branch-free over channels, so the compiler vectorizes it.
template <class T>
void max_pool_step(const T* pixel, T* best, std::int32_t* winner, std::int32_t index, std::int64_t c) {
    for (std::int64_t ch = 0; ch < c; ++ch) {
        const T v = pixel[ch], current = best[ch];
        // Larger, or the first NaN (v != v) over a number.
        const bool take = v > current || (v != v && current == current);
        best[ch] = take ? v : current;
        winner[ch] = take ? index : winner[ch];
    }
}

template <class T> void adam(T* g, T* m, T* v, std::int64_t n, T c1, T c2, T scale, T eps) {
    const auto step = [=](auto& gv, auto& mv, auto& vv) {
        mv += (gv - mv) * c1;
        vv += (gv * gv - vv) * c2;
        gv = mv * scale / (xsimd::sqrt(vv) + eps);
    };
    using B = xsimd::batch<T>;
    constexpr std::int64_t width = static_cast<std::int64_t>(B::size);
    std::int64_t i = 0;
    for (; i + width <= n; i += width) {
        B gb = B::load_unaligned(g + i), mb = B::load_unaligned(m + i), vb = B::load_unaligned(v + i);
        step(gb, mb, vb);
        gb.store_unaligned(g + i);
        mb.store_unaligned(m + i);
        vb.store_unaligned(v + i);
    }
    for (; i < n; ++i) step(g[i], m[i], v[i]);
}

template <class T> void add_to(T* p, const T* u, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) p[i] += u[i];
}

template <class T> void scale(T* p, std::int64_t n, T factor) {
    for (std::int64_t i = 0; i < n; ++i) p[i] *= factor;
}

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

template <class T> constexpr TypedKernels<T> typed_kernels() {
    TypedKernels<T> k{};
    const auto set_unary = [&k](Unary f, typename TypedKernels<T>::UnaryFn fn) { k.unary[static_cast<int>(f)] = fn; };
    set_unary(Unary::exp, unary<T, Exp>);
    set_unary(Unary::log, unary<T, Log>);
    set_unary(Unary::log1p, unary<T, Log1p>);
    set_unary(Unary::expm1, unary<T, Expm1>);
    set_unary(Unary::sqrt, unary<T, Sqrt>);
    set_unary(Unary::abs, unary<T, Abs>);
    set_unary(Unary::erf, unary<T, Erf>);
    set_unary(Unary::tanh, unary<T, Tanh>);
    set_unary(Unary::sigmoid, unary<T, Sigmoid>);
    set_unary(Unary::relu, unary<T, Relu>);
    set_unary(Unary::softplus, unary<T, Softplus>);
    set_unary(Unary::square, unary<T, Square>);
    const auto set_binary = [&k](Binary f, typename TypedKernels<T>::BinaryFn fn) { k.binary[static_cast<int>(f)] = fn; };
    set_binary(Binary::add, binary<T, Add>);
    set_binary(Binary::sub, binary<T, Sub>);
    set_binary(Binary::mul, binary<T, Mul>);
    set_binary(Binary::div, binary<T, Div>);
    set_binary(Binary::maximum, binary<T, Maximum>);
    set_binary(Binary::minimum, binary<T, Minimum>);
    set_binary(Binary::eq, binary<T, Eq>);
    set_binary(Binary::ne, binary<T, Ne>);
    set_binary(Binary::lt, binary<T, Lt>);
    set_binary(Binary::le, binary<T, Le>);
    set_binary(Binary::gt, binary<T, Gt>);
    set_binary(Binary::ge, binary<T, Ge>);
    k.scaled_elu = scaled_elu<T>;
    k.scaled_elu_grad = scaled_elu_grad<T>;
    k.max_pool_step = max_pool_step<T>;
    k.adam = adam<T>;
    k.add_to = add_to<T>;
    k.scale = scale<T>;
    k.channel_sums = channel_sums<T>;
    k.channel_squared_deviations = channel_squared_deviations<T>;
    k.channel_sums_with_products = channel_sums_with_products<T>;
    k.normalize_rows = normalize_rows<T>;
    k.input_gradient_rows = input_gradient_rows<T>;
    return k;
}

}  // namespace

extern const KernelTable table;
const KernelTable table{Level::XGRAD_ISA, typed_kernels<float>(), typed_kernels<double>()};

}  // namespace xgrad::simd::XGRAD_ISA
