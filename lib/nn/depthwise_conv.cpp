#include "xgrad/nn/depthwise_conv.hpp"

#include "xgrad/ops/convolution.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::nn {

template <class Derived> Conv2dOptions DepthwiseOptions<Derived>::depthwise_options(const std::string& who) const {
    Conv2dOptions o;
    o.strides = parse_pair(strides_, who, "strides");
    o.dilation = parse_pair(dilation_rate_, who, "dilation_rate");
    o.padding = parse_padding(padding_, who);
    o.data_format = parse_data_format(data_format_, who);
    check_window({parse_pair(kernel_size_, who, "kernel_size"), o.strides, o.dilation, o.padding}, who);
    return o;
}

template <class Derived>
std::int64_t DepthwiseOptions<Derived>::input_channels(const Shape& input_shape, const std::string& who) const {
    const DataFormat format = parse_data_format(data_format_, who);
    image_spatial_axis(input_shape, format, who);  // 4-D, else ShapeError
    const std::int64_t channels = input_shape[format == DataFormat::channels_last ? 3 : 1];
    if (channels <= 0) throw ShapeError(who + ": input channels must be positive, input shape " + to_string(input_shape));
    return channels;
}

template <class Derived>
Tensor DepthwiseOptions<Derived>::depthwise(const Tensor& x, const Tensor& kernel, const std::string& who) const {
    Conv2dOptions o = depthwise_options(who);
    const Shape& k = kernel.shape();  // [kh, kw, C, m]
    o.groups = k[2];
    // Group c's filters are output channels c·m … c·m + m − 1: Keras' order, and [kh, kw, C, m]'s memory order.
    return conv2d(x, reshape(kernel, {k[0], k[1], 1, k[2] * k[3]}), Tensor(), o);
}

template <class Derived>
Shape DepthwiseOptions<Derived>::depthwise_shape(const Shape& input_shape, std::int64_t channels,
                                                 const std::string& who) const {
    const Conv2dOptions o = depthwise_options(who);
    const Window2d w{parse_pair(kernel_size_, who, "kernel_size"), o.strides, o.dilation, o.padding};
    Shape out = windowed_shape(input_shape, w, o.data_format, who);
    out[o.data_format == DataFormat::channels_last ? 3 : 1] = channels;
    return out;
}

template class DepthwiseOptions<DepthwiseConv2D>;
template class DepthwiseOptions<SeparableConv2D>;

namespace {

/// The penalties of the weights that exist, for losses().
std::vector<Tensor> penalties(const Module& layer,
                              std::initializer_list<std::pair<const RegularizerRef*, const char*>> weights) {
    std::vector<Tensor> out;
    if (!layer.built()) return out;
    for (const auto& [regularizer, name] : weights)
        if (*regularizer && layer.has_weight(name)) out.push_back((**regularizer)(layer.weight(name)));
    return out;
}

/// Applies the constraints of the weights that exist (trainable layers only, as Keras).
void constrain(Module& layer, std::initializer_list<std::pair<const ConstraintRef*, const char*>> weights) {
    if (!layer.built() || !layer.trainable()) return;
    for (const auto& [constraint, name] : weights)
        if (*constraint && layer.has_weight(name)) (**constraint).apply(layer.weight(name));
}

}  // namespace

DepthwiseConv2D::DepthwiseConv2D(std::int64_t kernel_size, ActivationFn activation)
    : DepthwiseConv2D(std::vector<std::int64_t>{kernel_size, kernel_size}, std::move(activation)) {}

DepthwiseConv2D::DepthwiseConv2D(std::vector<std::int64_t> kernel_size, ActivationFn activation) {
    set(&DepthwiseConv2D::kernel_size_, std::move(kernel_size));
    set(&DepthwiseConv2D::activation_, std::move(activation));
}

const Options<DepthwiseConv2D>& DepthwiseConv2D::options() {
    static const auto options = [] {
        Options<DepthwiseConv2D> table("DepthwiseConv2D", [] { return std::make_shared<DepthwiseConv2D>(1); });
        return add_depthwise_options(table);
    }();
    return options;
}
XGRAD_REGISTER_LAYER(DepthwiseConv2D);

void DepthwiseConv2D::build(const Shape& input_shape) {
    const std::string who = name() + " (DepthwiseConv2D)";
    const std::int64_t channels = input_channels(input_shape, who);
    const auto [kh, kw] = parse_pair(kernel_size_, who, "kernel_size");
    add_weight("depthwise_kernel", {kh, kw, channels, depth_multiplier_}, *depthwise_initializer_);
    if (use_bias_) add_weight("bias", {channels * depth_multiplier_}, *bias_initializer_);
}

Tensor DepthwiseConv2D::forward(const Tensor& x, bool) {
    const std::string who = name() + " (DepthwiseConv2D)";
    Tensor y = depthwise(x, weight("depthwise_kernel"), who);
    if (use_bias_) {
        const bool last = parse_data_format(data_format_, who) == DataFormat::channels_last;
        const Tensor& bias = weight("bias");
        y = y + (last ? bias : reshape(bias, {bias.shape()[0], 1, 1}));
    }
    return activation_.is_linear() ? y : activation_(y);
}

Shape DepthwiseConv2D::output_shape(const Shape& input_shape) {
    const std::string who = name() + " (DepthwiseConv2D)";
    const std::int64_t channels = input_channels(input_shape, who);
    return depthwise_shape(input_shape, channels * depth_multiplier_, who);
}

std::vector<Tensor> DepthwiseConv2D::losses() const {
    return penalties(*this, {{&depthwise_regularizer_, "depthwise_kernel"}, {&bias_regularizer_, "bias"}});
}

void DepthwiseConv2D::apply_constraints() {
    constrain(*this, {{&depthwise_constraint_, "depthwise_kernel"}, {&bias_constraint_, "bias"}});
}

SeparableConv2D::SeparableConv2D(std::int64_t filters, std::int64_t kernel_size, ActivationFn activation)
    : SeparableConv2D(filters, std::vector<std::int64_t>{kernel_size, kernel_size}, std::move(activation)) {}

SeparableConv2D::SeparableConv2D(std::int64_t filters, std::vector<std::int64_t> kernel_size, ActivationFn activation) {
    set(&SeparableConv2D::filters_, filters);
    set(&SeparableConv2D::kernel_size_, std::move(kernel_size));
    set(&SeparableConv2D::activation_, std::move(activation));
}

const Options<SeparableConv2D>& SeparableConv2D::options() {
    using S = SeparableConv2D;
    static const auto options =
        add_depthwise_options(Options<S>("SeparableConv2D", [] { return std::make_shared<S>(1, 1); })
                                  .add("filters", &S::filters_, OptionKind::required, require::positive))
            .add("pointwise_initializer", &S::pointwise_initializer_)
            .add("pointwise_regularizer", &S::pointwise_regularizer_)
            .add("pointwise_constraint", &S::pointwise_constraint_);
    return options;
}
XGRAD_REGISTER_LAYER(SeparableConv2D);

void SeparableConv2D::build(const Shape& input_shape) {
    const std::string who = name() + " (SeparableConv2D)";
    const std::int64_t channels = input_channels(input_shape, who);
    const auto [kh, kw] = parse_pair(kernel_size_, who, "kernel_size");
    add_weight("depthwise_kernel", {kh, kw, channels, depth_multiplier_}, *depthwise_initializer_);
    add_weight("pointwise_kernel", {1, 1, channels * depth_multiplier_, filters_}, *pointwise_initializer_);
    if (use_bias_) add_weight("bias", {filters_}, *bias_initializer_);
}

Tensor SeparableConv2D::forward(const Tensor& x, bool) {
    const std::string who = name() + " (SeparableConv2D)";
    Conv2dOptions pointwise;
    pointwise.data_format = parse_data_format(data_format_, who);
    const Tensor y = conv2d(depthwise(x, weight("depthwise_kernel"), who), weight("pointwise_kernel"),
                            use_bias_ ? weight("bias") : Tensor(), pointwise);
    return activation_.is_linear() ? y : activation_(y);
}

Shape SeparableConv2D::output_shape(const Shape& input_shape) {
    const std::string who = name() + " (SeparableConv2D)";
    input_channels(input_shape, who);
    return depthwise_shape(input_shape, filters_, who);
}

std::vector<Tensor> SeparableConv2D::losses() const {
    return penalties(*this, {{&depthwise_regularizer_, "depthwise_kernel"},
                             {&pointwise_regularizer_, "pointwise_kernel"},
                             {&bias_regularizer_, "bias"}});
}

void SeparableConv2D::apply_constraints() {
    constrain(*this, {{&depthwise_constraint_, "depthwise_kernel"},
                      {&pointwise_constraint_, "pointwise_kernel"},
                      {&bias_constraint_, "bias"}});
}

}  // namespace xgrad::nn
