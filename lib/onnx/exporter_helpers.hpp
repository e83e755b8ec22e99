#pragma once
// What the built-in layer exporters share (internal to lib/onnx): the error
// naming the layer, the typed view of a layer, and images as ONNX takes them.
#include <string>
#include <vector>

#include "xgrad/nn/module.hpp"
#include "xgrad/onnx/graph.hpp"
#include "xgrad/ops/convolution.hpp"

namespace xgrad::io::detail {

[[noreturn]] inline void cannot_export(const nn::Module& layer, const std::string& why) {
    throw ValueError("export_onnx: layer '" + layer.name() + "' (" + layer.type_name() + "): " + why);
}

template <class L> L& as(nn::Module& layer) {
    auto* typed = dynamic_cast<L*>(&layer);
    if (!typed) cannot_export(layer, "the exporter registered for this type name expects another class");
    return *typed;
}

// [top, left, bottom, right] as ONNX's pads (begins, then ends) for `window` on an [H, W] image.
inline std::vector<std::int64_t> onnx_pads(const Window2d& window, std::int64_t height, std::int64_t width) {
    const auto rows = window_padding(height, window, 0);
    const auto cols = window_padding(width, window, 1);
    return {rows[0], cols[0], rows[1], cols[1]};
}

// The input to a channels-first ONNX image op, and the [H, W] of the image, for a layer in `format`.
struct ImageInput {
    OnnxValue value;
    std::int64_t height, width;
};
inline ImageInput image_input(OnnxGraph& g, const nn::Module& layer, const OnnxValue& x, DataFormat format) {
    if (x.shape.size() != 4) cannot_export(layer, "expects [N, H, W, C] images, got " + to_string(x.shape));
    // channels_first data is already ONNX's layout as xgrad holds it; channels_last moves its last axis.
    if (format == DataFormat::channels_first) return {g.channels_last(x), x.shape[2], x.shape[3]};
    return {g.channels_first(x), x.shape[1], x.shape[2]};
}

}  // namespace xgrad::io::detail
