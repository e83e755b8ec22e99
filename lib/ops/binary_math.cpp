// Binary elementwise math (atan2, fmod, remainder, logaddexp, hypot, clip)
// and nan_to_num: forward loops and backward formulas side by side. The
// backward formulas are xgrad ops, so second order comes free; quotients
// that are locally constant (trunc, floor) and the masks are constants.
#include "xgrad/ops/binary_math.hpp"

#include <cmath>
#include <limits>

#include "kernels.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/rounding.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

namespace {

/// f(a, b) elementwise over the broadcast shape, for floating a and b of one dtype.
template <class F> Tensor floating_binary(const char* op, const Tensor& a, const Tensor& b, F f) {
    detail::check_floating(op, a);
    detail::check_same_dtype(op, a, b);
    Tensor out(broadcast_shapes(a.shape(), b.shape(), op), a.dtype());
    visit_floating(a.dtype(), op, [&](auto tag) {
        using T = decltype(tag);
        detail::map_binary<T>(a, b, out, [f](T x, T y) { return static_cast<T>(f(x, y)); });
    });
    return out;
}

/// A constant (no history) of a quotient rounded by `rounding` (trunc or floor).
Tensor rounded_quotient(const Tensor& a, const Tensor& b, Tensor (*rounding)(const Tensor&)) {
    NoGradGuard no_grad;
    return rounding(div(a, b));
}

/// A 0/1 tensor in `dtype` from a comparison mask (of any dtype), without history.
Tensor as_mask(const Tensor& comparison, Dtype dtype) { return comparison.detach().to(dtype); }

Tensor zero_of(const Tensor& like) { return zeros({}, like.dtype()); }

}  // namespace

Tensor atan2(const Tensor& y, const Tensor& x) {
    Tensor out = floating_binary("atan2", y, x, [](auto a, auto b) { return std::atan2(a, b); });
    record("atan2", out, {&y, &x}, [sy = SavedTensor(y), sx = SavedTensor(x)](const Tensor& g, InputGrads& dx) {
        const Tensor y = sy.get(), x = sx.get();
        const Tensor g_over_r2 = div(g, add(square(x), square(y)));
        if (dx.needs(0)) dx[0] = sum_to_shape(mul(g_over_r2, x), y.shape());
        if (dx.needs(1)) dx[1] = sum_to_shape(neg(mul(g_over_r2, y)), x.shape());
    });
    return out;
}

Tensor fmod(const Tensor& a, const Tensor& b) {
    Tensor out = floating_binary("fmod", a, b, [](auto x, auto y) { return std::fmod(x, y); });
    record("fmod", out, {&a, &b}, [sa = SavedTensor(a), sb = SavedTensor(b)](const Tensor& g, InputGrads& dx) {
        const Tensor a = sa.get(), b = sb.get();
        if (dx.needs(0)) dx[0] = sum_to_shape(g, a.shape());
        if (dx.needs(1)) dx[1] = sum_to_shape(neg(mul(g, rounded_quotient(a, b, trunc))), b.shape());
    });
    return out;
}

Tensor remainder(const Tensor& a, const Tensor& b) {
    Tensor out = floating_binary("remainder", a, b, [](auto x, auto y) {
        // fmod, moved by one divisor when its sign differs from the divisor's.
        auto r = std::fmod(x, y);
        if (r != 0 && ((r < 0) != (y < 0))) r += y;
        return r;
    });
    record("remainder", out, {&a, &b}, [sa = SavedTensor(a), sb = SavedTensor(b)](const Tensor& g, InputGrads& dx) {
        const Tensor a = sa.get(), b = sb.get();
        if (dx.needs(0)) dx[0] = sum_to_shape(g, a.shape());
        if (dx.needs(1)) dx[1] = sum_to_shape(neg(mul(g, rounded_quotient(a, b, floor))), b.shape());
    });
    return out;
}

Tensor logaddexp(const Tensor& a, const Tensor& b) {
    Tensor out = floating_binary("logaddexp", a, b, [](auto x, auto y) {
        using T = decltype(x);
        // Equal infinities would give inf − inf = NaN in the difference.
        if (x == y) return x + static_cast<T>(std::log(2.0));
        const T m = x > y ? x : y;
        return m + std::log1p(std::exp(-std::abs(x - y)));
    });
    record("logaddexp", out, {&a, &b}, [sa = SavedTensor(a), sb = SavedTensor(b)](const Tensor& g, InputGrads& dx) {
        const Tensor a = sa.get(), b = sb.get();
        if (dx.needs(0)) dx[0] = sum_to_shape(mul(g, sigmoid(sub(a, b))), a.shape());
        if (dx.needs(1)) dx[1] = sum_to_shape(mul(g, sigmoid(sub(b, a))), b.shape());
    });
    return out;
}

Tensor hypot(const Tensor& a, const Tensor& b) {
    Tensor out = floating_binary("hypot", a, b, [](auto x, auto y) { return std::hypot(x, y); });
    record("hypot", out, {&a, &b},
           [sa = SavedTensor(a), sb = SavedTensor(b), so = SavedTensor::output(out)](const Tensor& g, InputGrads& dx) {
               const Tensor a = sa.get(), b = sb.get();
               const Tensor g_over_h = div(g, so.get());
               if (dx.needs(0)) dx[0] = sum_to_shape(mul(g_over_h, a), a.shape());
               if (dx.needs(1)) dx[1] = sum_to_shape(mul(g_over_h, b), b.shape());
           });
    return out;
}

Tensor clip(const Tensor& x, const Tensor& lo, const Tensor& hi) {
    const CompositeOpTrace trace;  // Max and Min; the copy made without a lower bound is not traced
    detail::check_floating("clip", x);
    // NaN in x fails both comparisons and stays.
    Tensor out = lo.defined() ? floating_binary("clip", x, lo, [](auto v, auto l) { return v < l ? l : v; })
                              : x.detach().clone();
    if (hi.defined()) out = floating_binary("clip", out, hi, [](auto v, auto h) { return v > h ? h : v; });
    // An undefined bound saves nothing and is never read back.
    trace.record("clip", {&x, &lo, &hi}, out);
    record("clip", out, {&x, &lo, &hi},
           [sx = SavedTensor(x), sl = SavedTensor(lo), sh = SavedTensor(hi), has_lo = lo.defined(), has_hi = hi.defined()](
               const Tensor& g, InputGrads& dx) {
               const Tensor x = sx.get(), lo = has_lo ? sl.get() : Tensor(), hi = has_hi ? sh.get() : Tensor();
               const Dtype dt = x.dtype();
               const Tensor zero = zero_of(g);
               const Tensor one = ones({}, dt);
               // Masks as PyTorch's clamp_backward_min_max.
               Tensor x_inside = one, lo_binds, hi_binds;
               if (lo.defined()) {
                   x_inside = mul(x_inside, as_mask(ge(x, lo), dt));
                   lo_binds = as_mask(lt(x, lo), dt);
               }
               if (hi.defined()) {
                   x_inside = mul(x_inside, as_mask(le(x, hi), dt));
                   hi_binds = as_mask(gt(x, hi), dt);
               }
               if (lo.defined() && hi.defined()) {
                   const Tensor lo_below_hi = as_mask(lt(lo, hi), dt);
                   lo_binds = mul(lo_binds, lo_below_hi);
                   hi_binds = sub(one, mul(sub(one, hi_binds), as_mask(le(lo, hi), dt)));  // x > hi or hi < lo
               }
               if (dx.needs(0)) dx[0] = sum_to_shape(where(x_inside.to(boolean), g, zero), x.shape());
               if (dx.needs(1)) dx[1] = sum_to_shape(where(lo_binds.to(boolean), g, zero), lo.shape());
               if (dx.needs(2)) dx[2] = sum_to_shape(where(hi_binds.to(boolean), g, zero), hi.shape());
           });
    return out;
}

Tensor nan_to_num(const Tensor& x, double nan, std::optional<double> posinf, std::optional<double> neginf) {
    detail::check_floating("nan_to_num", x);
    Tensor out(x.shape(), x.dtype());
    Tensor finite(x.shape(), x.dtype());  // 1 where x is finite: the gradient's mask (a constant)
    visit_floating(x.dtype(), "nan_to_num", [&](auto tag) {
        using T = decltype(tag);
        using lim = std::numeric_limits<T>;
        const T to_nan = static_cast<T>(nan);
        const T to_pos = posinf ? static_cast<T>(*posinf) : lim::max();
        const T to_neg = neginf ? static_cast<T>(*neginf) : lim::lowest();
        const T* px = x.data<T>();
        T* po = out.data<T>();
        T* pf = finite.data<T>();
        for (std::int64_t i = 0; i < x.numel(); ++i) {
            const T v = px[i];
            pf[i] = std::isfinite(v) ? T(1) : T(0);
            po[i] = std::isnan(v) ? to_nan : v == lim::infinity() ? to_pos : v == -lim::infinity() ? to_neg : v;
        }
    });
    record("nan_to_num", out, {&x}, [finite](const Tensor& g, InputGrads& dx) { dx[0] = mul(g, finite); });
    return out;
}

XGRAD_REGISTER_OP(atan2, differentiable);
XGRAD_REGISTER_OP(fmod, differentiable);
XGRAD_REGISTER_OP(remainder, differentiable);
XGRAD_REGISTER_OP(logaddexp, differentiable);
XGRAD_REGISTER_OP(hypot, differentiable);
XGRAD_REGISTER_OP(clip, differentiable);
XGRAD_REGISTER_OP(nan_to_num, differentiable);

}  // namespace xgrad
