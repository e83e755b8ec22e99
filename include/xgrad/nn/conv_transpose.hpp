#pragma once
/// \file
/// Conv2DTranspose (Keras' layers.Conv2DTranspose): y = activation(
/// conv2d_transpose(x, kernel) + bias), images channels-last [N, H, W, C]
/// by default, kernel [kh, kw, filters, C] (Keras' layout: input channels
/// last), Keras' defaults (strides 1, "valid", no output_padding,
/// glorot_uniform kernel, zeros bias) and output sizes (Keras'
/// deconv_output_length; see xgrad/ops/convolution_transpose.hpp).
///
///     Conv2DTranspose(32, 3, "relu").strides({2, 2}).padding("same")   // [N, 7, 7, 64] → [N, 14, 14, 32]
///
/// Parameters: kh·kw·filters·C + filters (Keras' count). kernel_size,
/// strides and dilation_rate entries must lie in [1, 2^16] and
/// output_padding entries in [0, 2^16] (ValueError when set or loaded);
/// output_padding must also be below the stride (checked when the layer
/// meets its input).
#include <cstdint>
#include <string>
#include <vector>

#include "xgrad/nn/activations.hpp"
#include "xgrad/nn/conv.hpp"
#include "xgrad/nn/kernel_bias.hpp"
#include "xgrad/nn/layer.hpp"
#include "xgrad/ops/convolution_transpose.hpp"

namespace xgrad::nn {

/// 2-D transposed convolution layer (Keras' Conv2DTranspose; PyTorch's
/// nn.ConvTranspose2d, but channels-last by default).
class Conv2DTranspose : public Layer<Conv2DTranspose>, public KernelBias<Conv2DTranspose> {
public:
    /// `filters` output channels from a kernel_size × kernel_size window.
    Conv2DTranspose(std::int64_t filters, std::int64_t kernel_size, ActivationFn activation = {},
                    InitializerRef kernel_initializer = "glorot_uniform");
    /// A {kh, kw} window.
    Conv2DTranspose(std::int64_t filters, std::vector<std::int64_t> kernel_size, ActivationFn activation = {},
                    InitializerRef kernel_initializer = "glorot_uniform");

    /// {sh, sw} (default {1, 1}).
    Conv2DTranspose& strides(std::vector<std::int64_t> s) { return set(&Conv2DTranspose::strides_, std::move(s)); }
    /// "valid" (default) or "same".
    Conv2DTranspose& padding(std::string p) { return set(&Conv2DTranspose::padding_, std::move(p)); }
    /// {ph, pw} extra rows and columns at the end, each below its stride
    /// (default empty: Keras' None, the size rule without output_padding).
    Conv2DTranspose& output_padding(std::vector<std::int64_t> p) {
        return set(&Conv2DTranspose::output_padding_, std::move(p));
    }
    /// "channels_last" (default, [N, H, W, C]) or "channels_first" ([N, C, H, W]).
    Conv2DTranspose& data_format(std::string f) { return set(&Conv2DTranspose::data_format_, std::move(f)); }
    /// {dh, dw} (default {1, 1}).
    Conv2DTranspose& dilation_rate(std::vector<std::int64_t> d) {
        return set(&Conv2DTranspose::dilation_rate_, std::move(d));
    }

    /// Number of output channels.
    std::int64_t filters() const noexcept { return filters_; }
    /// The window {kh, kw} (a single number is stored as {k, k}).
    const std::vector<std::int64_t>& kernel_size() const noexcept { return kernel_size_; }
    /// The activation applied after the transposed convolution and bias (default linear).
    const ActivationFn& activation() const noexcept { return activation_; }
    /// The options as ops::conv2d_transpose takes them (ValueError naming the layer for invalid ones).
    Conv2dTransposeOptions conv_options() const;

    /// Creates kernel [kh, kw, filters, C] and bias [filters].
    void build(const Shape& input_shape) override;
    Tensor forward(const Tensor& x, bool training) override;
    /// filters, kernel_size, strides, padding, output_padding, data_format,
    /// dilation_rate, activation, use_bias, initializers, regularizers,
    /// constraints (Keras' names).
    static const Options<Conv2DTranspose>& options();
    Shape output_shape(const Shape& input_shape) override;
    std::vector<Tensor> losses() const override;
    void apply_constraints() override;

private:
    std::int64_t filters_ = 1;
    std::vector<std::int64_t> kernel_size_{1, 1};
    std::vector<std::int64_t> strides_{1, 1};
    std::string padding_ = "valid";
    std::vector<std::int64_t> output_padding_;
    std::string data_format_ = "channels_last";
    std::vector<std::int64_t> dilation_rate_{1, 1};
    ActivationFn activation_;
};

}  // namespace xgrad::nn
