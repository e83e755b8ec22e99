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

class AdagradOptions : public OptimizerOptions<AdagradOptions> {
public:
    static constexpr const char* optimizer_name = "Adagrad";
    /// The chain this optimizer runs (ValueError for invalid options).
    GradientTransformPtr transform() const;
    AdagradOptions() : OptimizerOptions(0.001) {}
    AdagradOptions& initial_accumulator_value(double v) { return initial_accumulator_value_ = v, *this; }  // 0.1
    double initial_accumulator_value() const noexcept { return initial_accumulator_value_; }
    AdagradOptions& epsilon(double e) { return epsilon_ = e, *this; }  // 1e-7
    double epsilon() const noexcept { return epsilon_; }

private:
    double initial_accumulator_value_ = 0.1;
    double epsilon_ = 1e-7;
};

using Adagrad = NamedOptimizer<AdagradOptions>;

}  // namespace xgrad::optim
