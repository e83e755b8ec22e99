#pragma once
/// \file
/// 2-D transposed convolution (Keras' Conv2DTranspose, PyTorch's
/// conv_transpose2d): the adjoint of conv2d with respect to its input.
///
///     Tensor y = conv2d_transpose(x, kernel, bias, {.strides = {2, 2}, .padding = "same"});  // [N, 7, 7, C] → [N, 14, 14, filters]
///
/// Kernels are Keras' [kh, kw, filters, C] (input channels last). PyTorch's
/// conv_transpose2d takes [C, filters, kh, kw]: permute({2, 3, 1, 0})
/// converts one to xgrad's layout.
///
/// Output size per spatial axis (Keras' deconv_output_length), for input
/// size n, window k, stride s, dilation d, dilated window K = d·(k − 1) + 1:
///     "valid": n·s + max(K − s, 0)       with output_padding p: (n − 1)·s + K + p
///     "same":  n·s                       with output_padding p: (n − 1)·s + K − 2·⌊K/2⌋ + p
///     explicit (before, after):          (n − 1)·s + K − before − after + p
/// Of the full result, (n − 1)·s + K positions, the output keeps positions
/// [crop, crop + size), zeros beyond its end: crop = 0 for "valid", `before`
/// for explicit padding (PyTorch's padding, output_padding), and for "same"
/// K − 1 − min(⌈q/2⌉, K − 1) with q = s + K − 2 (no output_padding) or
/// K + (K mod 2) − 2 + p (Keras 3's rule; TensorFlow's "SAME" gives the same).
///
/// float32 runs on oneDNN (its convolution backward-data primitive, which is
/// oneDNN's deconvolution), with both backward passes there; float64, shapes
/// oneDNN has only reference code for, and backward passes that build a
/// graph use the composite col2im(x · kernelᵀ), so gradients of any order exist.
#include <array>
#include <cstdint>
#include <optional>

#include "xgrad/core/tensor.hpp"
#include "xgrad/ops/convolution.hpp"

namespace xgrad {

/// Options of conv2d_transpose, as Keras' Conv2DTranspose arguments.
struct Conv2dTransposeOptions {
    /// Step between the input positions' windows in the output: rows, columns.
    std::array<std::int64_t, 2> strides{1, 1};
    Padding2d padding{};  ///< "valid" (default), "same" or explicit (cropped from the full result)
    /// Extra rows and columns at the end of the output, each in [0, stride)
    /// (Keras' output_padding; none by default, as Keras' None).
    std::optional<std::array<std::int64_t, 2>> output_padding = std::nullopt;
    /// Spacing of the kernel taps: rows, columns (Keras' dilation_rate).
    std::array<std::int64_t, 2> dilation{1, 1};
    /// Layout of x and of the result; kernels are [kh, kw, filters, C] either way.
    DataFormat data_format = DataFormat::channels_last;
};

/// The output size of a transposed convolution along spatial axis `axis`
/// (0 rows, 1 columns) for input size `n` and kernel size `k` (the rule in
/// the file comment). ValueError for a window check_window refuses or an
/// output_padding outside [0, stride); ShapeError when the size overflows
/// int64 or is below 1.
std::int64_t conv_transpose_output_size(std::int64_t n, std::int64_t k, const Conv2dTransposeOptions& options,
                                        int axis);

/// What the output drops of the full result along spatial axis `axis`:
/// {positions before, positions after}, the second negative when the output
/// runs past the full result (those positions hold only the bias), as ONNX's
/// ConvTranspose needs them (pads and output_padding). Errors as
/// conv_transpose_output_size.
std::array<std::int64_t, 2> conv_transpose_crop(std::int64_t n, std::int64_t k, const Conv2dTransposeOptions& options,
                                                int axis);

/// 2-D transposed convolution:
///     y[n, i·sh + a·dh − crop_h, j·sw + b·dw − crop_w, f] += x[n, i, j, c] · kernel[a, b, f, c]   (+ bias[f])
/// over the positions the output keeps. x [N, H, W, C] (or [N, C, H, W]),
/// kernel [kh, kw, filters, C], bias [filters] or undefined; floating
/// dtypes, all alike. Its gradient with respect to x is conv2d(dy, kernel).
/// Op "conv2d_transpose". ShapeError naming the shapes when they do not fit
/// (C and filters must be at least 1); ValueError for invalid options.
Tensor conv2d_transpose(const Tensor& x, const Tensor& kernel, const Tensor& bias = Tensor(),
                        const Conv2dTransposeOptions& options = {});

}  // namespace xgrad
