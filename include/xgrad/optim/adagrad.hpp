#pragma once
/// \file
/// Adagrad: per-element learning rates that shrink with the sum of squared gradients.
///
/// Keras Adagrad(learning_rate 0.001, initial_accumulator_value 0.1, epsilon 1e-7):
///   acc ← acc + g²;  θ ← θ − η·g / sqrt(acc + ε)
/// As a chain: [clip] → [decoupled_weight_decay] → scale_by_adagrad() → scale_by_learning_rate().
///
/// PyTorch Adagrad: lr 0.01, initial_accumulator_value 0, eps 1e-10 added
/// outside the root (g / (sqrt(acc) + ε)), an lr_decay option, coupled weight_decay.
#include "xgrad/optim/optimizer.hpp"
#include "xgrad/optim/transform.hpp"

namespace xgrad::optim {

/// acc ← acc + u²; u ← u / sqrt(acc + ε). State "accumulator", starting at
/// initial_accumulator_value (≥ 0, ValueError otherwise).
GradientTransformPtr scale_by_adagrad(double initial_accumulator_value = 0.1, double epsilon = 1e-7);

/// Options of optim::Adagrad, with Keras' defaults (learning_rate 0.001).
class AdagradOptions : public OptimizerOptions<AdagradOptions> {
public:
    /// The optimizer's name() and error-message prefix.
    static constexpr const char* optimizer_name = "Adagrad";
    /// The chain this optimizer runs (ValueError for invalid options).
    GradientTransformPtr transform() const;
    /// Its options, declared once: the shared ones, initial_accumulator_value (>= 0), epsilon.
    static const OptionTable<AdagradOptions>& options();
    /// Keras' defaults: learning_rate 0.001, initial_accumulator_value 0.1, epsilon 1e-7.
    AdagradOptions() : OptimizerOptions(0.001) {}
    /// Starting value of every "accumulator" element, ≥ 0 (default 0.1; PyTorch's is 0).
    AdagradOptions& initial_accumulator_value(double v) { return initial_accumulator_value_ = v, *this; }
    /// Starting value of the accumulator (default 0.1).
    double initial_accumulator_value() const noexcept { return initial_accumulator_value_; }
    /// ε added to the accumulator inside the square root (default 1e-7).
    AdagradOptions& epsilon(double e) { return epsilon_ = e, *this; }
    /// ε inside the square root (default 1e-7).
    double epsilon() const noexcept { return epsilon_; }

private:
    double initial_accumulator_value_ = 0.1;
    double epsilon_ = 1e-7;
};

/// Keras' Adagrad; state "adagrad.accumulator".
using Adagrad = NamedOptimizer<AdagradOptions>;

}  // namespace xgrad::optim
