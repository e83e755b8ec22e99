#pragma once
/// \file
/// Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"),
/// a beyond-the-chapter extra: the sign of an interpolated momentum, so every
/// element moves by exactly ±η.
///
/// Keras Lion(learning_rate 0.001, beta_1 0.9, beta_2 0.99):
///   θ ← θ − η·sign(β1·m + (1 − β1)·g);  m ← β2·m + (1 − β2)·g
/// As a chain: [clip] → [decoupled_weight_decay] → scale_by_lion() → scale_by_learning_rate().
/// Use a 3-10× smaller η than for Adam (and a larger weight decay), as the
/// paper advises. PyTorch has no built-in Lion (lion-pytorch: lr 1e-4, same betas).
#include "xgrad/optim/optimizer.hpp"
#include "xgrad/optim/transform.hpp"

namespace xgrad::optim {

/// u ← sign(β1·m + (1 − β1)·u); m ← β2·m + (1 − β2)·u_in. State "momentum"
/// (zeros). β1 in (0, 1] (ValueError otherwise, as Keras). A momentum schedule replaces β1.
GradientTransformPtr scale_by_lion(double beta_1 = 0.9, double beta_2 = 0.99);

/// Options of optim::Lion, with Keras' defaults (learning_rate 0.001).
class LionOptions : public OptimizerOptions<LionOptions> {
public:
    /// The optimizer's name() and error-message prefix.
    static constexpr const char* optimizer_name = "Lion";
    /// The chain this optimizer runs (ValueError for invalid options).
    GradientTransformPtr transform() const;
    /// Its options, declared once: the shared ones, beta_1 (in (0, 1]), beta_2.
    static const OptionTable<LionOptions>& options();
    /// Keras' defaults: learning_rate 0.001, beta_1 0.9, beta_2 0.99.
    LionOptions() : OptimizerOptions(0.001) {}
    /// β1, the interpolation weight of the momentum in the step's sign, in (0, 1] (default 0.9).
    LionOptions& beta_1(double b) { return beta_1_ = b, *this; }
    /// β1 of the step's interpolation (default 0.9).
    double beta_1() const noexcept { return beta_1_; }
    /// β2, decay rate of the momentum m (default 0.99).
    LionOptions& beta_2(double b) { return beta_2_ = b, *this; }
    /// β2, the momentum's decay rate (default 0.99).
    double beta_2() const noexcept { return beta_2_; }

private:
    double beta_1_ = 0.9;
    double beta_2_ = 0.99;
};

/// Keras' Lion: steps of ±η per element; state "lion.momentum".
using Lion = NamedOptimizer<LionOptions>;

}  // namespace xgrad::optim
