// Binary elementwise ops: forward kernel and backward formula side by side.
#include "xgrad/ops/elementwise.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <type_traits>

#include "kernels.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

namespace {

/// Broadcasts, checks dtypes and runs f on every element pair; with a
/// `kernel`, floating dtypes run that kernel of this CPU's vector level
/// instead (f then serves int64).
template <class F>
Tensor binary(const char* op, const Tensor& a, const Tensor& b, F f, std::optional<simd::Binary> kernel = {}) {
    detail::check_same_dtype(op, a, b);
    Tensor out(broadcast_shapes(a.shape(), b.shape(), op), a.dtype());
    visit_dtype(a.dtype(), [&](auto tag) {
        using T = decltype(tag);
        if constexpr (std::is_floating_point_v<T>) {
            if (kernel) return detail::map_binary_kernel<T>(a, b, out, *kernel);
        }
        detail::map_binary<T>(a, b, out, [f](T x, T y) { return static_cast<T>(f(x, y)); });
    });
    return out;
}

/// A comparison as a bool mask, on operands of any (equal) dtype: no
/// arithmetic, so bool and uint8 compare too.
template <class F> Tensor compare(const char* op, const Tensor& a, const Tensor& b, F f) {
    detail::check_same_dtype(op, a, b);
    Tensor out(broadcast_shapes(a.shape(), b.shape(), op), boolean);
    visit_any_dtype(a.dtype(), [&](auto tag) {
        using T = decltype(tag);
        detail::map_binary<T, bool>(a, b, out, [f](T x, T y) -> bool { return f(x, y); });
    });
    trace_op(op, {&a, &b}, out);
    return out;
}

Tensor to_shape(const Tensor& g, const Tensor& like) { return sum_to_shape(g, like.shape()); }

Tensor scalar_like(const Tensor& a, double s) { return scalar(s, a.dtype()); }

/// out[i] = a[i] ∘ s with s converted to a's dtype as scalar(s, dtype) does:
/// `kernel` for floating dtypes, f for int64.
template <class F>
Tensor binary_scalar(const Tensor& a, double s, simd::Binary kernel, F f) {
    Tensor out(a.shape(), a.dtype());
    visit_dtype(a.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T sv = static_cast<T>(s);
        if constexpr (std::is_floating_point_v<T>)
            simd::elementwise_kernels<T>()[kernel](a.data<T>(), 1, &sv, 0, out.data<T>(), a.numel());
        else
            simd::binary_loop<T>([f](T x, T y) { return static_cast<T>(f(x, y)); }, a.data<T>(), 1, &sv, 0,
                                 out.data<T>(), a.numel());
    });
    return out;
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
    Tensor out = binary("add", a, b, [](auto x, auto y) { return x + y; }, simd::Binary::add);
    trace_op("add", {&a, &b}, out);
    record("add", out, {&a, &b}, [sa = a.shape(), sb = b.shape()](const Tensor& g, InputGrads& dx) {
        if (dx.needs(0)) dx[0] = sum_to_shape(g, sa);
        if (dx.needs(1)) dx[1] = sum_to_shape(g, sb);
    });
    return out;
}

Tensor sub(const Tensor& a, const Tensor& b) {
    Tensor out = binary("sub", a, b, [](auto x, auto y) { return x - y; }, simd::Binary::sub);
    trace_op("sub", {&a, &b}, out);
    record("sub", out, {&a, &b}, [sa = a.shape(), sb = b.shape()](const Tensor& g, InputGrads& dx) {
        if (dx.needs(0)) dx[0] = sum_to_shape(g, sa);
        if (dx.needs(1)) dx[1] = sum_to_shape(neg(g), sb);
    });
    return out;
}

Tensor mul(const Tensor& a, const Tensor& b) {
    Tensor out = binary("mul", a, b, [](auto x, auto y) { return x * y; }, simd::Binary::mul);
    trace_op("mul", {&a, &b}, out);
    record("mul", out, {&a, &b}, [sa = SavedTensor(a), sb = SavedTensor(b)](const Tensor& g, InputGrads& dx) {
        const Tensor a = sa.get(), b = sb.get();
        if (dx.needs(0)) dx[0] = to_shape(mul(g, b), a);
        if (dx.needs(1)) dx[1] = to_shape(mul(g, a), b);
    });
    return out;
}

Tensor mul(const Tensor& a, double s) {
    Tensor out = binary_scalar(a, s, simd::Binary::mul, [](auto x, auto y) { return x * y; });
    trace_op("mul_scalar", {&a}, out, [s] { return OpAttributes{{"scalar", s}}; });
    record("mul_scalar", out, {&a}, [s](const Tensor& g, InputGrads& dx) { dx[0] = mul(g, s); });
    return out;
}

Tensor add(const Tensor& a, double s) {
    Tensor out = binary_scalar(a, s, simd::Binary::add, [](auto x, auto y) { return x + y; });
    trace_op("add_scalar", {&a}, out, [s] { return OpAttributes{{"scalar", s}}; });
    record("add_scalar", out, {&a}, [](const Tensor& g, InputGrads& dx) { dx[0] = g; });
    return out;
}

Tensor div(const Tensor& a, const Tensor& b) {
    // Integer division by zero (and INT64_MIN / −1) would trap the process:
    // such elements give 0 and the op throws instead.
    bool undefined = false;
    const auto divide = [&undefined](auto x, auto y) {
        using T = decltype(x);
        if constexpr (std::is_integral_v<T>) {
            if (y == 0 || (y == -1 && x == std::numeric_limits<T>::min())) {
                undefined = true;
                return T(0);
            }
        }
        return x / y;
    };
    Tensor out = binary("div", a, b, divide, simd::Binary::div);
    if (undefined) {
        throw ValueError("div: integer division by zero (or of the smallest int64 by -1) in " +
                         std::string(dtype_name(a.dtype())) + " tensors of shapes " + to_string(a.shape()) + " and " +
                         to_string(b.shape()));
    }
    trace_op("div", {&a, &b}, out);
    record("div", out, {&a, &b}, [sa = SavedTensor(a), sb = SavedTensor(b)](const Tensor& g, InputGrads& dx) {
        const Tensor a = sa.get(), b = sb.get();
        const Tensor g_over_b = div(g, b);
        if (dx.needs(0)) dx[0] = to_shape(g_over_b, a);
        // d(a/b)/db = -a/b² = -(g/b)·(a/b)
        if (dx.needs(1)) dx[1] = to_shape(neg(mul(g_over_b, div(a, b))), b);
    });
    return out;
}

Tensor neg(const Tensor& a) {
    Tensor out(a.shape(), a.dtype());
    visit_dtype(a.dtype(), [&](auto tag) {
        using T = decltype(tag);
        detail::map_unary(a.data<T>(), out.data<T>(), a.numel(), [](T x) { return static_cast<T>(-x); });
    });
    trace_op("neg", {&a}, out);
    record("neg", out, {&a}, [](const Tensor& g, InputGrads& dx) { dx[0] = neg(g); });
    return out;
}

Tensor pow(const Tensor& a, const Tensor& b) {
    detail::check_floating("pow", a);
    Tensor out = binary("pow", a, b, [](auto x, auto y) { return std::pow(x, y); });
    trace_op("pow", {&a, &b}, out);
    record("pow", out, {&a, &b},
           [sa = SavedTensor(a), sb = SavedTensor(b), so = SavedTensor::output(out)](
               const Tensor& g, InputGrads& dx) {
               const Tensor a = sa.get(), b = sb.get();
               if (dx.needs(0)) dx[0] = to_shape(mul(g, mul(b, pow(a, sub(b, scalar_like(b, 1))))), a);
               if (dx.needs(1)) dx[1] = to_shape(mul(g, mul(so.get(), log(a))), b);
           });
    return out;
}

Tensor pow(const Tensor& a, double p) {
    detail::check_floating("pow", a);
    Tensor out(a.shape(), a.dtype());
    visit_floating(a.dtype(), "pow", [&](auto tag) {
        using T = decltype(tag);
        const T* x = a.data<T>();
        T* o = out.data<T>();
        const std::int64_t n = a.numel();
        if (p == 2.0) {
            for (std::int64_t i = 0; i < n; ++i) o[i] = x[i] * x[i];
        } else {
            const T e = static_cast<T>(p);
            for (std::int64_t i = 0; i < n; ++i) o[i] = std::pow(x[i], e);
        }
    });
    trace_op("pow_scalar", {&a}, out, [p] { return OpAttributes{{"exponent", p}}; });
    record("pow_scalar", out, {&a}, [sa = SavedTensor(a), p](const Tensor& g, InputGrads& dx) {
        const Tensor a = sa.get();
        dx[0] = p == 2.0 ? mul(g, mul(a, scalar_like(a, 2.0))) : mul(g, mul(pow(a, p - 1.0), scalar_like(a, p)));
    });
    return out;
}

Tensor maximum(const Tensor& a, const Tensor& b) {
    detail::check_floating("maximum", a);
    Tensor out = binary("maximum", a, b, [](auto x, auto y) { return x >= y ? x : y; }, simd::Binary::maximum);
    trace_op("maximum", {&a, &b}, out);
    record("maximum", out, {&a, &b}, [sa = SavedTensor(a), sb = SavedTensor(b)](const Tensor& g, InputGrads& dx) {
        const Tensor a = sa.get(), b = sb.get();
        const Tensor a_wins = ge(a, b);
        const Tensor zero = zeros({}, g.dtype());
        if (dx.needs(0)) dx[0] = to_shape(where(a_wins, g, zero), a);
        if (dx.needs(1)) dx[1] = to_shape(where(a_wins, zero, g), b);
    });
    return out;
}

Tensor minimum(const Tensor& a, const Tensor& b) {
    detail::check_floating("minimum", a);
    Tensor out = binary("minimum", a, b, [](auto x, auto y) { return x <= y ? x : y; }, simd::Binary::minimum);
    trace_op("minimum", {&a, &b}, out);
    record("minimum", out, {&a, &b}, [sa = SavedTensor(a), sb = SavedTensor(b)](const Tensor& g, InputGrads& dx) {
        const Tensor a = sa.get(), b = sb.get();
        const Tensor a_wins = le(a, b);
        const Tensor zero = zeros({}, g.dtype());
        if (dx.needs(0)) dx[0] = to_shape(where(a_wins, g, zero), a);
        if (dx.needs(1)) dx[1] = to_shape(where(a_wins, zero, g), b);
    });
    return out;
}

Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b) {
    const CompositeOpTrace trace;  // one Where: the expands inside are not traced
    if (condition.dtype() != boolean) {
        throw DtypeError("where: the condition is " + std::string(dtype_name(condition.dtype())) +
                         ", expected bool; convert a 0/1 mask with .to(xgrad::boolean) (comparisons return bool)");
    }
    detail::check_same_dtype("where", a, b);
    const Shape ab = broadcast_shapes(a.shape(), b.shape(), "where");
    const Shape shape = broadcast_shapes(condition.shape(), ab, "where");
    Tensor out(shape, a.dtype());
    {
        NoGradGuard no_grad;
        const Tensor a_full = expand(a, shape), b_full = expand(b, shape), c_full = expand(condition, shape);
        visit_any_dtype(a.dtype(), [&](auto tag) {
            using T = decltype(tag);
            const bool* c = c_full.data<bool>();
            const T* x = a_full.data<T>();
            const T* y = b_full.data<T>();
            T* o = out.data<T>();
            for (std::int64_t i = 0; i < out.numel(); ++i) o[i] = c[i] ? x[i] : y[i];
        });
    }
    trace.record("where", {&condition, &a, &b}, out);
    record("where", out, {&a, &b},
           [sc = SavedTensor(condition), sa = a.shape(), sb = b.shape()](const Tensor& g, InputGrads& dx) {
               const Tensor condition = sc.get();
               const Tensor zero = zeros({}, g.dtype());
               if (dx.needs(0)) dx[0] = sum_to_shape(where(condition, g, zero), sa);
               if (dx.needs(1)) dx[1] = sum_to_shape(where(condition, zero, g), sb);
           });
    return out;
}

Tensor eq(const Tensor& a, const Tensor& b) { return compare("eq", a, b, [](auto x, auto y) { return x == y; }); }
Tensor ne(const Tensor& a, const Tensor& b) { return compare("ne", a, b, [](auto x, auto y) { return x != y; }); }
Tensor lt(const Tensor& a, const Tensor& b) { return compare("lt", a, b, [](auto x, auto y) { return x < y; }); }
Tensor le(const Tensor& a, const Tensor& b) { return compare("le", a, b, [](auto x, auto y) { return x <= y; }); }
Tensor gt(const Tensor& a, const Tensor& b) { return compare("gt", a, b, [](auto x, auto y) { return x > y; }); }
Tensor ge(const Tensor& a, const Tensor& b) { return compare("ge", a, b, [](auto x, auto y) { return x >= y; }); }

Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator-(const Tensor& a) { return neg(a); }
Tensor operator+(const Tensor& a, double s) { return add(a, s); }
Tensor operator-(const Tensor& a, double s) { return add(a, -s); }
Tensor operator*(const Tensor& a, double s) { return mul(a, s); }
Tensor operator/(const Tensor& a, double s) { return div(a, scalar_like(a, s)); }
Tensor operator+(double s, const Tensor& a) { return add(a, s); }
Tensor operator-(double s, const Tensor& a) { return sub(scalar_like(a, s), a); }
Tensor operator*(double s, const Tensor& a) { return mul(a, s); }
Tensor operator/(double s, const Tensor& a) { return div(scalar_like(a, s), a); }
Tensor operator==(const Tensor& a, const Tensor& b) { return eq(a, b); }
Tensor operator!=(const Tensor& a, const Tensor& b) { return ne(a, b); }
Tensor operator<(const Tensor& a, const Tensor& b) { return lt(a, b); }
Tensor operator<=(const Tensor& a, const Tensor& b) { return le(a, b); }
Tensor operator>(const Tensor& a, const Tensor& b) { return gt(a, b); }
Tensor operator>=(const Tensor& a, const Tensor& b) { return ge(a, b); }
Tensor operator<(const Tensor& a, double s) { return lt(a, scalar_like(a, s)); }
Tensor operator<=(const Tensor& a, double s) { return le(a, scalar_like(a, s)); }
Tensor operator>(const Tensor& a, double s) { return gt(a, scalar_like(a, s)); }
Tensor operator>=(const Tensor& a, double s) { return ge(a, scalar_like(a, s)); }
Tensor operator==(const Tensor& a, double s) { return eq(a, scalar_like(a, s)); }
Tensor operator!=(const Tensor& a, double s) { return ne(a, scalar_like(a, s)); }

XGRAD_REGISTER_OP(add, differentiable);
XGRAD_REGISTER_OP(sub, differentiable);
XGRAD_REGISTER_OP(mul, differentiable);
XGRAD_REGISTER_OP(mul_scalar, differentiable);
XGRAD_REGISTER_OP(add_scalar, differentiable);
XGRAD_REGISTER_OP(div, differentiable);
XGRAD_REGISTER_OP(neg, differentiable);
XGRAD_REGISTER_OP(pow, differentiable);
XGRAD_REGISTER_OP(pow_scalar, differentiable);
XGRAD_REGISTER_OP(maximum, differentiable);
XGRAD_REGISTER_OP(minimum, differentiable);
XGRAD_REGISTER_OP(where, differentiable);
XGRAD_REGISTER_OP(eq, not_differentiable);
XGRAD_REGISTER_OP(ne, not_differentiable);
XGRAD_REGISTER_OP(lt, not_differentiable);
XGRAD_REGISTER_OP(le, not_differentiable);
XGRAD_REGISTER_OP(gt, not_differentiable);
XGRAD_REGISTER_OP(ge, not_differentiable);

}  // namespace xgrad
