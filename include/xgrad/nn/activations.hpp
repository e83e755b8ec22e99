#pragma once
/// \file
/// Activation functions with Keras' names and defaults, as plain functions
/// (usable anywhere) and by name in layers (`Dense(300, "selu")`). The layer
/// forms (LeakyReLU, PReLU, …) are in activation_layers.hpp.
#include <functional>
#include <string>
#include <string_view>

#include "xgrad/core/random.hpp"
#include "xgrad/core/registry.hpp"
#include "xgrad/core/tensor.hpp"
#include "xgrad/nn/config.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/softmax.hpp"

namespace xgrad::nn {

/// x if x > 0 else negative_slope·x. Keras' function default is 0.2 (the
/// LeakyReLU layer's is 0.3, PyTorch's 0.01).
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.2);
/// x if x > 0 else alpha·(e^x − 1).
Tensor elu(const Tensor& x, double alpha = 1.0);
/// scale·elu(x, alpha) with alpha = 1.6732632423543772848170429916717,
/// scale = 1.0507009873554804934193349852946 (self-normalizing).
Tensor selu(const Tensor& x);
/// x·Φ(x) (exact, Keras' default) or the tanh approximation
/// 0.5x(1 + tanh(sqrt(2/π)(x + 0.044715x³))).
Tensor gelu(const Tensor& x, bool approximate = false);
/// x·σ(x).
Tensor silu(const Tensor& x);
/// Same as silu(x) (Keras' other name for it).
inline Tensor swish(const Tensor& x) { return silu(x); }
/// x·tanh(softplus(x)).
Tensor mish(const Tensor& x);
/// relu6(x + 3) / 6 (Keras 3).
Tensor hard_sigmoid(const Tensor& x);
/// x / (1 + |x|).
Tensor softsign(const Tensor& x);
/// e^x.
Tensor exponential(const Tensor& x);
/// x.
Tensor linear(const Tensor& x);
/// relu(x) − alpha·relu(−x), alpha broadcast against x (Keras' PReLU).
Tensor prelu(const Tensor& x, const Tensor& alpha);
/// Randomized leaky ReLU (PyTorch's RReLU): in training each negative element
/// gets a slope drawn from U[lower, upper]; in inference the mean slope
/// (lower + upper)/2 (11/48 for the defaults).
Tensor rrelu(const Tensor& x, bool training, double lower = 1.0 / 8, double upper = 1.0 / 3,
             Generator& gen = default_generator());

/// An activation as a value: a name (looked up in the registry) or any
/// callable Tensor(const Tensor&). Default: identity ("linear").
class ActivationFn {
public:
    ActivationFn() : ActivationFn("linear") {}
    /// A registered activation by name, as get_activation() (ValueError for an unknown name).
    ActivationFn(const char* name);
    /// A registered activation by name, as get_activation() (ValueError for an unknown name).
    ActivationFn(const std::string& name) : ActivationFn(name.c_str()) {}
    /// A callable stored under `name`; it can be saved only if that name is registered.
    ActivationFn(std::string name, std::function<Tensor(const Tensor&)> fn)
        : name_(std::move(name)), fn_(std::move(fn)) {}
    /// A plain function: `Dense(3, selu)` (also picks an overload set's
    /// one-argument member, e.g. `relu`).
    ActivationFn(Tensor (*fn)(const Tensor&)) : name_("custom"), fn_(fn) {}
    /// Any other callable Tensor(const Tensor&), e.g. a lambda; named "custom", so it cannot be saved.
    template <class F>
        requires std::is_invocable_r_v<Tensor, F, const Tensor&> &&
                 (!std::is_convertible_v<F, std::string>)
    ActivationFn(F f) : name_("custom"), fn_(std::move(f)) {}

    /// Applies the activation to x.
    Tensor operator()(const Tensor& x) const { return fn_(x); }
    /// The registry name, or "custom" for a callable given without a name.
    const std::string& name() const noexcept { return name_; }
    /// True for the identity "linear", which Dense and Conv2D then skip.
    bool is_linear() const noexcept { return name_ == "linear"; }

private:
    std::string name_;
    std::function<Tensor(const Tensor&)> fn_;
};

/// Activation functions by name.
Registry<std::function<Tensor(const Tensor&)>>& activation_registry();
/// Names: relu, leaky_relu, elu, selu, gelu, gelu_tanh, silu, swish, mish,
/// tanh, sigmoid, hard_sigmoid, softplus, softsign, softmax, log_softmax,
/// exponential, linear. ValueError listing them for an unknown name.
ActivationFn get_activation(std::string_view name);
/// Makes an activation available by name (to layers and to io::load()).
void register_activation(std::string name, std::function<Tensor(const Tensor&)> fn);

}  // namespace xgrad::nn

namespace xgrad {
/// Stored by name; an unnamed callable or an unregistered name cannot be saved (ValueError).
template <> struct ConfigCodec<nn::ActivationFn> {
    /// Writes fn's name under `key`; ValueError for "custom" or an unregistered name.
    static void encode(Config& c, const std::string& key, const nn::ActivationFn& fn);
    /// Looks up the name under `key` with get_activation(); false if the key is absent.
    static bool decode(const Config& c, const std::string& key, nn::ActivationFn& out);
};
}  // namespace xgrad
