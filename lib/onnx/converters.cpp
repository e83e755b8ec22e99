// The built-in op converters of export by tracing, registered the way a
// user op's would be (io::register_onnx_converter).
#include <onnx/onnx_pb.h>

#include <limits>

#include "xgrad/onnx/converter_registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::io {

namespace {

// An int64 constant holding `values` (shapes, axes, pads).
std::string int64s(OnnxGraph& g, std::string_view hint, const std::vector<std::int64_t>& values) {
    Tensor t(Shape{static_cast<std::int64_t>(values.size())}, int64);
    std::copy(values.begin(), values.end(), t.data<std::int64_t>());
    return g.constant(hint, t);
}

// Input i in xgrad's layout.
OnnxValue plain(const TracedOp& op, OnnxGraph& g, std::size_t i) { return g.channels_last(op.value(i)); }

// An elementwise op of one input: any layout.
OpConverter unary(const char* onnx_op) {
    return [onnx_op](const TracedOp& op, OnnxGraph& g) {
        const OnnxValue x = op.value(0);
        return x.same_layout(g.node(onnx_op, {x.name}));
    };
}

// Input i of a broadcast op whose other operand has rank `other_rank`: a
// constant loses its leading 1s ([1, C] → [C]), the same broadcast since
// shapes align on the right, and the form OpenCV 4.6 reads (it takes a
// [1, C] operand for a batch of one).
OnnxValue operand(const TracedOp& op, OnnxGraph& g, std::size_t i, std::size_t other_rank) {
    const Tensor& t = op.input(i);
    std::size_t ones = 0;
    while (ones < t.rank() && t.shape()[ones] == 1) ++ones;
    if (!op.is_constant(i) || ones == 0 || t.rank() > other_rank) return op.value(i);
    const Shape kept(std::span<const std::int64_t>(t.shape().data() + ones, t.rank() - ones));
    return {g.constant("constant", reshape(t, kept)), kept, false};
}

// Whether input i is a constant per channel of `image` (held channels-first):
// its shape without leading 1s is [C], C the image's last axis in xgrad's layout.
bool per_channel_constant(const TracedOp& op, std::size_t i, const OnnxValue& image) {
    if (!image.channels_first || !op.is_constant(i)) return false;
    const Tensor& t = op.input(i);
    if (t.rank() == 0 || t.rank() > image.shape.size()) return false;
    for (std::size_t d = 0; d + 1 < t.rank(); ++d)
        if (t.shape()[d] != 1) return false;
    return t.shape()[t.rank() - 1] == image.shape.back();
}

// An elementwise op of two broadcast inputs: in ONNX's image layout when both
// are there with one shape (a residual sum of convolutions) or one is a
// constant per channel of the other (batch norm's shift and scale, stored
// [C, 1, …, 1] to broadcast along ONNX's axis 1: no transposes, and a form
// OpenCV 4.6 reads — it fails on a channels-last 4-D value times a [C]
// constant); else in xgrad's layout.
OnnxValue broadcast(const TracedOp& op, OnnxGraph& g, const char* onnx_op) {
    for (const std::size_t i : {std::size_t{0}, std::size_t{1}}) {
        const std::size_t other = 1 - i;
        if (op.is_constant(other)) continue;
        const OnnxValue image = op.value(other);
        if (!per_channel_constant(op, i, image)) continue;
        std::vector<std::int64_t> channels(image.shape.size() - 1, 1);
        channels[0] = image.shape.back();
        const std::string constant = g.constant("constant", reshape(op.input(i), Shape(channels)));
        return image.same_layout(g.node(onnx_op, i == 0 ? std::vector<std::string>{constant, image.name}
                                                        : std::vector<std::string>{image.name, constant}));
    }
    OnnxValue a = operand(op, g, 0, op.input(1).rank()), b = operand(op, g, 1, op.input(0).rank());
    if (!(a.channels_first && b.channels_first && a.shape == b.shape)) {
        a = g.channels_last(a);
        b = g.channels_last(b);
    }
    return a.same_layout(g.node(onnx_op, {a.name, b.name}));
}
OpConverter binary(const char* onnx_op) {
    return [onnx_op](const TracedOp& op, OnnxGraph& g) { return broadcast(op, g, onnx_op); };
}

// x op s for a reported scalar s, in x's layout.
OpConverter with_scalar(const char* onnx_op, const char* attribute) {
    return [onnx_op, attribute](const TracedOp& op, OnnxGraph& g) {
        const OnnxValue x = op.value(0);
        return x.same_layout(g.node(onnx_op, {x.name, g.scalar(attribute, op.real(attribute))}));
    };
}

OnnxValue convert_scaled_elu(const TracedOp& op, OnnxGraph& g) {
    const OnnxValue x = op.value(0);
    const double alpha = op.real("alpha"), scale = op.real("scale");
    if (scale == 1.0) return x.same_layout(g.node("Elu", {x.name}, {{"alpha", alpha}}));
    return x.same_layout(g.node("Selu", {x.name}, {{"alpha", alpha}, {"gamma", scale}}));
}

OnnxValue convert_clamp(const TracedOp& op, OnnxGraph& g) {
    const OnnxValue x = op.value(0);
    // An absent bound is an empty input name, ONNX's optional-input form.
    const std::string lo = op.has("min") ? g.scalar("min", op.real("min")) : "";
    const std::string hi = op.has("max") ? g.scalar("max", op.real("max")) : "";
    return x.same_layout(g.node("Clip", {x.name, lo, hi}));
}

OnnxValue convert_clip(const TracedOp& op, OnnxGraph& g) {
    OnnxValue y = plain(op, g, 0);
    if (op.input(1).defined()) y.name = g.node("Max", {y.name, plain(op, g, 1).name});
    if (op.input(2).defined()) y.name = g.node("Min", {y.name, plain(op, g, 2).name});
    return y;
}

OnnxValue convert_where(const TracedOp& op, OnnxGraph& g) {
    return {g.node("Where", {plain(op, g, 0).name, plain(op, g, 1).name, plain(op, g, 2).name}), {}, false};
}

OnnxValue convert_linear(const TracedOp& op, OnnxGraph& g) {
    const OnnxValue x = plain(op, g, 0);
    const bool bias = op.input(2).defined();
    if (x.shape.size() == 2 && op.is_constant(1)) {
        // Gemm with the weight stored [out, in] (transB), the form every runtime reads.
        std::vector<std::string> inputs{x.name, g.constant("weight", transpose(op.input(1), 0, 1))};
        if (bias) inputs.push_back(plain(op, g, 2).name);
        return {g.node("Gemm", inputs, {{"transB", std::int64_t{1}}}), {}, false};
    }
    std::string y = g.node("MatMul", {x.name, plain(op, g, 1).name});
    if (bias) y = g.node("Add", {y, plain(op, g, 2).name});
    return {y, {}, false};
}

OnnxValue convert_reshape(const TracedOp& op, OnnxGraph& g) {
    const OnnxValue x = plain(op, g, 0);
    std::vector<std::int64_t> shape(op.output().shape().begin(), op.output().shape().end());
    // A kept first axis is copied from the input (0), so the batch stays symbolic.
    if (!shape.empty() && !x.shape.empty() && shape[0] == x.shape[0] && !op.is_constant(0)) shape[0] = 0;
    return {g.node("Reshape", {x.name, int64s(g, "shape", shape)}), {}, false};
}

OnnxValue convert_expand(const TracedOp& op, OnnxGraph& g) {
    const OnnxValue x = plain(op, g, 0);
    std::vector<std::int64_t> shape(op.output().shape().begin(), op.output().shape().end());
    // Expand broadcasts both ways: 1 keeps a first axis the input already has (the batch).
    if (!shape.empty() && x.shape.size() == shape.size() && x.shape[0] == shape[0]) shape[0] = 1;
    return {g.node("Expand", {x.name, int64s(g, "shape", shape)}), {}, false};
}

OnnxValue convert_permute(const TracedOp& op, OnnxGraph& g) {
    return {g.node("Transpose", {plain(op, g, 0).name}, {{"perm", op.integers("perm")}}), {}, false};
}

OnnxValue convert_slice(const TracedOp& op, OnnxGraph& g) {
    const OnnxValue x = plain(op, g, 0);
    const std::int64_t axis = op.integer("axis"), start = op.integer("start"), step = op.integer("step");
    const std::int64_t n = op.output().shape()[static_cast<std::size_t>(axis)];
    const std::int64_t stop = n == 0 ? start : start + (n - 1) * step + 1;
    return {g.node("Slice", {x.name, int64s(g, "starts", {start}), int64s(g, "ends", {stop}),
                             int64s(g, "axes", {axis}), int64s(g, "steps", {step})}),
            {},
            false};
}

// ONNX's CumSum takes its axis as a tensor input (a scalar int64).
OnnxValue convert_cumsum(const TracedOp& op, OnnxGraph& g) {
    return {g.node("CumSum", {plain(op, g, 0).name, g.constant("axis", scalar(static_cast<double>(op.integer("axis")), int64))}),
            {},
            false};
}

OnnxValue convert_concat(const TracedOp& op, OnnxGraph& g) {
    std::vector<std::string> inputs;
    for (std::size_t i = 0; i < op.num_inputs(); ++i) inputs.push_back(plain(op, g, i).name);
    return {g.node("Concat", inputs, {{"axis", op.integer("axis")}}), {}, false};
}

OnnxValue convert_pad(const TracedOp& op, OnnxGraph& g) {
    const OnnxValue x = plain(op, g, 0);
    return {g.node("Pad", {x.name, int64s(g, "pads", op.integers("pads")), g.scalar("value", op.real("value"))},
                   {{"mode", std::string("constant")}}),
            {},
            false};
}

// A reduction over the reported axes (all axes when the list is empty).
OpConverter reduction(const char* onnx_op) {
    return [onnx_op](const TracedOp& op, OnnxGraph& g) {
        const OnnxValue x = plain(op, g, 0);
        const auto rank = static_cast<std::int64_t>(x.shape.size());
        std::vector<std::int64_t> axes;
        for (const std::int64_t a : op.integers("axes")) axes.push_back(a < 0 ? a + rank : a);
        if (axes.empty())
            for (std::int64_t d = 0; d < rank; ++d) axes.push_back(d);
        const std::int64_t keepdims = op.integer("keepdims");
        // Opset 13 takes ReduceSum's axes as an input, the others' as an attribute.
        if (std::string_view(onnx_op) == "ReduceSum")
            return OnnxValue{g.node(onnx_op, {x.name, int64s(g, "axes", axes)}, {{"keepdims", keepdims}}), {}, false};
        return OnnxValue{g.node(onnx_op, {x.name}, {{"axes", axes}, {"keepdims", keepdims}}), {}, false};
    };
}

OpConverter softmax(const char* onnx_op) {
    return [onnx_op](const TracedOp& op, OnnxGraph& g) {
        return OnnxValue{g.node(onnx_op, {plain(op, g, 0).name}, {{"axis", op.integer("axis")}}), {}, false};
    };
}

// The image input of a window op in ONNX's channels-first layout.
OnnxValue image(const TracedOp& op, OnnxGraph& g) {
    // channels_first data already is ONNX's layout as xgrad holds it.
    return op.integer("channels_first") ? g.channels_last(op.value(0)) : g.channels_first(op.value(0));
}

OnnxValue convert_conv2d(const TracedOp& op, OnnxGraph& g) {
    const OnnxValue x = image(op, g);
    const Tensor& kernel = op.input(1);  // [kh, kw, C / groups, filters]; ONNX: [filters, C / groups, kh, kw]
    const std::string w = op.is_constant(1) ? g.constant("kernel", permute(kernel, {3, 2, 0, 1}))
                                            : g.node("Transpose", {plain(op, g, 1).name},
                                                     {{"perm", std::vector<std::int64_t>{3, 2, 0, 1}}});
    std::vector<std::string> inputs{x.name, w};
    if (op.input(2).defined()) inputs.push_back(plain(op, g, 2).name);
    const std::string y = g.node(
        "Conv", inputs,
        {{"kernel_shape", std::vector<std::int64_t>{kernel.shape()[0], kernel.shape()[1]}},
         {"strides", op.integers("strides")},
         {"dilations", op.integers("dilation")},
         {"pads", op.integers("pads")},
         {"group", op.integer("groups")}});
    return {y, {}, x.channels_first};
}

OpConverter pooling(const char* onnx_op) {
    return [onnx_op](const TracedOp& op, OnnxGraph& g) {
        const OnnxValue x = image(op, g);
        // Keras averages over the pixels inside the image only (ONNX's default count_include_pad = 0).
        const std::string y = g.node(onnx_op, {x.name},
                                     {{"kernel_shape", op.integers("pool_size")},
                                      {"strides", op.integers("strides")},
                                      {"pads", op.integers("pads")}});
        return OnnxValue{y, {}, x.channels_first};
    };
}

OnnxValue convert_to(const TracedOp& op, OnnxGraph& g) {
    const OnnxValue x = op.value(0);
    std::int64_t to = 0;
    switch (op.output().dtype()) {
    case float32: to = onnx::TensorProto::FLOAT; break;
    case float64: to = onnx::TensorProto::DOUBLE; break;
    case int64: to = onnx::TensorProto::INT64; break;
    case boolean: to = onnx::TensorProto::BOOL; break;
    case uint8: to = onnx::TensorProto::UINT8; break;
    }
    return x.same_layout(g.node("Cast", {x.name}, {{"to", to}}));
}

OnnxValue convert_index_select(const TracedOp& op, OnnxGraph& g) {
    return {g.node("Gather", {plain(op, g, 0).name, plain(op, g, 1).name}, {{"axis", op.integer("axis")}}), {},
            false};
}

OnnxValue convert_gather(const TracedOp& op, OnnxGraph& g) {
    return {g.node("GatherElements", {plain(op, g, 0).name, plain(op, g, 1).name}, {{"axis", op.integer("axis")}}),
            {},
            false};
}

OnnxValue convert_einsum(const TracedOp& op, OnnxGraph& g) {
    std::vector<std::string> inputs;
    for (std::size_t i = 0; i < op.num_inputs(); ++i) inputs.push_back(plain(op, g, i).name);
    return {g.node("Einsum", inputs, {{"equation", op.text("equation")}}), {}, false};
}

OnnxValue convert_flip(const TracedOp& op, OnnxGraph& g) {
    // A Slice walking each flipped axis backwards, from its last element past its first.
    const std::vector<std::int64_t>& axes = op.integers("axes");
    const std::vector<std::int64_t> starts(axes.size(), -1), steps(axes.size(), -1);
    const std::vector<std::int64_t> ends(axes.size(), std::numeric_limits<std::int64_t>::min());
    return {g.node("Slice", {plain(op, g, 0).name, int64s(g, "starts", starts), int64s(g, "ends", ends),
                             int64s(g, "axes", axes), int64s(g, "steps", steps)}),
            {},
            false};
}

OpConverter arg_extremum(const char* onnx_op) {
    return [onnx_op](const TracedOp& op, OnnxGraph& g) {
        // ONNX's default select_last_index = 0: the first index wins on ties, as in xgrad.
        return OnnxValue{g.node(onnx_op, {plain(op, g, 0).name},
                                {{"axis", op.integer("axis")}, {"keepdims", op.integer("keepdims")}}),
                         {},
                         false};
    };
}

const bool registered = [] {
    register_onnx_converter("add", binary("Add"));
    register_onnx_converter("sub", binary("Sub"));
    register_onnx_converter("mul", binary("Mul"));
    register_onnx_converter("div", binary("Div"));
    register_onnx_converter("pow", binary("Pow"));
    register_onnx_converter("maximum", binary("Max"));
    register_onnx_converter("minimum", binary("Min"));
    register_onnx_converter("eq", binary("Equal"));
    register_onnx_converter("lt", binary("Less"));
    register_onnx_converter("le", binary("LessOrEqual"));
    register_onnx_converter("gt", binary("Greater"));
    register_onnx_converter("ge", binary("GreaterOrEqual"));
    register_onnx_converter("ne", [](const TracedOp& op, OnnxGraph& g) {
        const OnnxValue equal = broadcast(op, g, "Equal");
        return equal.same_layout(g.node("Not", {equal.name}));
    });
    register_onnx_converter("logical_and", binary("And"));
    register_onnx_converter("logical_or", binary("Or"));
    register_onnx_converter("logical_xor", binary("Xor"));
    register_onnx_converter("mul_scalar", with_scalar("Mul", "scalar"));
    register_onnx_converter("add_scalar", with_scalar("Add", "scalar"));
    register_onnx_converter("pow_scalar", with_scalar("Pow", "exponent"));
    const std::pair<const char*, const char*> unaries[] = {
        {"neg", "Neg"},   {"exp", "Exp"},     {"log", "Log"},           {"sqrt", "Sqrt"},       {"abs", "Abs"},
        {"sign", "Sign"}, {"erf", "Erf"},     {"tanh", "Tanh"},         {"sigmoid", "Sigmoid"}, {"relu", "Relu"},
        {"floor", "Floor"}, {"ceil", "Ceil"}, {"softplus", "Softplus"}, {"reciprocal", "Reciprocal"},
        {"isnan", "IsNaN"}, {"isinf", "IsInf"}, {"logical_not", "Not"}, {"clone", "Identity"},
        {"sin", "Sin"},     {"cos", "Cos"},   {"tan", "Tan"},           {"asin", "Asin"},       {"acos", "Acos"},
        {"atan", "Atan"},   {"sinh", "Sinh"}, {"cosh", "Cosh"},         {"asinh", "Asinh"},     {"acosh", "Acosh"},
        {"atanh", "Atanh"},
    };
    for (const auto& [op, onnx_op] : unaries) register_onnx_converter(op, unary(onnx_op));
    register_onnx_converter("rsqrt", [](const TracedOp& op, OnnxGraph& g) {
        const OnnxValue x = op.value(0);
        return x.same_layout(g.node("Reciprocal", {g.node("Sqrt", {x.name})}));
    });
    register_onnx_converter("square", [](const TracedOp& op, OnnxGraph& g) {
        const OnnxValue x = op.value(0);
        return x.same_layout(g.node("Mul", {x.name, x.name}));
    });
    register_onnx_converter("log1p", [](const TracedOp& op, OnnxGraph& g) {
        const OnnxValue x = op.value(0);
        return x.same_layout(g.node("Log", {g.node("Add", {x.name, g.scalar("one", 1.0)})}));
    });
    register_onnx_converter("expm1", [](const TracedOp& op, OnnxGraph& g) {
        const OnnxValue x = op.value(0);
        return x.same_layout(g.node("Sub", {g.node("Exp", {x.name}), g.scalar("one", 1.0)}));
    });
    register_onnx_converter("scaled_elu", convert_scaled_elu);
    register_onnx_converter("clamp", convert_clamp);
    register_onnx_converter("clip", convert_clip);
    register_onnx_converter("where", convert_where);
    register_onnx_converter("matmul", [](const TracedOp& op, OnnxGraph& g) {
        return OnnxValue{g.node("MatMul", {plain(op, g, 0).name, plain(op, g, 1).name}), {}, false};
    });
    register_onnx_converter("linear", convert_linear);
    register_onnx_converter("reshape", convert_reshape);
    register_onnx_converter("expand", convert_expand);
    register_onnx_converter("permute", convert_permute);
    register_onnx_converter("slice", convert_slice);
    register_onnx_converter("concat", convert_concat);
    register_onnx_converter("cumsum", convert_cumsum);
    register_onnx_converter("pad", convert_pad);
    register_onnx_converter("sum", reduction("ReduceSum"));
    register_onnx_converter("mean", reduction("ReduceMean"));
    register_onnx_converter("max", reduction("ReduceMax"));
    register_onnx_converter("amax", reduction("ReduceMax"));
    register_onnx_converter("min", reduction("ReduceMin"));
    register_onnx_converter("amin", reduction("ReduceMin"));
    register_onnx_converter("prod", reduction("ReduceProd"));
    register_onnx_converter("logsumexp", reduction("ReduceLogSumExp"));
    register_onnx_converter("argmax", arg_extremum("ArgMax"));
    register_onnx_converter("argmin", arg_extremum("ArgMin"));
    register_onnx_converter("isfinite", [](const TracedOp& op, OnnxGraph& g) {
        const OnnxValue x = op.value(0);
        return x.same_layout(g.node("Not", {g.node("Or", {g.node("IsNaN", {x.name}), g.node("IsInf", {x.name})})}));
    });
    register_onnx_converter("softmax", softmax("Softmax"));
    register_onnx_converter("log_softmax", softmax("LogSoftmax"));
    register_onnx_converter("conv2d", convert_conv2d);
    register_onnx_converter("max_pool2d", pooling("MaxPool"));
    register_onnx_converter("avg_pool2d", pooling("AveragePool"));
    register_onnx_converter("to", convert_to);
    register_onnx_converter("index_select", convert_index_select);
    register_onnx_converter("gather", convert_gather);
    register_onnx_converter("einsum", convert_einsum);
    register_onnx_converter("flip", convert_flip);
    return true;
}();

}  // namespace

}  // namespace xgrad::io
