// Predicates (isnan, isinf, isfinite), logical ops and the any/all
// reductions: all return bool and none is differentiable.
#include "xgrad/ops/logical.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "kernels.hpp"
#include "reduce_kernel.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

namespace {

/// A bool tensor pred(x[i]); integral dtypes (no NaN or infinity) give `integral` everywhere.
template <class Pred> Tensor predicate(const Tensor& x, bool integral, Pred pred) {
    Tensor out(x.shape(), boolean);
    bool* o = out.data<bool>();
    visit_any_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        if constexpr (std::is_floating_point_v<T>) {
            const T* p = x.data<T>();
            for (std::int64_t i = 0; i < x.numel(); ++i) o[i] = pred(p[i]);
        } else {
            std::fill_n(o, x.numel(), integral);
        }
    });
    return out;
}

/// x as bool (nonzero is true); x itself when it is bool already.
Tensor as_bool(const Tensor& x) { return x.dtype() == boolean ? x : x.to(boolean); }

/// f(a, b) on the operands as bool, broadcast.
template <class F> Tensor logical(const char* op, const Tensor& a, const Tensor& b, F f) {
    const Tensor ba = as_bool(a), bb = as_bool(b);
    Tensor out(broadcast_shapes(a.shape(), b.shape(), op), boolean);
    detail::map_binary<bool>(ba, bb, out, f);
    trace_op(op, {&ba, &bb}, out);
    return out;
}

/// any (Any = true) or all over `axes`: folds x != 0 starting from !Any,
/// which is also the result of an empty reduction.
template <bool Any> Tensor any_all(const char* op, const Tensor& x, const Axes& axes, bool keepdims) {
    const auto plan = detail::plan_reduce(x.shape(), axes, keepdims, op);
    Tensor out(plan.out_shape, boolean);
    visit_any_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        // std::uint8_t accumulators: std::vector<bool> has no buffer to copy from.
        const auto acc = detail::reduce_into<std::uint8_t, T>(x, plan, std::uint8_t{!Any}, [](std::uint8_t a, T v) {
            const bool nonzero = v != T(0);
            return static_cast<std::uint8_t>(Any ? (a | nonzero) : (a & nonzero));
        });
        std::copy(acc.begin(), acc.end(), out.data<bool>());
    });
    trace_op(op, {&x}, out, [&] { return OpAttributes{{"axes", axes}, {"keepdims", std::int64_t{keepdims}}}; });
    return out;
}

}  // namespace

Tensor isnan(const Tensor& x) {
    Tensor out = predicate(x, false, [](auto v) { return std::isnan(v); });
    trace_op("isnan", {&x}, out);
    return out;
}
Tensor isinf(const Tensor& x) {
    Tensor out = predicate(x, false, [](auto v) { return std::isinf(v); });
    trace_op("isinf", {&x}, out);
    return out;
}
Tensor isfinite(const Tensor& x) {
    Tensor out = predicate(x, true, [](auto v) { return std::isfinite(v); });
    trace_op("isfinite", {&x}, out);
    return out;
}

Tensor logical_and(const Tensor& a, const Tensor& b) {
    return logical("logical_and", a, b, [](bool x, bool y) { return x && y; });
}
Tensor logical_or(const Tensor& a, const Tensor& b) {
    return logical("logical_or", a, b, [](bool x, bool y) { return x || y; });
}
Tensor logical_xor(const Tensor& a, const Tensor& b) {
    return logical("logical_xor", a, b, [](bool x, bool y) { return x != y; });
}
Tensor logical_not(const Tensor& x) {
    Tensor out(x.shape(), boolean);
    bool* o = out.data<bool>();
    visit_any_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* p = x.data<T>();
        for (std::int64_t i = 0; i < x.numel(); ++i) o[i] = p[i] == T(0);
    });
    trace_op("logical_not", {&x}, out);
    return out;
}

Tensor any(const Tensor& x, const Axes& axes, bool keepdims) { return any_all<true>("any", x, axes, keepdims); }
Tensor all(const Tensor& x, const Axes& axes, bool keepdims) { return any_all<false>("all", x, axes, keepdims); }

XGRAD_REGISTER_OP(isnan, not_differentiable);
XGRAD_REGISTER_OP(isinf, not_differentiable);
XGRAD_REGISTER_OP(isfinite, not_differentiable);
XGRAD_REGISTER_OP(logical_and, not_differentiable);
XGRAD_REGISTER_OP(logical_or, not_differentiable);
XGRAD_REGISTER_OP(logical_xor, not_differentiable);
XGRAD_REGISTER_OP(logical_not, not_differentiable);
XGRAD_REGISTER_OP(any, not_differentiable);
XGRAD_REGISTER_OP(all, not_differentiable);

}  // namespace xgrad
