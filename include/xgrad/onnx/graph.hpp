#pragma once
/// \file
/// OnnxGraph: the ONNX graph under construction that each layer's exporter
/// (exporter_registry.hpp) adds its nodes and constants to, and OnnxValue,
/// the tensors flowing between them. A value's layout is tracked: xgrad's
/// images are channels-last, ONNX's Conv and pooling take channels-first,
/// and channels_first() / channels_last() transpose only when the value is
/// not already in the layout asked for.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "xgrad/core/shape.hpp"
#include "xgrad/nn/activations.hpp"
#include "xgrad/nn/module.hpp"

namespace xgrad::io {

struct OnnxExportOptions;
struct OnnxValue;
class OnnxGraph;

namespace detail {
/// export_onnx()'s access to the finished graph's bytes (OnnxGraph::serialize).
std::string serialize(OnnxGraph& graph, const std::vector<OnnxValue>& inputs, const std::vector<OnnxValue>& outputs,
                      const std::vector<std::string>& output_names, const std::string& graph_name);
}  // namespace detail

/// The ONNX operator set the exporter writes (default domain).
inline constexpr std::int64_t onnx_opset = 13;

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
    /// Sets the start of the names made from now on, as add() does with the
    /// layer's name; export by tracing sets each op's layer path.
    void set_name_prefix(std::string prefix);
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
    friend std::string detail::serialize(OnnxGraph&, const std::vector<OnnxValue>&, const std::vector<OnnxValue>&,
                                         const std::vector<std::string>&, const std::string&);
    // The ModelProto's bytes with `inputs` (already named) as the graph's
    // inputs and `outputs` renamed `output_names`.
    std::string serialize(const std::vector<OnnxValue>& inputs, const std::vector<OnnxValue>& outputs,
                          const std::vector<std::string>& output_names, const std::string& graph_name);

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace xgrad::io
