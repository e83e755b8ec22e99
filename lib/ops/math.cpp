// Unary elementwise math: forward kernel and backward formula side by side.
#include "xgrad/ops/math.hpp"

#include <cmath>

#include "kernels.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/registry.hpp"

namespace xgrad {

Tensor exp(const Tensor& x) {
    Tensor out = detail::unary_kernel("exp", x, simd::Unary::exp);
    trace_op("exp", {&x}, out);
    record("exp", out, {&x}, [y = SavedTensor::output(out)](const Tensor& g, InputGrads& dx) { dx[0] = mul(g, y.get()); });
    return out;
}

Tensor log(const Tensor& x) {
    Tensor out = detail::unary_kernel("log", x, simd::Unary::log);
    trace_op("log", {&x}, out);
    record("log", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) { dx[0] = div(g, sx.get()); });
    return out;
}

Tensor log1p(const Tensor& x) {
    Tensor out = detail::unary_kernel("log1p", x, simd::Unary::log1p);
    trace_op("log1p", {&x}, out);
    record("log1p", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = div(g, sx.get() + 1.0);
    });
    return out;
}

Tensor expm1(const Tensor& x) {
    Tensor out = detail::unary_kernel("expm1", x, simd::Unary::expm1);
    trace_op("expm1", {&x}, out);
    record("expm1", out, {&x}, [y = SavedTensor::output(out)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, y.get() + 1.0);
    });
    return out;
}

Tensor sqrt(const Tensor& x) {
    Tensor out = detail::unary_kernel("sqrt", x, simd::Unary::sqrt);
    trace_op("sqrt", {&x}, out);
    record("sqrt", out, {&x}, [y = SavedTensor::output(out)](const Tensor& g, InputGrads& dx) {
        dx[0] = div(g, y.get() * 2.0);
    });
    return out;
}

Tensor rsqrt(const Tensor& x) {
    Tensor out = detail::unary_loop("rsqrt", x, [](auto v) { return 1 / std::sqrt(v); });
    // d(x^-1/2) = -1/2 x^-3/2 = -1/2 y³
    trace_op("rsqrt", {&x}, out);
    record("rsqrt", out, {&x}, [y = SavedTensor::output(out)](const Tensor& g, InputGrads& dx) {
        const Tensor r = y.get();
        dx[0] = mul(g, mul(mul(r, r), r) * -0.5);
    });
    return out;
}

Tensor abs(const Tensor& x) {
    Tensor out = detail::unary_kernel("abs", x, simd::Unary::abs);
    trace_op("abs", {&x}, out);
    record("abs", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) { dx[0] = mul(g, sign(sx.get())); });
    return out;
}

Tensor sign(const Tensor& x) {
    Tensor out(x.shape(), x.dtype());
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        detail::map_unary(x.data<T>(), out.data<T>(), x.numel(),
                          [](T v) { return static_cast<T>((T(0) < v) - (v < T(0))); });
    });
    trace_op("sign", {&x}, out);
    return out;
}

Tensor square(const Tensor& x) {
    Tensor out = detail::unary_kernel("square", x, simd::Unary::square);
    trace_op("square", {&x}, out);
    record("square", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, sx.get() * 2.0);
    });
    return out;
}

Tensor reciprocal(const Tensor& x) {
    Tensor out = detail::unary_loop("reciprocal", x, [](auto v) { return 1 / v; });
    trace_op("reciprocal", {&x}, out);
    record("reciprocal", out, {&x}, [y = SavedTensor::output(out)](const Tensor& g, InputGrads& dx) {
        dx[0] = neg(mul(g, square(y.get())));
    });
    return out;
}

Tensor clamp(const Tensor& x, std::optional<double> lo, std::optional<double> hi) {
    if (lo && hi && *lo > *hi) {
        throw ValueError("clamp: lower bound " + std::to_string(*lo) + " is above upper bound " + std::to_string(*hi));
    }
    detail::check_floating("clamp", x);
    const double l = lo.value_or(-INFINITY), h = hi.value_or(INFINITY);
    Tensor out = detail::unary_loop("clamp", x, [l, h](auto v) {
        using T = decltype(v);
        return v < T(l) ? T(l) : (v > T(h) ? T(h) : v);
    });
    trace_op("clamp", {&x}, out, [&] {
        OpAttributes bounds;
        if (lo) bounds.push_back({"min", *lo});
        if (hi) bounds.push_back({"max", *hi});
        return bounds;
    });
    record("clamp", out, {&x}, [sx = SavedTensor(x), l, h](const Tensor& g, InputGrads& dx) {
        const Tensor x = sx.get();
        const Tensor inside = mul(ge(x, scalar(l, x.dtype())).to(x.dtype()), le(x, scalar(h, x.dtype())).to(x.dtype()));
        dx[0] = mul(g, inside);
    });
    return out;
}

Tensor erf(const Tensor& x) {
    Tensor out = detail::unary_kernel("erf", x, simd::Unary::erf);
    trace_op("erf", {&x}, out);
    record("erf", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        const Tensor x = sx.get();
        dx[0] = mul(g, exp(neg(mul(x, x))) * (2.0 / std::sqrt(3.14159265358979323846)));
    });
    return out;
}

XGRAD_REGISTER_OP(erf, differentiable);
XGRAD_REGISTER_OP(exp, differentiable);
XGRAD_REGISTER_OP(log, differentiable);
XGRAD_REGISTER_OP(log1p, differentiable);
XGRAD_REGISTER_OP(expm1, differentiable);
XGRAD_REGISTER_OP(sqrt, differentiable);
XGRAD_REGISTER_OP(rsqrt, differentiable);
XGRAD_REGISTER_OP(abs, differentiable);
XGRAD_REGISTER_OP(sign, not_differentiable);
XGRAD_REGISTER_OP(square, differentiable);
XGRAD_REGISTER_OP(reciprocal, differentiable);
XGRAD_REGISTER_OP(clamp, differentiable);

}  // namespace xgrad
