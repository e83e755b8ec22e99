// Fused pointwise activations: forward kernel and backward formula side by side.
#include "xgrad/ops/activation.hpp"

#include "kernels.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/registry.hpp"

namespace xgrad {

Tensor tanh(const Tensor& x) {
    Tensor out = detail::unary_floating_simd("tanh", x, [](auto v) { return xsimd::tanh(v); });
    record("tanh", out, {&x}, [y = SavedTensor::output(out)](const Tensor& g, InputGrads& dx) {
        const Tensor t = y.get();
        dx[0] = mul(g, 1.0 - mul(t, t));
    });
    return out;
}

Tensor sigmoid(const Tensor& x) {
    // 1/(1 + e^-x) never overflows to NaN: e^-x → inf gives 0, e^-x → 0 gives 1.
    Tensor out = detail::unary_floating_simd("sigmoid", x, [](auto v) {
        using V = decltype(v);
        return V(1) / (V(1) + xsimd::exp(-v));
    });
    record("sigmoid", out, {&x}, [y = SavedTensor::output(out)](const Tensor& g, InputGrads& dx) {
        const Tensor s = y.get();
        dx[0] = mul(g, mul(s, 1.0 - s));
    });
    return out;
}

Tensor relu(const Tensor& x) {
    Tensor out = detail::unary_floating_simd("relu", x, [](auto v) {
        using V = decltype(v);
        return xsimd::max(v, V(0));
    });
    record("relu", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, sx.get() > 0.0);
    });
    return out;
}

Tensor softplus(const Tensor& x) {
    Tensor out = detail::unary_floating_simd("softplus", x, [](auto v) {
        using V = decltype(v);
        return xsimd::max(v, V(0)) + xsimd::log1p(xsimd::exp(-xsimd::abs(v)));
    });
    record("softplus", out, {&x}, [sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(g, sigmoid(sx.get()));
    });
    return out;
}

Tensor scaled_elu(const Tensor& x, double alpha, double scale) {
    Tensor out = detail::unary_floating_simd("scaled_elu", x, [alpha, scale](auto v) {
        using V = decltype(v);
        // expm1 of min(x, 0): the unused branch never overflows.
        return detail::choose(v > V(0), V(scale) * v, V(scale * alpha) * xsimd::expm1(xsimd::min(v, V(0))));
    });
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
            detail::map_binary_simd(g.data<T>(), x.data<T>(), out.data<T>(), x.numel(), [alpha, scale](auto gv, auto xv) {
                using V = decltype(xv);
                return gv * detail::choose(xv > V(0), V(scale), V(scale * alpha) * xsimd::exp(xsimd::min(xv, V(0))));
            });
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
