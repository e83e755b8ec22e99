#pragma once
/// \file
/// The SGD family: plain gradient descent, momentum, Nesterov momentum.
///
/// Keras SGD(learning_rate 0.01, momentum 0, nesterov false), g the gradient:
///   momentum 0:  θ ← θ − η·g
///   momentum μ:  m ← μ·m − η·g;  θ ← θ + m
///   Nesterov:    m ← μ·m − η·g;  θ ← θ + μ·m − η·g   (with the new m)
/// As a chain: [clip] → [decoupled_weight_decay] → scale_by_learning_rate() →
/// scale_by_momentum(μ, nesterov) (when μ ≠ 0). The velocity m includes η,
/// which matters when η changes during training.
///
/// PyTorch SGD (lr required; default momentum 0, dampening 0): v ← μ·v + g,
/// θ ← θ − η·v (η outside the velocity); Nesterov θ ← θ − η·(g + μ·v); its
/// weight_decay is coupled L2 (g ← g + wd·θ, add_weight_decay here), Keras'
/// is decoupled. With a constant η both momentum forms give the same steps.
///
///     optim::SGD opt(model, optim::SGDOptions().learning_rate(0.1).momentum(0.9).nesterov(true));
#include "xgrad/optim/optimizer.hpp"
#include "xgrad/optim/transform.hpp"

namespace xgrad::optim {

/// m ← μ·m + u; u ← m, or u ← μ·m + u with Nesterov (the new m). State
/// "momentum" (zeros). After scale_by_learning_rate() this is Keras' SGD
/// velocity m ← μ·m − η·g (and RMSprop's momentum). A momentum schedule
/// (StepInfo::momentum) replaces μ.
GradientTransformPtr scale_by_momentum(double momentum, bool nesterov = false);

/// Options of optim::SGD, with Keras' defaults (learning_rate 0.01).
class SGDOptions : public OptimizerOptions<SGDOptions> {
public:
    /// The optimizer's name() and error-message prefix.
    static constexpr const char* optimizer_name = "SGD";
    /// The chain this optimizer runs (ValueError for invalid options).
    GradientTransformPtr transform() const;
    /// Its options, declared once: the shared ones, momentum (in [0, 1]), nesterov.
    static const OptionTable<SGDOptions>& options();
    /// Keras' defaults: learning_rate 0.01, momentum 0, nesterov false.
    SGDOptions() : OptimizerOptions(0.01) {}
    /// μ in [0, 1] (ValueError otherwise, as Keras). Default 0.
    SGDOptions& momentum(double m) { return momentum_ = m, *this; }
    /// μ, the momentum coefficient (default 0: plain gradient descent).
    double momentum() const noexcept { return momentum_; }
    /// Nesterov momentum (default false).
    SGDOptions& nesterov(bool on) { return nesterov_ = on, *this; }
    /// Whether momentum is Nesterov's (default false; ignored when μ = 0).
    bool nesterov() const noexcept { return nesterov_; }

private:
    double momentum_ = 0.0;
    bool nesterov_ = false;
};

/// Keras' SGD: plain, momentum or Nesterov; state "momentum.momentum" when μ ≠ 0.
using SGD = NamedOptimizer<SGDOptions>;

}  // namespace xgrad::optim
