// Rounding to whole numbers. The gradient is 0 everywhere, as PyTorch's:
// a zero tensor per call, so NaN or inf in the incoming gradient does not
// leak through (0 · inf would be NaN).
#include "xgrad/ops/rounding.hpp"

#include <cmath>

#include "kernels.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/ops/registry.hpp"

namespace xgrad {

namespace {

void record_zero_gradient(const char* op, Tensor& out, const Tensor& x) {
    record(op, out, {&x}, [](const Tensor& g, InputGrads& dx) { dx[0] = zeros_like(g); });
}

}  // namespace

Tensor floor(const Tensor& x) {
    Tensor out = detail::unary_loop("floor", x, [](auto v) { return std::floor(v); });
    trace_op("floor", {&x}, out);
    record_zero_gradient("floor", out, x);
    return out;
}

Tensor ceil(const Tensor& x) {
    Tensor out = detail::unary_loop("ceil", x, [](auto v) { return std::ceil(v); });
    trace_op("ceil", {&x}, out);
    record_zero_gradient("ceil", out, x);
    return out;
}

Tensor round(const Tensor& x) {
    // nearbyint under the default rounding mode rounds halves to even.
    Tensor out = detail::unary_loop("round", x, [](auto v) { return std::nearbyint(v); });
    record_zero_gradient("round", out, x);
    return out;
}

Tensor trunc(const Tensor& x) {
    Tensor out = detail::unary_loop("trunc", x, [](auto v) { return std::trunc(v); });
    record_zero_gradient("trunc", out, x);
    return out;
}

XGRAD_REGISTER_OP(floor, differentiable);
XGRAD_REGISTER_OP(ceil, differentiable);
XGRAD_REGISTER_OP(round, differentiable);
XGRAD_REGISTER_OP(trunc, differentiable);

}  // namespace xgrad
