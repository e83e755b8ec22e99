#pragma once
/// \file
/// 2-D convolution and the window extraction it is built from.
///
///     Tensor y = conv2d(x, kernel, bias, {.strides = {2, 2}, .padding = "same"});   // x [N, H, W, C]
///
/// Layouts follow Keras: images channels-last [N, H, W, C] by default (or
/// PyTorch's channels-first [N, C, H, W] with data_format), kernels always
/// [kh, kw, C / groups, filters] (PyTorch stores [filters, C / groups, kh, kw]:
/// permute({2, 3, 1, 0}) converts one).
///
/// Output size per spatial axis, for input size n, window k, stride s,
/// dilation d and padding p_before + p_after:
///     out = floor((n + p_before + p_after − d·(k − 1) − 1) / s) + 1
/// "valid" pads nothing; "same" gives out = ceil(n / s) and pads
/// max((out − 1)·s + d·(k − 1) + 1 − n, 0) in total, the odd one after
/// (bottom/right), as Keras, TensorFlow and PyTorch's padding="same".
///
/// float32 convolutions run on oneDNN's JIT primitives (created once per
/// shape and kept; the batch split over xgrad's threads), with both backward
/// passes on oneDNN too. float64, shapes oneDNN has only reference code for,
/// and backward passes that build a graph (create_graph) use the composite:
/// im2col gathers each output position's window into a row and one matrix
/// product per group applies the kernel, so gradients of any order exist.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// Where the channels are: Keras' default channels_last [N, H, W, C], or
/// PyTorch's channels_first [N, C, H, W].
enum class DataFormat { channels_last, channels_first };

/// Zero padding of the two spatial axes: "valid", "same", or explicit rows
/// and columns per side.
struct Padding2d {
    /// How the padding is chosen: none, Keras' "same", or the explicit sizes below.
    enum class Mode { valid, same, explicit_sizes };
    /// Default: "valid" (no padding).
    Mode mode = Mode::valid;
    /// Rows of zeros above the image (used with explicit_sizes; ≥ 0).
    std::int64_t top = 0, bottom = 0, left = 0, right = 0;
    /// \var bottom
    /// Rows of zeros below the image (used with explicit_sizes; ≥ 0).
    /// \var left
    /// Columns of zeros left of the image (used with explicit_sizes; ≥ 0).
    /// \var right
    /// Columns of zeros right of the image (used with explicit_sizes; ≥ 0).

    Padding2d() = default;
    /// "valid" or "same" (ValueError otherwise).
    Padding2d(std::string_view name);  // NOLINT: implicit, as Keras' padding="same"
    /// "valid" or "same", as the string_view constructor (so `.padding = "same"` converts).
    Padding2d(const char* name) : Padding2d(std::string_view(name)) {}  // NOLINT
    /// `rows` above and below, `cols` left and right.
    Padding2d(std::int64_t rows, std::int64_t cols) : Padding2d(rows, rows, cols, cols) {}
    /// Explicit rows above and below and columns left and right (ValueError
    /// for a negative size).
    Padding2d(std::int64_t top, std::int64_t bottom, std::int64_t left, std::int64_t right);
};

/// The window geometry shared by im2col, col2im and conv2d.
struct Window2d {
    std::array<std::int64_t, 2> size{1, 1};      ///< kh, kw
    std::array<std::int64_t, 2> strides{1, 1};   ///< Step between windows: rows, columns.
    std::array<std::int64_t, 2> dilation{1, 1};  ///< Spacing of window taps: rows, columns (1: adjacent).
    Padding2d padding{};                         ///< Zero padding of the image (default "valid").
};

/// The largest window size, stride, dilation, dilated window extent
/// (dilation·(size − 1) + 1) and explicit padding per side the window ops
/// and layers accept: 2^16. Far above any real network (and any image side
/// xgrad is used with), low enough that no window computation can overflow
/// int64 and that oneDNN never sees a geometry it handles badly (dilation
/// 10^7 took it 14 s and 2 GB, 5·10^7 crashed it).
inline constexpr std::int64_t max_window_extent = std::int64_t{1} << 16;

/// Checks `window` against the rules of the window ops: sizes, strides and
/// dilation in [1, max_window_extent], the dilated extent and each explicit
/// padding at most max_window_extent. ValueError starting with `who` (an op
/// or a layer's name) and naming the window otherwise.
void check_window(const Window2d& window, const std::string& who);

/// Windows of x [N, H, W, C] as rows: [N, Ho, Wo, kh·kw·C], each row the
/// window's values in (row, column, channel) order; positions outside the
/// image read `pad_value`. Op "im2col"; its gradient is col2im.
Tensor im2col(const Tensor& x, const Window2d& window, double pad_value = 0.0);
/// The adjoint of im2col: sums each row of cols [N, Ho, Wo, kh·kw·C] back
/// into the window positions of an image of `image_shape` [N, H, W, C]
/// (padding dropped). Op "col2im"; its gradient is im2col.
Tensor col2im(const Tensor& cols, const Shape& image_shape, const Window2d& window);

/// Options of conv2d, as Keras' Conv2D arguments; the defaults give a
/// stride-1, unpadded, channels-last convolution.
struct Conv2dOptions {
    /// Step between output positions: rows, columns (PyTorch's stride).
    std::array<std::int64_t, 2> strides{1, 1};
    Padding2d padding{};  ///< "valid" (default), "same" or explicit
    /// Spacing of the kernel taps: rows, columns (Keras' dilation_rate).
    std::array<std::int64_t, 2> dilation{1, 1};
    /// Input channels and filters split into `groups` independent
    /// convolutions (groups = C: depthwise).
    std::int64_t groups = 1;
    /// Layout of x and of the result; kernels are [kh, kw, C / groups, filters] either way.
    DataFormat data_format = DataFormat::channels_last;
};

/// 2-D convolution (cross-correlation, as Keras and PyTorch):
///     y[n, i, j, f] = Σ_{a, b, c} x[n, i·sh + a·dh − top, j·sw + b·dw − left, g·Cg + c] · kernel[a, b, c, f] + bias[f]
/// for filter f of group g = f / (filters / groups). x [N, H, W, C] (or
/// [N, C, H, W]), kernel [kh, kw, C / groups, filters], bias [filters] or
/// undefined; floating dtypes, all alike. Op "conv2d".
/// ShapeError naming the shapes when they do not fit, and for no input
/// channels or no filters (C = 0 or filters = 0: an empty sum, refused rather
/// than defined); ValueError for groups below 1 or a window check_window refuses.
Tensor conv2d(const Tensor& x, const Tensor& kernel, const Tensor& bias = Tensor(), const Conv2dOptions& options = {});

/// The output size of `window` along spatial axis `axis` (0 rows, 1
/// columns) for input size `n` (0 when the window does not fit). ValueError
/// for a window check_window refuses, ShapeError for a negative `n` or one
/// whose padded size overflows int64.
std::int64_t window_output_size(std::int64_t n, const Window2d& window, int axis);
/// The padding {before, after} that `window` applies along spatial axis
/// `axis` to input size `n` ("same" resolved as above); errors as window_output_size.
std::array<std::int64_t, 2> window_padding(std::int64_t n, const Window2d& window, int axis);

}  // namespace xgrad
