// Softmax and log-softmax: composites of differentiable primitives (sub, exp,
// sum, div, logsumexp), so first and higher-order gradients come from those
// ops' backward formulas. Registered as differentiable and gradchecked.
//
// Stability: both shift x by its max along the axis first. The max is taken
// without history: softmax(x - c) = softmax(x) for any constant c, so the
// shift carries no gradient (its true derivative contribution is zero).
#include "xgrad/ops/softmax.hpp"

#include "reduce_kernel.hpp"
#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/registry.hpp"

namespace xgrad {

namespace {

/// Validates dtype and axis for `op`; returns the normalized axis.
std::int64_t check_softmax_args(const char* op, const Tensor& x, std::int64_t axis) {
    detail::check_floating(op, x);
    const auto plan = detail::plan_reduce(x.shape(), {axis}, true, op);
    for (std::size_t i = 0; i < plan.reduced.size(); ++i)
        if (plan.reduced[i]) return static_cast<std::int64_t>(i);
    return axis;  // unreachable: plan_reduce throws for a rank-0 tensor
}

/// x - max(x) along axis (keepdims), with the max detached.
///
/// Non-finite inputs follow PyTorch: a row holding NaN or +inf, or made only
/// of -inf, gives NaN throughout (x - max is then NaN or -inf - -inf), so a
/// diverged or corrupt logit is never hidden behind finite probabilities.
/// A -inf next to finite values is a mask: its probability is exactly 0.
Tensor shift_by_max(const Tensor& x, std::int64_t axis) {
    Tensor m;
    {
        NoGradGuard no_grad;
        m = max(x.detach(), {axis}, true);
    }
    return sub(x, m);
}

}  // namespace

Tensor softmax(const Tensor& x, std::int64_t axis) {
    axis = check_softmax_args("softmax", x, axis);
    if (x.size(axis) == 0) return x.clone();  // nothing to normalize
    const CompositeOpTrace trace;                 // one Softmax
    const Tensor e = exp(shift_by_max(x, axis));  // ≤ 1, the largest is 1
    Tensor y = div(e, sum(e, {axis}, true));      // denominator ≥ 1
    trace.record("softmax", {&x}, y, [axis] { return OpAttributes{{"axis", axis}}; });
    return y;
}

Tensor log_softmax(const Tensor& x, std::int64_t axis) {
    axis = check_softmax_args("log_softmax", x, axis);
    if (x.size(axis) == 0) return x.clone();
    // z - logsumexp(z) with z = x - max: z is exact and logsumexp(z) ∈ [0, log n],
    // so the result keeps full precision even when |x| is large.
    const CompositeOpTrace trace;  // one LogSoftmax
    const Tensor z = shift_by_max(x, axis);
    Tensor y = sub(z, logsumexp(z, {axis}, true));
    trace.record("log_softmax", {&x}, y, [axis] { return OpAttributes{{"axis", axis}}; });
    return y;
}

XGRAD_REGISTER_OP(softmax, differentiable);      // composite
XGRAD_REGISTER_OP(log_softmax, differentiable);  // composite

}  // namespace xgrad
