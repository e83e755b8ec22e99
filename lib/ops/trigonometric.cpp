// Trigonometric and hyperbolic functions: forward and backward side by
// side. The forwards run the vector kernels of this CPU's level (lib/simd);
// the backward formulas are xgrad ops (sin's is cos, and so on, through the
// same kernels), so higher orders come for free.
#include "xgrad/ops/trigonometric.hpp"

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
    Tensor out = detail::unary_kernel("sin", x, simd::Unary::sin);
    record("sin", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) { dx[0] = mul(g, cos(sx.get())); });
    return out;
}

Tensor cos(const Tensor& x) {
    Tensor out = detail::unary_kernel("cos", x, simd::Unary::cos);
    record("cos", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = neg(mul(g, sin(sx.get())));
    });
    return out;
}

Tensor tan(const Tensor& x) {
    Tensor out = detail::unary_kernel("tan", x, simd::Unary::tan);
    record("tan", out, {&x}, [y = SavedTensor::output(out)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, square(y.get()) + 1.0);
    });
    return out;
}

Tensor asin(const Tensor& x) {
    Tensor out = detail::unary_kernel("asin", x, simd::Unary::asin);
    record("asin", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, rsqrt(one_minus_square(sx.get())));
    });
    return out;
}

Tensor acos(const Tensor& x) {
    Tensor out = detail::unary_kernel("acos", x, simd::Unary::acos);
    record("acos", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = neg(mul(g, rsqrt(one_minus_square(sx.get()))));
    });
    return out;
}

Tensor atan(const Tensor& x) {
    Tensor out = detail::unary_kernel("atan", x, simd::Unary::atan);
    record("atan", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = div(g, square(sx.get()) + 1.0);
    });
    return out;
}

Tensor sinh(const Tensor& x) {
    Tensor out = detail::unary_kernel("sinh", x, simd::Unary::sinh);
    record("sinh", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) { dx[0] = mul(g, cosh(sx.get())); });
    return out;
}

Tensor cosh(const Tensor& x) {
    Tensor out = detail::unary_kernel("cosh", x, simd::Unary::cosh);
    record("cosh", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) { dx[0] = mul(g, sinh(sx.get())); });
    return out;
}

Tensor asinh(const Tensor& x) {
    Tensor out = detail::unary_kernel("asinh", x, simd::Unary::asinh);
    record("asinh", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, rsqrt(square(sx.get()) + 1.0));
    });
    return out;
}

Tensor acosh(const Tensor& x) {
    Tensor out = detail::unary_kernel("acosh", x, simd::Unary::acosh);
    record("acosh", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, rsqrt(square(sx.get()) - 1.0));
    });
    return out;
}

Tensor atanh(const Tensor& x) {
    Tensor out = detail::unary_kernel("atanh", x, simd::Unary::atanh);
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
