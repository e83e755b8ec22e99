// Reductions over axes: forward kernels and backward formulas side by side.
//
// Every backward is written with xgrad's own differentiable ops, so
// create_graph gives higher-order gradients. Shapes in the comments:
// [in] is the input's shape, [kept] the input's shape with the reduced axes
// set to 1 (what keepdims returns); reshape(g, kept) then broadcasts against
// [in] in the elementwise ops, whose backward sums it back.
#include "xgrad/ops/reduction.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "reduce_kernel.hpp"
#include "has_zero.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/rearrange.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/scans.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

namespace detail {

std::string describe_axes(const Axes& axes) {
    if (axes.empty()) return "all axes";
    std::string s = axes.size() == 1 ? "axis " : "axes [";
    for (std::size_t i = 0; i < axes.size(); ++i) {
        if (i) s += ',';
        s += std::to_string(axes[i]);
    }
    if (axes.size() > 1) s += ']';
    return s;
}

ReducePlan plan_reduce(const Shape& in, const Axes& axes, bool keepdims, const char* op) {
    ReducePlan plan;
    plan.reduced.assign(in.size(), axes.empty());
    const auto rank = static_cast<std::int64_t>(in.size());
    for (auto a : axes) {
        if (a < -rank || a >= rank) {
            throw ValueError(std::string(op) + ": axis " + std::to_string(a) + " is out of range for a tensor of shape " +
                             to_string(in));
        }
        const auto ax = static_cast<std::size_t>(a < 0 ? a + rank : a);
        if (plan.reduced[ax]) {
            throw ValueError(std::string(op) + ": axis " + std::to_string(a) + " is listed twice (" +
                             describe_axes(axes) + " of shape " + to_string(in) + ")");
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

void check_nonempty(const ReducePlan& plan, const Shape& in, const Axes& axes, const char* op) {
    if (plan.group == 0) {
        throw ValueError(std::string(op) + ": cannot reduce over an empty dimension (" + describe_axes(axes) +
                         " of shape " + to_string(in) + ")");
    }
}

}  // namespace detail

namespace {

/// Gradient of a reduction broadcast back to the input shape.
Tensor spread(const Tensor& g, const Shape& kept_shape, const Shape& in_shape) {
    return expand(reshape(g, kept_shape), in_shape);
}

/// True when v replaces `best` in a max (IsMax) or min reduction. NaN wins
/// over numbers and stays once reached (NaN propagates, as in NumPy).
template <bool IsMax, class T> bool wins(T v, T best) {
    if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(v)) return !std::isnan(best);
        if (std::isnan(best)) return false;
    }
    return IsMax ? v > best : v < best;
}

/// Kernel of max/min: the extremum of each group, kept_shape's element count.
// What a reduction reports to a tracer.
OpAttributes reduction_attributes(const Axes& axes, bool keepdims) {
    return {{"axes", axes}, {"keepdims", std::int64_t{keepdims}}};
}

template <bool IsMax, class T> std::vector<T> extremum_kernel(const Tensor& x, const detail::ReducePlan& plan) {
    using lim = std::numeric_limits<T>;
    T init;
    if constexpr (std::is_floating_point_v<T>) init = IsMax ? -lim::infinity() : lim::infinity();
    else init = IsMax ? lim::lowest() : lim::max();
    return detail::reduce_into<T, T>(x, plan, init, [](T a, T v) { return wins<IsMax>(v, a) ? v : a; });
}

template <bool IsMax> Tensor extremum(const char* op, const Tensor& x, const Axes& axes, bool keepdims) {
    const auto plan = detail::plan_reduce(x.shape(), axes, keepdims, op);
    detail::check_nonempty(plan, x.shape(), axes, op);
    Tensor out(plan.out_shape, x.dtype());
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const auto acc = extremum_kernel<IsMax, T>(x, plan);
        std::copy(acc.begin(), acc.end(), out.data<T>());
    });
    // d max / dx_i = 1/k where x_i is one of the k elements equal to the max, else 0.
    trace_op(op, {&x}, out, [&] { return reduction_attributes(axes, keepdims); });
    record(op, out, {&x},
           [sx = SavedTensor(x), sy = SavedTensor::output(out), axes, kept = plan.kept_shape](const Tensor& g,
                                                                                              InputGrads& dx) {
               const Tensor x = sx.get();
               const Tensor hit = eq(x, reshape(sy.get(), kept)).to(x.dtype());  // [in], 1 at the extrema (a constant)
               const Tensor count = sum(hit, axes, true);           // [kept], k ≥ 1
               dx[0] = mul(hit, div(reshape(g, kept), count));      // [in]
           });
    return out;
}

template <bool IsMax> Tensor arg_extremum(const char* op, const Tensor& x, std::int64_t axis, bool keepdims) {
    const Axes axes{axis};
    const auto plan = detail::plan_reduce(x.shape(), axes, keepdims, op);
    detail::check_nonempty(plan, x.shape(), axes, op);
    const auto ax = static_cast<std::size_t>(std::find(plan.reduced.begin(), plan.reduced.end(), true) -
                                             plan.reduced.begin());
    const detail::AxisView split = detail::axis_view(x.shape(), ax);
    Tensor out(plan.out_shape, int64);
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        // Strict comparison: the first index wins on ties.
        detail::arg_reduce<T>(x.data<T>(), out.data<std::int64_t>(), split,
                              [](T v, T best) { return wins<IsMax>(v, best); });
    });
    trace_op(op, {&x}, out, [&] { return OpAttributes{{"axis", std::int64_t(ax)}, {"keepdims", std::int64_t{keepdims}}}; });
    return out;
}

/// var, also behind std (op names the caller in error messages).
Tensor var_impl(const char* op, const Tensor& x, const Axes& axes, bool keepdims, std::int64_t correction) {
    detail::check_floating(op, x);
    const auto plan = detail::plan_reduce(x.shape(), axes, keepdims, op);
    if (correction < 0) {
        throw ValueError(std::string(op) + ": correction must be ≥ 0, got " + std::to_string(correction));
    }
    detail::check_nonempty(plan, x.shape(), axes, op);
    const double n = static_cast<double>(plan.group);
    // PyTorch's max(0, n − correction): no degrees of freedom divides by 0 (inf, or NaN for 0/0).
    const double dof = static_cast<double>(std::max<std::int64_t>(0, plan.group - correction));
    Tensor out(plan.out_shape, x.dtype());
    visit_floating(x.dtype(), op, [&](auto tag) {
        using T = decltype(tag);
        // Two passes in double: the mean, then Σ (x - mean)². Exact for large offsets
        // (no E[x²] - E[x]² cancellation).
        auto means = detail::reduce_into<double, T>(x, plan, 0.0, [](double a, T v) { return a + v; });
        for (double& m : means) m /= n;
        const auto sq = detail::reduce_into_ref<double, T>(x, plan, means, 0.0, [](double a, T v, double m) {
            const double d = static_cast<double>(v) - m;
            return a + d * d;
        });
        std::transform(sq.begin(), sq.end(), out.data<T>(), [dof](double s) { return static_cast<T>(s / dof); });
    });
    // d var / dx = 2 (x - mean) / (n - correction)
    record("var", out, {&x},
           [sx = SavedTensor(x), axes, kept = plan.kept_shape, scale = 2.0 / dof](const Tensor& g, InputGrads& dx) {
               const Tensor x = sx.get();
               const Tensor centered = sub(x, mean(x, axes, true));  // [in]
               dx[0] = mul(reshape(g, kept), centered) * scale;      // [in]
           });
    return out;
}

/// The indices of x's reduced axes moved last, the others first in order.
std::vector<std::int64_t> reduced_last(const detail::ReducePlan& plan) {
    std::vector<std::int64_t> perm;
    for (std::size_t i = 0; i < plan.reduced.size(); ++i)
        if (!plan.reduced[i]) perm.push_back(static_cast<std::int64_t>(i));
    for (std::size_t i = 0; i < plan.reduced.size(); ++i)
        if (plan.reduced[i]) perm.push_back(static_cast<std::int64_t>(i));
    return perm;
}

/// Π_{j≠i} x_j over each reduced group, for an x with zeros: the reduced axes
/// moved last and flattened to n, then the running products from the left
/// (x_0…x_{i−1}) times those from the right (x_{i+1}…x_{n−1}). No division,
/// and differentiable through cumprod. [in] → [in]
Tensor product_of_others(const Tensor& x, const detail::ReducePlan& plan) {
    const std::vector<std::int64_t> perm = reduced_last(plan);
    const Tensor moved = permute(x, perm);
    Shape flat;
    for (std::size_t i = 0; i < plan.reduced.size(); ++i)
        if (!plan.reduced[i]) flat.push_back(x.shape()[i]);
    Shape ones_shape = flat;
    ones_shape.push_back(1);
    flat.push_back(plan.group);
    const Tensor xt = reshape(moved, flat);  // [kept.., n]
    const auto last = static_cast<std::int64_t>(flat.size()) - 1;
    const std::int64_t n = plan.group;
    const Tensor one = ones(ones_shape, x.dtype());
    const Tensor left = cumprod(concat({one, slice(xt, last, 0, n - 1)}, last), last);
    const auto rev = [last](const Tensor& t) { return flip(t, {last}); };
    const Tensor right = rev(cumprod(rev(concat({slice(xt, last, 1, n), one}, last)), last));
    std::vector<std::int64_t> inverse(perm.size());
    for (std::size_t i = 0; i < perm.size(); ++i) inverse[static_cast<std::size_t>(perm[i])] = static_cast<std::int64_t>(i);
    return permute(reshape(mul(left, right), moved.shape()), inverse);
}

/// The vector p-norm (p not 0, 1 or ±inf) with its backward.
Tensor p_norm(const Tensor& x, double p, const Axes& axes, bool keepdims) {
    const auto plan = detail::plan_reduce(x.shape(), axes, keepdims, "norm");
    Tensor out(plan.out_shape, x.dtype());
    visit_floating(x.dtype(), "norm", [&](auto tag) {
        using T = decltype(tag);
        const auto acc = detail::reduce_into<double, T>(x, plan, 0.0, [p](double a, T v) {
            const double m = std::abs(static_cast<double>(v));
            return a + (p == 2.0 ? m * m : std::pow(m, p));
        });
        std::transform(acc.begin(), acc.end(), out.data<T>(),
                       [p](double s) { return static_cast<T>(p == 2.0 ? std::sqrt(s) : std::pow(s, 1.0 / p)); });
    });
    // d/dx = sign(x)·|x|^(p−1) / norm^(p−1) (x/norm for p = 2), 0 where the norm is 0.
    record("norm", out, {&x},
           [sx = SavedTensor(x), so = SavedTensor::output(out), kept = plan.kept_shape, p](const Tensor& g,
                                                                                            InputGrads& dx) {
               const Tensor x = sx.get();
               const Tensor norm_k = reshape(so.get(), kept);                                   // [kept]
               const Tensor zero = zeros({}, x.dtype()), one = ones({}, x.dtype());
               const Tensor safe = where(eq(norm_k, zero).detach(), one, norm_k);              // [kept]
               const Tensor g_k = reshape(g, kept);                                             // [kept]
               if (p == 2.0) {
                   dx[0] = mul(g_k, div(x, safe));  // [in]
                   return;
               }
               Tensor d = div(mul(sign(x), pow(abs(x), p - 1.0)), pow(safe, p - 1.0));  // [in]
               if (p < 1.0) d = where(eq(x, zero).detach(), zero, d);                   // |0|^(p−1) = inf
               dx[0] = mul(g_k, d);
           });
    return out;
}

/// The lower median's position in each slice of n values at `x + k·step`:
/// the first NaN if there is one, else the ⌊(n−1)/2⌋-th in (value, index) order.
template <class T> std::int64_t lower_median_at(const T* x, std::int64_t n, std::int64_t step, std::vector<std::int64_t>& order) {
    for (std::int64_t i = 0; i < n; ++i)
        if (std::isnan(x[i * step])) return i;
    order.resize(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
    const auto middle = order.begin() + (n - 1) / 2;
    std::nth_element(order.begin(), middle, order.end(), [x, step](std::int64_t a, std::int64_t b) {
        const T va = x[a * step], vb = x[b * step];
        return va < vb || (va == vb && a < b);
    });
    return *middle;
}

}  // namespace

Tensor sum(const Tensor& x, const Axes& axes, bool keepdims) {
    const auto plan = detail::plan_reduce(x.shape(), axes, keepdims, "sum");
    if (x.dtype() == boolean) {  // counts the true elements, as int64 (PyTorch's rule); not differentiable
        Tensor count(plan.out_shape, int64);
        const auto acc = detail::reduce_into<std::int64_t, bool>(x, plan, std::int64_t{0},
                                                                 [](std::int64_t a, bool v) { return a + v; });
        std::copy(acc.begin(), acc.end(), count.data<std::int64_t>());
        return count;
    }
    Tensor out(plan.out_shape, x.dtype());
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        // float32 sums accumulate in double: a 60000-element mean stays exact to float precision.
        using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;
        const auto acc = detail::reduce_into<Acc, T>(x, plan, Acc(0), [](Acc a, T v) { return a + v; });
        std::transform(acc.begin(), acc.end(), out.data<T>(), [](Acc v) { return static_cast<T>(v); });
    });
    trace_op("sum", {&x}, out, [&] { return reduction_attributes(axes, keepdims); });
    record("sum", out, {&x}, [kept = plan.kept_shape, in = x.shape()](const Tensor& g, InputGrads& dx) {
        dx[0] = spread(g, kept, in);
    });
    return out;
}

Tensor mean(const Tensor& x, const Axes& axes, bool keepdims) {
    detail::check_floating("mean", x);
    const auto plan = detail::plan_reduce(x.shape(), axes, keepdims, "mean");
    const double scale = plan.group == 0 ? NAN : 1.0 / static_cast<double>(plan.group);
    const CompositeOpTrace trace;  // one ReduceMean
    Tensor m = sum(x, axes, keepdims) * scale;
    trace.record("mean", {&x}, m, [&] { return reduction_attributes(axes, keepdims); });
    return m;
}

Tensor var(const Tensor& x, const Axes& axes, bool keepdims, std::int64_t correction) {
    return var_impl("var", x, axes, keepdims, correction);
}

Tensor std(const Tensor& x, const Axes& axes, bool keepdims, std::int64_t correction) {
    // Composite: d std = d var / (2 std) comes from sqrt's backward.
    return sqrt(var_impl("std", x, axes, keepdims, correction));
}

Tensor max(const Tensor& x, const Axes& axes, bool keepdims) { return extremum<true>("max", x, axes, keepdims); }

Tensor min(const Tensor& x, const Axes& axes, bool keepdims) { return extremum<false>("min", x, axes, keepdims); }

Tensor amax(const Tensor& x, const Axes& axes, bool keepdims) { return extremum<true>("amax", x, axes, keepdims); }

Tensor amin(const Tensor& x, const Axes& axes, bool keepdims) { return extremum<false>("amin", x, axes, keepdims); }

Tensor prod(const Tensor& x, const Axes& axes, bool keepdims) {
    const auto plan = detail::plan_reduce(x.shape(), axes, keepdims, "prod");
    Tensor out(plan.out_shape, x.dtype());
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;
        const auto acc = detail::reduce_into<Acc, T>(x, plan, Acc(1), [](Acc a, T v) { return a * v; });
        std::transform(acc.begin(), acc.end(), out.data<T>(), [](Acc v) { return static_cast<T>(v); });
    });
    trace_op("prod", {&x}, out, [&] { return reduction_attributes(axes, keepdims); });
    record("prod", out, {&x},
           [sx = SavedTensor(x), so = SavedTensor::output(out), plan](const Tensor& g, InputGrads& dx) {
               const Tensor x = sx.get();
               const Tensor g_k = reshape(g, plan.kept_shape);  // [kept]
               // Without zeros Π_{j≠i} x_j = out/x; with zeros that would be 0/0.
               dx[0] = detail::has_zero(x) ? mul(g_k, product_of_others(x, plan))
                                           : mul(g_k, div(reshape(so.get(), plan.kept_shape), x));  // [in]
           });
    return out;
}

Tensor norm(const Tensor& x, double ord, const Axes& axes, bool keepdims) {
    detail::check_floating("norm", x);
    if (std::isnan(ord)) throw ValueError("norm: ord must be a number, got NaN");
    if (ord == 1.0) return sum(abs(x), axes, keepdims);
    if (std::isinf(ord)) {
        const auto plan = detail::plan_reduce(x.shape(), axes, keepdims, "norm");
        if (plan.group == 0) {
            throw ValueError("norm: ord " + std::string(ord > 0 ? "inf" : "-inf") +
                             " of an empty group (" + detail::describe_axes(axes) + " of shape " +
                             to_string(x.shape()) + ") is undefined");
        }
        return ord > 0 ? amax(abs(x), axes, keepdims) : amin(abs(x), axes, keepdims);
    }
    if (ord == 0.0) {
        const auto plan = detail::plan_reduce(x.shape(), axes, keepdims, "norm");
        Tensor out(plan.out_shape, x.dtype());
        visit_floating(x.dtype(), "norm", [&](auto tag) {
            using T = decltype(tag);
            const auto count = detail::reduce_into<double, T>(x, plan, 0.0, [](double a, T v) { return a + (v != T(0)); });
            std::transform(count.begin(), count.end(), out.data<T>(), [](double c) { return static_cast<T>(c); });
        });
        // A count: piecewise constant, so its gradient is 0 (as PyTorch's).
        record("norm", out, {&x}, [in = x.shape()](const Tensor& g, InputGrads& dx) { dx[0] = zeros(in, g.dtype()); });
        return out;
    }
    return p_norm(x, ord, axes, keepdims);
}

Tensor norm(const Tensor& x, std::string_view ord, const Axes& axes, bool keepdims) {
    if (ord != "fro") {
        throw ValueError("norm: ord \"" + std::string(ord) + "\" is not a norm of this function; \"fro\" is (" +
                         (ord == "nuc" ? "the nuclear norm is linalg's matrix_norm" : "vector norms take a number") + ")");
    }
    if (axes.size() != 2) {
        throw ValueError("norm: \"fro\" takes exactly two axes, got " + detail::describe_axes(axes) + " for shape " +
                         to_string(x.shape()));
    }
    return p_norm(x, 2.0, axes, keepdims);
}

Tensor median(const Tensor& x) {
    detail::check_floating("median", x);
    if (x.numel() == 0) throw ValueError("median: the tensor of shape " + to_string(x.shape()) + " is empty");
    std::int64_t at = 0;
    visit_floating(x.dtype(), "median", [&](auto tag) {
        using T = decltype(tag);
        std::vector<std::int64_t> order;
        at = lower_median_at(x.data<T>(), x.numel(), 1, order);
    });
    // A selection by index: index_select's backward puts the gradient on that element.
    const Tensor index = full({1}, static_cast<double>(at), int64);
    return reshape(index_select(reshape(x, {-1}), 0, index), {});
}

ValuesAndIndices median(const Tensor& x, std::int64_t axis, bool keepdims) {
    detail::check_floating("median", x);
    const auto plan = detail::plan_reduce(x.shape(), {axis}, keepdims, "median");
    detail::check_nonempty(plan, x.shape(), {axis}, "median");
    const auto ax = static_cast<std::size_t>(std::find(plan.reduced.begin(), plan.reduced.end(), true) -
                                             plan.reduced.begin());
    const detail::AxisView v = detail::axis_view(x.shape(), ax);
    Tensor indices(plan.kept_shape, int64);
    visit_floating(x.dtype(), "median", [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        std::int64_t* pi = indices.data<std::int64_t>();
        std::vector<std::int64_t> order;
        for (std::int64_t o = 0; o < v.outer; ++o)
            for (std::int64_t j = 0; j < v.inner; ++j)
                pi[o * v.inner + j] = lower_median_at(px + o * v.dim * v.inner + j, v.dim, v.inner, order);
    });
    // A gather at the indices: its backward scatters the gradient there.
    Tensor values = gather(x, static_cast<std::int64_t>(ax), indices);
    if (keepdims) return {values, indices};
    return {reshape(values, plan.out_shape), reshape(indices, plan.out_shape)};
}

Tensor logsumexp(const Tensor& x, const Axes& axes, bool keepdims) {
    detail::check_floating("logsumexp", x);
    const auto plan = detail::plan_reduce(x.shape(), axes, keepdims, "logsumexp");
    Tensor out(plan.out_shape, x.dtype());
    Tensor shift(plan.kept_shape, x.dtype());  // the max, kept for backward (a constant)
    visit_floating(x.dtype(), "logsumexp", [&](auto tag) {
        using T = decltype(tag);
        // m + log Σ e^(x - m) with m the max: every exponent is ≤ 0, and the largest
        // term is 1, so nothing overflows or underflows to log 0. An infinite m is
        // replaced by 0 (all -inf gives log 0 = -inf; a +inf gives +inf), and an empty
        // group gives log 0 = -inf, the identity of logsumexp.
        auto m = extremum_kernel<true, T>(x, plan);
        for (T& v : m)
            if (std::isinf(v)) v = T(0);
        const auto s = detail::reduce_into_ref<double, T>(x, plan, m, 0.0, [](double a, T v, T c) {
            return a + std::exp(static_cast<double>(v) - static_cast<double>(c));
        });
        T* po = out.data<T>();
        for (std::size_t i = 0; i < s.size(); ++i) po[i] = static_cast<T>(static_cast<double>(m[i]) + std::log(s[i]));
        std::copy(m.begin(), m.end(), shift.data<T>());
    });
    // d logsumexp / dx = softmax(x) = e^(x - m) / Σ e^(x - m) for the constant shift m.
    // Not e^(x - logsumexp(x)): in float32 the rounded output (1e4 + log 2 on a 1e-3
    // grid) would cost the gradient 3 digits; x - m is exact.
    trace_op("logsumexp", {&x}, out, [&] { return reduction_attributes(axes, keepdims); });
    record("logsumexp", out, {&x}, [sx = SavedTensor(x), shift, axes](const Tensor& g, InputGrads& dx) {
        const Tensor e = exp(sub(sx.get(), shift));   // [in]
        const Tensor p = div(e, sum(e, axes, true));  // [in]
        dx[0] = mul(reshape(g, shift.shape()), p);    // [in]
    });
    return out;
}

Tensor argmax(const Tensor& x, std::int64_t axis, bool keepdims) {
    return arg_extremum<true>("argmax", x, axis, keepdims);
}

Tensor argmin(const Tensor& x, std::int64_t axis, bool keepdims) {
    return arg_extremum<false>("argmin", x, axis, keepdims);
}

XGRAD_REGISTER_OP(sum, differentiable);
XGRAD_REGISTER_OP(mean, differentiable);  // composite: sum · 1/n
XGRAD_REGISTER_OP(var, differentiable);
XGRAD_REGISTER_OP(std, differentiable);  // composite: sqrt(var)
XGRAD_REGISTER_OP(max, differentiable);
XGRAD_REGISTER_OP(min, differentiable);
XGRAD_REGISTER_OP(logsumexp, differentiable);
XGRAD_REGISTER_OP(argmax, not_differentiable);
XGRAD_REGISTER_OP(argmin, not_differentiable);
XGRAD_REGISTER_OP(amax, differentiable);
XGRAD_REGISTER_OP(amin, differentiable);
XGRAD_REGISTER_OP(prod, differentiable);
XGRAD_REGISTER_OP(norm, differentiable);
XGRAD_REGISTER_OP(median, differentiable);  // composite: a gather at the median's index

}  // namespace xgrad
