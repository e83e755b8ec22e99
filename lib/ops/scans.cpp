// Cumulative ops along one axis: forward scans and backward formulas side by
// side. The backward formulas are xgrad ops (flipped scans, gathers), so
// higher orders come for free.
#include "xgrad/ops/scans.hpp"

#include <cmath>
#include <type_traits>
#include <vector>

#include "axis_view.hpp"
#include "has_zero.hpp"
#include "kernels.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/ops/diagonal.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/rearrange.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

namespace {

/// The axis of a scan; a 0-d tensor has one (axis 0 or −1), as PyTorch.
std::size_t scan_axis(const char* op, const Tensor& x, std::int64_t axis) {
    if (x.rank() == 0 && (axis == 0 || axis == -1)) return 0;
    return normalize_axis(axis, x.rank(), op);
}

/// x viewed as [outer, dim, inner] around the scan axis (a 0-d x as one element).
detail::AxisView scan_view(const Tensor& x, std::size_t axis) {
    return x.rank() == 0 ? detail::AxisView{} : detail::axis_view(x.shape(), axis);
}

/// out[o, i, j] = step(acc[o, j], x[o, i, j]) running along i, where acc
/// starts at x[o, 0, j] (converted to Acc) and is stored after each step.
template <class T, class Acc, class Step> void scan(const T* x, T* out, const detail::AxisView& v, Step step) {
    std::vector<Acc> acc(static_cast<std::size_t>(v.inner));
    for (std::int64_t o = 0; o < v.outer; ++o) {
        const T* src = x + o * v.dim * v.inner;
        T* dst = out + o * v.dim * v.inner;
        if (v.dim == 0) continue;
        for (std::int64_t j = 0; j < v.inner; ++j) {
            acc[static_cast<std::size_t>(j)] = static_cast<Acc>(src[j]);
            dst[j] = src[j];
        }
        for (std::int64_t i = 1; i < v.dim; ++i) {
            const T* row = src + i * v.inner;
            T* orow = dst + i * v.inner;
            for (std::int64_t j = 0; j < v.inner; ++j) {
                Acc& a = acc[static_cast<std::size_t>(j)];
                a = step(a, row[j]);
                orow[j] = static_cast<T>(a);
            }
        }
    }
}

/// x in reverse order along `axis` (flip's backward is flip: any order).
Tensor reverse(const Tensor& x, std::int64_t axis) { return flip(x, {axis}); }

/// Σ_{k ≥ i} g_k along `axis`.
Tensor reverse_cumsum(const Tensor& g, std::int64_t axis) { return reverse(cumsum(reverse(g, axis), axis), axis); }

/// The gradient of cumprod along the last axis of x [.., n] when x has zeros:
/// dx_i = Σ_{k ≥ i} g_k·Π_{j ≤ k, j ≠ i} x_j, as cumprod of x with x_i set to 1
/// (row i of an [.., n, n] tensor), masked to k ≥ i. Differentiable to any order.
Tensor cumprod_grad_with_zeros(const Tensor& x, const Tensor& g) {
    const std::int64_t n = x.shape()[x.rank() - 1];
    const Dtype dt = x.dtype();
    const Tensor diagonal = eye(n, n, dt).to(boolean);                      // [n, n] (i, k)
    const Tensor upper = triu(ones({n, n}, dt));                             // 1 where k ≥ i
    const Tensor others = where(diagonal, ones({}, dt), unsqueeze(x, -2));  // [.., n, n]
    const Tensor terms = mul(mul(cumprod(others, -1), upper), unsqueeze(g, -2));  // [.., n, n]
    return sum(terms, {-1});                                                      // [.., n]
}

/// cummax (IsMax) or cummin.
template <bool IsMax> ValuesAndIndices running_extremum(const char* op, const Tensor& x, std::int64_t axis) {
    detail::check_floating(op, x);
    const std::size_t a = scan_axis(op, x, axis);
    const detail::AxisView v = scan_view(x, a);
    Tensor indices(x.shape(), int64);
    visit_floating(x.dtype(), op, [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        std::int64_t* pi = indices.data<std::int64_t>();
        std::vector<T> best(static_cast<std::size_t>(v.inner));
        std::vector<std::int64_t> at(static_cast<std::size_t>(v.inner));
        for (std::int64_t o = 0; o < v.outer; ++o) {
            for (std::int64_t i = 0; i < v.dim; ++i) {
                const std::int64_t base = (o * v.dim + i) * v.inner;
                for (std::int64_t j = 0; j < v.inner; ++j) {
                    const auto k = static_cast<std::size_t>(j);
                    const T value = px[base + j];
                    // ≥ (≤): the later index on ties; a NaN is taken and then kept, as PyTorch.
                    const bool take = i == 0 || std::isnan(value) ||
                                      (!std::isnan(best[k]) && (IsMax ? value >= best[k] : value <= best[k]));
                    if (take) {
                        best[k] = value;
                        at[k] = i;
                    }
                    pi[base + j] = at[k];
                }
            }
        }
    });
    // The values are a gather at the indices: its backward scatters g there.
    const Tensor values = x.rank() == 0 ? mul(x, 1.0) : gather(x, static_cast<std::int64_t>(a), indices);
    return {values, indices};
}

}  // namespace

Tensor cumsum(const Tensor& x, std::int64_t axis) {
    const std::size_t a = scan_axis("cumsum", x, axis);
    const detail::AxisView v = scan_view(x, a);
    Tensor out(x.shape(), x.dtype());
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        if constexpr (std::is_floating_point_v<T>) {
            // The vector kernels of this CPU's level, in the sequential order (float32 sums in float64).
            const simd::ScanKernels<T>& kernels = simd::scan_kernels<T>();
            if (v.inner == 1) {
                kernels.cumsum_along(x.data<T>(), out.data<T>(), v.outer, v.dim);
            } else {
                // float32's float64 running sums (float64 sums into the previous output row).
                std::vector<double> acc(std::is_same_v<T, float> ? static_cast<std::size_t>(v.inner) : 0);
                for (std::int64_t o = 0; o < v.outer; ++o)
                    kernels.cumsum_down(x.data<T>() + o * v.dim * v.inner, out.data<T>() + o * v.dim * v.inner, v.dim,
                                        v.inner, acc.data());
            }
        } else {
            scan<T, T>(x.data<T>(), out.data<T>(), v, [](T acc, T value) { return acc + value; });
        }
    });
    trace_op("cumsum", {&x}, out, [a] { return OpAttributes{{"axis", static_cast<std::int64_t>(a)}}; });
    record("cumsum", out, {&x}, [a](const Tensor& g, InputGrads& dx) {
        dx[0] = g.rank() == 0 ? g : reverse_cumsum(g, static_cast<std::int64_t>(a));
    });
    return out;
}

Tensor cumprod(const Tensor& x, std::int64_t axis) {
    detail::check_floating("cumprod", x);
    const std::size_t a = scan_axis("cumprod", x, axis);
    Tensor out(x.shape(), x.dtype());
    visit_floating(x.dtype(), "cumprod", [&](auto tag) {
        using T = decltype(tag);
        scan<T, T>(x.data<T>(), out.data<T>(), scan_view(x, a), [](T acc, T value) { return acc * value; });
    });
    record("cumprod", out, {&x}, [sx = SavedTensor(x), so = SavedTensor::output(out), a](const Tensor& g, InputGrads& dx) {
        const Tensor x = sx.get();
        if (x.rank() == 0) {
            dx[0] = g;
            return;
        }
        const auto ax = static_cast<std::int64_t>(a);
        if (!detail::has_zero(x)) {
            dx[0] = div(reverse_cumsum(mul(g, so.get()), ax), x);
            return;
        }
        const std::int64_t last = static_cast<std::int64_t>(x.rank()) - 1;
        dx[0] = transpose(cumprod_grad_with_zeros(transpose(x, ax, last), transpose(g, ax, last)), ax, last);
    });
    return out;
}

ValuesAndIndices cummax(const Tensor& x, std::int64_t axis) { return running_extremum<true>("cummax", x, axis); }

ValuesAndIndices cummin(const Tensor& x, std::int64_t axis) { return running_extremum<false>("cummin", x, axis); }

Tensor logcumsumexp(const Tensor& x, std::int64_t axis) {
    detail::check_floating("logcumsumexp", x);
    const std::size_t a = scan_axis("logcumsumexp", x, axis);
    Tensor out(x.shape(), x.dtype());
    visit_floating(x.dtype(), "logcumsumexp", [&](auto tag) {
        using T = decltype(tag);
        scan<T, T>(x.data<T>(), out.data<T>(), scan_view(x, a), [](T acc, T value) {
            // logaddexp(acc, value); equal infinities would give inf − inf = NaN.
            if (acc == value) return acc + static_cast<T>(std::log(2.0));
            const T m = acc > value ? acc : value;
            return m + std::log1p(std::exp(-std::abs(acc - value)));
        });
    });
    record("logcumsumexp", out, {&x}, [sx = SavedTensor(x), so = SavedTensor::output(out), a](const Tensor& g, InputGrads& dx) {
        const Tensor x = sx.get(), out = so.get();
        if (x.rank() == 0) {
            dx[0] = g;
            return;
        }
        const auto ax = static_cast<std::int64_t>(a);
        // PyTorch's formula: Σ_{i≥j} g_i e^(x_j − out_i) = e^(x_j + log Σ_{i≥j} e^(log g_i − out_i)),
        // split into the positive and negative parts of g (log of the lowest value stands for log 0).
        const Tensor lowest = full({}, x.dtype() == float32 ? -3.4028234663852886e38 : -1.7976931348623157e308, x.dtype());
        const Tensor zero = zeros({}, x.dtype());
        const Tensor log_abs_g = log(abs(g));
        const auto part = [&](const Tensor& log_g) {
            return exp(add(reverse(logcumsumexp(reverse(sub(log_g, out), ax), ax), ax), x));
        };
        dx[0] = sub(part(where(gt(g, zero), log_abs_g, lowest)), part(where(lt(g, zero), log_abs_g, lowest)));
    });
    return out;
}

XGRAD_REGISTER_OP(cumsum, differentiable);
XGRAD_REGISTER_OP(cumprod, differentiable);
XGRAD_REGISTER_OP(cummax, differentiable);
XGRAD_REGISTER_OP(cummin, differentiable);
XGRAD_REGISTER_OP(logcumsumexp, differentiable);

}  // namespace xgrad
