#pragma once
/// \file
/// Weight regularizers (Keras formulas): their value is added to the training
/// loss through Module::losses(). Weight constraints, applied after each
/// optimizer step, are in constraints.hpp.
///
/// A user regularizer derives from Regularizer, returns its parameters from
/// config() and is registered by name with a factory that rebuilds it from
/// them; io::save() refuses a regularizer it could not rebuild that way.
#include <memory>
#include <string>

#include "xgrad/core/registry.hpp"
#include "xgrad/core/tensor.hpp"
#include "xgrad/nn/config.hpp"

namespace xgrad::nn {

/// Base of weight regularizers: a penalty on a weight, added to the training loss.
class Regularizer {
public:
    virtual ~Regularizer() = default;
    /// The penalty for weight w (a 0-d tensor, differentiable in w).
    virtual Tensor operator()(const Tensor& w) const = 0;
    /// The name it is registered under.
    virtual std::string name() const = 0;
    /// Its parameters (default none).
    virtual Config config() const { return {}; }
};
/// A shared, immutable regularizer.
using RegularizerPtr = std::shared_ptr<const Regularizer>;

/// l1 · Σ|w| + l2 · Σw² (Keras: no ½ on the l2 term).
struct L1L2 : Regularizer {
    /// Both factors default to 0 (no penalty), as Keras' L1L2.
    explicit L1L2(double l1 = 0.0, double l2 = 0.0) : l1(l1), l2(l2) {}
    Tensor operator()(const Tensor& w) const override;
    std::string name() const override { return "l1_l2"; }
    Config config() const override;
    /// Factor of the L1 term l1·Σ|w| (0: no L1 term).
    double l1, l2;  ///< Factor of the L2 term l2·Σw² (0: no L2 term).
};
/// l1 · Σ|w|, default 0.01.
struct L1 final : L1L2 {
    /// An L1L2 with l2 = 0.
    explicit L1(double l1 = 0.01) : L1L2(l1, 0.0) {}
    std::string name() const override { return "l1"; }
    Config config() const override;
};
/// l2 · Σw², default 0.01.
struct L2 final : L1L2 {
    /// An L1L2 with l1 = 0.
    explicit L2(double l2 = 0.01) : L1L2(0.0, l2) {}
    std::string name() const override { return "l2"; }
    Config config() const override;
};

/// Regularizers by name: l1, l2, l1_l2 (factories from a config).
Registry<ConfigFactory<RegularizerPtr>>& regularizer_registry();
/// Makes a regularizer available by name (to strings and to io::load()).
void register_regularizer(std::string name, ConfigFactory<RegularizerPtr> make);

/// "l1", "l2", "l1_l2" (defaults 0.01), another registered name, or any Regularizer object; empty = none.
using RegularizerRef = OptionalRef<Regularizer, &regularizer_registry>;

}  // namespace xgrad::nn
