// ONNX exporters of the transposed, depthwise and separable convolutions and
// the resizing layers: ConvTranspose, Conv with group, Resize, Pad, Slice
// (opset 13), on channels-first images as ONNX's image ops take them.
#include "onnx/exporter_helpers.hpp"
#include "xgrad/nn/conv_transpose.hpp"
#include "xgrad/nn/depthwise_conv.hpp"
#include "xgrad/nn/image_padding.hpp"
#include "xgrad/nn/upsampling.hpp"
#include "xgrad/onnx/exporter_registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::io {

namespace {

using detail::as;
using detail::cannot_export;
using detail::image_input;
using detail::ImageInput;
using detail::onnx_pads;

Tensor int64_values(const std::vector<std::int64_t>& values) {
    return from_vector(values, {static_cast<std::int64_t>(values.size())});
}

// ConvTranspose's pads drop positions of the full result, the same number on
// both sides (OpenCV 4.6 refuses asymmetric pads); a Slice drops the rest.
// Positions past the full result's end (Keras' "valid" with a kernel smaller
// than the stride, output_padding) are its output_padding.
OnnxValue export_conv_transpose(nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
    auto& conv = as<nn::Conv2DTranspose>(layer);
    const Conv2dTransposeOptions o = conv.conv_options();
    const ImageInput in = image_input(g, layer, x, o.data_format);
    const Tensor& kernel = conv.weight("kernel");  // [kh, kw, filters, C]; ONNX: [C, filters, kh, kw]
    const std::int64_t kh = kernel.shape()[0], kw = kernel.shape()[1];
    const std::array<std::array<std::int64_t, 2>, 2> crops{conv_transpose_crop(in.height, kh, o, 0),
                                                           conv_transpose_crop(in.width, kw, o, 1)};
    std::array<std::int64_t, 2> pads{}, extra{}, first{};
    bool sliced = false;
    for (std::size_t a = 0; a < 2; ++a) {
        const std::int64_t before = crops[a][0], after = std::max<std::int64_t>(crops[a][1], 0);
        pads[a] = std::min(before, after);
        extra[a] = std::max<std::int64_t>(-crops[a][1], 0);
        first[a] = before - pads[a];
        sliced = sliced || before != after;
    }
    std::vector<std::string> inputs{in.value.name, g.constant("kernel", permute(kernel, {3, 2, 0, 1}))};
    if (conv.has_weight("bias")) inputs.push_back(g.constant("bias", conv.weight("bias")));
    std::string y = g.node("ConvTranspose", inputs,
                           {{"kernel_shape", std::vector<std::int64_t>{kh, kw}},
                            {"strides", std::vector<std::int64_t>{o.strides[0], o.strides[1]}},
                            {"dilations", std::vector<std::int64_t>{o.dilation[0], o.dilation[1]}},
                            {"pads", std::vector<std::int64_t>{pads[0], pads[1], pads[0], pads[1]}},
                            {"output_padding", std::vector<std::int64_t>{extra[0], extra[1]}}});
    const Shape out = conv.output_shape(x.shape);
    if (sliced) {
        const std::size_t h = o.data_format == DataFormat::channels_last ? 1 : 2;
        y = g.node("Slice", {y, g.constant("starts", int64_values({first[0], first[1]})),
                             g.constant("ends", int64_values({first[0] + out[h], first[1] + out[h + 1]})),
                             g.constant("axes", int64_values({2, 3}))});
    }
    return g.activation(conv.activation(), {y, out, in.value.channels_first});
}

// The depthwise step as a Conv with one group per input channel: kernel
// [kh, kw, C, m] is ONNX's [C·m, 1, kh, kw] (output channel c·m + k, as Keras).
template <class Layer>
std::string depthwise_conv(Layer& conv, OnnxGraph& g, const ImageInput& in, const std::string& bias) {
    const Conv2dOptions o = conv.conv_options();
    const Tensor& kernel = conv.weight("depthwise_kernel");
    const Shape& k = kernel.shape();
    const Window2d window{{k[0], k[1]}, o.strides, o.dilation, o.padding};
    std::vector<std::string> inputs{in.value.name,
                                    g.constant("depthwise_kernel", permute(reshape(kernel, {k[0], k[1], 1, k[2] * k[3]}),
                                                                           {3, 2, 0, 1}))};
    if (!bias.empty()) inputs.push_back(bias);
    return g.node("Conv", inputs,
                  {{"kernel_shape", std::vector<std::int64_t>{k[0], k[1]}},
                   {"strides", std::vector<std::int64_t>{o.strides[0], o.strides[1]}},
                   {"dilations", std::vector<std::int64_t>{o.dilation[0], o.dilation[1]}},
                   {"pads", onnx_pads(window, in.height, in.width)},
                   {"group", k[2]}});
}

OnnxValue export_depthwise(nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
    auto& conv = as<nn::DepthwiseConv2D>(layer);
    const ImageInput in = image_input(g, layer, x, conv.conv_options().data_format);
    const std::string bias = conv.has_weight("bias") ? g.constant("bias", conv.weight("bias")) : "";
    const std::string y = depthwise_conv(conv, g, in, bias);
    return g.activation(conv.activation(), {y, conv.output_shape(x.shape), in.value.channels_first});
}

OnnxValue export_separable(nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
    auto& conv = as<nn::SeparableConv2D>(layer);
    const ImageInput in = image_input(g, layer, x, conv.conv_options().data_format);
    const std::string mid = depthwise_conv(conv, g, in, "");
    const Tensor& pointwise = conv.weight("pointwise_kernel");  // [1, 1, C·m, filters]; ONNX: [filters, C·m, 1, 1]
    std::vector<std::string> inputs{mid, g.constant("pointwise_kernel", permute(pointwise, {3, 2, 0, 1}))};
    if (conv.has_weight("bias")) inputs.push_back(g.constant("bias", conv.weight("bias")));
    const std::string y = g.node("Conv", inputs, {{"kernel_shape", std::vector<std::int64_t>{1, 1}}});
    return g.activation(conv.activation(), {y, conv.output_shape(x.shape), in.value.channels_first});
}

// Resize with the factors as scales: nearest reads input pixel ⌊i / s⌋
// ("asymmetric", "floor"); bilinear samples at (i + 0.5) / s − 0.5 ("half_pixel").
OnnxValue export_upsampling(nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
    auto& up = as<nn::UpSampling2D>(layer);
    const std::string who = up.name() + " (UpSampling2D)";
    const auto factors = nn::parse_pair(up.size(), who, "size");
    const ImageInput in = image_input(g, layer, x, nn::parse_data_format(up.data_format(), who));
    // Resize takes its scales as float32 whatever the model's dtype.
    if (g.dtype() != float32) cannot_export(layer, "ONNX's Resize takes float32 scales; export the model in float32");
    const Tensor scales = from_vector(std::vector<float>{1, 1, static_cast<float>(factors[0]), static_cast<float>(factors[1])}, {4});
    const bool nearest = up.interpolation() == "nearest";
    if (!nearest && up.interpolation() != "bilinear") cannot_export(layer, "interpolation \"" + up.interpolation() + "\"");
    std::vector<OnnxAttribute> attributes{{"mode", std::string(nearest ? "nearest" : "linear")},
                                          {"coordinate_transformation_mode", std::string(nearest ? "asymmetric" : "half_pixel")}};
    if (nearest) attributes.push_back({"nearest_mode", std::string("floor")});
    const std::string y = g.node("Resize", {in.value.name, "", g.constant("scales", scales)}, attributes);
    return {y, {}, in.value.channels_first};
}

OnnxValue export_zero_padding(nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
    auto& padding = as<nn::ZeroPadding2D>(layer);
    const auto s = padding.sides();  // top, bottom, left, right
    const ImageInput in = image_input(g, layer, x, nn::parse_data_format(padding.data_format(), padding.name()));
    const Tensor pads = int64_values({0, 0, s[0], s[2], 0, 0, s[1], s[3]});
    return {g.node("Pad", {in.value.name, g.constant("pads", pads)}), {}, in.value.channels_first};
}

OnnxValue export_cropping(nn::Module& layer, OnnxGraph& g, const OnnxValue& x) {
    auto& cropping = as<nn::Cropping2D>(layer);
    const auto s = cropping.sides();  // top, bottom, left, right
    const ImageInput in = image_input(g, layer, x, nn::parse_data_format(cropping.data_format(), cropping.name()));
    const std::string y = g.node("Slice", {in.value.name, g.constant("starts", int64_values({s[0], s[2]})),
                                           g.constant("ends", int64_values({in.height - s[1], in.width - s[3]})),
                                           g.constant("axes", int64_values({2, 3}))});
    return {y, {}, in.value.channels_first};
}

const bool registered = [] {
    register_onnx_exporter("Conv2DTranspose", export_conv_transpose);
    register_onnx_exporter("DepthwiseConv2D", export_depthwise);
    register_onnx_exporter("SeparableConv2D", export_separable);
    register_onnx_exporter("UpSampling2D", export_upsampling);
    register_onnx_exporter("ZeroPadding2D", export_zero_padding);
    register_onnx_exporter("Cropping2D", export_cropping);
    return true;
}();

}  // namespace

}  // namespace xgrad::io
