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
    double fan_in;
    double fan_out;
};
Fans compute_fans(const Shape& shape);

class Initializer {
public:
    virtual ~Initializer() = default;
    /// A new tensor of `shape` drawn from `gen`.
    virtual Tensor operator()(const Shape& shape, Dtype dtype, Generator& gen) const = 0;
    Tensor operator()(const Shape& shape, Dtype dtype = float32) const {
        return (*this)(shape, dtype, default_generator());
    }
    /// The Keras name it is registered under ("glorot_uniform", "random_normal").
    virtual std::string name() const = 0;
    /// Its parameters (default none): {"mean": "0", "stddev": "0.05"}.
    virtual Config config() const { return {}; }
};

using InitializerPtr = std::shared_ptr<const Initializer>;

/// A handle accepted wherever an initializer is expected: a registered name,
/// or any Initializer object.
class InitializerRef {
public:
    InitializerRef(const char* name);
    InitializerRef(const std::string& name) : InitializerRef(name.c_str()) {}
    InitializerRef(InitializerPtr ptr);
    template <class I>
        requires std::is_base_of_v<Initializer, std::decay_t<I>>
    InitializerRef(I&& init) : ptr_(std::make_shared<std::decay_t<I>>(std::forward<I>(init))) {}
    explicit operator bool() const noexcept { return ptr_ != nullptr; }  // always true: never empty
    const Initializer& operator*() const noexcept { return *ptr_; }
    const Initializer* operator->() const noexcept { return ptr_.get(); }
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
    explicit Constant(double value = 0.0) : value(value) {}
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "constant"; }
    Config config() const override;
    double value;
};
/// N(mean, stddev²); Keras defaults mean 0, stddev 0.05.
struct RandomNormal final : Initializer {
    explicit RandomNormal(double mean = 0.0, double stddev = 0.05) : mean(mean), stddev(stddev) {}
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "random_normal"; }
    Config config() const override;
    double mean, stddev;
};
/// U[minval, maxval); Keras defaults ±0.05.
struct RandomUniform final : Initializer {
    explicit RandomUniform(double minval = -0.05, double maxval = 0.05) : minval(minval), maxval(maxval) {}
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "random_uniform"; }
    Config config() const override;
    double minval, maxval;
};
/// N(mean, stddev²) redrawn outside mean ± 2·stddev, no std correction (Keras' TruncatedNormal).
struct TruncatedNormal final : Initializer {
    explicit TruncatedNormal(double mean = 0.0, double stddev = 0.05) : mean(mean), stddev(stddev) {}
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "truncated_normal"; }
    Config config() const override;
    double mean, stddev;
};
/// Keras' VarianceScaling: s = scale / n with n = max(1, fan_in | fan_out | fan_avg);
/// "truncated_normal" (also "normal"): std sqrt(s)/0.87962566103423978 truncated
/// at ±2σ (result std sqrt(s)); "untruncated_normal": N(0, s); "uniform": U(±sqrt(3s)).
struct VarianceScaling : Initializer {
    explicit VarianceScaling(double scale = 1.0, std::string mode = "fan_in",
                             std::string distribution = "truncated_normal");
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "variance_scaling"; }
    /// scale, mode and distribution; none for the fixed variants (glorot_uniform, …).
    Config config() const override;
    /// The standard deviation (normal) or limit (uniform) it uses for `shape`.
    double stddev_for(const Shape& shape) const;
    double limit_for(const Shape& shape) const;
    double scale;
    std::string mode;
    std::string distribution;

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
struct GlorotNormal final : VarianceScaling {
    GlorotNormal() : VarianceScaling(Fixed{}, 1.0, "fan_avg", "truncated_normal") {}
    std::string name() const override { return "glorot_normal"; }
};
struct HeNormal final : VarianceScaling {
    HeNormal() : VarianceScaling(Fixed{}, 2.0, "fan_in", "truncated_normal") {}
    std::string name() const override { return "he_normal"; }
};
struct HeUniform final : VarianceScaling {
    HeUniform() : VarianceScaling(Fixed{}, 2.0, "fan_in", "uniform") {}
    std::string name() const override { return "he_uniform"; }
};
struct LecunNormal final : VarianceScaling {
    LecunNormal() : VarianceScaling(Fixed{}, 1.0, "fan_in", "truncated_normal") {}
    std::string name() const override { return "lecun_normal"; }
};
struct LecunUniform final : VarianceScaling {
    LecunUniform() : VarianceScaling(Fixed{}, 1.0, "fan_in", "uniform") {}
    std::string name() const override { return "lecun_uniform"; }
};
/// A (semi-)orthogonal matrix from the QR decomposition of a normal matrix, times gain.
struct Orthogonal final : Initializer {
    explicit Orthogonal(double gain = 1.0) : gain(gain) {}
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "orthogonal"; }
    Config config() const override;
    double gain;
};
/// gain · identity (2-D shapes only).
struct Identity final : Initializer {
    explicit Identity(double gain = 1.0) : gain(gain) {}
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "identity"; }
    Config config() const override;
    double gain;
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

template <> struct ConfigCodec<InitializerRef> : detail::ObjectCodec<InitializerRef, &initializer_registry> {};

}  // namespace xgrad::nn
