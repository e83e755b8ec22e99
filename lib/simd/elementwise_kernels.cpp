// The elementwise kernels of elementwise_kernels.hpp,
// compiled once per vector level: lib/meson.build builds it with that
// level's -m flags and -DXGRAD_ISA=<level>, and dispatch.cpp picks one
// level per process.
//
// Every function here lives in an anonymous namespace inside
// xgrad::simd::XGRAD_ISA, and the headers are only <cstdint>, xsimd and
// templates instantiated with those local types: no out-of-line function
// compiled with AVX can stand in for a baseline copy of the same name
// (tests/core/portable_check.py checks the library's disassembly).
//
// xsimd::batch<T> is the level's widest vector, and the plain loops are
// vectorized for it.
#include <cstdint>
#include <limits>

#include "simd/binary_loop.hpp"
#include "simd/elementwise_kernels.hpp"
#include "simd/xsimd.hpp"

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
// xsimd's trigonometric functions reduce large arguments exactly (per lane,
// by fdlibm's __ieee754_rem_pio2, past |x| ≈ 8.2e5, float32 past 201), so
// they stay within a few ulp of std:: everywhere (tests/core/simd_test.cpp
// measures the bounds).
struct Sin { template <class V> V operator()(V v) const { return xsimd::sin(v); } };
struct Cos { template <class V> V operator()(V v) const { return xsimd::cos(v); } };
struct Tan { template <class V> V operator()(V v) const { return xsimd::tan(v); } };
struct Asin { template <class V> V operator()(V v) const { return xsimd::asin(v); } };
struct Acos { template <class V> V operator()(V v) const { return xsimd::acos(v); } };
struct Atan { template <class V> V operator()(V v) const { return xsimd::atan(v); } };
struct Sinh { template <class V> V operator()(V v) const { return xsimd::sinh(v); } };
struct Cosh { template <class V> V operator()(V v) const { return xsimd::cosh(v); } };
struct Asinh { template <class V> V operator()(V v) const { return xsimd::asinh(v); } };
// xsimd's vector acosh gives numbers below 1 (log of x + sqrt(x² − 1) for
// negative x); std::acosh gives NaN there.
struct Acosh {
    template <class V> V operator()(V v) const {
        return choose(v < V(1), V(std::numeric_limits<double>::quiet_NaN()), xsimd::acosh(v));
    }
};
struct Atanh { template <class V> V operator()(V v) const { return xsimd::atanh(v); } };

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

template <class T> constexpr ElementwiseKernels<T> kernels() {
    ElementwiseKernels<T> k{};
    const auto set_unary = [&k](Unary f, typename ElementwiseKernels<T>::UnaryFn fn) { k.unary[static_cast<int>(f)] = fn; };
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
    set_unary(Unary::sin, unary<T, Sin>);
    set_unary(Unary::cos, unary<T, Cos>);
    set_unary(Unary::tan, unary<T, Tan>);
    set_unary(Unary::asin, unary<T, Asin>);
    set_unary(Unary::acos, unary<T, Acos>);
    set_unary(Unary::atan, unary<T, Atan>);
    set_unary(Unary::sinh, unary<T, Sinh>);
    set_unary(Unary::cosh, unary<T, Cosh>);
    set_unary(Unary::asinh, unary<T, Asinh>);
    set_unary(Unary::acosh, unary<T, Acosh>);
    set_unary(Unary::atanh, unary<T, Atanh>);
    const auto set_binary = [&k](Binary f, typename ElementwiseKernels<T>::BinaryFn fn) { k.binary[static_cast<int>(f)] = fn; };
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
    return k;
}

}  // namespace

const FloatingKernels<ElementwiseKernels> elementwise{kernels<float>(), kernels<double>()};

}  // namespace xgrad::simd::XGRAD_ISA
