// Functional updates: forward and backward side by side.
//
//   masked_fill(x, m, v)      out = m ? v : x                 dx = g·(1−m), dv = Σ g·m
//   slice_scatter(x, s, …)    = put_positions(x, P(slice), s)  (advanced_indexing.cpp)
//   scatter_reduce(x, a, i, s, r)
//                             out = x, out[o, i[o,j,k], k] ⊕= s[o,j,k]
//                             dx = g·w_self, ds = gather(g, a, i)·w_src, with constant
//                             weights: 1 or 0 (sum), 1/count (mean), 1/ties at the
//                             elements equal to the result (amax, amin)
#include "xgrad/ops/scatter.hpp"

#include <cmath>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "axis_view.hpp"
#include "index_positions.hpp"
#include "kernels.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

namespace {

Tensor copy_of(const Tensor& x) {
    Tensor out(x.shape(), x.dtype());
    if (x.numel() > 0)
        std::memcpy(out.raw_data(), x.raw_data(), static_cast<std::size_t>(x.numel()) * itemsize(x.dtype()));
    return out;
}

enum class Reduction { sum, mean, amax, amin };

Reduction parse_reduction(std::string_view name) {
    if (name == "sum") return Reduction::sum;
    if (name == "mean") return Reduction::mean;
    if (name == "amax") return Reduction::amax;
    if (name == "amin") return Reduction::amin;
    throw ValueError("scatter_reduce: unknown reduce '" + std::string(name) +
                     "' (expected \"sum\", \"mean\", \"amax\" or \"amin\")");
}

/// a ⊕ b for amax/amin, NaN winning as in PyTorch.
template <class T> T extreme(Reduction r, T a, T b) {
    if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(b)) return b;
    }
    return r == Reduction::amax ? (b > a ? b : a) : (b < a ? b : a);
}

}  // namespace

Tensor masked_fill(const Tensor& x, const Tensor& mask, double value) {
    return masked_fill(x, mask, scalar(value, x.dtype()));
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value) {
    if (mask.dtype() != boolean) {
        throw DtypeError("masked_fill: mask must be bool, got " + std::string(dtype_name(mask.dtype())) +
                         "; convert a 0/1 mask with .to(xgrad::boolean)");
    }
    detail::check_same_dtype("masked_fill", x, value);
    if (value.rank() != 0) {
        throw ShapeError("masked_fill: value must be a 0-d tensor, got shape " + to_string(value.shape()));
    }
    if (!detail::broadcasts_to(mask.shape(), x.shape())) {
        throw ShapeError("masked_fill: mask of shape " + to_string(mask.shape()) +
                         " does not broadcast to the input's shape " + to_string(x.shape()));
    }
    const Tensor m = expand(mask.to(x.dtype()), x.shape());
    Tensor out(x.shape(), x.dtype());
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        const T* pm = m.data<T>();
        const T v = value.data<T>()[0];
        T* po = out.data<T>();
        for (std::int64_t i = 0; i < x.numel(); ++i) po[i] = pm[i] != T(0) ? v : px[i];
    });
    record("masked_fill", out, {&x, &value}, [m](const Tensor& g, InputGrads& dx) {
        // g: x's shape → x's shape, and [] (value)
        if (dx.needs(0)) dx[0] = mul(g, sub(ones_like(m), m));
        if (dx.needs(1)) dx[1] = sum(mul(g, m));
    });
    return out;
}

Tensor slice_scatter(const Tensor& x, const Tensor& src, std::int64_t axis, SliceBound start, SliceBound stop,
                     std::int64_t step) {
    const std::size_t a = normalize_axis(axis, x.rank(), "slice_scatter");
    detail::check_same_dtype("slice_scatter", x, src);
    std::vector<TensorIndex> indices(a, Slice());
    indices.emplace_back(Slice(start, stop, step));
    const Tensor positions = detail::index_positions(x.shape(), indices, "slice_scatter");
    if (!(src.shape() == positions.shape())) {
        throw ShapeError("slice_scatter: src has shape " + to_string(src.shape()) + " but the slice of dimension " +
                         std::to_string(a) + " of the input (shape " + to_string(x.shape()) + ") has shape " +
                         to_string(positions.shape()));
    }
    return detail::put_positions(x, positions, src, false);
}

Tensor scatter_reduce(const Tensor& x, std::int64_t axis, const Tensor& index, const Tensor& src,
                      std::string_view reduce, bool include_self) {
    const Reduction r = parse_reduction(reduce);
    const std::size_t a = normalize_axis(axis, x.rank(), "scatter_reduce");
    if (index.dtype() != int64) {
        throw DtypeError("scatter_reduce: index must be int64, got " + std::string(dtype_name(index.dtype())));
    }
    detail::check_same_dtype("scatter_reduce", x, src);
    if (!(index.shape() == src.shape())) {
        throw ShapeError("scatter_reduce: index has shape " + to_string(index.shape()) + " but src has " +
                         to_string(src.shape()) + " (they must be equal)");
    }
    bool match = index.rank() == x.rank();
    for (std::size_t d = 0; match && d < x.rank(); ++d) match = d == a || index.shape()[d] == x.shape()[d];
    if (!match) {
        throw ShapeError("scatter_reduce: index has shape " + to_string(index.shape()) + " but input has " +
                         to_string(x.shape()) + " (same rank, and all dimensions but axis " + std::to_string(a) +
                         " must match)");
    }
    const detail::AxisView v = detail::axis_view(x.shape(), a);
    const std::int64_t n = index.shape()[a];
    const std::int64_t* idx = index.data<std::int64_t>();
    // target[k]: the flat position in x that src element k is reduced into
    std::vector<std::int64_t> target(static_cast<std::size_t>(index.numel()));
    for (std::int64_t o = 0; o < v.outer; ++o) {
        for (std::int64_t j = 0; j < n; ++j) {
            for (std::int64_t k = 0; k < v.inner; ++k) {
                const std::int64_t e = (o * n + j) * v.inner + k;
                const std::int64_t i = idx[e];
                if (i < 0 || i >= v.dim) {
                    throw IndexError("scatter_reduce: index " + std::to_string(i) + " is out of range for dimension " +
                                     std::to_string(a) + " of size " + std::to_string(v.dim) + " (input shape " +
                                     to_string(x.shape()) + ")");
                }
                target[static_cast<std::size_t>(e)] = (o * v.dim + i) * v.inner + k;
            }
        }
    }

    Tensor out = copy_of(x);
    std::vector<std::int64_t> count(static_cast<std::size_t>(x.numel()), 0);  // src elements received
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* ps = src.data<T>();
        T* po = out.data<T>();
        for (std::size_t e = 0; e < target.size(); ++e) {
            const std::int64_t p = target[e];
            T& acc = po[p];
            if (count[static_cast<std::size_t>(p)]++ == 0 && !include_self) acc = ps[e];
            else if (r == Reduction::sum || r == Reduction::mean) acc += ps[e];
            else acc = extreme(r, acc, ps[e]);
        }
        if (r != Reduction::mean) return;
        for (std::size_t p = 0; p < count.size(); ++p) {
            if (count[p] == 0) continue;
            const auto divisor = static_cast<T>(count[p] + (include_self ? 1 : 0));
            if constexpr (std::is_integral_v<T>) {
                po[p] = po[p] / divisor - (po[p] % divisor != 0 && po[p] < 0 ? 1 : 0);  // floor, as PyTorch
            } else {
                po[p] /= divisor;
            }
        }
    });
    if (!needs_grad({&x, &src})) return out;

    // The backward is linear in g with weights fixed by the forward (w_self
    // undefined means 1, w_src undefined means 1).
    Tensor w_self, w_src;
    visit_floating(x.dtype(), "scatter_reduce", [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        const T* ps = src.data<T>();
        const T* po = out.data<T>();
        const std::size_t size = count.size();
        const T self = include_self ? T(1) : T(0);
        if (r == Reduction::sum) {
            if (include_self) return;
            w_self = Tensor(x.shape(), x.dtype());
            T* ws = w_self.data<T>();
            for (std::size_t p = 0; p < size; ++p) ws[p] = count[p] == 0 ? T(1) : T(0);
            return;
        }
        w_self = Tensor(x.shape(), x.dtype());
        w_src = Tensor(src.shape(), x.dtype());
        T* ws = w_self.data<T>();
        T* wr = w_src.data<T>();
        if (r == Reduction::mean) {
            for (std::size_t p = 0; p < size; ++p)
                ws[p] = count[p] == 0 ? T(1) : self / (static_cast<T>(count[p]) + self);
            for (std::size_t e = 0; e < target.size(); ++e) {
                const auto p = static_cast<std::size_t>(target[e]);
                wr[e] = T(1) / (static_cast<T>(count[p]) + self);
            }
            return;
        }
        // amax/amin: ties[p] counts the elements equal to the result at p
        std::vector<T> ties(size);
        for (std::size_t p = 0; p < size; ++p)
            ties[p] = count[p] == 0 || (include_self && px[p] == po[p]) ? T(1) : T(0);
        for (std::size_t e = 0; e < target.size(); ++e)
            if (ps[e] == po[target[e]]) ties[static_cast<std::size_t>(target[e])] += T(1);
        for (std::size_t p = 0; p < size; ++p)
            ws[p] = count[p] == 0 ? T(1) : (include_self && px[p] == po[p] ? T(1) / ties[p] : T(0));
        for (std::size_t e = 0; e < target.size(); ++e) {
            const auto p = static_cast<std::size_t>(target[e]);
            wr[e] = ps[e] == po[p] ? T(1) / ties[p] : T(0);
        }
    });
    record("scatter_reduce", out, {&x, &src},
           [a, si = SavedTensor(index), w_self, w_src](const Tensor& g, InputGrads& dx) {
               // g: x's shape → x's shape, and index's shape (src)
               if (dx.needs(0)) dx[0] = w_self.defined() ? mul(g, w_self) : g;
               if (dx.needs(1)) {
                   const Tensor taken = gather(g, static_cast<std::int64_t>(a), si.get());
                   dx[1] = w_src.defined() ? mul(taken, w_src) : taken;
               }
           });
    return out;
}

XGRAD_REGISTER_OP(masked_fill, differentiable);
XGRAD_REGISTER_OP(slice_scatter, differentiable);  // composite: index_put's put_positions
XGRAD_REGISTER_OP(scatter_reduce, differentiable);

}  // namespace xgrad
