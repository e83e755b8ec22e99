#pragma once
/// \file
/// Symbolic tensors (Keras' KerasTensor) and nn::Input, the start of Keras'
/// functional API: a symbolic tensor has a shape (batch -1 = any) and a
/// dtype but no values, and remembers the layer call that produced it.
/// Calling a layer on symbolic tensors builds the layer, checks the shapes
/// and gives symbolic tensors; nn::Model (nn/functional.hpp) turns the
/// recorded graph into a model.
///
///     auto in = nn::Input({28, 28, 1}, "image");
///     auto h = nn::Conv2D(32, 3)(in);                 // a temporary: copied into the graph
///     auto shared = std::make_shared<nn::Dense>(8);
///     auto a = (*shared)(x1), b = (*shared)(x2);      // one layer, one set of weights
///     auto both = nn::Concatenate()({a, b});
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "xgrad/nn/layer.hpp"

namespace xgrad::nn {

struct SymbolicNode;

/// A placeholder for a tensor of a model being built: its shape ([batch,
/// …], batch -1), dtype, and the layer call (node) that produced it.
class SymbolicTensor {
public:
    /// Output `index` of `node`.
    SymbolicTensor(std::shared_ptr<const SymbolicNode> node, std::size_t index);
    /// The shape, batch dimension -1 (any).
    const Shape& shape() const;
    /// The dtype of the values it stands for.
    Dtype dtype() const;
    /// The layer whose call produced it (an InputLayer for nn::Input).
    const ModulePtr& layer() const;
    /// Which output of that call it is.
    std::size_t index() const noexcept { return index_; }
    /// The call that produced it.
    const std::shared_ptr<const SymbolicNode>& node() const noexcept { return node_; }

private:
    std::shared_ptr<const SymbolicNode> node_;
    std::size_t index_;
};

/// The outputs of a layer called on a list of symbolic tensors, in order.
/// When there is exactly one (a merge layer's), it is usable as that tensor,
/// as in Keras: `auto joined = nn::Concatenate()({a, b}); nn::Dense(1)(joined);`
class SymbolicTensors : public std::vector<SymbolicTensor> {
public:
    using std::vector<SymbolicTensor>::vector;
    /// The outputs `outputs`.
    SymbolicTensors(std::vector<SymbolicTensor> outputs) : std::vector<SymbolicTensor>(std::move(outputs)) {}
    /// The only output; ValueError naming the layer and the count when there
    /// are several (index them instead).
    operator const SymbolicTensor&() const;
};

/// One call of a layer on symbolic tensors (Keras' Node).
struct SymbolicNode {
    /// The layer called.
    ModulePtr layer;
    /// The tensors it was called on (none for an Input).
    std::vector<SymbolicTensor> inbound;
    /// The shapes of its outputs (batch -1).
    std::vector<Shape> output_shapes;
    /// The dtype of its outputs.
    Dtype dtype = float32;
};

/// The layer behind nn::Input (Keras' InputLayer): passes its input
/// through after checking its shape against the declared one.
class InputLayer : public Layer<InputLayer> {
public:
    /// Inputs of shape [batch, shape…] (each dimension positive, or -1 for
    /// any size) and dtype `dtype` ("float32", "float64", …).
    explicit InputLayer(std::vector<std::int64_t> shape = {}, std::string dtype = "float32");
    /// `x` itself; ShapeError naming the input and both shapes when x does not fit.
    Tensor forward(const Tensor& x, bool training) override;
    /// The declared shape, batch from `input_shape`.
    Shape output_shape(const Shape& input_shape) override;
    /// shape (each sample's, required) and dtype, as Keras' InputLayer.
    static const Options<InputLayer>& options();
    /// [-1, shape…].
    Shape batch_shape() const;
    /// The declared dtype.
    Dtype input_dtype() const;

private:
    std::vector<std::int64_t> shape_;
    std::string dtype_ = "float32";
};

/// A symbolic input of samples of shape `shape` (without the batch
/// dimension; -1 for a size left open), named `name` (default "input",
/// made unique within a model: input, input_1, …), of dtype `dtype`.
SymbolicTensor Input(Shape shape, std::string name = "", Dtype dtype = float32);

}  // namespace xgrad::nn
