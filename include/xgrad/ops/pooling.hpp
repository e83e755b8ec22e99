#pragma once
/// \file
/// 2-D pooling over windows of images [N, H, W, C] (or [N, C, H, W] with
/// DataFormat::channels_first), with the window geometry of conv2d
/// (xgrad/ops/convolution.hpp).
///
///     Tensor y = max_pool2d(x, {.pool_size = {2, 2}});    // strides default to the pool size, as Keras
///
/// Differences from PyTorch users meet:
///  - Keras' strides default to pool_size (PyTorch's kernel_size: the same).
///  - avg_pool2d divides by the pixels inside the image (Keras/TensorFlow with
///    padding "same"); PyTorch's AvgPool2d counts the zero padding too unless
///    count_include_pad=False.
///  - A window with no pixel inside the image (explicit padding at least the
///    pool size on one side, or a last window past the image) is a ShapeError
///    naming the geometry, for both poolings: it has no maximum and no mean.
///    PyTorch refuses such geometry too (it requires padding <= pool / 2);
///    "valid" and "same" never produce one.
///  - Window sizes and strides are bounded by max_window_extent (2^16,
///    ValueError above; see check_window). Both poolings visit only the part
///    of each window inside the image, so their time and memory follow the
///    image and the output, not the window size.
#include <array>
#include <cstdint>
#include <optional>

#include "xgrad/ops/convolution.hpp"

namespace xgrad {

/// Options of max_pool2d and avg_pool2d, as Keras' MaxPooling2D/AveragePooling2D arguments.
struct Pool2dOptions {
    /// Window size: rows, columns (Keras' default 2×2; PyTorch's kernel_size).
    std::array<std::int64_t, 2> pool_size{2, 2};
    /// Default: pool_size.
    std::optional<std::array<std::int64_t, 2>> strides{};
    Padding2d padding{};  ///< "valid" (default), "same" or explicit
    /// Layout of x and of the result: channels-last [N, H, W, C] by default.
    DataFormat data_format = DataFormat::channels_last;
};

/// The largest value of each window and channel; padding never wins
/// (errors as described above). The
/// gradient goes to the first largest pixel in the window (row-major), as
/// PyTorch's; a NaN wins (oneDNN's max pooling drops NaNs, so xgrad keeps its
/// own vectorized pass). Values and winners come from one pass over x; the
/// backward adds the gradient at the winners, as a scatter_add op when it
/// builds a graph, so gradients of any order exist. Op "max_pool2d".
Tensor max_pool2d(const Tensor& x, const Pool2dOptions& options = {});
/// The mean of each window and channel over the pixels inside the image
/// (errors as described above). One pass over x; its gradient spreads each
/// output's gradient evenly over its window's pixels, itself differentiable
/// (its gradient is avg_pool2d again), so gradients of any order exist. Op "avg_pool2d".
Tensor avg_pool2d(const Tensor& x, const Pool2dOptions& options = {});
/// Mean (or max) over the spatial axes: [N, C], or [N, 1, 1, C] /
/// [N, C, 1, 1] with keepdims (Keras' GlobalAveragePooling2D, GlobalMaxPooling2D).
Tensor global_avg_pool2d(const Tensor& x, DataFormat data_format = DataFormat::channels_last, bool keepdims = false);
/// Max over the spatial axes, shaped as global_avg_pool2d (Keras'
/// GlobalMaxPooling2D); tied maxima share the gradient equally, as max().
Tensor global_max_pool2d(const Tensor& x, DataFormat data_format = DataFormat::channels_last, bool keepdims = false);

}  // namespace xgrad
