#pragma once
/// \file
/// Conv2D (Keras' layers.Conv2D): y = activation(conv2d(x, kernel) + bias),
/// images channels-last [N, H, W, C] by default, kernel [kh, kw, C / groups,
/// filters] (Keras' layout), Keras' defaults (strides 1, "valid",
/// glorot_uniform kernel, zeros bias).
///
///     Conv2D(64, 7, "relu").padding("same")            // the book's first layer
///     Conv2D(32, {3, 5}).strides({2, 2}).groups(4).data_format("channels_first")
///
/// Parameters: kh·kw·(C / groups)·filters + filters (Keras' count). The
/// computation is ops::conv2d (xgrad/ops/convolution.hpp).
///
/// kernel_size, strides and dilation_rate entries must lie in [1, 2^16]
/// (ValueError when set or loaded) and the dilated window,
/// dilation·(size − 1) + 1, must be at most 2^16 (checked when the layer
/// meets its input): see max_window_extent.
#include <cstdint>
#include <string>
#include <vector>

#include "xgrad/nn/activations.hpp"
#include "xgrad/nn/constraints.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/nn/kernel_bias.hpp"
#include "xgrad/nn/layer.hpp"
#include "xgrad/nn/regularizers.hpp"
#include "xgrad/ops/convolution.hpp"

namespace xgrad::require {
/// Each entry of a window option (kernel_size, pool_size, strides,
/// dilation_rate) in [1, max_window_extent]: an absurd window in a model
/// file is refused when the file loads, naming the layer.
inline constexpr Requirement window_entries{"entries must be in [1, 65536]", [](double v) {
                                                return v >= 1 && v <= static_cast<double>(max_window_extent);
                                            }};
/// Each entry of a padding or cropping option (output_padding,
/// ZeroPadding2D's padding, Cropping2D's cropping) in [0, max_window_extent].
inline constexpr Requirement padding_entries{"entries must be in [0, 65536]", [](double v) {
                                                 return v >= 0 && v <= static_cast<double>(max_window_extent);
                                             }};
static_assert(max_window_extent == 65536, "window_entries' and padding_entries' texts state the bound");
}  // namespace xgrad::require

namespace xgrad::nn {

/// 2-D convolution layer (Keras' Conv2D; PyTorch's nn.Conv2d, but channels-last by default).
class Conv2D : public Layer<Conv2D>, public KernelBias<Conv2D> {
public:
    /// `filters` outputs per position from a kernel_size × kernel_size window.
    Conv2D(std::int64_t filters, std::int64_t kernel_size, ActivationFn activation = {},
           InitializerRef kernel_initializer = "glorot_uniform");
    /// A {kh, kw} window.
    Conv2D(std::int64_t filters, std::vector<std::int64_t> kernel_size, ActivationFn activation = {},
           InitializerRef kernel_initializer = "glorot_uniform");

    /// {sh, sw} (default {1, 1}).
    Conv2D& strides(std::vector<std::int64_t> s) { return set(&Conv2D::strides_, std::move(s)); }
    /// "valid" (default) or "same".
    Conv2D& padding(std::string p) { return set(&Conv2D::padding_, std::move(p)); }
    /// "channels_last" (default, [N, H, W, C]) or "channels_first" ([N, C, H, W]).
    Conv2D& data_format(std::string f) { return set(&Conv2D::data_format_, std::move(f)); }
    /// {dh, dw} (default {1, 1}).
    Conv2D& dilation_rate(std::vector<std::int64_t> d) { return set(&Conv2D::dilation_rate_, std::move(d)); }
    /// Channels and filters in `g` independent groups (default 1). Set before the layer is built.
    Conv2D& groups(std::int64_t g) { return set(&Conv2D::groups_, g); }

    /// Number of output channels.
    std::int64_t filters() const noexcept { return filters_; }
    /// The window {kh, kw} as given (a single number is stored as {k, k}).
    const std::vector<std::int64_t>& kernel_size() const noexcept { return kernel_size_; }
    /// The activation applied after the convolution and bias (default linear).
    const ActivationFn& activation() const noexcept { return activation_; }
    /// The options as ops::conv2d takes them (ValueError naming the layer for
    /// invalid ones, a window check_window refuses included).
    Conv2dOptions conv_options() const;

    /// Creates kernel [kh, kw, C / groups, filters] and bias [filters].
    void build(const Shape& input_shape) override;
    Tensor forward(const Tensor& x, bool training) override;
    /// filters, kernel_size, strides, padding, data_format, dilation_rate,
    /// groups, activation, use_bias, initializers, regularizers, constraints (Keras' names).
    static const Options<Conv2D>& options();
    Shape output_shape(const Shape& input_shape) override;
    std::vector<Tensor> losses() const override;
    void apply_constraints() override;

private:
    std::int64_t filters_ = 1;
    std::vector<std::int64_t> kernel_size_{1, 1};
    std::vector<std::int64_t> strides_{1, 1};
    std::string padding_ = "valid";
    std::string data_format_ = "channels_last";
    std::vector<std::int64_t> dilation_rate_{1, 1};
    std::int64_t groups_ = 1;
    ActivationFn activation_;
};

/// "channels_last" / "channels_first" as a DataFormat (ValueError naming
/// `who` otherwise): shared by the image layers.
DataFormat parse_data_format(const std::string& name, const std::string& who);
/// A pair from Keras' one-or-two-number form ({3} → {3, 3}); ValueError
/// naming `who` and `what` unless 1 or 2 positive numbers.
std::array<std::int64_t, 2> parse_pair(const std::vector<std::int64_t>& v, const std::string& who, const char* what);
/// Keras' "valid" / "same" as a Padding2d (ValueError naming `who` otherwise).
Padding2d parse_padding(const std::string& padding, const std::string& who);
/// The index of the first spatial axis (H) of images [batch, H, W, C] (1) or
/// [batch, C, H, W] (2); ShapeError naming `who` unless `input_shape` is 4-D.
std::size_t image_spatial_axis(const Shape& input_shape, DataFormat format, const std::string& who);
/// `input_shape` with H and W replaced by `window`'s output sizes (an
/// unknown size, -1, stays unknown): the output shape of a windowed layer
/// before its channels change.
Shape windowed_shape(const Shape& input_shape, const Window2d& window, DataFormat format, const std::string& who);

}  // namespace xgrad::nn
