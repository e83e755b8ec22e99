#include "xgrad/nn/conv_transpose.hpp"

namespace xgrad::nn {

Conv2DTranspose::Conv2DTranspose(std::int64_t filters, std::int64_t kernel_size, ActivationFn activation,
                                 InitializerRef kernel_initializer)
    : Conv2DTranspose(filters, std::vector<std::int64_t>{kernel_size, kernel_size}, std::move(activation),
                      std::move(kernel_initializer)) {}

Conv2DTranspose::Conv2DTranspose(std::int64_t filters, std::vector<std::int64_t> kernel_size, ActivationFn activation,
                                 InitializerRef kernel_initializer) {
    set(&Conv2DTranspose::filters_, filters);
    set(&Conv2DTranspose::kernel_size_, std::move(kernel_size));
    set(&Conv2DTranspose::activation_, std::move(activation));
    set(&Conv2DTranspose::kernel_initializer_, std::move(kernel_initializer));
}

const Options<Conv2DTranspose>& Conv2DTranspose::options() {
    using C = Conv2DTranspose;
    static const auto options =
        add_kernel_bias_options(Options<C>("Conv2DTranspose", [] { return std::make_shared<C>(1, 1); })
                                    .add("filters", &C::filters_, OptionKind::required, require::positive)
                                    .add("kernel_size", &C::kernel_size_, OptionKind::required, require::window_entries)
                                    .add("strides", &C::strides_, require::window_entries)
                                    .add("padding", &C::padding_)
                                    .add("output_padding", &C::output_padding_, require::padding_entries)
                                    .add("data_format", &C::data_format_, OptionKind::before_build)
                                    .add("dilation_rate", &C::dilation_rate_, require::window_entries)
                                    .add("activation", &C::activation_));
    return options;
}
XGRAD_REGISTER_LAYER(Conv2DTranspose);

Conv2dTransposeOptions Conv2DTranspose::conv_options() const {
    const std::string who = name() + " (Conv2DTranspose)";
    Conv2dTransposeOptions o;
    o.strides = parse_pair(strides_, who, "strides");
    o.dilation = parse_pair(dilation_rate_, who, "dilation_rate");
    o.padding = parse_padding(padding_, who);
    o.data_format = parse_data_format(data_format_, who);
    if (!output_padding_.empty()) {
        if (output_padding_.size() > 2)
            throw ValueError(who + ": output_padding must be empty (None) or one or two numbers, got " +
                             std::to_string(output_padding_.size()) + " numbers");
        const std::array<std::int64_t, 2> p{output_padding_.front(), output_padding_.back()};
        for (int axis = 0; axis < 2; ++axis)
            if (p[axis] < 0 || p[axis] >= o.strides[axis])
                throw ValueError(who + ": output_padding must be below the strides, got output_padding " +
                                 std::to_string(p[0]) + "," + std::to_string(p[1]) + " with strides " +
                                 std::to_string(o.strides[0]) + "," + std::to_string(o.strides[1]));
        o.output_padding = p;
    }
    check_window({parse_pair(kernel_size_, who, "kernel_size"), o.strides, o.dilation, o.padding}, who);
    return o;
}

void Conv2DTranspose::build(const Shape& input_shape) {
    const std::string who = name() + " (Conv2DTranspose)";
    const Conv2dTransposeOptions o = conv_options();
    const auto [kh, kw] = parse_pair(kernel_size_, who, "kernel_size");
    image_spatial_axis(input_shape, o.data_format, who);  // 4-D, else ShapeError
    const std::int64_t channels = input_shape[o.data_format == DataFormat::channels_last ? 3 : 1];
    if (channels <= 0)
        throw ShapeError(who + ": input channels must be positive, input shape " + to_string(input_shape));
    add_weight("kernel", {kh, kw, filters_, channels}, *kernel_initializer_);
    if (use_bias_) add_weight("bias", {filters_}, *bias_initializer_);
}

Tensor Conv2DTranspose::forward(const Tensor& x, bool) {
    const Tensor y = conv2d_transpose(x, weight("kernel"), use_bias_ ? weight("bias") : Tensor(), conv_options());
    return activation_.is_linear() ? y : activation_(y);
}

Shape Conv2DTranspose::output_shape(const Shape& input_shape) {
    const std::string who = name() + " (Conv2DTranspose)";
    const Conv2dTransposeOptions o = conv_options();
    const auto kernel = parse_pair(kernel_size_, who, "kernel_size");
    const std::size_t h = image_spatial_axis(input_shape, o.data_format, who);
    Shape out = input_shape;
    for (int axis = 0; axis < 2; ++axis) {
        const std::size_t a = h + static_cast<std::size_t>(axis);
        out[a] = input_shape[a] < 0 ? -1 : conv_transpose_output_size(input_shape[a], kernel[axis], o, axis);
    }
    out[o.data_format == DataFormat::channels_last ? 3 : 1] = filters_;
    return out;
}

std::vector<Tensor> Conv2DTranspose::losses() const { return kernel_bias_losses(); }

void Conv2DTranspose::apply_constraints() { apply_kernel_bias_constraints(); }

}  // namespace xgrad::nn
