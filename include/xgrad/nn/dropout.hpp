#pragma once
/// \file
/// Noise layers, active only in training: Dropout, AlphaDropout (for SELU
/// networks) and GaussianNoise, each with its functional form in
/// xgrad::nn::functional. At inference (training = false) all three are the
/// identity. Calling a model with training = true at inference keeps the noise
/// on — Monte Carlo Dropout:
///
///     Sequential model{Flatten({28, 28}), Dropout(0.2), Dense(100, "relu"), Dropout(0.2), Dense(10, "softmax")};
///     Tensor p = model(x, /*training=*/true);    // one stochastic forward pass
///
/// Randomness: each layer draws from default_generator() (one per thread)
/// unless given its own stream with .seed(s) (reproducible; a clone()
/// continues from a copy of it).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "xgrad/core/random.hpp"
#include "xgrad/nn/layer.hpp"

namespace xgrad::nn {

namespace functional {

/// Inverted dropout: each element is kept with probability 1 − rate and
/// scaled by 1/(1 − rate), else set to 0, so E[y] = x and inference needs no
/// rescaling.     y = x · keep / (1 − rate),  dy/dx = keep / (1 − rate)
/// Identity when !training or rate == 0. rate must be in [0, 1) (ValueError).
/// Op "dropout".
///
///     Tensor y = functional::dropout(x, 0.5, /*training=*/true, gen);
Tensor dropout(const Tensor& x, double rate, bool training, Generator& gen = default_generator());

/// Keras' AlphaDropout, which keeps a SELU network self-normalizing (mean 0,
/// variance 1 are preserved): dropped units are set to SELU's negative
/// saturation α' = −scale·alpha = −1.7580993408473766, then an affine map
/// restores the moments:
///     a = ((1 − rate)(1 + rate·α'²))^(−1/2),  b = −a·α'·rate
///     y = a·(x·keep + α'·(1 − keep)) + b,     dy/dx = a·keep
/// keep ~ Bernoulli(1 − rate). Identity when !training or rate == 0; rate in
/// [0, 1) (ValueError). Op "alpha_dropout".
Tensor alpha_dropout(const Tensor& x, double rate, bool training, Generator& gen = default_generator());

/// Additive zero-mean Gaussian noise: y = x + ε, ε ~ N(0, stddev²), dy/dx = 1.
/// Identity when !training. stddev in [0, 1] as Keras (ValueError). Op "gaussian_noise".
Tensor gaussian_noise(const Tensor& x, double stddev, bool training, Generator& gen = default_generator());

}  // namespace functional

namespace detail {
/// A string literal as a template argument.
template <std::size_t N> struct FixedName {
    char text[N]{};
    constexpr FixedName(const char (&s)[N]) {
        for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
    }
};
}  // namespace detail

/// The three noise layers are one template: `Type` is the layer's type name,
/// `option` its one option (rate or stddev, checked against `requirement`),
/// `apply` its functional form. No weights; the output has the input's shape.
template <detail::FixedName Type, detail::FixedName option, const Requirement& requirement,
          Tensor (*apply)(const Tensor&, double, bool, Generator&)>
class NoiseLayer final : public Layer<NoiseLayer<Type, option, requirement, apply>> {
public:
    /// `amount` is the layer's one option (rate or stddev); ValueError if out of range.
    explicit NoiseLayer(double amount) { this->set(&NoiseLayer::amount_, amount); }
    /// Gives the layer its own random stream seeded with `seed` (restarts it
    /// when called again; a clone() continues from a copy of it). Default:
    /// default_generator(). Not saved: a loaded layer draws from default_generator().
    NoiseLayer& seed(std::uint64_t seed) {
        generator_.emplace(seed);
        return *this;
    }
    /// The rate (Dropout, AlphaDropout) or stddev (GaussianNoise).
    double amount() const noexcept { return amount_; }
    /// The fraction of units dropped (Dropout and AlphaDropout only).
    double rate() const noexcept
        requires(std::string_view(option.text) == "rate")
    {
        return amount_;
    }
    /// The standard deviation of the noise (GaussianNoise only).
    double stddev() const noexcept
        requires(std::string_view(option.text) == "stddev")
    {
        return amount_;
    }

    Tensor forward(const Tensor& x, bool training) override {
        return apply(x, amount_, training, generator_ ? *generator_ : default_generator());
    }
    Shape output_shape(const Shape& input_shape) override { return input_shape; }
    /// Its one option, rate or stddev (Keras' names); required in a config.
    static const Options<NoiseLayer>& options() {
        static const auto options = Options<NoiseLayer>(Type.text, [] { return std::make_shared<NoiseLayer>(0.0); })
                                        .add(option.text, &NoiseLayer::amount_, OptionKind::required, requirement);
        return options;
    }

private:
    double amount_ = 0.0;
    std::optional<Generator> generator_;
};

/// Keras' Dropout(rate): inverted dropout in training (see functional::dropout),
/// identity at inference. rate: the fraction of units dropped, in [0, 1).
///
///     Dropout(0.2).seed(42)
using Dropout = NoiseLayer<"Dropout", "rate", require::rate, functional::dropout>;
/// Keras' AlphaDropout(rate), to pair with SELU activations and lecun_normal
/// initialization (see functional::alpha_dropout). rate in [0, 1).
using AlphaDropout = NoiseLayer<"AlphaDropout", "rate", require::rate, functional::alpha_dropout>;
/// Keras' GaussianNoise(stddev): adds N(0, stddev²) noise in training only
/// (a form of data augmentation). stddev in [0, 1], as Keras.
using GaussianNoise = NoiseLayer<"GaussianNoise", "stddev", require::unit_interval, functional::gaussian_noise>;

}  // namespace xgrad::nn
