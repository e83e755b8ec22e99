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
/// Randomness: each layer draws from default_generator() unless given its own
/// stream with .seed(s) (reproducible; a clone() continues from a copy of it).
#include <cstdint>
#include <optional>

#include "xgrad/core/random.hpp"
#include "xgrad/nn/module.hpp"

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

/// Keras' Dropout(rate): inverted dropout in training (see functional::dropout),
/// identity at inference. No weights.
///
///     Dropout(0.2).seed(42)
class Dropout : public Cloneable<Dropout> {
public:
    /// rate: the fraction of units dropped, in [0, 1) (ValueError otherwise).
    explicit Dropout(double rate);
    /// Declares the input shape (without the batch dimension), as Keras' input_shape.
    Dropout& input_shape(Shape shape) { return set_input_shape(std::move(shape)), *this; }
    /// Gives the layer its own random stream seeded with `seed` (restarts it
    /// when called again). Default: the process-wide default_generator().
    Dropout& seed(std::uint64_t seed) { return generator_.emplace(seed), *this; }

    double rate() const noexcept { return rate_; }

    Tensor forward(const Tensor& x, bool training) override;
    /// The constructor options, for io::save() (see Module::config()).
    Config config() const override;
    /// The input shape.
    Shape output_shape(const Shape& input_shape) override { return input_shape; }

private:
    double rate_;
    std::optional<Generator> generator_;
};

/// Keras' AlphaDropout(rate), to pair with SELU activations and lecun_normal
/// initialization (see functional::alpha_dropout). Identity at inference.
class AlphaDropout : public Cloneable<AlphaDropout> {
public:
    /// rate: the drop probability, in [0, 1) (ValueError otherwise).
    explicit AlphaDropout(double rate);
    AlphaDropout& input_shape(Shape shape) { return set_input_shape(std::move(shape)), *this; }
    /// Own random stream seeded with `seed` (default: default_generator()).
    AlphaDropout& seed(std::uint64_t seed) { return generator_.emplace(seed), *this; }

    double rate() const noexcept { return rate_; }

    Tensor forward(const Tensor& x, bool training) override;
    /// The constructor options, for io::save() (see Module::config()).
    Config config() const override;
    Shape output_shape(const Shape& input_shape) override { return input_shape; }

private:
    double rate_;
    std::optional<Generator> generator_;
};

/// Keras' GaussianNoise(stddev): adds N(0, stddev²) noise in training only
/// (a form of data augmentation). stddev in [0, 1] (ValueError otherwise, as Keras).
class GaussianNoise : public Cloneable<GaussianNoise> {
public:
    explicit GaussianNoise(double stddev);
    GaussianNoise& input_shape(Shape shape) { return set_input_shape(std::move(shape)), *this; }
    /// Own random stream seeded with `seed` (default: default_generator()).
    GaussianNoise& seed(std::uint64_t seed) { return generator_.emplace(seed), *this; }

    double stddev() const noexcept { return stddev_; }

    Tensor forward(const Tensor& x, bool training) override;
    /// The constructor options, for io::save() (see Module::config()).
    Config config() const override;
    Shape output_shape(const Shape& input_shape) override { return input_shape; }

private:
    double stddev_;
    std::optional<Generator> generator_;
};

}  // namespace xgrad::nn
