// Keras activations composed from differentiable primitives (their gradients
// and second derivatives come from the primitives').
#include "xgrad/nn/activations.hpp"

#include <cmath>
#include <numbers>

#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/math.hpp"

namespace xgrad::nn {

namespace {
constexpr double selu_alpha = 1.6732632423543772848170429916717;
constexpr double selu_scale = 1.0507009873554804934193349852946;

}  // namespace

Tensor leaky_relu(const Tensor& x, double negative_slope) {
    return where(x > 0.0, x, x * negative_slope);
}

Tensor elu(const Tensor& x, double alpha) { return scaled_elu(x, alpha, 1.0); }

Tensor selu(const Tensor& x) { return scaled_elu(x, selu_alpha, selu_scale); }

Tensor gelu(const Tensor& x, bool approximate) {
    if (approximate) {
        const double c = std::sqrt(2.0 / std::numbers::pi);
        return x * 0.5 * (1.0 + xgrad::tanh((x + pow(x, 3.0) * 0.044715) * c));
    }
    // x·Φ(x) with Φ(x) = ½(1 + erf(x/√2)).
    return x * (erf(x * (1.0 / std::numbers::sqrt2)) + 1.0) * 0.5;
}

Tensor silu(const Tensor& x) { return x * sigmoid(x); }

Tensor mish(const Tensor& x) { return x * xgrad::tanh(softplus(x)); }

Tensor hard_sigmoid(const Tensor& x) { return clamp(x + 3.0, 0.0, 6.0) / 6.0; }

Tensor softsign(const Tensor& x) { return x / (abs(x) + 1.0); }

Tensor exponential(const Tensor& x) { return exp(x); }

Tensor linear(const Tensor& x) { return x; }

Tensor prelu(const Tensor& x, const Tensor& alpha) { return relu(x) - alpha * relu(-x); }

Tensor rrelu(const Tensor& x, bool training, double lower, double upper, Generator& gen) {
    if (!(lower <= upper)) {
        throw ValueError("rrelu: lower must be <= upper, got lower " + std::to_string(lower) + ", upper " +
                         std::to_string(upper));
    }
    if (!training) return leaky_relu(x, (lower + upper) / 2);
    const Tensor slopes = uniform(x.shape(), lower, upper, x.dtype(), gen);
    return where(x >= 0.0, x, x * slopes);
}

// ---- ActivationFn and the registry ------------------------------------------------

Registry<std::function<Tensor(const Tensor&)>>& activation_registry() {
    using Fn = std::function<Tensor(const Tensor&)>;
    static Registry<Fn> registry(
        "activation", {
                          {"relu", Fn([](const Tensor& x) { return relu(x); })},
                          {"leaky_relu", Fn([](const Tensor& x) { return leaky_relu(x); })},
                          {"elu", Fn([](const Tensor& x) { return elu(x); })},
                          {"selu", Fn([](const Tensor& x) { return selu(x); })},
                          {"gelu", Fn([](const Tensor& x) { return gelu(x); })},
                          {"gelu_tanh", Fn([](const Tensor& x) { return gelu(x, true); })},
                          {"silu", Fn([](const Tensor& x) { return silu(x); })},
                          {"swish", Fn([](const Tensor& x) { return silu(x); })},
                          {"mish", Fn([](const Tensor& x) { return mish(x); })},
                          {"tanh", Fn([](const Tensor& x) { return xgrad::tanh(x); })},
                          {"sigmoid", Fn([](const Tensor& x) { return sigmoid(x); })},
                          {"hard_sigmoid", Fn([](const Tensor& x) { return hard_sigmoid(x); })},
                          {"softplus", Fn([](const Tensor& x) { return softplus(x); })},
                          {"softsign", Fn([](const Tensor& x) { return softsign(x); })},
                          {"softmax", Fn([](const Tensor& x) { return softmax(x, -1); })},
                          {"log_softmax", Fn([](const Tensor& x) { return log_softmax(x, -1); })},
                          {"exponential", Fn([](const Tensor& x) { return exp(x); })},
                          {"linear", Fn([](const Tensor& x) { return x; })},
                      });
    return registry;
}

ActivationFn get_activation(std::string_view name) {
    return ActivationFn(std::string(name), activation_registry().get(name));
}

ActivationFn::ActivationFn(const char* name) : ActivationFn(get_activation(name)) {}

void register_activation(std::string name, std::function<Tensor(const Tensor&)> fn) {
    activation_registry().add(std::move(name), std::move(fn));
}

}  // namespace xgrad::nn

namespace xgrad {

void ConfigCodec<nn::ActivationFn>::encode(Config& c, const std::string& key, const nn::ActivationFn& fn) {
    if (fn.name() == "custom" || !nn::activation_registry().contains(fn.name()))
        throw ValueError("config: " + key + " '" + fn.name() +
                         "' is not a registered activation, so it cannot be saved (register it with "
                         "nn::register_activation(name, fn) and pass the name)");
    c[key] = fn.name();
}

bool ConfigCodec<nn::ActivationFn>::decode(const Config& c, const std::string& key, nn::ActivationFn& out) {
    const auto it = c.find(key);
    if (it == c.end()) return false;
    out = nn::get_activation(it->second);
    return true;
}

}  // namespace xgrad
