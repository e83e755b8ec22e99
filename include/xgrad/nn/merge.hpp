#pragma once
/// \file
/// Merge layers (Keras' layers.Add, Subtract, Multiply, Average, Maximum,
/// Minimum, Concatenate, Dot): several inputs, one output, no weights. Used
/// through the list call, on symbolic tensors or on tensors:
///
///     auto sum = nn::Add()({a, b});                   // symbolic (functional API)
///     Tensor joined = nn::Concatenate()({x, y});      // on tensors (nn::Tensors converts)
///
/// Shapes: the element-wise layers take inputs of one rank whose
/// dimensions (batch included) are equal or 1 (broadcast, as Keras);
/// Concatenate's inputs agree on every dimension but `axis`; Dot contracts
/// one axis of each of its two inputs (Keras' batch_dot). A mismatch is a
/// ShapeError naming the layer and all shapes.
#include <cstdint>
#include <vector>

#include "xgrad/nn/layer.hpp"

namespace xgrad::nn {

/// What an element-wise merge layer computes.
enum class MergeOp { add, subtract, multiply, average, maximum, minimum };

/// An element-wise merge of its inputs: Add (sum), Subtract (exactly two:
/// a - b), Multiply (product), Average (mean), Maximum, Minimum.
template <MergeOp op> class ElementwiseMerge : public Layer<ElementwiseMerge<op>> {
public:
    ElementwiseMerge() = default;
    /// The merge of `inputs` (ValueError for too few or, for Subtract, too many).
    std::vector<Tensor> forward_many(const std::vector<Tensor>& inputs, bool training) override;
    /// The broadcast shape of the inputs (ShapeError naming all of them when they do not agree).
    std::vector<Shape> output_shapes(const std::vector<Shape>& input_shapes) override;
    /// No options.
    static const Options<ElementwiseMerge>& options();
};

/// Sum of the inputs (Keras' Add).
using Add = ElementwiseMerge<MergeOp::add>;
/// First input minus the second (Keras' Subtract; exactly two inputs).
using Subtract = ElementwiseMerge<MergeOp::subtract>;
/// Element-wise product of the inputs (Keras' Multiply).
using Multiply = ElementwiseMerge<MergeOp::multiply>;
/// Element-wise mean of the inputs (Keras' Average).
using Average = ElementwiseMerge<MergeOp::average>;
/// Element-wise maximum of the inputs (Keras' Maximum).
using Maximum = ElementwiseMerge<MergeOp::maximum>;
/// Element-wise minimum of the inputs (Keras' Minimum).
using Minimum = ElementwiseMerge<MergeOp::minimum>;

/// Joins its inputs along `axis` (Keras' Concatenate; not the batch axis).
class Concatenate : public Layer<Concatenate> {
public:
    /// Joins along `axis` (negative counts from the end; default the last).
    explicit Concatenate(std::int64_t axis = -1);
    /// The inputs joined (at least two).
    std::vector<Tensor> forward_many(const std::vector<Tensor>& inputs, bool training) override;
    /// The joined shape (ShapeError naming all shapes when the others differ).
    std::vector<Shape> output_shapes(const std::vector<Shape>& input_shapes) override;
    /// axis.
    static const Options<Concatenate>& options();
    /// The axis joined along, as given.
    std::int64_t axis() const noexcept { return axis_; }

private:
    std::int64_t axis_ = -1;
};

/// Dot products of two inputs along one axis each, sample by sample (Keras'
/// Dot, batch_dot): [b, n] · [b, n] → [b, 1]; [b, n, m] · [b, m, k] with
/// axes {2, 1} → [b, n, k]. The output has x's other axes, then y's; a
/// result with only the batch axis gets a trailing 1. With `normalize`
/// each input is first L2-normalized along its axis (cosine similarity).
class Dot : public Layer<Dot> {
public:
    /// Contracts axis `axes[0]` of x with axis `axes[1]` of y (one entry:
    /// the same axis of both; negative counts from the end; never the batch axis).
    explicit Dot(std::vector<std::int64_t> axes = {-1}, bool normalize = false);
    /// The dot products (exactly two inputs).
    std::vector<Tensor> forward_many(const std::vector<Tensor>& inputs, bool training) override;
    /// The product's shape (ShapeError naming both shapes when the axes' sizes differ).
    std::vector<Shape> output_shapes(const std::vector<Shape>& input_shapes) override;
    /// axes and normalize.
    static const Options<Dot>& options();

private:
    /// The two contracted axes, non-negative, checked against `shapes`.
    std::pair<std::size_t, std::size_t> resolved_axes(const std::vector<Shape>& shapes) const;
    std::vector<std::int64_t> axes_{-1};
    bool normalize_ = false;
};

}  // namespace xgrad::nn
