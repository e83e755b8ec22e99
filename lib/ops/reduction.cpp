// Reductions over axes: forward kernels and backward formulas side by side.
#include "xgrad/ops/reduction.hpp"

#include <algorithm>
#include <string>

#include "reduce_kernel.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

namespace detail {

ReducePlan plan_reduce(const Shape& in, const Axes& axes, bool keepdims, const char* op) {
    ReducePlan plan;
    plan.reduced.assign(in.size(), axes.empty());
    for (auto a : axes) {
        const std::size_t ax = normalize_axis(a, in.size(), op);
        if (plan.reduced[ax]) {
            throw ValueError(std::string(op) + ": axis " + std::to_string(a) + " is listed twice");
        }
        plan.reduced[ax] = true;
    }
    plan.kept_shape = in;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (!plan.reduced[i]) continue;
        plan.group *= in[i];
        plan.kept_shape[i] = 1;
    }
    if (keepdims) {
        plan.out_shape = plan.kept_shape;
    } else {
        for (std::size_t i = 0; i < in.size(); ++i)
            if (!plan.reduced[i]) plan.out_shape.push_back(in[i]);
    }
    return plan;
}

}  // namespace detail

namespace {

/// Gradient of a reduction broadcast back to the input shape.
Tensor spread(const Tensor& g, const Shape& kept_shape, const Shape& in_shape) {
    return expand(reshape(g, kept_shape), in_shape);
}

}  // namespace

Tensor sum(const Tensor& x, const Axes& axes, bool keepdims) {
    const auto plan = detail::plan_reduce(x.shape(), axes, keepdims, "sum");
    Tensor out(plan.out_shape, x.dtype());
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        // float32 sums accumulate in double: a 60000-element mean stays exact to float precision.
        using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;
        const auto acc = detail::reduce_into<Acc, T>(x, plan, Acc(0), [](Acc a, T v) { return a + v; });
        std::transform(acc.begin(), acc.end(), out.data<T>(), [](Acc v) { return static_cast<T>(v); });
    });
    record("sum", out, {&x}, [kept = plan.kept_shape, in = x.shape()](const Tensor& g, InputGrads& dx) {
        dx[0] = spread(g, kept, in);
    });
    return out;
}

Tensor mean(const Tensor& x, const Axes& axes, bool keepdims) {
    detail::check_floating("mean", x);
    const auto plan = detail::plan_reduce(x.shape(), axes, keepdims, "mean");
    const double scale = plan.group == 0 ? NAN : 1.0 / static_cast<double>(plan.group);
    Tensor s = sum(x, axes, keepdims);
    return s * scale;
}

XGRAD_REGISTER_OP(sum, differentiable);

}  // namespace xgrad
