// Activation layers: thin shells over the functional activations.
#include "xgrad/nn/activation_layers.hpp"

#include "nn/config_util.hpp"

#include <string>

#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/math.hpp"

namespace xgrad::nn {

namespace {
std::string num(double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}
}  // namespace

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

ReLU::ReLU() : Cloneable("ReLU") {}

ReLU& ReLU::negative_slope(double v) {
    if (!(v >= 0)) throw ValueError(name() + " (ReLU): negative_slope must be >= 0, got " + num(v));
    negative_slope_ = v;
    return *this;
}

ReLU& ReLU::max_value(std::optional<double> v) {
    if (v && !(*v >= 0)) throw ValueError(name() + " (ReLU): max_value must be >= 0, got " + num(*v));
    max_value_ = v;
    return *this;
}

ReLU& ReLU::threshold(double v) {
    if (!(v >= 0)) throw ValueError(name() + " (ReLU): threshold must be >= 0, got " + num(v));
    threshold_ = v;
    return *this;
}

Tensor ReLU::forward(const Tensor& x, bool) { return relu(x, negative_slope_, max_value_, threshold_); }

// ---- LeakyReLU ------------------------------------------------------------------------

LeakyReLU::LeakyReLU(double negative_slope) : Cloneable("LeakyReLU"), negative_slope_(negative_slope) {
    if (!(negative_slope >= 0))
        throw ValueError(name() + " (LeakyReLU): negative_slope must be >= 0, got " + num(negative_slope));
}

Tensor LeakyReLU::forward(const Tensor& x, bool) { return leaky_relu(x, negative_slope_); }

// ---- PReLU ------------------------------------------------------------------------------

PReLU::PReLU() : Cloneable("PReLU") {}

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

ELU::ELU(double alpha) : Cloneable("ELU"), alpha_(alpha) {}

Tensor ELU::forward(const Tensor& x, bool) { return elu(x, alpha_); }

// ---- RReLU ------------------------------------------------------------------------------

RReLU::RReLU(double lower, double upper) : Cloneable("RReLU"), lower_(lower), upper_(upper) {
    if (!(0 <= lower && lower <= upper)) {
        throw ValueError(name() + " (RReLU): need 0 <= lower <= upper, got lower " + num(lower) + ", upper " +
                         num(upper));
    }
}

Tensor RReLU::forward(const Tensor& x, bool training) {
    return rrelu(x, training, lower_, upper_, gen_ ? *gen_ : default_generator());
}

// ---- Activation -------------------------------------------------------------------------

Activation::Activation(ActivationFn fn) : Cloneable("Activation"), fn_(std::move(fn)) {}

Tensor Activation::forward(const Tensor& x, bool) { return fn_(x); }

// ---- Softmax ----------------------------------------------------------------------------

Softmax::Softmax(std::int64_t axis) : Cloneable("Softmax"), axis_(axis) {}

Tensor Softmax::forward(const Tensor& x, bool) {
    const auto rank = static_cast<std::int64_t>(x.rank());
    if (axis_ < -rank || axis_ >= rank) {
        throw ShapeError(name() + " (Softmax): axis " + std::to_string(axis_) + " out of range for input " +
                         to_string(x.shape()));
    }
    return softmax(x, axis_);
}

// ---- configs (io::save) ------------------------------------------------------------------

Module::Config ReLU::config() const {
    Config c{{"negative_slope", detail::config_number(negative_slope_)},
             {"threshold", detail::config_number(threshold_)}};
    if (max_value_) c["max_value"] = detail::config_number(*max_value_);
    return c;
}
Module::Config LeakyReLU::config() const { return {{"negative_slope", detail::config_number(negative_slope_)}}; }
Module::Config PReLU::config() const {
    return {{"alpha_initializer", detail::config_initializer(alpha_initializer_)},
            {"shared_axes", detail::config_ints(shared_axes_)}};
}
Module::Config ELU::config() const { return {{"alpha", detail::config_number(alpha_)}}; }
// A generator set with generator() is not saved: a loaded layer uses default_generator().
Module::Config RReLU::config() const {
    return {{"lower", detail::config_number(lower_)}, {"upper", detail::config_number(upper_)}};
}
Module::Config Activation::config() const { return {{"activation", fn_.name()}}; }
Module::Config Softmax::config() const { return {{"axis", std::to_string(axis_)}}; }

}  // namespace xgrad::nn
