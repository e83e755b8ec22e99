#include "xgrad/nn/merge.hpp"

#include <algorithm>
#include <string_view>

#include "nn/summary_text.hpp"
#include "xgrad/ops/einsum.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::nn {

namespace {

const char* type_of(MergeOp op) {
    switch (op) {
        case MergeOp::add: return "Add";
        case MergeOp::subtract: return "Subtract";
        case MergeOp::multiply: return "Multiply";
        case MergeOp::average: return "Average";
        case MergeOp::maximum: return "Maximum";
        case MergeOp::minimum: return "Minimum";
    }
    return "";
}

std::string label(const Module& m) { return m.name() + " (" + m.type_name() + ")"; }

std::vector<Shape> shapes_of(const std::vector<Tensor>& tensors) {
    std::vector<Shape> shapes;
    shapes.reserve(tensors.size());
    for (const Tensor& t : tensors) shapes.push_back(t.shape());
    return shapes;
}

/// ValueError unless `n` inputs suit a layer taking `least`..`most` of them.
void check_count(const Module& m, std::size_t n, std::size_t least, std::size_t most) {
    if (n >= least && n <= most) return;
    const std::string wanted = least == most ? "exactly " + std::to_string(least) : "at least " + std::to_string(least);
    throw ValueError(label(m) + " takes " + wanted + " inputs, got " + std::to_string(n));
}

[[noreturn]] void shape_mismatch(const Module& m, const std::vector<Shape>& shapes, const std::string& why) {
    throw ShapeError(label(m) + ": " + why + ", got " + detail::shapes_text(shapes));
}

/// `axis` (negative from the end) as an index into a shape of rank `rank`;
/// ShapeError for one out of range or the batch axis.
std::size_t feature_axis(const Module& m, std::int64_t axis, const std::vector<Shape>& shapes, std::size_t rank) {
    const auto r = static_cast<std::int64_t>(rank);
    const std::int64_t a = axis < 0 ? axis + r : axis;
    if (a < 0 || a >= r) shape_mismatch(m, shapes, "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
    if (a == 0) shape_mismatch(m, shapes, "axis " + std::to_string(axis) + " is the batch axis");
    return static_cast<std::size_t>(a);
}

}  // namespace

template <MergeOp op> const Options<ElementwiseMerge<op>>& ElementwiseMerge<op>::options() {
    static const Options<ElementwiseMerge<op>> options(type_of(op));
    return options;
}

template <MergeOp op> std::vector<Shape> ElementwiseMerge<op>::output_shapes(const std::vector<Shape>& shapes) {
    check_count(*this, shapes.size(), 2, op == MergeOp::subtract ? 2 : static_cast<std::size_t>(-1));
    Shape out = shapes[0];
    for (const Shape& s : shapes) {
        if (s.size() != out.size()) shape_mismatch(*this, shapes, "inputs must have the same rank");
        // Keras' rule: sizes equal, or 1 (broadcast); -1 (unknown) defers to the other size.
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == out[i] || s[i] == 1) continue;
            if (out[i] == 1) out[i] = s[i];
            else if (out[i] < 0 || s[i] < 0) out[i] = std::max(out[i], s[i]);
            else shape_mismatch(*this, shapes, "dimension " + std::to_string(i) + " differs (sizes must be equal or 1)");
        }
    }
    return {out};
}

template <MergeOp op>
std::vector<Tensor> ElementwiseMerge<op>::forward_many(const std::vector<Tensor>& inputs, bool) {
    output_shapes(shapes_of(inputs));
    Tensor out = inputs[0];
    for (std::size_t i = 1; i < inputs.size(); ++i) {
        switch (op) {
            case MergeOp::add:
            case MergeOp::average: out = out + inputs[i]; break;
            case MergeOp::subtract: out = out - inputs[i]; break;
            case MergeOp::multiply: out = out * inputs[i]; break;
            case MergeOp::maximum: out = maximum(out, inputs[i]); break;
            case MergeOp::minimum: out = minimum(out, inputs[i]); break;
        }
    }
    if (op == MergeOp::average) out = out * (1.0 / static_cast<double>(inputs.size()));
    return {out};
}

template class ElementwiseMerge<MergeOp::add>;
template class ElementwiseMerge<MergeOp::subtract>;
template class ElementwiseMerge<MergeOp::multiply>;
template class ElementwiseMerge<MergeOp::average>;
template class ElementwiseMerge<MergeOp::maximum>;
template class ElementwiseMerge<MergeOp::minimum>;
XGRAD_REGISTER_LAYER(Add);
XGRAD_REGISTER_LAYER(Subtract);
XGRAD_REGISTER_LAYER(Multiply);
XGRAD_REGISTER_LAYER(Average);
XGRAD_REGISTER_LAYER(Maximum);
XGRAD_REGISTER_LAYER(Minimum);

Concatenate::Concatenate(std::int64_t axis) { set(&Concatenate::axis_, axis); }

const Options<Concatenate>& Concatenate::options() {
    static const auto options = Options<Concatenate>("Concatenate").add("axis", &Concatenate::axis_);
    return options;
}
XGRAD_REGISTER_LAYER(Concatenate);

std::vector<Shape> Concatenate::output_shapes(const std::vector<Shape>& shapes) {
    check_count(*this, shapes.size(), 2, static_cast<std::size_t>(-1));
    const std::size_t rank = shapes[0].size();
    for (const Shape& s : shapes)
        if (s.size() != rank) shape_mismatch(*this, shapes, "inputs must have the same rank");
    const std::size_t a = feature_axis(*this, axis_, shapes, rank);
    Shape out = shapes[0];
    for (std::size_t k = 1; k < shapes.size(); ++k) {
        const Shape& s = shapes[k];
        for (std::size_t i = 0; i < rank; ++i) {
            if (i == a) out[i] = out[i] < 0 || s[i] < 0 ? -1 : out[i] + s[i];
            else if (out[i] < 0) out[i] = s[i];
            else if (s[i] >= 0 && s[i] != out[i])
                shape_mismatch(*this, shapes,
                               "dimensions other than axis " + std::to_string(axis_) + " must be equal; dimension " +
                                   std::to_string(i) + " differs");
        }
    }
    return {out};
}

std::vector<Tensor> Concatenate::forward_many(const std::vector<Tensor>& inputs, bool) {
    const std::vector<Shape> shapes = shapes_of(inputs);
    output_shapes(shapes);
    return {concat(inputs, static_cast<std::int64_t>(feature_axis(*this, axis_, shapes, shapes[0].size())))};
}

Dot::Dot(std::vector<std::int64_t> axes, bool normalize) {
    set(&Dot::axes_, std::move(axes));
    set(&Dot::normalize_, normalize);
}

const Options<Dot>& Dot::options() {
    static const auto options = Options<Dot>("Dot").add("axes", &Dot::axes_).add("normalize", &Dot::normalize_);
    return options;
}
XGRAD_REGISTER_LAYER(Dot);

std::pair<std::size_t, std::size_t> Dot::resolved_axes(const std::vector<Shape>& shapes) const {
    check_count(*this, shapes.size(), 2, 2);
    if (axes_.empty() || axes_.size() > 2)
        throw ValueError(label(*this) + ": axes must hold one or two axes, got " + std::to_string(axes_.size()));
    const std::size_t ax = feature_axis(*this, axes_[0], shapes, shapes[0].size());
    const std::size_t ay = feature_axis(*this, axes_.back(), shapes, shapes[1].size());
    // einsum has 52 letters: the batch, the contracted axis and the others (at most 50).
    if (shapes[0].size() + shapes[1].size() > 40) shape_mismatch(*this, shapes, "inputs of ranks summing above 40 are not supported");
    const std::int64_t nx = shapes[0][ax], ny = shapes[1][ay];
    if (nx >= 0 && ny >= 0 && nx != ny)
        shape_mismatch(*this, shapes,
                       "axis " + std::to_string(ax) + " of x (" + std::to_string(nx) + ") and axis " + std::to_string(ay) +
                           " of y (" + std::to_string(ny) + ") must have the same size");
    return {ax, ay};
}

std::vector<Shape> Dot::output_shapes(const std::vector<Shape>& shapes) {
    const auto [ax, ay] = resolved_axes(shapes);
    Shape out{shapes[0][0] >= 0 ? shapes[0][0] : shapes[1][0]};
    for (std::size_t i = 1; i < shapes[0].size(); ++i)
        if (i != ax) out.push_back(shapes[0][i]);
    for (std::size_t i = 1; i < shapes[1].size(); ++i)
        if (i != ay) out.push_back(shapes[1][i]);
    if (out.size() == 1) out.push_back(1);
    return {out};
}

std::vector<Tensor> Dot::forward_many(const std::vector<Tensor>& inputs, bool) {
    const std::vector<Shape> shapes = shapes_of(inputs);
    const auto [ax, ay] = resolved_axes(shapes);
    Tensor x = inputs[0], y = inputs[1];
    if (normalize_) {
        // Keras' l2_normalize: x / sqrt(max(Σx², 1e-12)).
        const auto unit = [](const Tensor& t, std::size_t axis) {
            return t * rsqrt(clamp(sum(t * t, {static_cast<std::int64_t>(axis)}, true), 1e-12, std::nullopt));
        };
        x = unit(x, ax);
        y = unit(y, ay);
    }
    // batch_dot as einsum: "a" the batch, "z" the contracted axis, the others letters of their own.
    static constexpr std::string_view letters = "bcdefghijklmnopqrstuvwxyABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::string ex = "a", ey = "a", eo = "a";
    std::size_t next = 0;
    for (std::size_t i = 1; i < shapes[0].size(); ++i) {
        ex += i == ax ? 'z' : letters[next];
        if (i != ax) eo += letters[next++];
    }
    for (std::size_t i = 1; i < shapes[1].size(); ++i) {
        ey += i == ay ? 'z' : letters[next];
        if (i != ay) eo += letters[next++];
    }
    Tensor out = einsum(ex + "," + ey + "->" + eo, {x, y});
    if (out.rank() == 1) out = unsqueeze(out, 1);
    return {out};
}

}  // namespace xgrad::nn
