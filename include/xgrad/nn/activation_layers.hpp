#pragma once
/// \file
/// Activations as layers (Keras' advanced activation layers, plus PyTorch's
/// RReLU): thin shells over the functions in activations.hpp, usable anywhere
/// a layer is, e.g. after a Dense without activation:
///
///     Sequential model{Dense(100, {}, "he_normal"), LeakyReLU(0.2), Dense(10, "softmax")};
///
/// All of them keep the input shape. Only PReLU has weights.
#include <cstdint>
#include <optional>
#include <vector>

#include "xgrad/core/random.hpp"
#include "xgrad/nn/activations.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/nn/layer.hpp"

namespace xgrad::nn {

/// Keras' full relu (the function behind the ReLU layer):
///
///     f(x) = max_value                      if x ≥ max_value
///     f(x) = x                              if threshold < x < max_value
///     f(x) = negative_slope·(x − threshold) otherwise
///
/// With threshold > 0 the output jumps from 0 to threshold at x = threshold,
/// as in Keras. The one-argument `relu(x)` is the fused op in ops/activation.hpp.
///
///     relu(x, 0.1, 6.0)   // leaky below 0, capped at 6
Tensor relu(const Tensor& x, double negative_slope, std::optional<double> max_value = std::nullopt,
            double threshold = 0.0);

/// ReLU layer (Keras' ReLU): relu(x, negative_slope, max_value, threshold),
/// defaults 0, none, 0 (a plain max(x, 0)). All three must be ≥ 0 (ValueError).
///
///     ReLU().max_value(6.0)   // relu6
class ReLU : public Layer<ReLU> {
public:
    ReLU() = default;
    /// Slope below the threshold, ≥ 0 (default 0).
    ReLU& negative_slope(double v);
    /// Upper bound of the output, ≥ 0 (default none: unbounded).
    ReLU& max_value(std::optional<double> v);
    /// Inputs up to it map to negative_slope·(x − threshold); ≥ 0 (default 0).
    ReLU& threshold(double v);
    /// Slope below the threshold (default 0).
    double negative_slope() const noexcept { return negative_slope_; }
    /// Upper bound of the output; none when unbounded (the default).
    std::optional<double> max_value() const noexcept { return max_value_; }
    /// Input value where the linear part starts (default 0).
    double threshold() const noexcept { return threshold_; }

    Tensor forward(const Tensor& x, bool training) override;
    /// negative_slope, max_value, threshold (Keras' names).
    static const Options<ReLU>& options();
    Shape output_shape(const Shape& input_shape) override { return input_shape; }

private:
    double negative_slope_ = 0.0;
    std::optional<double> max_value_;
    double threshold_ = 0.0;
};

/// LeakyReLU layer: x if x > 0 else negative_slope·x. The default slope is
/// Keras' layer default 0.3; the function leaky_relu() defaults to 0.2 and
/// PyTorch's nn.LeakyReLU to 0.01. negative_slope must be ≥ 0 (ValueError).
///
///     LeakyReLU(0.2)
class LeakyReLU : public Layer<LeakyReLU> {
public:
    /// ValueError if negative_slope < 0.
    explicit LeakyReLU(double negative_slope = 0.3);
    /// Slope for x ≤ 0 (default 0.3).
    double negative_slope() const noexcept { return negative_slope_; }

    Tensor forward(const Tensor& x, bool training) override;
    /// negative_slope (Keras' name).
    static const Options<LeakyReLU>& options();
    Shape output_shape(const Shape& input_shape) override { return input_shape; }

private:
    double negative_slope_ = 0.3;
};

/// Parametric ReLU (Keras' PReLU): f(x) = relu(x) − alpha·relu(−x) with a
/// learned `alpha`, one per input unit: shape = input shape without the batch
/// dimension ([N, D] → alpha [D]; [N, H, W, C] → [H, W, C]), initialized to 0
/// (Keras' default "zeros", so it starts as a plain ReLU). `shared_axes` lists
/// (1-based, the batch is axis 0) axes along which one alpha is shared, e.g.
/// {1, 2} for one alpha per channel of [N, H, W, C].
/// PyTorch's nn.PReLU differs: one alpha shared by all units, initialized to 0.25
/// (`PReLU().alpha_initializer(Constant(0.25)).shared_axes({1, …})`).
///
///     PReLU()   // weight "alpha", trainable
class PReLU : public Layer<PReLU> {
public:
    PReLU() = default;
    /// Initializer of "alpha" (default "zeros").
    PReLU& alpha_initializer(InitializerRef init) { return set(&PReLU::alpha_initializer_, std::move(init)); }
    /// Set before the layer is built.
    PReLU& shared_axes(std::vector<std::int64_t> axes) { return set(&PReLU::shared_axes_, std::move(axes)); }
    /// Axes (1-based) sharing one alpha; empty (the default) for one alpha per unit.
    const std::vector<std::int64_t>& shared_axes() const noexcept { return shared_axes_; }

    /// Registers "alpha" of shape input_shape[1:] (1 along shared axes).
    void build(const Shape& input_shape) override;
    Tensor forward(const Tensor& x, bool training) override;
    /// alpha_initializer, shared_axes (Keras' names).
    static const Options<PReLU>& options();
    Shape output_shape(const Shape& input_shape) override { return input_shape; }

private:
    InitializerRef alpha_initializer_ = "zeros";
    std::vector<std::int64_t> shared_axes_;
};

/// ELU layer: x if x > 0 else alpha·(e^x − 1), alpha default 1.
class ELU : public Layer<ELU> {
public:
    /// `alpha` scales the negative part.
    explicit ELU(double alpha = 1.0);
    /// Scale of the negative part (default 1); the output saturates at −alpha.
    double alpha() const noexcept { return alpha_; }

    Tensor forward(const Tensor& x, bool training) override;
    /// alpha (Keras' name).
    static const Options<ELU>& options();
    Shape output_shape(const Shape& input_shape) override { return input_shape; }

private:
    double alpha_ = 1.0;
};

/// Randomized leaky ReLU (PyTorch's nn.RReLU; Keras has none). In training
/// each negative element gets its own slope a ~ U[lower, upper), drawn anew on
/// every call; in inference the mean slope (lower + upper)/2 (11/48 ≈ 0.229
/// for the defaults 1/8 and 1/3). `model(x, true)` keeps the random slopes at
/// inference. Slopes come from default_generator() unless a generator is set.
///
///     RReLU()                 // lower 1/8, upper 1/3
///     RReLU(0.1, 0.3).generator(gen)
class RReLU : public Layer<RReLU> {
public:
    /// ValueError unless 0 ≤ lower ≤ upper.
    explicit RReLU(double lower = 1.0 / 8, double upper = 1.0 / 3);
    /// Draws the slopes from `gen` (which must outlive the layer and its clones).
    RReLU& generator(Generator& gen) { return gen_ = &gen, *this; }
    /// Lower bound of the random slopes (default 1/8).
    double lower() const noexcept { return lower_; }
    /// Upper bound of the random slopes (default 1/3).
    double upper() const noexcept { return upper_; }

    Tensor forward(const Tensor& x, bool training) override;
    /// lower, upper (PyTorch's names).
    static const Options<RReLU>& options();
    Shape output_shape(const Shape& input_shape) override { return input_shape; }

private:
    double lower_ = 1.0 / 8;
    double upper_ = 1.0 / 3;
    Generator* gen_ = nullptr;  // null: default_generator()
};

/// Applies an activation given by name or callable (Keras' Activation layer).
///
///     Activation("relu")
///     Activation([](const Tensor& x) { return leaky_relu(x, 0.2); })
class Activation : public Layer<Activation> {
public:
    /// Applies `fn` (default "linear", the identity).
    explicit Activation(ActivationFn fn = {});
    /// The activation applied.
    const ActivationFn& activation() const noexcept { return fn_; }

    Tensor forward(const Tensor& x, bool training) override;
    /// activation, saved by name (Keras' name).
    static const Options<Activation>& options();
    Shape output_shape(const Shape& input_shape) override { return input_shape; }

private:
    ActivationFn fn_;
};

/// Softmax layer: e^(x − max) / Σ e^(x − max) along `axis` (default −1, the last).
class Softmax : public Layer<Softmax> {
public:
    /// Normalizes along `axis`; negative counts from the end.
    explicit Softmax(std::int64_t axis = -1);
    /// The axis normalized over (default −1, the last); ShapeError in forward() if out of range.
    std::int64_t axis() const noexcept { return axis_; }

    Tensor forward(const Tensor& x, bool training) override;
    /// axis (Keras' name).
    static const Options<Softmax>& options();
    Shape output_shape(const Shape& input_shape) override { return input_shape; }

private:
    std::int64_t axis_ = -1;
};

}  // namespace xgrad::nn
