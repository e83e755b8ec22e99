// Activation layers: thin shells over the functional activations.
#include "xgrad/nn/activation_layers.hpp"

#include <string>

#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/math.hpp"

namespace xgrad::nn {

// Keras' ReLU.static_call, from primitives: x·[x > threshold] (or relu(x)),
// clipped to [0, max_value], minus negative_slope·relu(threshold − x).
Tensor relu(const Tensor& x, double negative_slope, std::optional<double> max_value, double threshold) {
    if (negative_slope != 0.0 && !max_value && threshold == 0.0) return leaky_relu(x, negative_slope);
    Tensor y = threshold != 0.0 ? where(x > threshold, x, zeros({}, x.dtype())) : xgrad::relu(x);
    if (max_value) y = clamp(y, 0.0, *max_value);
    if (negative_slope != 0.0) y = y - xgrad::relu(threshold - x) * negative_slope;
    return y;
}

// ---- ReLU ---------------------------------------------------------------------------

const Options<ReLU>& ReLU::options() {
    static const auto options = Options<ReLU>("ReLU")
                                    .add("negative_slope", &ReLU::negative_slope_, require::non_negative)
                                    .add("max_value", &ReLU::max_value_, require::non_negative)
                                    .add("threshold", &ReLU::threshold_, require::non_negative);
    return options;
}
XGRAD_REGISTER_LAYER(ReLU);

ReLU& ReLU::negative_slope(double v) { return set(&ReLU::negative_slope_, v); }
ReLU& ReLU::max_value(std::optional<double> v) { return set(&ReLU::max_value_, v); }
ReLU& ReLU::threshold(double v) { return set(&ReLU::threshold_, v); }

Tensor ReLU::forward(const Tensor& x, bool) { return relu(x, negative_slope_, max_value_, threshold_); }

// ---- LeakyReLU ------------------------------------------------------------------------

LeakyReLU::LeakyReLU(double negative_slope) { set(&LeakyReLU::negative_slope_, negative_slope); }

const Options<LeakyReLU>& LeakyReLU::options() {
    static const auto options =
        Options<LeakyReLU>("LeakyReLU").add("negative_slope", &LeakyReLU::negative_slope_, require::non_negative);
    return options;
}
XGRAD_REGISTER_LAYER(LeakyReLU);

Tensor LeakyReLU::forward(const Tensor& x, bool) { return leaky_relu(x, negative_slope_); }

// ---- PReLU ------------------------------------------------------------------------------

const Options<PReLU>& PReLU::options() {
    static const auto options = Options<PReLU>("PReLU")
                                    .add("alpha_initializer", &PReLU::alpha_initializer_)
                                    .add("shared_axes", &PReLU::shared_axes_, OptionKind::before_build);
    return options;
}
XGRAD_REGISTER_LAYER(PReLU);

void PReLU::build(const Shape& input_shape) {
    if (input_shape.empty()) throw ShapeError(name() + " (PReLU): cannot build for a 0-d input");
    std::vector<std::int64_t> dims(input_shape.begin() + 1, input_shape.end());
    for (const std::int64_t axis : shared_axes_) {
        if (axis < 1 || axis >= static_cast<std::int64_t>(input_shape.size())) {
            throw ValueError(name() + " (PReLU): shared axis " + std::to_string(axis) + " out of range for input " +
                             to_string(input_shape) + " (axes count from 1, the batch is axis 0)");
        }
        dims[static_cast<std::size_t>(axis - 1)] = 1;
    }
    for (const std::int64_t d : dims) {
        if (d <= 0) {
            throw ShapeError(name() + " (PReLU): cannot build for input shape " + to_string(input_shape) +
                             " (all but the batch dimension must be known)");
        }
    }
    add_weight("alpha", Shape(dims), *alpha_initializer_);
}

Tensor PReLU::forward(const Tensor& x, bool) {
    const Tensor& alpha = weight("alpha");
    const Shape& a = alpha.shape();
    bool ok = x.rank() == a.size() + 1;
    for (std::size_t i = 0; ok && i < a.size(); ++i) ok = a[i] == 1 || a[i] == x.shape()[i + 1];
    if (!ok) {
        throw ShapeError(name() + " (PReLU): alpha " + to_string(a) + " does not fit input " + to_string(x.shape()) +
                         " (expected [batch] + alpha's shape)");
    }
    return prelu(x, alpha);
}

// ---- ELU --------------------------------------------------------------------------------

ELU::ELU(double alpha) { set(&ELU::alpha_, alpha); }

const Options<ELU>& ELU::options() {
    static const auto options = Options<ELU>("ELU").add("alpha", &ELU::alpha_);
    return options;
}
XGRAD_REGISTER_LAYER(ELU);

Tensor ELU::forward(const Tensor& x, bool) { return elu(x, alpha_); }

// ---- RReLU ------------------------------------------------------------------------------

RReLU::RReLU(double lower, double upper) {
    if (!(lower <= upper)) {
        throw ValueError(name() + " (RReLU): need 0 <= lower <= upper, got lower " + ConfigCodec<double>::text(lower) +
                         ", upper " + ConfigCodec<double>::text(upper));
    }
    set(&RReLU::lower_, lower);
    set(&RReLU::upper_, upper);
}

const Options<RReLU>& RReLU::options() {
    static const auto options = Options<RReLU>("RReLU")
                                    .add("lower", &RReLU::lower_, require::non_negative)
                                    .add("upper", &RReLU::upper_, require::non_negative);
    return options;
}
XGRAD_REGISTER_LAYER(RReLU);

Tensor RReLU::forward(const Tensor& x, bool training) {
    return rrelu(x, training, lower_, upper_, gen_ ? *gen_ : default_generator());
}

// ---- Activation -------------------------------------------------------------------------

Activation::Activation(ActivationFn fn) { set(&Activation::fn_, std::move(fn)); }

const Options<Activation>& Activation::options() {
    static const auto options = Options<Activation>("Activation").add("activation", &Activation::fn_);
    return options;
}
XGRAD_REGISTER_LAYER(Activation);

Tensor Activation::forward(const Tensor& x, bool) { return fn_(x); }

// ---- Softmax ----------------------------------------------------------------------------

Softmax::Softmax(std::int64_t axis) { set(&Softmax::axis_, axis); }

const Options<Softmax>& Softmax::options() {
    static const auto options = Options<Softmax>("Softmax").add("axis", &Softmax::axis_);
    return options;
}
XGRAD_REGISTER_LAYER(Softmax);

Tensor Softmax::forward(const Tensor& x, bool) {
    const auto rank = static_cast<std::int64_t>(x.rank());
    if (axis_ < -rank || axis_ >= rank) {
        throw ShapeError(name() + " (Softmax): axis " + std::to_string(axis_) + " out of range for input " +
                         to_string(x.shape()));
    }
    return softmax(x, axis_);
}

}  // namespace xgrad::nn
