#pragma once
/// \file
/// The per-op extension point of ONNX export by tracing. export_onnx() runs
/// the model on an example input and each op it executes (xgrad/autograd/trace.hpp) is
/// written by the converter registered for its registry name; an op
/// without one fails the export with a ValueError naming the op and the
/// layer path that ran it. A user op registers its converter the way the
/// built-in ones do:
///
///     io::register_onnx_converter("my_softsign", [](const io::TracedOp& op, io::OnnxGraph& g) {
///         const io::OnnxValue x = op.value(0);
///         return x.same_layout(g.node("Softsign", {x.name}));
///     });
///
/// What is traced:
/// - A module whose type has a layer exporter (exporter_registry.hpp) is
///   written by that exporter as one unit; the ops inside it are not traced.
///   Sequential has one, so a Sequential of exportable layers exports as
///   before tracing existed.
/// - Any other module (a subclassed model, a layer without an exporter) is
///   traced op by op.
/// - A composite op (written with other public ops) follows one rule: when
///   ONNX has one operator for it, it reports itself and silences the ops it
///   is made of (a CompositeOpTrace, xgrad/autograd/trace.hpp): conv2d,
///   max_pool2d, avg_pool2d, matmul, mean, softmax, log_softmax, where,
///   clip, pad, einsum. Otherwise it reports nothing and its inner ops are
///   traced: flatten, squeeze, unsqueeze (reshape), transpose (permute),
///   stack (reshape, concat), tile, global pooling (mean, max), var, std,
///   and nn's leaky_relu, gelu, silu, mish, hard_sigmoid, softsign, prelu.
/// - An op whose inputs are all constants is folded: its output is a
///   constant too.
/// - A tensor no traced op produced (a weight, a constant made inside
///   forward, a scalar operand) becomes an initializer holding its value at
///   trace time; the model's input is the graph's input. The model is traced
///   twice, on two different inputs, and the initializers must be equal: a
///   tensor computed from the input by code the tracer does not see (an op
///   without a trace_op() line, a loop over the data) fails the export,
///   naming the op that used it, instead of becoming a wrong constant. An op
///   that records an autograd node without reporting itself fails by name.
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "xgrad/autograd/trace.hpp"
#include "xgrad/core/registry.hpp"
#include "xgrad/onnx/graph.hpp"

namespace xgrad::io {

/// One traced op as its converter sees it: its tensors (with their values at
/// trace time), its attributes, and the ONNX values of its inputs.
class TracedOp {
public:
    /// The ONNX value of a traced tensor (an op's output, the graph's input,
    /// or an initializer made on first use).
    using ValueOf = std::function<OnnxValue(const Tensor&)>;
    /// Whether a tensor is a constant (no traced op produced it, it is not an input).
    using IsConstant = std::function<bool(const Tensor&)>;

    /// An op called `name` run on `inputs` giving `output`, with `attributes`.
    TracedOp(std::string_view name, std::span<const Tensor* const> inputs, const Tensor& output,
             const OpAttributes& attributes, ValueOf value_of, IsConstant is_constant);

    /// The op's registry name ("conv2d").
    std::string_view name() const noexcept { return name_; }
    /// How many inputs it reported (optional ones included, undefined).
    std::size_t num_inputs() const noexcept { return inputs_.size(); }
    /// Input i; undefined for an optional input not given (no bias).
    const Tensor& input(std::size_t i) const;
    /// The op's output.
    const Tensor& output() const noexcept { return output_; }
    /// The ONNX value of input i, in the layout it was produced in.
    OnnxValue value(std::size_t i) const;
    /// Whether input i is a constant (its value is known; e.g. a kernel to store permuted).
    bool is_constant(std::size_t i) const;

    /// Whether attribute `name` was reported.
    bool has(std::string_view name) const;
    /// Integer attribute `name` (ValueError naming the op if it is missing or of another kind).
    std::int64_t integer(std::string_view name) const;
    /// Real attribute `name`.
    double real(std::string_view name) const;
    /// List-of-integers attribute `name`.
    const std::vector<std::int64_t>& integers(std::string_view name) const;
    /// String attribute `name`.
    const std::string& text(std::string_view name) const;

private:
    const OpAttributeValue& attribute(std::string_view name) const;

    std::string_view name_;
    std::span<const Tensor* const> inputs_;
    const Tensor& output_;
    const OpAttributes& attributes_;
    ValueOf value_of_;
    IsConstant is_constant_;
};

/// Writes a traced op into `graph` and returns its output value (the tracer
/// sets its shape to the op's output shape); ValueError for attributes it
/// cannot express.
using OpConverter = std::function<OnnxValue(const TracedOp& op, OnnxGraph& graph)>;
/// Every op export by tracing can write, by registry name.
Registry<OpConverter>& onnx_converter_registry();
/// Registers (or replaces) the converter of op `op_name`.
void register_onnx_converter(std::string op_name, OpConverter converter);

}  // namespace xgrad::io
