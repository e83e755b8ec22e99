#pragma once
// float32 convolution on oneDNN's primitives (internal to lib/ops): conv2d
// uses them when oneDNN has a JIT implementation for the shapes, and its
// im2col composite otherwise (float64, reference-only shapes, gradients
// wanted with a graph).
#include <compare>
#include <cstdint>

namespace xgrad::detail {

/// One float32 convolution, channels-last: input [n, h, w, c], kernel
/// [kh, kw, c / groups, filters], output [n, ho, wo, filters].
struct ConvShape {
    std::int64_t n, h, w, c;
    std::int64_t filters, kh, kw, groups;
    std::int64_t sh, sw, dh, dw;                // strides, dilation (1 = none)
    std::int64_t top, bottom, left, right;      // zero padding
    std::int64_t ho, wo;
    bool bias;
    auto operator<=>(const ConvShape&) const = default;
};

/// True when oneDNN implements this convolution with JIT code on this CPU
/// (forward and both backward passes; not its slow reference loops). The
/// answer and the primitives behind it are cached per shape.
bool dnnl_convolution_available(const ConvShape& s);

/// y = conv(x, kernel) + bias (bias null when !s.bias).
void dnnl_convolution_forward(const ConvShape& s, const float* x, const float* kernel, const float* bias, float* y);
/// dx [n, h, w, c] from dy [n, ho, wo, filters].
void dnnl_convolution_backward_data(const ConvShape& s, const float* dy, const float* kernel, float* dx);
/// dkernel [kh, kw, c / groups, filters] and, when dbias is not null,
/// dbias [filters], from x and dy.
void dnnl_convolution_backward_weights(const ConvShape& s, const float* x, const float* dy, float* dkernel,
                                       float* dbias);

}  // namespace xgrad::detail
