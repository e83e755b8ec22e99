// Trigonometric and hyperbolic functions: forward and backward side by
// side. Backward formulas are xgrad ops, so higher orders come for free.
#include "xgrad/ops/trigonometric.hpp"

#include <cmath>

#include "kernels.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/registry.hpp"

namespace xgrad {

namespace {

/// 1 − x² (for asin, acos, atanh).
Tensor one_minus_square(const Tensor& x) { return neg(square(x)) + 1.0; }

}  // namespace

Tensor sin(const Tensor& x) {
    Tensor out = detail::unary_loop("sin", x, [](auto v) { return std::sin(v); });
    record("sin", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) { dx[0] = mul(g, cos(sx.get())); });
    return out;
}

Tensor cos(const Tensor& x) {
    Tensor out = detail::unary_loop("cos", x, [](auto v) { return std::cos(v); });
    record("cos", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = neg(mul(g, sin(sx.get())));
    });
    return out;
}

Tensor tan(const Tensor& x) {
    Tensor out = detail::unary_loop("tan", x, [](auto v) { return std::tan(v); });
    record("tan", out, {&x}, [y = SavedTensor::output(out)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, square(y.get()) + 1.0);
    });
    return out;
}

Tensor asin(const Tensor& x) {
    Tensor out = detail::unary_loop("asin", x, [](auto v) { return std::asin(v); });
    record("asin", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, rsqrt(one_minus_square(sx.get())));
    });
    return out;
}

Tensor acos(const Tensor& x) {
    Tensor out = detail::unary_loop("acos", x, [](auto v) { return std::acos(v); });
    record("acos", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = neg(mul(g, rsqrt(one_minus_square(sx.get()))));
    });
    return out;
}

Tensor atan(const Tensor& x) {
    Tensor out = detail::unary_loop("atan", x, [](auto v) { return std::atan(v); });
    record("atan", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = div(g, square(sx.get()) + 1.0);
    });
    return out;
}

Tensor sinh(const Tensor& x) {
    Tensor out = detail::unary_loop("sinh", x, [](auto v) { return std::sinh(v); });
    record("sinh", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) { dx[0] = mul(g, cosh(sx.get())); });
    return out;
}

Tensor cosh(const Tensor& x) {
    Tensor out = detail::unary_loop("cosh", x, [](auto v) { return std::cosh(v); });
    record("cosh", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) { dx[0] = mul(g, sinh(sx.get())); });
    return out;
}

Tensor asinh(const Tensor& x) {
    Tensor out = detail::unary_loop("asinh", x, [](auto v) { return std::asinh(v); });
    record("asinh", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, rsqrt(square(sx.get()) + 1.0));
    });
    return out;
}

Tensor acosh(const Tensor& x) {
    Tensor out = detail::unary_loop("acosh", x, [](auto v) { return std::acosh(v); });
    record("acosh", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, rsqrt(square(sx.get()) - 1.0));
    });
    return out;
}

Tensor atanh(const Tensor& x) {
    Tensor out = detail::unary_loop("atanh", x, [](auto v) { return std::atanh(v); });
    record("atanh", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = div(g, one_minus_square(sx.get()));
    });
    return out;
}

XGRAD_REGISTER_OP(sin, differentiable);
XGRAD_REGISTER_OP(cos, differentiable);
XGRAD_REGISTER_OP(tan, differentiable);
XGRAD_REGISTER_OP(asin, differentiable);
XGRAD_REGISTER_OP(acos, differentiable);
XGRAD_REGISTER_OP(atan, differentiable);
XGRAD_REGISTER_OP(sinh, differentiable);
XGRAD_REGISTER_OP(cosh, differentiable);
XGRAD_REGISTER_OP(asinh, differentiable);
XGRAD_REGISTER_OP(acosh, differentiable);
XGRAD_REGISTER_OP(atanh, differentiable);

}  // namespace xgrad
