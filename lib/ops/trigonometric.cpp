// Trigonometric and hyperbolic functions: forward and backward side by
// side. The forwards run the vector kernels of this CPU's level (lib/simd);
// the backward formulas are xgrad ops (sin's is cos, and so on, through the
// same kernels), so higher orders come for free.
#include "xgrad/ops/trigonometric.hpp"

#include "kernels.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/registry.hpp"

namespace xgrad {

namespace {

/// 1 − x² (for asin, acos, atanh).
Tensor one_minus_square(const Tensor& x) { return neg(square(x)) + 1.0; }

}  // namespace

Tensor sin(const Tensor& x) {
    Tensor out = detail::unary_kernel("sin", x, simd::Unary::sin);
    trace_op("sin", {&x}, out);
    record("sin", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) { dx[0] = mul(g, cos(sx.get())); });
    return out;
}

Tensor cos(const Tensor& x) {
    Tensor out = detail::unary_kernel("cos", x, simd::Unary::cos);
    trace_op("cos", {&x}, out);
    record("cos", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = neg(mul(g, sin(sx.get())));
    });
    return out;
}

Tensor tan(const Tensor& x) {
    Tensor out = detail::unary_kernel("tan", x, simd::Unary::tan);
    trace_op("tan", {&x}, out);
    record("tan", out, {&x}, [y = SavedTensor::output(out)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, square(y.get()) + 1.0);
    });
    return out;
}

Tensor asin(const Tensor& x) {
    Tensor out = detail::unary_kernel("asin", x, simd::Unary::asin);
    trace_op("asin", {&x}, out);
    record("asin", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, rsqrt(one_minus_square(sx.get())));
    });
    return out;
}

Tensor acos(const Tensor& x) {
    Tensor out = detail::unary_kernel("acos", x, simd::Unary::acos);
    trace_op("acos", {&x}, out);
    record("acos", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = neg(mul(g, rsqrt(one_minus_square(sx.get()))));
    });
    return out;
}

Tensor atan(const Tensor& x) {
    Tensor out = detail::unary_kernel("atan", x, simd::Unary::atan);
    trace_op("atan", {&x}, out);
    record("atan", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = div(g, square(sx.get()) + 1.0);
    });
    return out;
}

Tensor sinh(const Tensor& x) {
    Tensor out = detail::unary_kernel("sinh", x, simd::Unary::sinh);
    trace_op("sinh", {&x}, out);
    record("sinh", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) { dx[0] = mul(g, cosh(sx.get())); });
    return out;
}

Tensor cosh(const Tensor& x) {
    Tensor out = detail::unary_kernel("cosh", x, simd::Unary::cosh);
    trace_op("cosh", {&x}, out);
    record("cosh", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) { dx[0] = mul(g, sinh(sx.get())); });
    return out;
}

Tensor asinh(const Tensor& x) {
    Tensor out = detail::unary_kernel("asinh", x, simd::Unary::asinh);
    trace_op("asinh", {&x}, out);
    record("asinh", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, rsqrt(square(sx.get()) + 1.0));
    });
    return out;
}

Tensor acosh(const Tensor& x) {
    Tensor out = detail::unary_kernel("acosh", x, simd::Unary::acosh);
    trace_op("acosh", {&x}, out);
    record("acosh", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, rsqrt(square(sx.get()) - 1.0));
    });
    return out;
}

Tensor atanh(const Tensor& x) {
    Tensor out = detail::unary_kernel("atanh", x, simd::Unary::atanh);
    trace_op("atanh", {&x}, out);
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
