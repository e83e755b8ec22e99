#pragma once
/// \file
/// The Adam family — Adam (with AMSGrad), AdamW, Adamax, Nadam — sharing one
/// moment implementation (scale_by_adam / scale_by_adamax / scale_by_nadam
/// are one transform class with three variants).
///
/// Keras formulas, g the gradient, t = 1, 2, … (all defaults: η 0.001,
/// β1 0.9, β2 0.999, ε 1e-7):
///   moments (all):  m ← m + (g − m)(1 − β1);  v ← v + (g² − v)(1 − β2)
///   Adam:     α = η·sqrt(1 − β2^t)/(1 − β1^t);  θ ← θ − α·m/(sqrt(v) + ε)
///             amsgrad: v̂ ← max(v̂, v) and v̂ replaces v in the step
///   AdamW:    Adam with decoupled weight decay θ ← θ − θ·wd·η first (wd 0.004)
///   Adamax:   u ← max(β2·u, |g|) (instead of v);  θ ← θ − η·m/((1 − β1^t)(u + ε))
///   Nadam:    μ_t = β1(1 − ½·0.96^t), Π_t = μ_1⋯μ_t (shared state "nadam.u_product")
///             m̂ = μ_{t+1}·m/(1 − Π_t·μ_{t+1}) + (1 − μ_t)·g/(1 − Π_t)
///             θ ← θ − η·m̂/(sqrt(v/(1 − β2^t)) + ε)
/// As chains: [clip] → [decoupled_weight_decay] → scale_by_{adam,adamax,nadam} → scale_by_learning_rate().
///
/// PyTorch differences: ε = 1e-8 and placed on the bias-corrected root,
/// θ ← θ − η·m̂/(sqrt(v̂) + ε) with m̂ = m/(1 − β1^t), v̂ = v/(1 − β2^t)
/// (Keras' form equals PyTorch's with ε·sqrt(1 − β2^t) in place of ε);
/// Adam's weight_decay is coupled L2; AdamW's default weight_decay is 0.01;
/// Adamax (lr 0.002) uses u ← max(β2·u, |g| + ε) and m/u; Nadam (lr 0.002)
/// uses μ_t = β1(1 − ½·0.96^(0.004·t)), a 250× slower momentum warmup.
/// PyTorch keeps t per parameter; here t is the optimizer's iterations() + 1.
///
///     optim::Adam opt(model, optim::AdamOptions().learning_rate(1e-3).amsgrad(true));
#include "xgrad/optim/optimizer.hpp"
#include "xgrad/optim/transform.hpp"

namespace xgrad::optim {

/// Adam moments and bias correction: u ← sqrt(1 − β2^t)/(1 − β1^t) · m/(sqrt(v) + ε)
/// (m, v updated from the incoming u). State "momentum", "velocity" (and
/// "velocity_hat" with amsgrad), zeros. A momentum schedule replaces β1.
GradientTransformPtr scale_by_adam(double beta_1 = 0.9, double beta_2 = 0.999, double epsilon = 1e-7,
                                   bool amsgrad = false);
/// Adamax: u ← m/((1 − β1^t)(norm + ε)), norm ← max(β2·norm, |u|). State "momentum", "norm".
GradientTransformPtr scale_by_adamax(double beta_1 = 0.9, double beta_2 = 0.999, double epsilon = 1e-7);
/// Nadam (Keras' momentum schedule, see above). State "momentum", "velocity"; shared "u_product" (starts at 1).
GradientTransformPtr scale_by_nadam(double beta_1 = 0.9, double beta_2 = 0.999, double epsilon = 1e-7);

/// β1, β2, ε for the whole family.
template <class Derived>
class MomentOptions : public OptimizerOptions<Derived> {
public:
    /// β1, decay rate of the first moment m, in [0, 1) (default 0.9).
    Derived& beta_1(double b) { return beta_1_ = b, static_cast<Derived&>(*this); }
    /// β1, the first moment's decay rate (default 0.9).
    double beta_1() const noexcept { return beta_1_; }
    /// β2, decay rate of the second moment v (Adamax: of the norm u), in [0, 1) (default 0.999).
    Derived& beta_2(double b) { return beta_2_ = b, static_cast<Derived&>(*this); }
    /// β2, the second moment's decay rate (default 0.999).
    double beta_2() const noexcept { return beta_2_; }
    /// ε added to the denominator, Keras-style (see above; default 1e-7).
    Derived& epsilon(double e) { return epsilon_ = e, static_cast<Derived&>(*this); }
    /// ε of the denominator (default 1e-7).
    double epsilon() const noexcept { return epsilon_; }

protected:
    /// OptimizerOptions' constructor: the default learning rate (and weight decay).
    using OptimizerOptions<Derived>::OptimizerOptions;
    /// OptimizerOptions::option_table() with beta_1, beta_2 (in [0, 1)) and epsilon.
    static OptionTable<Derived> option_table() {
        using O = MomentOptions;
        return OptimizerOptions<Derived>::option_table()
            .add("beta_1", &O::beta_1_, require::rate)
            .add("beta_2", &O::beta_2_, require::rate)
            .add("epsilon", &O::epsilon_);
    }

private:
    double beta_1_ = 0.9;
    double beta_2_ = 0.999;
    double epsilon_ = 1e-7;
};

/// MomentOptions with AMSGrad: Adam's and AdamW's.
template <class Derived>
class AmsgradOptions : public MomentOptions<Derived> {
public:
    /// AMSGrad: step with the running maximum v̂ of v (state "velocity_hat"; default false).
    Derived& amsgrad(bool on) { return amsgrad_ = on, static_cast<Derived&>(*this); }
    /// Whether AMSGrad is on (default false).
    bool amsgrad() const noexcept { return amsgrad_; }

protected:
    /// The optimizer's default learning rate and weight decay.
    explicit AmsgradOptions(double default_learning_rate, double default_weight_decay = 0.0)
        : MomentOptions<Derived>(default_learning_rate, default_weight_decay) {}
    /// MomentOptions::option_table() with amsgrad.
    static OptionTable<Derived> option_table() {
        return MomentOptions<Derived>::option_table().add("amsgrad", &AmsgradOptions::amsgrad_);
    }

private:
    bool amsgrad_ = false;
};

/// Options of optim::Adam, with Keras' defaults (learning_rate 0.001).
class AdamOptions : public AmsgradOptions<AdamOptions> {
public:
    /// The optimizer's name() and error-message prefix.
    static constexpr const char* optimizer_name = "Adam";
    /// The chain this optimizer runs (ValueError for invalid options).
    GradientTransformPtr transform() const;
    /// Its options, declared once: the shared ones, beta_1, beta_2 (in [0, 1)), epsilon, amsgrad.
    static const OptionTable<AdamOptions>& options();
    /// Keras' defaults: learning_rate 0.001, no weight decay.
    AdamOptions() : AmsgradOptions(0.001) {}
};

/// Adam's options with weight_decay 0.004 by default (Keras AdamW).
class AdamWOptions : public AmsgradOptions<AdamWOptions> {
public:
    /// The optimizer's name() and error-message prefix.
    static constexpr const char* optimizer_name = "AdamW";
    /// The chain this optimizer runs (ValueError for invalid options).
    GradientTransformPtr transform() const;
    /// Its options, declared once: the shared ones, beta_1, beta_2 (in [0, 1)), epsilon, amsgrad.
    static const OptionTable<AdamWOptions>& options();
    /// Keras' defaults: learning_rate 0.001, weight_decay 0.004.
    AdamWOptions() : AmsgradOptions(0.001, 0.004) {}
};

/// Options of optim::Adamax, with Keras' defaults (learning_rate 0.001; PyTorch's is 0.002).
class AdamaxOptions : public MomentOptions<AdamaxOptions> {
public:
    /// The optimizer's name() and error-message prefix.
    static constexpr const char* optimizer_name = "Adamax";
    /// The chain this optimizer runs (ValueError for invalid options).
    GradientTransformPtr transform() const;
    /// Its options, declared once: the shared ones, beta_1, beta_2 (in [0, 1)), epsilon.
    static const OptionTable<AdamaxOptions>& options();
    /// Keras' defaults: learning_rate 0.001, no weight decay.
    AdamaxOptions() : MomentOptions(0.001) {}
};

/// Options of optim::Nadam, with Keras' defaults (learning_rate 0.001; PyTorch's is 0.002).
class NadamOptions : public MomentOptions<NadamOptions> {
public:
    /// The optimizer's name() and error-message prefix.
    static constexpr const char* optimizer_name = "Nadam";
    /// The chain this optimizer runs (ValueError for invalid options).
    GradientTransformPtr transform() const;
    /// Its options, declared once: the shared ones, beta_1, beta_2 (in [0, 1)), epsilon.
    static const OptionTable<NadamOptions>& options();
    /// Keras' defaults: learning_rate 0.001, no weight decay.
    NadamOptions() : MomentOptions(0.001) {}
};

/// Keras' Adam (with optional AMSGrad); state "adam.momentum", "adam.velocity".
using Adam = NamedOptimizer<AdamOptions>;

/// Keras' AdamW: Adam after decoupled weight decay (weight_decay 0.004).
using AdamW = NamedOptimizer<AdamWOptions>;

/// Keras' Adamax: Adam with the infinity norm in place of the second moment.
using Adamax = NamedOptimizer<AdamaxOptions>;

/// Keras' Nadam: Adam with Nesterov momentum and a momentum warmup.
using Nadam = NamedOptimizer<NadamOptions>;

}  // namespace xgrad::optim
