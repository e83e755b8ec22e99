#include "xgrad/optim/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "xgrad/core/error.hpp"

namespace xgrad::optim {
namespace {

void check_positive(double v, const char* who, const char* what) {
    if (!(v > 0)) throw ValueError(std::string(who) + ": " + what + " must be > 0, got " + std::to_string(v));
}

}  // namespace

ExponentialDecay::ExponentialDecay(double initial_learning_rate, double decay_steps, double decay_rate)
    : initial_learning_rate_(initial_learning_rate), decay_steps_(decay_steps), decay_rate_(decay_rate) {
    check_positive(decay_steps, "ExponentialDecay", "decay_steps");
}

double ExponentialDecay::operator()(std::int64_t step) const {
    double p = static_cast<double>(step) / decay_steps_;
    if (staircase_) p = std::floor(p);
    return initial_learning_rate_ * std::pow(decay_rate_, p);
}

InverseTimeDecay::InverseTimeDecay(double initial_learning_rate, double decay_steps, double decay_rate)
    : initial_learning_rate_(initial_learning_rate), decay_steps_(decay_steps), decay_rate_(decay_rate) {
    check_positive(decay_steps, "InverseTimeDecay", "decay_steps");
}

double InverseTimeDecay::operator()(std::int64_t step) const {
    double p = static_cast<double>(step) / decay_steps_;
    if (staircase_) p = std::floor(p);
    return initial_learning_rate_ / (1.0 + decay_rate_ * p);
}

PiecewiseConstantDecay::PiecewiseConstantDecay(std::vector<double> boundaries, std::vector<double> values)
    : boundaries_(std::move(boundaries)), values_(std::move(values)) {
    if (values_.size() != boundaries_.size() + 1) {
        throw ValueError("PiecewiseConstantDecay: needs one more value than boundaries, got " +
                         std::to_string(boundaries_.size()) + " boundaries and " + std::to_string(values_.size()) +
                         " values");
    }
    if (!std::is_sorted(boundaries_.begin(), boundaries_.end()) ||
        std::adjacent_find(boundaries_.begin(), boundaries_.end()) != boundaries_.end()) {
        throw ValueError("PiecewiseConstantDecay: boundaries must be strictly increasing");
    }
}

double PiecewiseConstantDecay::operator()(std::int64_t step) const {
    const double s = static_cast<double>(step);
    // The first boundary b_i with step ≤ b_i selects values[i].
    const auto it = std::lower_bound(boundaries_.begin(), boundaries_.end(), s);
    return values_[static_cast<std::size_t>(it - boundaries_.begin())];
}

PolynomialDecay::PolynomialDecay(double initial_learning_rate, double decay_steps)
    : initial_learning_rate_(initial_learning_rate), decay_steps_(decay_steps) {
    check_positive(decay_steps, "PolynomialDecay", "decay_steps");
}

double PolynomialDecay::operator()(std::int64_t step) const {
    double s = static_cast<double>(step);
    double d = decay_steps_;
    if (cycle_) {
        d *= step == 0 ? 1.0 : std::ceil(s / decay_steps_);
    } else {
        s = std::min(s, d);
    }
    return (initial_learning_rate_ - end_learning_rate_) * std::pow(1.0 - s / d, power_) + end_learning_rate_;
}

CosineDecay::CosineDecay(double initial_learning_rate, double decay_steps)
    : initial_learning_rate_(initial_learning_rate), decay_steps_(decay_steps) {
    check_positive(decay_steps, "CosineDecay", "decay_steps");
}

CosineDecay& CosineDecay::warmup(double target, double steps) {
    check_positive(steps, "CosineDecay", "warmup steps");
    warmup_target_ = target;
    warmup_steps_ = steps;
    return *this;
}

double CosineDecay::operator()(std::int64_t step) const {
    const auto decay = [&](double s, double from) {
        const double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * s / decay_steps_));
        return from * ((1.0 - alpha_) * cosine + alpha_);
    };
    double s = static_cast<double>(step);
    if (!warmup_target_) return decay(std::min(s, decay_steps_), initial_learning_rate_);
    s = std::min(s, decay_steps_ + warmup_steps_);
    if (s < warmup_steps_)
        return (*warmup_target_ - initial_learning_rate_) * (s / warmup_steps_) + initial_learning_rate_;
    return decay(s - warmup_steps_, *warmup_target_);
}

OneCycle::OneCycle(double max_learning_rate, std::int64_t total_steps)
    : max_learning_rate_(max_learning_rate), total_steps_(total_steps) {
    if (total_steps <= 0) throw ValueError("OneCycle: total_steps must be > 0, got " + std::to_string(total_steps));
}

OneCycle& OneCycle::pct_start(double p) {
    if (!(p >= 0 && p <= 1)) throw ValueError("OneCycle: pct_start must be in [0, 1], got " + std::to_string(p));
    pct_start_ = p;
    return *this;
}

// PyTorch OneCycleLR._anneal_func and get_lr: phases end at (fractional)
// steps; within a phase the fraction done is (step − start) / (end − start).
double OneCycle::interpolate(std::int64_t step, bool lr) const {
    if (step < 0 || step >= total_steps_) {
        throw ValueError("OneCycle: step " + std::to_string(step) + " is outside [0, " +
                         std::to_string(total_steps_ - 1) + "] (total_steps " + std::to_string(total_steps_) + ")");
    }
    const double initial = max_learning_rate_ / div_factor_;
    const double minimum = initial / final_div_factor_;
    const double total = static_cast<double>(total_steps_);
    struct Phase {
        double end, lr_from, lr_to, m_from, m_to;
    };
    Phase phases[3];
    int n = 0;
    if (three_phase_) {
        phases[n++] = {pct_start_ * total - 1, initial, max_learning_rate_, max_momentum_, base_momentum_};
        phases[n++] = {2 * pct_start_ * total - 2, max_learning_rate_, initial, base_momentum_, max_momentum_};
        phases[n++] = {total - 1, initial, minimum, max_momentum_, max_momentum_};
    } else {
        phases[n++] = {pct_start_ * total - 1, initial, max_learning_rate_, max_momentum_, base_momentum_};
        phases[n++] = {total - 1, max_learning_rate_, minimum, base_momentum_, max_momentum_};
    }
    const double s = static_cast<double>(step);
    double start = 0.0;
    for (int i = 0; i < n; ++i) {
        const Phase& ph = phases[i];
        if (s <= ph.end || i == n - 1) {
            const double pct = (s - start) / (ph.end - start);
            const double from = lr ? ph.lr_from : ph.m_from, to = lr ? ph.lr_to : ph.m_to;
            if (anneal_ == Anneal::cos) return to + (from - to) / 2.0 * (std::cos(std::numbers::pi * pct) + 1.0);
            return (to - from) * pct + from;
        }
        start = ph.end;
    }
    return 0.0;  // unreachable
}

double OneCycle::operator()(std::int64_t step) const { return interpolate(step, true); }
double OneCycle::momentum(std::int64_t step) const { return interpolate(step, false); }
Schedule OneCycle::momentum_schedule() const {
    return [copy = *this](std::int64_t step) { return copy.momentum(step); };
}

}  // namespace xgrad::optim
