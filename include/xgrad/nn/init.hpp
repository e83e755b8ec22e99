#pragma once
/// \file
/// Weight initializers with Keras' names, formulas and defaults (see
/// ../shared/REFERENCE.md): usable by string (`"he_normal"`) or as objects
/// (`VarianceScaling(2.0, "fan_avg", "uniform")`). A user initializer derives
/// from Initializer and can be registered under a name.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "xgrad/core/random.hpp"
#include "xgrad/core/tensor.hpp"

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
    /// The Keras name ("glorot_uniform") or the class name for parameterized ones.
    virtual std::string name() const = 0;
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
    double value;
};
/// N(mean, stddev²); Keras defaults mean 0, stddev 0.05.
struct RandomNormal final : Initializer {
    explicit RandomNormal(double mean = 0.0, double stddev = 0.05) : mean(mean), stddev(stddev) {}
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "random_normal"; }
    double mean, stddev;
};
/// U[minval, maxval); Keras defaults ±0.05.
struct RandomUniform final : Initializer {
    explicit RandomUniform(double minval = -0.05, double maxval = 0.05) : minval(minval), maxval(maxval) {}
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "random_uniform"; }
    double minval, maxval;
};
/// N(mean, stddev²) redrawn outside mean ± 2·stddev, no std correction (Keras' TruncatedNormal).
struct TruncatedNormal final : Initializer {
    explicit TruncatedNormal(double mean = 0.0, double stddev = 0.05) : mean(mean), stddev(stddev) {}
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "truncated_normal"; }
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
    /// The standard deviation (normal) or limit (uniform) it uses for `shape`.
    double stddev_for(const Shape& shape) const;
    double limit_for(const Shape& shape) const;
    double scale;
    std::string mode;
    std::string distribution;
};
/// glorot_uniform = VarianceScaling(1, fan_avg, uniform): the Dense default.
struct GlorotUniform final : VarianceScaling {
    GlorotUniform() : VarianceScaling(1.0, "fan_avg", "uniform") {}
    std::string name() const override { return "glorot_uniform"; }
};
struct GlorotNormal final : VarianceScaling {
    GlorotNormal() : VarianceScaling(1.0, "fan_avg", "truncated_normal") {}
    std::string name() const override { return "glorot_normal"; }
};
struct HeNormal final : VarianceScaling {
    HeNormal() : VarianceScaling(2.0, "fan_in", "truncated_normal") {}
    std::string name() const override { return "he_normal"; }
};
struct HeUniform final : VarianceScaling {
    HeUniform() : VarianceScaling(2.0, "fan_in", "uniform") {}
    std::string name() const override { return "he_uniform"; }
};
struct LecunNormal final : VarianceScaling {
    LecunNormal() : VarianceScaling(1.0, "fan_in", "truncated_normal") {}
    std::string name() const override { return "lecun_normal"; }
};
struct LecunUniform final : VarianceScaling {
    LecunUniform() : VarianceScaling(1.0, "fan_in", "uniform") {}
    std::string name() const override { return "lecun_uniform"; }
};
/// A (semi-)orthogonal matrix from the QR decomposition of a normal matrix, times gain.
struct Orthogonal final : Initializer {
    explicit Orthogonal(double gain = 1.0) : gain(gain) {}
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "orthogonal"; }
    double gain;
};
/// gain · identity (2-D shapes only).
struct Identity final : Initializer {
    explicit Identity(double gain = 1.0) : gain(gain) {}
    Tensor operator()(const Shape& s, Dtype d, Generator& g) const override;
    using Initializer::operator();
    std::string name() const override { return "identity"; }
    double gain;
};

/// The initializer registered under `name` (ValueError listing the known names otherwise).
InitializerPtr get_initializer(std::string_view name);
/// Makes `make()` available by name, e.g. in Dense(…, "my_init").
void register_initializer(std::string name, std::function<InitializerPtr()> make);

}  // namespace xgrad::nn
