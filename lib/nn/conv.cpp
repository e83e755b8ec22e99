#include "xgrad/nn/conv.hpp"

#include "xgrad/ops/elementwise.hpp"

namespace xgrad::nn {

DataFormat parse_data_format(const std::string& name, const std::string& who) {
    if (name == "channels_last") return DataFormat::channels_last;
    if (name == "channels_first") return DataFormat::channels_first;
    throw ValueError(who + ": data_format must be \"channels_last\" or \"channels_first\", got \"" + name + "\"");
}

std::array<std::int64_t, 2> parse_pair(const std::vector<std::int64_t>& v, const std::string& who, const char* what) {
    const bool ok = (v.size() == 1 || v.size() == 2) && v.front() > 0 && v.back() > 0;
    if (!ok) {
        std::string text = "[";
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (i) text += ',';
            text += std::to_string(v[i]);
        }
        throw ValueError(who + ": " + what + " must be one or two positive numbers, got " + text + "]");
    }
    return {v.front(), v.back()};
}

Padding2d parse_padding(const std::string& padding, const std::string& who) {
    if (padding != "valid" && padding != "same")
        throw ValueError(who + ": padding must be \"valid\" or \"same\", got \"" + padding + "\"");
    return Padding2d(padding);
}

std::size_t image_spatial_axis(const Shape& input_shape, DataFormat format, const std::string& who) {
    if (input_shape.size() != 4) {
        throw ShapeError(who + ": expected images [batch, H, W, C] (or [batch, C, H, W] channels_first), got " +
                         to_string(input_shape));
    }
    return format == DataFormat::channels_last ? 1 : 2;
}

Shape windowed_shape(const Shape& input_shape, const Window2d& window, DataFormat format, const std::string& who) {
    const std::size_t h = image_spatial_axis(input_shape, format, who);
    Shape out = input_shape;
    for (int axis = 0; axis < 2; ++axis) {
        const std::int64_t n = input_shape[h + static_cast<std::size_t>(axis)];
        out[h + static_cast<std::size_t>(axis)] = n < 0 ? -1 : window_output_size(n, window, axis);
    }
    return out;
}

Conv2D::Conv2D(std::int64_t filters, std::int64_t kernel_size, ActivationFn activation, InitializerRef kernel_initializer)
    : Conv2D(filters, std::vector<std::int64_t>{kernel_size, kernel_size}, std::move(activation),
             std::move(kernel_initializer)) {}

Conv2D::Conv2D(std::int64_t filters, std::vector<std::int64_t> kernel_size, ActivationFn activation,
               InitializerRef kernel_initializer) {
    set(&Conv2D::filters_, filters);
    set(&Conv2D::kernel_size_, std::move(kernel_size));
    set(&Conv2D::activation_, std::move(activation));
    set(&Conv2D::kernel_initializer_, std::move(kernel_initializer));
}

const Options<Conv2D>& Conv2D::options() {
    using C = Conv2D;
    static const auto options = add_kernel_bias_options(Options<C>("Conv2D", [] { return std::make_shared<C>(1, 1); })
                                    .add("filters", &C::filters_, OptionKind::required, require::positive)
                                    .add("kernel_size", &C::kernel_size_, OptionKind::required, require::window_entries)
                                    .add("strides", &C::strides_, require::window_entries)
                                    .add("padding", &C::padding_)
                                    .add("data_format", &C::data_format_, OptionKind::before_build)
                                    .add("dilation_rate", &C::dilation_rate_, require::window_entries)
                                    .add("groups", &C::groups_, OptionKind::before_build, require::positive)
                                    .add("activation", &C::activation_));
    return options;
}
XGRAD_REGISTER_LAYER(Conv2D);

Conv2dOptions Conv2D::conv_options() const {
    const std::string who = name() + " (Conv2D)";
    Conv2dOptions o;
    o.strides = parse_pair(strides_, who, "strides");
    o.dilation = parse_pair(dilation_rate_, who, "dilation_rate");
    o.padding = parse_padding(padding_, who);
    o.groups = groups_;
    o.data_format = parse_data_format(data_format_, who);
    check_window({parse_pair(kernel_size_, who, "kernel_size"), o.strides, o.dilation, o.padding}, who);
    return o;
}

void Conv2D::build(const Shape& input_shape) {
    const std::string who = name() + " (Conv2D)";
    const Conv2dOptions o = conv_options();
    const auto [kh, kw] = parse_pair(kernel_size_, who, "kernel_size");
    image_spatial_axis(input_shape, o.data_format, who);  // 4-D, else ShapeError
    const std::int64_t channels = input_shape[o.data_format == DataFormat::channels_last ? 3 : 1];
    if (channels <= 0 || channels % groups_ != 0 || filters_ % groups_ != 0) {
        throw ShapeError(who + ": input channels (" + std::to_string(channels) + ") and filters (" +
                         std::to_string(filters_) + ") must be positive and divide by groups (" +
                         std::to_string(groups_) + "), input shape " + to_string(input_shape));
    }
    add_weight("kernel", {kh, kw, channels / groups_, filters_}, *kernel_initializer_);
    if (use_bias_) add_weight("bias", {filters_}, *bias_initializer_);
}

Tensor Conv2D::forward(const Tensor& x, bool) {
    const Tensor y = conv2d(x, weight("kernel"), use_bias_ ? weight("bias") : Tensor(), conv_options());
    return activation_.is_linear() ? y : activation_(y);
}

Shape Conv2D::output_shape(const Shape& input_shape) {
    const std::string who = name() + " (Conv2D)";
    const Conv2dOptions o = conv_options();
    const Window2d w{parse_pair(kernel_size_, who, "kernel_size"), o.strides, o.dilation, o.padding};
    Shape out = windowed_shape(input_shape, w, o.data_format, who);
    out[o.data_format == DataFormat::channels_last ? 3 : 1] = filters_;
    return out;
}

std::vector<Tensor> Conv2D::losses() const {
    return kernel_bias_losses();
}

void Conv2D::apply_constraints() {
    apply_kernel_bias_constraints();
}

}  // namespace xgrad::nn
