#pragma once
/// \file
/// Weight constraints, applied in place (outside autograd) after every
/// optimizer step through Module::apply_constraints(). Like regularizers, a
/// user constraint returns its parameters from config() and is registered by
/// name so that io::save() can store it.
#include <memory>
#include <string>

#include "xgrad/core/registry.hpp"
#include "xgrad/core/tensor.hpp"
#include "xgrad/nn/config.hpp"

namespace xgrad::nn {

/// Base of weight constraints: apply() rewrites a weight in place after each optimizer step.
class Constraint {
public:
    virtual ~Constraint() = default;
    /// Rewrites w in place.
    virtual void apply(Tensor& w) const = 0;
    /// The name it is registered under.
    virtual std::string name() const = 0;
    /// Its parameters (default none).
    virtual Config config() const { return {}; }
};
/// A shared, immutable constraint.
using ConstraintPtr = std::shared_ptr<const Constraint>;

/// Keras' MaxNorm: w · clip(‖w‖, 0, max_value) / (1e-7 + ‖w‖), norms taken
/// along `axis` (0: each unit's incoming weights of a [in, out] kernel).
struct MaxNorm final : Constraint {
    /// Keras' defaults: max_value 2, axis 0.
    explicit MaxNorm(double max_value = 2.0, std::int64_t axis = 0) : max_value(max_value), axis(axis) {}
    void apply(Tensor& w) const override;
    std::string name() const override { return "max_norm"; }
    Config config() const override;
    double max_value;   ///< Largest norm allowed; longer vectors are scaled down to it.
    std::int64_t axis;  ///< Axis along which norms are taken (0 for a Dense kernel's incoming weights).
};

/// Constraints by name: max_norm (factories from a config).
Registry<ConfigFactory<ConstraintPtr>>& constraint_registry();
/// Makes a constraint available by name (to strings and to io::load()).
void register_constraint(std::string name, ConfigFactory<ConstraintPtr> make);

/// "max_norm", another registered name, or any Constraint object; empty = none.
using ConstraintRef = OptionalRef<Constraint, &constraint_registry>;

}  // namespace xgrad::nn
