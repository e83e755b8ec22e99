#pragma once
/// \file
/// Learning-rate schedules: callables `step → learning rate`, with Keras 3
/// formulas (keras/src/optimizers/schedules/learning_rate_schedule.py).
///
/// `step` is the 0-based index of the update: the optimizer's iterations()
/// before the update, so the first step() uses schedule(0) (as Keras calls
/// `learning_rate(iterations)`). Any callable double(std::int64_t) is a
/// Schedule; an optimizer accepts one wherever it accepts a number:
///
///     optim::SGD opt(model, optim::SGDOptions().learning_rate(optim::ExponentialDecay(0.01, 20 * steps, 0.1)));
///     optim::OneCycle one_cycle(0.1, epochs * steps);
///     opt.set_learning_rate(one_cycle);                              // lr cycles
///     opt.set_momentum_schedule(one_cycle.momentum_schedule());      // momentum (or Adam's β1) cycles too
///
/// PyTorch differences: torch.optim.lr_scheduler objects are stepped by hand
/// (usually once per epoch) and rewrite the optimizer's lr; here a schedule is
/// evaluated at every optimizer step from iterations(), so resuming from
/// state_dict() resumes the schedule too. PyTorch's ExponentialLR(gamma) per
/// epoch is ExponentialDecay(lr, steps_per_epoch, gamma, staircase = true).
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace xgrad::optim {

/// The learning rate for the update at 0-based `step`.
using Schedule = std::function<double(std::int64_t step)>;

/// η0 · rate^(step / decay_steps); with staircase the exponent is floored
/// (the rate drops by `decay_rate` every decay_steps steps). decay_steps > 0
/// (ValueError otherwise).
///
///     ExponentialDecay(0.01, 20, 0.1)(10)  // 0.01 · 0.1^0.5 = 0.0031623
class ExponentialDecay {
public:
    /// η0 = initial_learning_rate, multiplied by decay_rate every decay_steps steps.
    ExponentialDecay(double initial_learning_rate, double decay_steps, double decay_rate);
    /// Floors step / decay_steps, so the rate drops in stairs (default false).
    ExponentialDecay& staircase(bool on) { return staircase_ = on, *this; }
    /// The learning rate for the update at 0-based `step`.
    double operator()(std::int64_t step) const;

private:
    double initial_learning_rate_, decay_steps_, decay_rate_;
    bool staircase_ = false;
};

/// Power scheduling (Keras InverseTimeDecay): η0 / (1 + rate · step / decay_steps),
/// the exponent floored with staircase. decay_steps > 0.
///
///     InverseTimeDecay(0.1, 10, 1.0)(10)  // 0.1 / (1 + 1) = 0.05
class InverseTimeDecay {
public:
    /// η0 = initial_learning_rate; the divisor grows by decay_rate every decay_steps steps.
    InverseTimeDecay(double initial_learning_rate, double decay_steps, double decay_rate);
    /// Floors step / decay_steps, so the rate drops in stairs (default false).
    InverseTimeDecay& staircase(bool on) { return staircase_ = on, *this; }
    /// The learning rate for the update at 0-based `step`.
    double operator()(std::int64_t step) const;

private:
    double initial_learning_rate_, decay_steps_, decay_rate_;
    bool staircase_ = false;
};

/// values[0] while step ≤ boundaries[0], values[i] while boundaries[i−1] <
/// step ≤ boundaries[i], values.back() after the last boundary. Needs
/// values.size() == boundaries.size() + 1 and increasing boundaries (ValueError).
///
///     PiecewiseConstantDecay({5, 15}, {1.0, 0.5, 0.1})  // 1.0 for steps 0..5, 0.5 for 6..15, then 0.1
class PiecewiseConstantDecay {
public:
    /// `values` must be one longer than `boundaries`, and `boundaries` strictly increasing.
    PiecewiseConstantDecay(std::vector<double> boundaries, std::vector<double> values);
    /// The learning rate for the update at 0-based `step`.
    double operator()(std::int64_t step) const;

private:
    std::vector<double> boundaries_, values_;
};

/// (η0 − η_end) · (1 − s / decay_steps)^power + η_end with s = min(step,
/// decay_steps); with cycle, decay_steps is first multiplied by
/// ceil(step / decay_steps) (1 at step 0). Keras defaults: η_end 1e-4, power 1.
///
///     PolynomialDecay(0.1, 10)(5)  // (0.1 − 1e-4) · 0.5 + 1e-4 = 0.05005
class PolynomialDecay {
public:
    /// η0 = initial_learning_rate, reaching η_end after decay_steps (> 0) steps.
    PolynomialDecay(double initial_learning_rate, double decay_steps);
    /// η_end, the rate from decay_steps on (default 1e-4).
    PolynomialDecay& end_learning_rate(double lr) { return end_learning_rate_ = lr, *this; }
    /// The polynomial's exponent; 1 decays linearly (default 1).
    PolynomialDecay& power(double p) { return power_ = p, *this; }
    /// Restarts the decay, over longer and longer periods, instead of staying at η_end (default false).
    PolynomialDecay& cycle(bool on) { return cycle_ = on, *this; }
    /// The learning rate for the update at 0-based `step`.
    double operator()(std::int64_t step) const;

private:
    double initial_learning_rate_, decay_steps_;
    double end_learning_rate_ = 1e-4;
    double power_ = 1.0;
    bool cycle_ = false;
};

/// Cosine decay with optional linear warmup (Keras CosineDecay).
/// Without warmup: η0 · ((1 − α) · ½(1 + cos(π · min(step, D) / D)) + α).
/// With warmup(target, W): for step < W, η0 + (target − η0) · step / W; then
/// the cosine decay from `target` over D steps, evaluated at min(step, W + D) − W.
///
///     CosineDecay(0.1, 100)(50)                 // 0.1 · ½(1 + cos(π/2)) = 0.05
///     CosineDecay(0.0, 100).warmup(0.1, 10)(5)  // 0.05 (halfway up the warmup)
class CosineDecay {
public:
    /// η0 = initial_learning_rate, decayed over D = decay_steps (> 0) steps.
    CosineDecay(double initial_learning_rate, double decay_steps);
    /// The final learning rate as a fraction of the decay's starting rate (default 0).
    CosineDecay& alpha(double a) { return alpha_ = a, *this; }
    /// Linear warmup from initial_learning_rate to `target` over `steps` steps (default: none).
    CosineDecay& warmup(double target, double steps);
    /// The learning rate for the update at 0-based `step`.
    double operator()(std::int64_t step) const;

private:
    double initial_learning_rate_, decay_steps_;
    double alpha_ = 0.0;
    std::optional<double> warmup_target_;
    double warmup_steps_ = 0.0;
};

/// The 1cycle policy with PyTorch OneCycleLR semantics (Keras has none).
/// Starts at max_lr / div_factor, anneals up to max_lr over the first
/// pct_start · total_steps − 1 steps, then down to start / final_div_factor
/// at step total_steps − 1 (cosine annealing, or linear). momentum(step)
/// cycles the other way, max_momentum → base_momentum → max_momentum; wire it
/// with Optimizer::set_momentum_schedule(momentum_schedule()) (it then drives
/// SGD's/RMSprop's momentum or the Adam family's β1, as PyTorch's
/// cycle_momentum does). three_phase: up over pct_start, back down to the
/// start over the same number of steps, then to the minimum. Steps beyond
/// total_steps − 1 are a ValueError, as in PyTorch.
///
///     OneCycle oc(0.1, 100);  // oc(0) = 0.004, oc(29) = 0.1, oc(99) = 4e-7
class OneCycle {
public:
    /// How the rate moves within a phase (PyTorch's anneal_strategy): cosine or linear.
    enum class Anneal { cos, linear };
    /// A cycle peaking at max_learning_rate over total_steps (> 0) steps.
    OneCycle(double max_learning_rate, std::int64_t total_steps);
    /// Fraction of the steps spent raising the rate, in [0, 1] (default 0.3).
    OneCycle& pct_start(double p);
    /// The starting rate is max_learning_rate / div_factor (default 25).
    OneCycle& div_factor(double d) { return div_factor_ = d, *this; }
    /// The final rate is the starting rate / final_div_factor (default 1e4).
    OneCycle& final_div_factor(double d) { return final_div_factor_ = d, *this; }
    /// The momentum at the rate's peak, its lowest (default 0.85).
    OneCycle& base_momentum(double m) { return base_momentum_ = m, *this; }
    /// The momentum at the start and end, its highest (default 0.95).
    OneCycle& max_momentum(double m) { return max_momentum_ = m, *this; }
    /// Cosine or linear annealing within each phase (default cos).
    OneCycle& anneal(Anneal a) { return anneal_ = a, *this; }
    /// The three-phase cycle described above (default false).
    OneCycle& three_phase(bool on) { return three_phase_ = on, *this; }

    /// The learning rate at `step`.
    double operator()(std::int64_t step) const;
    /// The momentum (or β1) at `step`.
    double momentum(std::int64_t step) const;
    /// momentum() as a Schedule, for Optimizer::set_momentum_schedule.
    Schedule momentum_schedule() const;

private:
    double interpolate(std::int64_t step, bool lr) const;

    double max_learning_rate_;
    std::int64_t total_steps_;
    double pct_start_ = 0.3;
    double div_factor_ = 25.0;
    double final_div_factor_ = 1e4;
    double base_momentum_ = 0.85;
    double max_momentum_ = 0.95;
    Anneal anneal_ = Anneal::cos;
    bool three_phase_ = false;
};

}  // namespace xgrad::optim
