#pragma once
// The attributes conv2d and the pooling ops report to a tracer
// (xgrad/autograd/trace.hpp): the window's geometry with explicit pads, the
// way ONNX's Conv and pooling operators take it.
#include "xgrad/autograd/trace.hpp"
#include "xgrad/ops/convolution.hpp"

namespace xgrad::detail {

/// strides, dilation, pads [top, left, bottom, right] and channels_first (0 / 1)
/// of `window` on an image of `x_shape` in `format`.
inline OpAttributes window_attributes(const Shape& x_shape, const Window2d& window, DataFormat format) {
    const bool first = format == DataFormat::channels_first;
    const auto rows = window_padding(x_shape[first ? 2 : 1], window, 0);
    const auto cols = window_padding(x_shape[first ? 3 : 2], window, 1);
    return {{"strides", std::vector<std::int64_t>{window.strides[0], window.strides[1]}},
            {"dilation", std::vector<std::int64_t>{window.dilation[0], window.dilation[1]}},
            {"pads", std::vector<std::int64_t>{rows[0], cols[0], rows[1], cols[1]}},
            {"channels_first", std::int64_t{first}}};
}

}  // namespace xgrad::detail
