#pragma once
/// \file
/// Weight initializers with Keras' names, formulas and defaults: usable by
/// string (`"he_normal"`) or as objects (`VarianceScaling(2.0, "fan_avg",
/// "uniform")`). A user initializer derives from Initializer, returns its
/// parameters from config() and is registered under its name with a factory
/// that rebuilds it from them, so layers using it can be saved and loaded.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "xgrad/core/random.hpp"
#include "xgrad/core/registry.hpp"
#include "xgrad/core/tensor.hpp"
#include "xgrad/nn/config.hpp"

namespace xgrad::nn {

/// fan_in and fan_out of a weight shape, Keras rules: rank 0 → (1, 1),
/// rank 1 → (n, n), rank 2 (in, out) → (in, out), rank ≥ 3 multiplies both
/// by the receptive field (all but the last two dimensions).
struct Fans {
    double fan_in;   ///< Inputs per output unit: rows of a 2-D kernel, times the receptive field.
    double fan_out;  ///< Outputs per input unit: columns of a 2-D kernel, times the receptive field.
};
/// The fans of weight shape `shape`, by the Keras rules above.
Fans compute_fans(const Shape& shape);

/// The base of weight initializers: makes a tensor of a given shape and
/// dtype, and describes itself by name() and config() so it can be saved.
class Initializer {
public:
    virtual ~Initializer() = default;
    /// A new tensor of `shape` drawn from `gen`.
    virtual Tensor operator()(const Shape& shape, Dtype dtype, Generator& gen) const = 0;
    /// A new tensor of `shape` drawn from default_generator().
    Tensor operator()(const Shape& shape, Dtype dtype = float32) const {
        return (*this)(shape, dtype, default_generator());
    }
    /// The Keras name it is registered under ("glorot_uniform", "random_normal").
    virtual std::string name() const = 0;
    /// Its parameters (default none): {"mean": "0", "stddev": "0.05"}.
    virtual Config config() const { return {}; }
};

/// A shared, immutable initializer.
using InitializerPtr = std::shared_ptr<const Initializer>;

/// A handle accepted wherever an initializer is expected: a registered name,
/// or any Initializer object.
class InitializerRef {
public:
    /// The initializer registered under `name`, with its default parameters
    /// (ValueError listing the known names otherwise).
    InitializerRef(const char* name);
    /// The same for a std::string name.
    InitializerRef(const std::string& name) : InitializerRef(name.c_str()) {}
    /// Shares `ptr`; ValueError if it is null.
    InitializerRef(InitializerPtr ptr);
    /// A shared copy of the initializer object `init`.
    template <class I>
        requires std::is_base_of_v<Initializer, std::decay_t<I>>
    InitializerRef(I&& init) : ptr_(std::make_shared<std::decay_t<I>>(std::forward<I>(init))) {}
    explicit operator bool() const noexcept { return ptr_ != nullptr; }  ///< always true: never empty
    /// The initializer, e.g. to call it: `(*ref)(shape)`.
    const Initializer& operator*() const noexcept { return *ptr_; }
    /// Member access on the initializer: `ref->name()`.
    const Initializer* operator->() const noexcept { return ptr_.get(); }
    /// The shared pointer (never null).
    const InitializerPtr& ptr() const noexcept { return ptr_; }

private:
    InitializerPtr ptr_;
};

/// Constant 0.
struct Zeros final : Initializer {
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "zeros"; }
};
/// Constant 1.
struct Ones final : Initializer {
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "ones"; }
};
/// Constant `value` (default 0).
struct Constant final : Initializer {
    /// Fills with `value`.
    explicit Constant(double value = 0.0) : value(value) {}
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "constant"; }
    Config config() const override;
    double value;  ///< The fill value.
};
/// N(mean, stddev²); Keras defaults mean 0, stddev 0.05.
struct RandomNormal final : Initializer {
    /// Draws from N(mean, stddev²).
    explicit RandomNormal(double mean = 0.0, double stddev = 0.05) : mean(mean), stddev(stddev) {}
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "random_normal"; }
    Config config() const override;
    /// The mean (default 0).
    double mean, stddev;  ///< The standard deviation (default 0.05).
};
/// U[minval, maxval); Keras defaults ±0.05.
struct RandomUniform final : Initializer {
    /// Draws from U[minval, maxval).
    explicit RandomUniform(double minval = -0.05, double maxval = 0.05) : minval(minval), maxval(maxval) {}
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "random_uniform"; }
    Config config() const override;
    /// The lower bound (default -0.05).
    double minval, maxval;  ///< The upper bound, excluded (default 0.05).
};
/// N(mean, stddev²) redrawn outside mean ± 2·stddev, no std correction (Keras' TruncatedNormal).
struct TruncatedNormal final : Initializer {
    /// Draws from N(mean, stddev²), redrawing values outside mean ± 2·stddev.
    explicit TruncatedNormal(double mean = 0.0, double stddev = 0.05) : mean(mean), stddev(stddev) {}
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "truncated_normal"; }
    Config config() const override;
    /// The mean (default 0).
    double mean, stddev;  ///< The standard deviation (default 0.05).
};
/// Keras' VarianceScaling: s = scale / n with n = max(1, fan_in | fan_out | fan_avg);
/// "truncated_normal" (also "normal"): std sqrt(s)/0.87962566103423978 truncated
/// at ±2σ (result std sqrt(s)); "untruncated_normal": N(0, s); "uniform": U(±sqrt(3s)).
struct VarianceScaling : Initializer {
    /// ValueError unless `scale` > 0, `mode` is fan_in, fan_out or fan_avg and
    /// `distribution` is one of the above ("normal" is stored as "truncated_normal").
    explicit VarianceScaling(double scale = 1.0, std::string mode = "fan_in",
                             std::string distribution = "truncated_normal");
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "variance_scaling"; }
    /// scale, mode and distribution; none for the fixed variants (glorot_uniform, …).
    Config config() const override;
    /// The standard deviation (normal) or limit (uniform) it uses for `shape`.
    double stddev_for(const Shape& shape) const;
    /// The limit sqrt(3s) of U(±limit) for `shape`.
    double limit_for(const Shape& shape) const;
    double scale;              ///< The variance multiplier (> 0; default 1).
    std::string mode;          ///< The n it divides by: "fan_in" (default), "fan_out" or "fan_avg".
    std::string distribution;  ///< "truncated_normal" (default), "untruncated_normal" or "uniform".

protected:
    struct Fixed {};
    /// A named variant whose parameters are part of its name.
    VarianceScaling(Fixed, double scale, std::string mode, std::string distribution)
        : VarianceScaling(scale, std::move(mode), std::move(distribution)) {
        fixed_ = true;
    }

private:
    bool fixed_ = false;
};
/// glorot_uniform = VarianceScaling(1, fan_avg, uniform): the Dense default.
struct GlorotUniform final : VarianceScaling {
    GlorotUniform() : VarianceScaling(Fixed{}, 1.0, "fan_avg", "uniform") {}
    std::string name() const override { return "glorot_uniform"; }
};
/// glorot_normal = VarianceScaling(1, fan_avg, truncated_normal).
struct GlorotNormal final : VarianceScaling {
    GlorotNormal() : VarianceScaling(Fixed{}, 1.0, "fan_avg", "truncated_normal") {}
    std::string name() const override { return "glorot_normal"; }
};
/// he_normal = VarianceScaling(2, fan_in, truncated_normal).
struct HeNormal final : VarianceScaling {
    HeNormal() : VarianceScaling(Fixed{}, 2.0, "fan_in", "truncated_normal") {}
    std::string name() const override { return "he_normal"; }
};
/// he_uniform = VarianceScaling(2, fan_in, uniform).
struct HeUniform final : VarianceScaling {
    HeUniform() : VarianceScaling(Fixed{}, 2.0, "fan_in", "uniform") {}
    std::string name() const override { return "he_uniform"; }
};
/// lecun_normal = VarianceScaling(1, fan_in, truncated_normal).
struct LecunNormal final : VarianceScaling {
    LecunNormal() : VarianceScaling(Fixed{}, 1.0, "fan_in", "truncated_normal") {}
    std::string name() const override { return "lecun_normal"; }
};
/// lecun_uniform = VarianceScaling(1, fan_in, uniform).
struct LecunUniform final : VarianceScaling {
    LecunUniform() : VarianceScaling(Fixed{}, 1.0, "fan_in", "uniform") {}
    std::string name() const override { return "lecun_uniform"; }
};
/// A (semi-)orthogonal matrix from the QR decomposition of a normal matrix, times gain.
struct Orthogonal final : Initializer {
    /// Multiplies the matrix by `gain`. Shapes of rank ≥ 2 (ShapeError otherwise),
    /// as a matrix of (product of all but the last dimension) × last dimension.
    explicit Orthogonal(double gain = 1.0) : gain(gain) {}
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "orthogonal"; }
    Config config() const override;
    double gain;  ///< The multiplier (default 1).
};
/// gain · identity (2-D shapes only).
struct Identity final : Initializer {
    /// Multiplies the identity by `gain`; ShapeError for a shape that is not 2-D.
    explicit Identity(double gain = 1.0) : gain(gain) {}
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "identity"; }
    Config config() const override;
    double gain;  ///< The multiplier (default 1).
};

/// Initializers by name (factories from a config; an empty config gives the Keras defaults).
Registry<ConfigFactory<InitializerPtr>>& initializer_registry();
/// The initializer registered under `name`, with its default parameters
/// (ValueError listing the known names otherwise).
InitializerPtr get_initializer(std::string_view name);
/// Makes an initializer available by name, e.g. in Dense(…, "my_init"), and
/// to io::load(): `make(config)` rebuilds it from its config().
void register_initializer(std::string name, ConfigFactory<InitializerPtr> make);
/// The same for an initializer without parameters.
void register_initializer(std::string name, std::function<InitializerPtr()> make);

}  // namespace xgrad::nn

namespace xgrad {
/// Stores an initializer through initializer_registry() (absent key: unchanged).
template <>
struct ConfigCodec<nn::InitializerRef> : nn::detail::ObjectCodec<nn::InitializerRef, &nn::initializer_registry> {};
}  // namespace xgrad
