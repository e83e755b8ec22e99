// The built-in layers' ONNX exporters, registered the way a user layer's
// would be (io::register_onnx_exporter).
#include "xgrad/onnx/exporter_registry.hpp"
#include "onnx/exporter_helpers.hpp"
#include "xgrad/nn/activation_layers.hpp"
#include "xgrad/nn/batch_norm.hpp"
#include "xgrad/nn/conv.hpp"
#include "xgrad/nn/dense.hpp"
#include "xgrad/nn/pooling.hpp"
#include "xgrad/nn/rescaling.hpp"
#include "xgrad/nn/reshape.hpp"
#include "xgrad/nn/sequential.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::io {

namespace {

using detail::as;
using detail::cannot_export;
using detail::image_input;
using detail::ImageInput;
using detail::onnx_pads;

OnnxValue export_sequential(nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
    OnnxValue v = x;
    for (const nn::ModulePtr& child : as<nn::Sequential>(layer).layers()) v = g.add(*child, v);
    return v;
}

OnnxValue export_dense(nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
    auto& dense = as<nn::Dense>(layer);
    const OnnxValue in = g.channels_last(x);
    const Tensor& kernel = dense.weight("kernel");  // [in, units]
    const bool bias = dense.has_weight("bias");
    std::string y;
    if (in.shape.size() == 2) {
        // Gemm with the kernel stored [units, in] (transB), as PyTorch exports
        // nn.Linear: some runtimes (OpenCV 4.6) read only that form.
        std::vector<std::string> inputs{in.name, g.constant("kernel", transpose(kernel, 0, 1))};
        if (bias) inputs.push_back(g.constant("bias", dense.weight("bias")));
        y = g.node("Gemm", inputs, {{"transB", std::int64_t{1}}});
    } else {
        y = g.node("MatMul", {in.name, g.constant("kernel", kernel)});
        if (bias) y = g.node("Add", {y, g.constant("bias", dense.weight("bias"))});
    }
    return g.activation(dense.activation(), {y, dense.output_shape(in.shape), false});
}

OnnxValue export_conv2d(nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
    auto& conv = as<nn::Conv2D>(layer);
    const Conv2dOptions o = conv.conv_options();
    const ImageInput in = image_input(g, layer, x, o.data_format);
    const Tensor& kernel = conv.weight("kernel");  // [kh, kw, C / groups, filters]
    const Window2d window{{kernel.shape()[0], kernel.shape()[1]}, o.strides, o.dilation, o.padding};
    std::vector<std::string> inputs{in.value.name, g.constant("kernel", permute(kernel, {3, 2, 0, 1}))};
    if (conv.has_weight("bias")) inputs.push_back(g.constant("bias", conv.weight("bias")));
    const std::string y = g.node("Conv", inputs,
                                 {{"kernel_shape", std::vector<std::int64_t>{window.size[0], window.size[1]}},
                                  {"strides", std::vector<std::int64_t>{o.strides[0], o.strides[1]}},
                                  {"dilations", std::vector<std::int64_t>{o.dilation[0], o.dilation[1]}},
                                  {"pads", onnx_pads(window, in.height, in.width)},
                                  {"group", o.groups}});
    return g.activation(conv.activation(), {y, conv.output_shape(x.shape), in.value.channels_first});
}

template <nn::PoolKind kind> OnnxValue export_pooling(nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
    const Pool2dOptions o = as<nn::Pooling2D<kind>>(layer).pool_options();
    const ImageInput in = image_input(g, layer, x, o.data_format);
    const std::array<std::int64_t, 2> strides = o.strides.value_or(o.pool_size);
    const Window2d window{o.pool_size, strides, {1, 1}, o.padding};
    std::vector<OnnxAttribute> attributes{{"kernel_shape", std::vector<std::int64_t>{o.pool_size[0], o.pool_size[1]}},
                                          {"strides", std::vector<std::int64_t>{strides[0], strides[1]}},
                                          {"pads", onnx_pads(window, in.height, in.width)}};
    // Keras averages over the pixels inside the image only (ONNX's default count_include_pad = 0).
    const std::string y = g.node(kind == nn::PoolKind::max ? "MaxPool" : "AveragePool", {in.value.name}, attributes);
    return {y, {}, in.value.channels_first};
}

template <nn::PoolKind kind> OnnxValue export_global_pooling(nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
    auto& pool = as<nn::GlobalPooling2D<kind>>(layer);
    const DataFormat format =
        pool.data_format() == "channels_first" ? DataFormat::channels_first : DataFormat::channels_last;
    const ImageInput in = image_input(g, layer, x, format);
    const std::string y = g.node(kind == nn::PoolKind::max ? "GlobalMaxPool" : "GlobalAveragePool", {in.value.name});
    if (pool.keepdims()) return {y, {}, in.value.channels_first};
    return {g.node("Flatten", {y}, {{"axis", std::int64_t{1}}}), {}, false};
}

OnnxValue export_flatten(nn::Module&, OnnxGraph& g, const OnnxValue& x) {
    return {g.node("Flatten", {g.channels_last(x).name}, {{"axis", std::int64_t{1}}}), {}, false};
}

OnnxValue export_reshape(nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
    const Shape out = layer.output_shape(x.shape);
    Tensor shape(Shape{static_cast<std::int64_t>(out.size())}, int64);
    std::int64_t* dims = shape.data<std::int64_t>();
    dims[0] = -1;  // the batch
    for (std::size_t i = 1; i < out.size(); ++i) dims[i] = out[i];
    return {g.node("Reshape", {g.channels_last(x).name, g.constant("shape", shape)}), {}, false};
}

OnnxValue export_rescaling(nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
    auto& rescaling = as<nn::Rescaling>(layer);
    std::string y = x.name;
    if (rescaling.scale() != 1.0) y = g.node("Mul", {y, g.scalar("scale", rescaling.scale())});
    if (rescaling.offset() != 0.0) y = g.node("Add", {y, g.scalar("offset", rescaling.offset())});
    return x.same_layout(y);
}

OnnxValue export_batch_norm(nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
    auto& bn = as<nn::BatchNormalization>(layer);
    const auto rank = static_cast<std::int64_t>(x.shape.size());
    const std::int64_t axis = bn.axis() < 0 ? bn.axis() + rank : bn.axis();
    // ONNX normalizes over axis 1: xgrad's last axis once moved there, or axis 1 as it is.
    OnnxValue in;
    if (axis == rank - 1) in = g.channels_first(x);
    else if (axis == 1) in = g.channels_last(x);
    else cannot_export(layer, "normalizes axis " + std::to_string(bn.axis()) + " of " + to_string(x.shape) +
                                  "; ONNX's BatchNormalization takes the channels at axis 1 or last");
    const Tensor& mean = bn.weight("moving_mean");
    const std::string gamma = g.constant("gamma", bn.scale() ? bn.weight("gamma") : ones_like(mean));
    const std::string beta = g.constant("beta", bn.center() ? bn.weight("beta") : zeros_like(mean));
    const std::string y = g.node("BatchNormalization",
                                 {in.name, gamma, beta, g.constant("moving_mean", mean),
                                  g.constant("moving_variance", bn.weight("moving_variance"))},
                                 {{"epsilon", bn.epsilon()}});
    return in.same_layout(y);
}

OnnxValue leaky_relu(OnnxGraph& g, const OnnxValue& x, double slope) {
    return x.same_layout(g.node("LeakyRelu", {x.name}, {{"alpha", slope}}));
}

OnnxValue export_relu(nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
    auto& relu = as<nn::ReLU>(layer);
    if (relu.threshold() != 0.0) cannot_export(layer, "a threshold other than 0 has no ONNX operator");
    if (relu.max_value() && relu.negative_slope() != 0.0)
        cannot_export(layer, "max_value together with negative_slope has no ONNX operator");
    if (relu.max_value())
        return x.same_layout(g.node("Clip", {x.name, g.scalar("min", 0.0), g.scalar("max", *relu.max_value())}));
    if (relu.negative_slope() != 0.0) return leaky_relu(g, x, relu.negative_slope());
    return x.same_layout(g.node("Relu", {x.name}));
}

OnnxValue export_prelu(nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
    // The slopes are shaped as xgrad's input without the batch: broadcast in xgrad's layout.
    const OnnxValue in = g.channels_last(x);
    return in.same_layout(g.node("PRelu", {in.name, g.constant("alpha", layer.weight("alpha"))}));
}

OnnxValue export_softmax(nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
    const OnnxValue in = g.channels_last(x);
    const auto rank = static_cast<std::int64_t>(in.shape.size());
    const std::int64_t axis = as<nn::Softmax>(layer).axis();
    return in.same_layout(g.node("Softmax", {in.name}, {{"axis", axis < 0 ? axis + rank : axis}}));
}

OnnxValue identity(nn::Module&, OnnxGraph&, const OnnxValue& x) { return x; }

const bool registered = [] {
    register_onnx_exporter("Sequential", export_sequential);
    register_onnx_exporter("Dense", export_dense);
    register_onnx_exporter("Conv2D", export_conv2d);
    register_onnx_exporter("MaxPooling2D", export_pooling<nn::PoolKind::max>);
    register_onnx_exporter("AveragePooling2D", export_pooling<nn::PoolKind::average>);
    register_onnx_exporter("GlobalMaxPooling2D", export_global_pooling<nn::PoolKind::max>);
    register_onnx_exporter("GlobalAveragePooling2D", export_global_pooling<nn::PoolKind::average>);
    register_onnx_exporter("Flatten", export_flatten);
    register_onnx_exporter("Reshape", export_reshape);
    register_onnx_exporter("Rescaling", export_rescaling);
    register_onnx_exporter("BatchNormalization", export_batch_norm);
    register_onnx_exporter("ReLU", export_relu);
    register_onnx_exporter("LeakyReLU", [](nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
        return leaky_relu(g, x, as<nn::LeakyReLU>(layer).negative_slope());
    });
    register_onnx_exporter("PReLU", export_prelu);
    register_onnx_exporter("ELU", [](nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
        return x.same_layout(g.node("Elu", {x.name}, {{"alpha", as<nn::ELU>(layer).alpha()}}));
    });
    // In inference RReLU uses the mean of its slope range.
    register_onnx_exporter("RReLU", [](nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
        auto& rrelu = as<nn::RReLU>(layer);
        return leaky_relu(g, x, (rrelu.lower() + rrelu.upper()) / 2);
    });
    register_onnx_exporter("Activation", [](nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
        return g.activation(as<nn::Activation>(layer).activation(), x);
    });
    register_onnx_exporter("Softmax", export_softmax);
    for (const char* noise : {"Dropout", "AlphaDropout", "GaussianNoise"}) register_onnx_exporter(noise, identity);
    return true;
}();

}  // namespace

}  // namespace xgrad::io
