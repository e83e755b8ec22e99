// Shape manipulation: forward and backward side by side.
//
//   slice(x, a, start, stop, step)  out[o, i, k] = x[o, start + i*step, k]   dx = slice_backward(g)
//   slice_backward                  zeros with g at start, start+step, …     dg = slice(gg)
//   concat(xs, a)                   xs joined along a                         dx_k = slice(g, offset_k, …)
//   stack(xs, a) = concat(unsqueeze(x_k, a)),  split = slices                 (composed: gradients for free)
#include "xgrad/ops/shape_ops.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>

#include "axis_view.hpp"
#include "kernels.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/registry.hpp"

namespace xgrad {

namespace {

/// A tensor sharing x's data with another shape (same element count).
Tensor alias(const Tensor& x, const Shape& shape) {
    auto impl = detail::make_pooled<detail::TensorImpl>();
    impl->storage = x.impl()->storage;
    impl->shape = shape;
    impl->numel = x.numel();
    impl->dtype = x.dtype();
    return Tensor(std::move(impl));
}

using detail::AxisView;
using detail::axis_view;

/// One strided run of blocks along an axis: blocks start, start+step, … of a
/// tensor with `dim` blocks per outer row.
struct Run {
    std::int64_t dim, start, step;
};

/// For each of `outer` rows, copies `count` blocks of `block` bytes from src
/// (positions of `from`) to dst (positions of `to`). One memcpy per row when
/// both runs are contiguous; fixed-size moves for single elements.
template <std::size_t Fixed>
void copy_blocks_fixed(const std::byte* src, std::byte* dst, std::int64_t outer, std::int64_t count, Run from,
                       Run to) {
    for (std::int64_t o = 0; o < outer; ++o) {
        const std::byte* s = src + (o * from.dim + from.start) * static_cast<std::int64_t>(Fixed);
        std::byte* d = dst + (o * to.dim + to.start) * static_cast<std::int64_t>(Fixed);
        for (std::int64_t i = 0; i < count; ++i)
            std::memcpy(d + i * to.step * static_cast<std::int64_t>(Fixed),
                        s + i * from.step * static_cast<std::int64_t>(Fixed), Fixed);
    }
}

void copy_blocks(const void* src_v, void* dst_v, std::int64_t outer, std::int64_t count, std::size_t block,
                 Run from, Run to) {
    if (outer == 0 || count == 0 || block == 0) return;
    const auto* src = static_cast<const std::byte*>(src_v);
    auto* dst = static_cast<std::byte*>(dst_v);
    const auto b = static_cast<std::int64_t>(block);
    if (from.step == 1 && to.step == 1) {
        const auto bytes = static_cast<std::size_t>(count * b);
        for (std::int64_t o = 0; o < outer; ++o)
            std::memcpy(dst + (o * to.dim + to.start) * b, src + (o * from.dim + from.start) * b, bytes);
    } else if (block == 4) {
        copy_blocks_fixed<4>(src, dst, outer, count, from, to);
    } else if (block == 8) {
        copy_blocks_fixed<8>(src, dst, outer, count, from, to);
    } else {
        for (std::int64_t o = 0; o < outer; ++o) {
            const std::byte* s = src + (o * from.dim + from.start) * b;
            std::byte* d = dst + (o * to.dim + to.start) * b;
            for (std::int64_t i = 0; i < count; ++i) std::memcpy(d + i * to.step * b, s + i * from.step * b, block);
        }
    }
}

/// Python's clamping of a slice bound into [0, dim].
std::int64_t clamp_bound(std::int64_t v, std::int64_t dim) {
    if (v < 0) v += dim;
    return std::clamp<std::int64_t>(v, 0, dim);
}

/// Records a single-output op with a runtime number of inputs (record() takes
/// an initializer_list).
template <class F>
void record_n(const char* name, Tensor& out, const std::vector<Tensor>& inputs, F&& fn) {
    if (OpTracer* tracer = active_op_tracer()) [[unlikely]]
        tracer->produced(name, out);
    if (!is_grad_enabled()) return;
    std::vector<const Tensor*> ptrs;
    ptrs.reserve(inputs.size());
    bool any = false;
    for (const Tensor& t : inputs) {
        ptrs.push_back(&t);
        any = any || (t.defined() && t.impl()->requires_grad);
    }
    if (!any) return;
    auto node = detail::make_pooled<detail::LambdaNode<std::decay_t<F>>>(name, std::forward<F>(fn));
    attach_inputs(node, std::span<const Tensor* const>(ptrs.data(), ptrs.size()));
    Tensor outs[1] = {out};
    set_history(outs, node);
}

/// The gradient of slice(): g [.., n, ..] placed at start, start+step, … of
/// zeros of `in_shape` along `axis`.     backward: slice
Tensor slice_backward(const Tensor& g, const Shape& in_shape, std::size_t axis, std::int64_t start,
                      std::int64_t step) {
    Tensor out = zeros(in_shape, g.dtype());
    const AxisView v = axis_view(in_shape, axis);
    const std::int64_t n = g.shape()[axis];
    copy_blocks(g.raw_data(), out.raw_data(), v.outer, n, static_cast<std::size_t>(v.inner) * itemsize(g.dtype()),
                Run{n, 0, 1}, Run{v.dim, start, step});
    record("slice_backward", out, {&g}, [axis, start, step, n](const Tensor& gg, InputGrads& dx) {
        // gg: in_shape → [.., n, ..]
        dx[0] = slice(gg, static_cast<std::int64_t>(axis), start, n == 0 ? start : start + (n - 1) * step + 1, step);
    });
    return out;
}

}  // namespace

Tensor reshape(const Tensor& x, const Shape& shape) {
    Shape target = shape;
    std::int64_t known = 1;
    int inferred = -1;
    for (std::size_t i = 0; i < target.size(); ++i) {
        if (target[i] == -1) {
            if (inferred >= 0) throw ShapeError("reshape: more than one -1 in " + to_string(shape));
            inferred = static_cast<int>(i);
        } else if (target[i] < 0) {
            throw ShapeError("reshape: invalid dimension in " + to_string(shape));
        } else {
            known *= target[i];
        }
    }
    if (inferred >= 0) {
        if (known == 0 || x.numel() % known != 0) {
            throw ShapeError("reshape: cannot reshape " + to_string(x.shape()) + " (" +
                             std::to_string(x.numel()) + " elements) into " + to_string(shape));
        }
        target[static_cast<std::size_t>(inferred)] = x.numel() / known;
    }
    if (target.numel() != x.numel()) {
        throw ShapeError("reshape: cannot reshape " + to_string(x.shape()) + " (" + std::to_string(x.numel()) +
                         " elements) into " + to_string(shape));
    }
    Tensor out = alias(x, target);
    trace_op("reshape", {&x}, out);
    record("reshape", out, {&x}, [in = x.shape()](const Tensor& g, InputGrads& dx) { dx[0] = reshape(g, in); });
    return out;
}

Tensor flatten(const Tensor& x, std::int64_t start_dim, std::int64_t end_dim) {
    if (x.rank() == 0) return reshape(x, {1});
    const std::size_t s = normalize_axis(start_dim, x.rank(), "flatten");
    const std::size_t e = normalize_axis(end_dim, x.rank(), "flatten");
    if (s > e) throw ValueError("flatten: start_dim comes after end_dim");
    Shape shape;
    std::int64_t merged = 1;
    for (std::size_t i = 0; i < x.rank(); ++i) {
        if (i < s || i > e) shape.push_back(x.shape()[i]);
        else merged *= x.shape()[i];
        if (i == e) shape.push_back(merged);
    }
    return reshape(x, shape);
}

Tensor squeeze(const Tensor& x) {
    Shape shape;
    for (auto d : x.shape())
        if (d != 1) shape.push_back(d);
    return reshape(x, shape);
}

Tensor squeeze(const Tensor& x, std::int64_t axis) {
    const std::size_t a = normalize_axis(axis, x.rank(), "squeeze");
    if (x.shape()[a] != 1) {
        throw ShapeError("squeeze: dimension " + std::to_string(axis) + " of " + to_string(x.shape()) +
                         " has size " + std::to_string(x.shape()[a]) + ", not 1");
    }
    Shape shape = x.shape();
    shape.erase(a);
    return reshape(x, shape);
}

Tensor unsqueeze(const Tensor& x, std::int64_t axis) {
    const std::size_t a = normalize_axis(axis, x.rank() + 1, "unsqueeze");
    Shape shape = x.shape();
    shape.insert(a, 1);
    return reshape(x, shape);
}

Tensor expand(const Tensor& x, const Shape& shape) {
    if (x.shape() == shape) return x;
    const Shape full = broadcast_shapes(x.shape(), shape, "expand");
    if (!(full == shape)) {
        throw ShapeError("expand: cannot broadcast " + to_string(x.shape()) + " to " + to_string(shape));
    }
    Tensor out(shape, x.dtype());
    visit_any_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        T* po = out.data<T>();
        const Shape sx = detail::broadcast_strides(x.shape(), shape);
        detail::for_each_row(shape, sx, sx,
                             [&](std::int64_t o, std::int64_t ix, std::int64_t, std::int64_t n, std::int64_t d,
                                 std::int64_t) {
                                 for (std::int64_t i = 0; i < n; ++i) po[o + i] = px[ix + i * d];
                             });
    });
    trace_op("expand", {&x}, out);
    record("expand", out, {&x}, [in = x.shape()](const Tensor& g, InputGrads& dx) { dx[0] = sum_to_shape(g, in); });
    return out;
}

Tensor sum_to_shape(const Tensor& g, const Shape& shape) {
    if (g.shape() == shape) return g;
    const std::size_t lead = g.rank() - shape.size();
    if (g.rank() < shape.size()) {
        throw ShapeError("sum_to_shape: cannot reduce " + to_string(g.shape()) + " to " + to_string(shape));
    }
    Axes axes;
    for (std::size_t i = 0; i < g.rank(); ++i) {
        if (i < lead) {
            axes.push_back(static_cast<std::int64_t>(i));
        } else if (shape[i - lead] != g.shape()[i]) {
            if (shape[i - lead] != 1) {
                throw ShapeError("sum_to_shape: cannot reduce " + to_string(g.shape()) + " to " + to_string(shape));
            }
            axes.push_back(static_cast<std::int64_t>(i));
        }
    }
    return reshape(sum(g, axes, true), shape);
}

Tensor permute(const Tensor& x, const std::vector<std::int64_t>& dims) {
    const std::size_t rank = x.rank();
    if (dims.size() != rank) {
        throw ShapeError("permute: " + std::to_string(dims.size()) + " dimensions given for a tensor of shape " +
                         to_string(x.shape()));
    }
    std::vector<std::size_t> perm(rank);
    std::vector<bool> seen(rank, false);
    for (std::size_t i = 0; i < rank; ++i) {
        perm[i] = normalize_axis(dims[i], rank, "permute");
        if (seen[perm[i]]) throw ValueError("permute: dimension " + std::to_string(dims[i]) + " repeated");
        seen[perm[i]] = true;
    }
    Shape shape = Shape::filled(rank, 0);
    const Shape in_strides = contiguous_strides(x.shape());
    Shape gather_strides = Shape::filled(rank, 0);  // x's stride for each output dimension
    for (std::size_t i = 0; i < rank; ++i) {
        shape[i] = x.shape()[perm[i]];
        gather_strides[i] = in_strides[perm[i]];
    }
    Tensor out(shape, x.dtype());
    visit_any_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        T* po = out.data<T>();
        detail::for_each_row(shape, gather_strides, gather_strides,
                             [&](std::int64_t o, std::int64_t ix, std::int64_t, std::int64_t n, std::int64_t d,
                                 std::int64_t) {
                                 for (std::int64_t i = 0; i < n; ++i) po[o + i] = px[ix + i * d];
                             });
    });
    trace_op("permute", {&x}, out, [&] {
        return OpAttributes{{"perm", std::vector<std::int64_t>(perm.begin(), perm.end())}};
    });
    record("permute", out, {&x}, [perm](const Tensor& g, InputGrads& dx) {
        std::vector<std::int64_t> inverse(perm.size());
        for (std::size_t i = 0; i < perm.size(); ++i) inverse[perm[i]] = static_cast<std::int64_t>(i);
        dx[0] = permute(g, inverse);
    });
    return out;
}

Tensor transpose(const Tensor& x, std::int64_t dim0, std::int64_t dim1) {
    std::vector<std::int64_t> dims(x.rank());
    for (std::size_t i = 0; i < dims.size(); ++i) dims[i] = static_cast<std::int64_t>(i);
    std::swap(dims[normalize_axis(dim0, x.rank(), "transpose")], dims[normalize_axis(dim1, x.rank(), "transpose")]);
    return permute(x, dims);
}

Tensor slice(const Tensor& x, std::int64_t axis, std::int64_t start, std::int64_t stop, std::int64_t step) {
    const std::size_t a = normalize_axis(axis, x.rank(), "slice");
    if (step <= 0) throw ValueError("slice: step must be positive, got " + std::to_string(step));
    const AxisView v = axis_view(x.shape(), a);
    const std::int64_t first = clamp_bound(start, v.dim);
    const std::int64_t last = clamp_bound(stop, v.dim);
    const std::int64_t n = last > first ? (last - first + step - 1) / step : 0;
    Shape shape = x.shape();
    shape[a] = n;
    Tensor out(shape, x.dtype());
    copy_blocks(x.raw_data(), out.raw_data(), v.outer, n, static_cast<std::size_t>(v.inner) * itemsize(x.dtype()),
                Run{v.dim, first, step}, Run{n, 0, 1});
    trace_op("slice", {&x}, out, [&] {
        return OpAttributes{{"axis", static_cast<std::int64_t>(a)}, {"start", first}, {"step", step}};
    });
    record("slice", out, {&x}, [in = x.shape(), a, first, step](const Tensor& g, InputGrads& dx) {
        // g: [.., n, ..] → in
        dx[0] = slice_backward(g, in, a, first, step);
    });
    return out;
}

Tensor concat(const std::vector<Tensor>& tensors, std::int64_t axis) {
    if (tensors.empty()) throw ValueError("concat: expected at least one tensor, got an empty list");
    const Tensor& first = tensors[0];
    if (first.rank() == 0) throw ShapeError("concat: tensor 0 is 0-d and has no axis to join along (use stack)");
    const std::size_t a = normalize_axis(axis, first.rank(), "concat");
    std::int64_t total = 0;
    for (std::size_t k = 0; k < tensors.size(); ++k) {
        const Tensor& t = tensors[k];
        if (t.dtype() != first.dtype()) {
            throw DtypeError("concat: tensor " + std::to_string(k) + " has dtype " + std::string(dtype_name(t.dtype())) +
                             " but tensor 0 has " + std::string(dtype_name(first.dtype())));
        }
        bool match = t.rank() == first.rank();
        for (std::size_t d = 0; match && d < t.rank(); ++d) match = d == a || t.shape()[d] == first.shape()[d];
        if (!match) {
            throw ShapeError("concat: tensor " + std::to_string(k) + " has shape " + to_string(t.shape()) +
                             " but tensor 0 has " + to_string(first.shape()) + " (all dimensions but axis " +
                             std::to_string(a) + " must match)");
        }
        total += t.shape()[a];
    }
    Shape shape = first.shape();
    shape[a] = total;
    Tensor out(shape, first.dtype());
    const AxisView v = axis_view(shape, a);
    const std::size_t block = static_cast<std::size_t>(v.inner) * itemsize(first.dtype());
    std::vector<std::int64_t> offsets;
    offsets.reserve(tensors.size());
    std::int64_t offset = 0;
    for (const Tensor& t : tensors) {
        const std::int64_t n = t.shape()[a];
        offsets.push_back(offset);
        copy_blocks(t.raw_data(), out.raw_data(), v.outer, n, block, Run{n, 0, 1}, Run{total, offset, 1});
        offset += n;
    }
    trace_op("concat", tensors, out, [a] { return OpAttributes{{"axis", static_cast<std::int64_t>(a)}}; });
    record_n("concat", out, tensors, [a, offsets = std::move(offsets), total](const Tensor& g, InputGrads& dx) {
        // g: [.., total, ..] → one slice per input
        for (std::size_t k = 0; k < offsets.size(); ++k) {
            if (!dx.needs(k)) continue;
            const std::int64_t stop = k + 1 < offsets.size() ? offsets[k + 1] : total;
            dx[k] = slice(g, static_cast<std::int64_t>(a), offsets[k], stop);
        }
    });
    return out;
}

Tensor stack(const std::vector<Tensor>& tensors, std::int64_t axis) {
    if (tensors.empty()) throw ValueError("stack: expected at least one tensor, got an empty list");
    const Shape& shape = tensors[0].shape();
    const std::size_t a = normalize_axis(axis, shape.size() + 1, "stack");
    std::vector<Tensor> parts;
    parts.reserve(tensors.size());
    for (std::size_t k = 0; k < tensors.size(); ++k) {
        if (!(tensors[k].shape() == shape)) {
            throw ShapeError("stack: tensor " + std::to_string(k) + " has shape " + to_string(tensors[k].shape()) +
                             " but tensor 0 has " + to_string(shape) + " (all shapes must be equal)");
        }
        parts.push_back(unsqueeze(tensors[k], static_cast<std::int64_t>(a)));
    }
    return concat(parts, static_cast<std::int64_t>(a));
}

std::vector<Tensor> split(const Tensor& x, const std::vector<std::int64_t>& sizes, std::int64_t axis) {
    const std::size_t a = normalize_axis(axis, x.rank(), "split");
    std::int64_t total = 0;
    for (std::int64_t s : sizes) {
        if (s < 0) throw ValueError("split: negative size " + std::to_string(s));
        total += s;
    }
    if (total != x.shape()[a]) {
        throw ShapeError("split: sizes add up to " + std::to_string(total) + " but dimension " + std::to_string(a) +
                         " of " + to_string(x.shape()) + " has size " + std::to_string(x.shape()[a]));
    }
    std::vector<Tensor> parts;
    parts.reserve(sizes.size());
    std::int64_t offset = 0;
    for (std::int64_t s : sizes) {
        parts.push_back(slice(x, static_cast<std::int64_t>(a), offset, offset + s));
        offset += s;
    }
    return parts;
}

std::vector<Tensor> chunk(const Tensor& x, std::int64_t sections, std::int64_t axis) {
    const std::size_t a = normalize_axis(axis, x.rank(), "chunk");
    if (sections <= 0) throw ValueError("chunk: number of sections must be positive, got " + std::to_string(sections));
    const std::int64_t dim = x.shape()[a];
    if (dim % sections != 0) {
        throw ShapeError("chunk: dimension " + std::to_string(a) + " of " + to_string(x.shape()) + " has size " +
                         std::to_string(dim) + ", which cannot be split into " + std::to_string(sections) +
                         " equal sections");
    }
    return split(x, std::vector<std::int64_t>(static_cast<std::size_t>(sections), dim / sections),
                 static_cast<std::int64_t>(a));
}

Tensor pad(const Tensor& x, const std::vector<std::array<std::int64_t, 2>>& widths, double value) {
    if (widths.size() != x.rank()) {
        throw ShapeError("pad: expected one {before, after} pair per dimension of " + to_string(x.shape()) + ", got " +
                         std::to_string(widths.size()));
    }
    const CompositeOpTrace trace;  // one Pad: the blocks and concats are not traced
    Tensor out = x;
    for (std::size_t d = 0; d < widths.size(); ++d) {
        const auto [before, after] = widths[d];
        if (before < 0 || after < 0)
            throw ValueError("pad: widths must be >= 0, got {" + std::to_string(before) + ", " + std::to_string(after) +
                             "} for dimension " + std::to_string(d));
        if (before == 0 && after == 0) continue;
        std::vector<Tensor> parts;
        Shape block = out.shape();
        if (before > 0) {
            block[d] = before;
            parts.push_back(full(block, value, x.dtype()));
        }
        parts.push_back(out);
        if (after > 0) {
            block[d] = after;
            parts.push_back(full(block, value, x.dtype()));
        }
        out = concat(parts, static_cast<std::int64_t>(d));
    }
    trace.record("pad", {&x}, out, [&] {
        std::vector<std::int64_t> pads(2 * widths.size());  // ONNX: every axis' start, then every axis' end
        for (std::size_t d = 0; d < widths.size(); ++d) {
            pads[d] = widths[d][0];
            pads[widths.size() + d] = widths[d][1];
        }
        return OpAttributes{{"pads", pads}, {"value", value}};
    });
    return out;
}

XGRAD_REGISTER_OP(pad, differentiable);  // composite
XGRAD_REGISTER_OP(reshape, differentiable);
XGRAD_REGISTER_OP(permute, differentiable);
XGRAD_REGISTER_OP(expand, differentiable);
XGRAD_REGISTER_OP(slice, differentiable);
XGRAD_REGISTER_OP(slice_backward, differentiable);
XGRAD_REGISTER_OP(concat, differentiable);
XGRAD_REGISTER_OP(stack, differentiable);
XGRAD_REGISTER_OP(split, differentiable);

}  // namespace xgrad
