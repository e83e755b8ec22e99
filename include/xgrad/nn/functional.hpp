#pragma once
/// \file
/// nn::Model: a model made of layer calls on symbolic tensors (Keras'
/// functional API), with one or several inputs and outputs, shared layers
/// and nested models.
///
///     auto image = nn::Input({28, 28, 1}, "image");
///     auto meta = nn::Input({4}, "meta");
///     auto h = nn::Flatten()(nn::Conv2D(8, 3, "relu")(image));
///     auto joined = nn::Concatenate()({h, meta});
///     auto main = nn::Dense(10, "softmax").set_name("main")(joined);
///     auto aux = nn::Dense(1).set_name("aux")(meta);
///     nn::Model model({image, meta}, {main, aux});
///     std::vector<Tensor> out = model({x_image, x_meta});
///     model.get_layer("aux")->set_trainable(false);
///     std::cout << model.summary();      // with Keras' "Connected to" column
///
/// A Model is a Module: one input and one output make it usable as
/// model(x), as a layer of a Sequential or of another functional model
/// (called on symbolic tensors it is one node), trained by train::fit,
/// saved by io::save (layers, configs and every call's inbound tensors),
/// cloned (shared layers stay shared in the copy) and frozen.
#include <cstddef>
#include <string>
#include <vector>

#include "xgrad/nn/symbolic.hpp"

namespace xgrad::nn {

/// A model over a graph of layer calls (Keras' functional Model).
class Model : public Cloneable<Model> {
public:
    /// A tensor of the graph: output `index` of call `node` of layer `layer`
    /// (indices into layers(), that layer's calls in this model, its outputs).
    struct TensorRef {
        std::size_t layer = 0;  ///< index into layers()
        std::size_t node = 0;   ///< which call of that layer within this model
        std::size_t index = 0;  ///< which output of that call
    };
    /// The calls of the layers and the model's inputs and outputs: what
    /// io::save stores (Keras' inbound_nodes, input_layers, output_layers).
    struct Graph {
        /// Per layer (layers() order), per call: the tensors it was called on.
        std::vector<std::vector<std::vector<TensorRef>>> inbound;
        /// The model's inputs: outputs of InputLayer calls, in order.
        std::vector<TensorRef> inputs;
        /// The model's outputs, in order.
        std::vector<TensorRef> outputs;
    };

    /// The model from `inputs` (nn::Input tensors) to `outputs` (computed
    /// from them), named `name` (default "model"). ValueError naming the
    /// tensors or layers for: an input that is not an nn::Input, an input
    /// given twice, an output that needs an Input not among `inputs` (graph
    /// disconnected), an input no output depends on.
    Model(const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& outputs, std::string name = "");
    /// One input, one output.
    Model(const SymbolicTensor& input, const SymbolicTensor& output, std::string name = "");
    /// A model over `layers` wired by `graph` (io::load): the same checks,
    /// plus a reference to a missing layer, call or output, a call with no
    /// inbound tensors, a cycle or a call no output needs (ValueError).
    Model(const std::vector<ModulePtr>& layers, const Graph& graph);

    /// Runs the layer calls in topological order. ValueError naming the
    /// input names for a wrong number of inputs.
    std::vector<Tensor> forward_many(const std::vector<Tensor>& inputs, bool training) override;
    /// One input and one output only (ValueError otherwise, naming the counts).
    Tensor forward(const Tensor& x, bool training) override;
    /// The only output's shape (ValueError for several outputs).
    Shape output_shape(const Shape& input_shape) override;
    /// The outputs' shapes, batch as the first input's; ShapeError naming the
    /// input and both shapes for an input shape that does not fit.
    std::vector<Shape> output_shapes(const std::vector<Shape>& input_shapes) override;
    /// The names of the Input layers, in input order.
    std::vector<std::string> input_names() const override;
    /// The names of the layers producing the outputs, in order; a second
    /// output of the same layer is "<name>_1", and so on.
    std::vector<std::string> output_names() const override;

    /// The layers (the model's children, Input layers included), inputs first.
    const std::vector<ModulePtr>& layers() const noexcept { return children(); }
    /// The layer named `name` (ValueError listing the names otherwise).
    const ModulePtr& get_layer(const std::string& name) const;
    /// The inputs' shapes ([-1, …]), in order.
    std::vector<Shape> inputs() const;
    /// The outputs' shapes ([-1, …]), in order.
    std::vector<Shape> outputs() const;
    /// The wiring, as io::save stores it.
    const Graph& graph() const noexcept { return graph_; }

    /// Keras 2's table with connections: "Layer (type) | Output Shape |
    /// Param # | Connected to" (one "layer[node][index]" per line), then
    /// Total / Trainable / Non-trainable params as Sequential::summary().
    std::string summary() const;

private:
    /// Registers `layers` (names made unique) and checks and orders `graph`.
    void init(const std::vector<ModulePtr>& layers, Graph graph);
    /// The flat id of call `node` of layer `layer`.
    std::size_t flat(std::size_t layer, std::size_t node) const { return node_offset_[layer] + node; }
    /// The shape of a graph tensor.
    const Shape& shape_of(const TensorRef& ref) const { return node_shapes_[flat(ref.layer, ref.node)][ref.index]; }
    /// "name[node][index]", as Keras' summary names a tensor.
    std::string tensor_text(const TensorRef& ref) const;

    Graph graph_;
    std::vector<std::size_t> node_offset_;           // per layer: the flat id of its first call
    std::vector<std::size_t> node_layer_;            // per flat id: its layer
    std::vector<std::size_t> order_;                 // flat ids, inputs before the calls that use them
    std::vector<std::vector<Shape>> node_shapes_;    // per flat id: its outputs' shapes
};

}  // namespace xgrad::nn
