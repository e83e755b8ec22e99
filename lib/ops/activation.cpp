// Fused pointwise activations: forward kernel and backward formula side by side.
#include "xgrad/ops/activation.hpp"

#include "kernels.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/registry.hpp"

namespace xgrad {

Tensor tanh(const Tensor& x) {
    Tensor out = detail::unary_kernel("tanh", x, simd::Unary::tanh);
    trace_op("tanh", {&x}, out);
    record("tanh", out, {&x}, [y = SavedTensor::output(out)](const Tensor& g, InputGrads& dx) {
        const Tensor t = y.get();
        dx[0] = mul(g, 1.0 - mul(t, t));
    });
    return out;
}

Tensor sigmoid(const Tensor& x) {
    Tensor out = detail::unary_kernel("sigmoid", x, simd::Unary::sigmoid);
    trace_op("sigmoid", {&x}, out);
    record("sigmoid", out, {&x}, [y = SavedTensor::output(out)](const Tensor& g, InputGrads& dx) {
        const Tensor s = y.get();
        dx[0] = mul(g, mul(s, 1.0 - s));
    });
    return out;
}

Tensor relu(const Tensor& x) {
    Tensor out = detail::unary_kernel("relu", x, simd::Unary::relu);
    trace_op("relu", {&x}, out);
    record("relu", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, (sx.get() > 0.0).to(g.dtype()));
    });
    return out;
}

Tensor softplus(const Tensor& x) {
    Tensor out = detail::unary_kernel("softplus", x, simd::Unary::softplus);
    trace_op("softplus", {&x}, out);
    record("softplus", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, sigmoid(sx.get()));
    });
    return out;
}

Tensor scaled_elu(const Tensor& x, double alpha, double scale) {
    detail::check_floating("scaled_elu", x);
    Tensor out(x.shape(), x.dtype());
    visit_floating(x.dtype(), "scaled_elu", [&](auto tag) {
        using T = decltype(tag);
        simd::elementwise_kernels<T>().scaled_elu(x.data<T>(), out.data<T>(), x.numel(), static_cast<T>(scale),
                                         static_cast<T>(scale * alpha));
    });
    trace_op("scaled_elu", {&x}, out, [&] { return OpAttributes{{"alpha", alpha}, {"scale", scale}}; });
    record("scaled_elu", out, {&x}, [sx = SavedTensor(x), alpha, scale](const Tensor& g, InputGrads& dx) {
        const Tensor x = sx.get();
        if (is_grad_enabled() || g.shape() != x.shape()) {
            // A graph of the gradient is wanted (create_graph): compose it from ops.
            const Tensor negative = exp(minimum(x, scalar(0.0, x.dtype()))) * (scale * alpha);
            dx[0] = mul(g, where(x > 0.0, scalar(scale, x.dtype()), negative));
            return;
        }
        Tensor out(x.shape(), x.dtype());
        visit_floating(x.dtype(), "scaled_elu", [&](auto tag) {
            using T = decltype(tag);
            simd::elementwise_kernels<T>().scaled_elu_grad(g.data<T>(), x.data<T>(), out.data<T>(), x.numel(),
                                                  static_cast<T>(scale), static_cast<T>(scale * alpha));
        });
        dx[0] = out;
    });
    return out;
}

XGRAD_REGISTER_OP(tanh, differentiable);
XGRAD_REGISTER_OP(sigmoid, differentiable);
XGRAD_REGISTER_OP(relu, differentiable);
XGRAD_REGISTER_OP(softplus, differentiable);
XGRAD_REGISTER_OP(scaled_elu, differentiable);

}  // namespace xgrad
