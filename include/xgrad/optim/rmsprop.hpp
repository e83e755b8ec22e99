#pragma once
/// \file
/// RMSprop: divides the gradient by a moving root mean square of recent gradients.
///
/// Keras RMSprop(learning_rate 0.001, rho 0.9, momentum 0, epsilon 1e-7, centered false):
///   v ← ρ·v + (1 − ρ)·g²
///   centered: ḡ ← ρ·ḡ + (1 − ρ)·g;  d = v − ḡ² + ε    else d = v + ε
///   i = η·g / sqrt(d)
///   momentum μ > 0: m ← μ·m + i;  θ ← θ − m      else θ ← θ − i
/// As a chain: [clip] → [decoupled_weight_decay] → scale_by_rms(ρ, ε, centered)
/// → scale_by_learning_rate() → scale_by_momentum(μ) (when μ > 0). Our
/// momentum state holds −m (updates are added).
///
/// PyTorch RMSprop: lr 0.01, alpha (= ρ) 0.99, eps 1e-8 added outside the
/// root (g / (sqrt(v) + ε)); its momentum buffer excludes η (b ← μ·b +
/// g/(sqrt(v) + ε), θ ← θ − η·b); coupled weight_decay.
#include "xgrad/optim/optimizer.hpp"
#include "xgrad/optim/transform.hpp"

namespace xgrad::optim {

/// v ← ρ·v + (1 − ρ)·u²; u ← u / sqrt(v + ε), or with centered ḡ ← ρ·ḡ +
/// (1 − ρ)·u and u ← u / sqrt(v − ḡ² + ε). State "velocity" (and
/// "average_gradient" when centered), zeros.
GradientTransformPtr scale_by_rms(double rho = 0.9, double epsilon = 1e-7, bool centered = false);

/// Options of optim::RMSprop, with Keras' defaults (learning_rate 0.001).
class RMSpropOptions : public OptimizerOptions<RMSpropOptions> {
public:
    /// The optimizer's name() and error-message prefix.
    static constexpr const char* optimizer_name = "RMSprop";
    /// The chain this optimizer runs (ValueError for invalid options).
    GradientTransformPtr transform() const;
    /// Its options, declared once: the shared ones, rho (in [0, 1]), momentum (>= 0), epsilon, centered.
    static const OptionTable<RMSpropOptions>& options();
    /// Keras' defaults: learning_rate 0.001, rho 0.9, momentum 0, epsilon 1e-7, not centered.
    RMSpropOptions() : OptimizerOptions(0.001) {}
    /// ρ, decay rate of the mean square v, in [0, 1] (default 0.9; PyTorch's alpha, 0.99).
    RMSpropOptions& rho(double r) { return rho_ = r, *this; }
    /// ρ, the mean square's decay rate (default 0.9).
    double rho() const noexcept { return rho_; }
    /// μ ≥ 0 of the momentum applied after the learning rate (default 0: no momentum).
    RMSpropOptions& momentum(double m) { return momentum_ = m, *this; }
    /// μ, the momentum coefficient (default 0: none).
    double momentum() const noexcept { return momentum_; }
    /// ε added inside the square root (default 1e-7).
    RMSpropOptions& epsilon(double e) { return epsilon_ = e, *this; }
    /// ε inside the square root (default 1e-7).
    double epsilon() const noexcept { return epsilon_; }
    /// Centered RMSprop: divide by an estimate of the variance, v − ḡ² (default false).
    RMSpropOptions& centered(bool on) { return centered_ = on, *this; }
    /// Whether the mean square is centered (default false).
    bool centered() const noexcept { return centered_; }

private:
    double rho_ = 0.9;
    double momentum_ = 0.0;
    double epsilon_ = 1e-7;
    bool centered_ = false;
};

/// Keras' RMSprop: state "rms.velocity" (and momentum when μ > 0).
using RMSprop = NamedOptimizer<RMSpropOptions>;

}  // namespace xgrad::optim
