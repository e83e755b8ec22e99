#pragma once
/// \file
/// Exporting a model to ONNX, for inference in any ONNX runtime (ONNX
/// Runtime, OpenCV's dnn module, TensorRT, …):
///
///     io::export_onnx(model, "model.onnx", {1, 28, 28});   // example input: [batch, ...]
///
/// The file holds one graph with input "input" and output "output", in the
/// model's dtype, with a symbolic batch dimension ("batch"), opset 13 of the
/// default domain (IR version 7). Layers export in inference form:
/// BatchNormalization with its moving statistics, Dropout, AlphaDropout and
/// GaussianNoise removed, RReLU as LeakyReLU with the mean slope.
///
/// Images stay channels-last at the graph's input and output, as in xgrad;
/// ONNX's Conv and pooling take channels-first, so the exporter transposes
/// in front of the first such layer and back only where a layer needs
/// xgrad's order (Flatten, Dense on images, Reshape, the output).
///
/// Extension point: each layer type has an exporter in
/// onnx_exporter_registry(), found by Module::type_name(); the built-in
/// layers register theirs the way a user layer would:
///
///     io::register_onnx_exporter("Scale", [](nn::Module& layer, io::OnnxGraph& g, const io::OnnxValue& x) {
///         return x.same_layout(g.node("Mul", {x.name, g.constant("factor", layer.weight("factor"))}));
///     });
///
/// Thread safety: export_onnx() reads the model; exporting different models
/// from different threads is safe, exporting one model while another thread
/// trains it is not.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "xgrad/core/registry.hpp"
#include "xgrad/core/shape.hpp"
#include "xgrad/nn/activations.hpp"
#include "xgrad/nn/module.hpp"

namespace xgrad::io {

/// The ONNX operator set the exporter writes (default domain).
inline constexpr std::int64_t onnx_opset = 13;

/// Writes `model` (built for `example_input_shape` if not yet built) as an
/// ONNX model to `path`, atomically: a failure leaves an existing file as it
/// was. `example_input_shape` is one input's shape with the batch first
/// ([1, 28, 28]); the batch dimension is exported as symbolic. The model runs
/// once on a zero batch of that shape (inference mode, no graph recorded), so
/// a shape it cannot take fails here with the layer's own ShapeError.
/// ValueError naming the layer for a layer type without an exporter or an
/// option with no ONNX form (e.g. a custom activation callable); IoError
/// naming `path` when it cannot be written.
void export_onnx(nn::Module& model, const std::string& path, const Shape& example_input_shape);

/// A value in the graph being built: the ONNX name of a tensor flowing
/// between layers.
struct OnnxValue {
    std::string name;  ///< Its name in the ONNX graph.
    /// Its shape in xgrad's layout ([batch, ...]); OnnxGraph::add() fills it in for a layer's output.
    Shape shape;
    /// True when the ONNX value holds that tensor with its last axis moved to
    /// axis 1 (ONNX's channels-first image layout); only for rank ≥ 3.
    bool channels_first = false;

    /// A value called `output_name` with this one's shape and layout (the output of an elementwise op).
    OnnxValue same_layout(std::string output_name) const { return {std::move(output_name), shape, channels_first}; }
};

/// One attribute of an ONNX node: an int, a float (stored as float32), a
/// list of ints or a string.
struct OnnxAttribute {
    std::string name;  ///< The attribute's name, e.g. "alpha".
    std::variant<std::int64_t, double, std::vector<std::int64_t>, std::string> value;  ///< Its value.
};

/// The ONNX graph under construction, handed to each layer's exporter.
/// Names it makes are unique and start with the current layer's name
/// ("dense_1/Gemm").
class OnnxGraph {
public:
    /// A graph whose tensors have `dtype` (float32 or float64).
    explicit OnnxGraph(Dtype dtype);
    ~OnnxGraph();
    OnnxGraph(const OnnxGraph&) = delete;
    OnnxGraph& operator=(const OnnxGraph&) = delete;

    /// The name of the layer being exported ("" outside add()), for error messages.
    const std::string& layer_name() const noexcept;
    /// The dtype of the model's tensors (constants of another floating dtype are converted to it).
    Dtype dtype() const noexcept;

    /// Adds a constant (an initializer) holding `value` (floating: converted
    /// to dtype(); int64 kept, e.g. shapes); returns its name.
    std::string constant(std::string_view hint, const Tensor& value);
    /// Adds a scalar constant of dtype() holding `value`; returns its name.
    std::string scalar(std::string_view hint, double value);
    /// Adds a node of `op_type` (default domain) with one output; returns the output's name.
    std::string node(std::string_view op_type, const std::vector<std::string>& inputs,
                     const std::vector<OnnxAttribute>& attributes = {});

    /// `value` in ONNX's channels-first layout (a Transpose unless it already is).
    OnnxValue channels_first(const OnnxValue& value);
    /// `value` in xgrad's channels-last layout (a Transpose back if needed).
    OnnxValue channels_last(const OnnxValue& value);

    /// Exports `layer` applied to `input` with the exporter registered for
    /// its type (ValueError naming the layer if there is none) and returns
    /// its output, with the shape layer.output_shape(input.shape).
    OnnxValue add(nn::Module& layer, const OnnxValue& input);
    /// Applies a registered activation by its name (relu, softmax, selu, …;
    /// "linear" adds nothing); ValueError for a custom callable.
    OnnxValue activation(const nn::ActivationFn& fn, const OnnxValue& value);

private:
    friend void export_onnx(nn::Module&, const std::string&, const Shape&);
    // The ModelProto's bytes with `input` and `output` as the graph's input and output.
    std::string serialize(const OnnxValue& input, const OnnxValue& output, const std::string& graph_name);

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Writes `layer` applied to `input` into `graph` and returns its output
/// value (the shape is filled in by OnnxGraph::add()); ValueError naming the
/// layer for an option it cannot express.
using OnnxExporter = std::function<OnnxValue(nn::Module& layer, OnnxGraph& graph, const OnnxValue& input)>;
/// Every layer type export_onnx() can write, by Module::type_name().
Registry<OnnxExporter>& onnx_exporter_registry();
/// Registers (or replaces) the exporter for `type_name`.
void register_onnx_exporter(std::string type_name, OnnxExporter exporter);

}  // namespace xgrad::io
