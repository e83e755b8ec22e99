#include "xgrad/optim/adam.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "config_text.hpp"
#include "loops.hpp"
#include "simd/kernels.hpp"

namespace xgrad::optim {
namespace {

enum class Variant { adam, adamax, nadam };

/// One transform for the whole family: the first moment (and, for Adam and
/// Nadam, the second) is updated by the same code; the variants differ in
/// the second statistic and the bias correction.
class ScaleByAdam final : public GradientTransform {
public:
    ScaleByAdam(Variant variant, double beta_1, double beta_2, double epsilon, bool amsgrad)
        : variant_(variant), beta_1_(beta_1), beta_2_(beta_2), epsilon_(epsilon), amsgrad_(amsgrad) {
        const std::string who = "scale_by_" + name();
        if (!(beta_1 >= 0 && beta_1 < 1)) throw ValueError(who + ": beta_1 must be in [0, 1), got " + std::to_string(beta_1));
        if (!(beta_2 >= 0 && beta_2 < 1)) throw ValueError(who + ": beta_2 must be in [0, 1), got " + std::to_string(beta_2));
    }

    std::string name() const override {
        switch (variant_) {
            case Variant::adam: return "adam";
            case Variant::adamax: return "adamax";
            case Variant::nadam: return "nadam";
        }
        return "adam";
    }
    std::string config() const override {
        return detail::config_text({{"beta_1", detail::config_value(beta_1_)}, {"beta_2", detail::config_value(beta_2_)},
                                    {"epsilon", detail::config_value(epsilon_)}, {"amsgrad", detail::config_value(amsgrad_)}});
    }
    std::vector<std::string> slot_state_names() const override {
        if (variant_ == Variant::adamax) return {"momentum", "norm"};
        if (amsgrad_) return {"momentum", "velocity", "velocity_hat"};
        return {"momentum", "velocity"};
    }
    std::vector<Tensor> init_slot_state(const Tensor& param) const override {
        std::vector<Tensor> out;
        for (std::size_t i = 0; i < slot_state_names().size(); ++i) out.push_back(zeros_like(param));
        return out;
    }
    std::vector<std::string> global_state_names() const override {
        if (variant_ == Variant::nadam) return {"u_product"};
        return {};
    }
    std::vector<Tensor> init_global_state() const override {
        if (variant_ == Variant::nadam) return {scalar(1.0, float64)};
        return {};
    }

    // Nadam's Π is shared state, updated once per step.
    bool per_parameter() const override { return variant_ != Variant::nadam; }

    void update(std::span<SlotView> slots, std::span<Tensor> global_state, const StepInfo& info) override {
        const double t = static_cast<double>(info.step);
        const double b1 = info.momentum.value_or(beta_1_), b2 = beta_2_;
        switch (variant_) {
            case Variant::adam: {
                // α/η = sqrt(1 − β2^t)/(1 − β1^t)
                const double correction = std::sqrt(1.0 - std::pow(b2, t)) / (1.0 - std::pow(b1, t));
                for (SlotView& s : slots) adam_slot(s, b1, b2, correction);
                break;
            }
            case Variant::adamax: {
                const double correction = 1.0 - std::pow(b1, t);
                for (SlotView& s : slots) adamax_slot(s, b1, b2, correction);
                break;
            }
            case Variant::nadam: {
                // Keras updates Π once per step, before the per-variable updates.
                double& u_product = global_state[0].data<double>()[0];
                const double u_t = b1 * (1.0 - 0.5 * std::pow(0.96, t));
                const double u_t1 = b1 * (1.0 - 0.5 * std::pow(0.96, t + 1.0));
                u_product *= u_t;
                detail::bump_version(global_state[0]);
                const NadamCoefficients c{u_t1 / (1.0 - u_product * u_t1), (1.0 - u_t) / (1.0 - u_product),
                                          1.0 - std::pow(b2, t)};
                for (SlotView& s : slots) nadam_slot(s, b1, b2, c);
                break;
            }
        }
    }

private:
    struct NadamCoefficients {
        double momentum;     // μ_{t+1} / (1 − Π_t·μ_{t+1})
        double gradient;     // (1 − μ_t) / (1 − Π_t)
        double correction2;  // 1 − β2^t
    };

    // m ← m + (g − m)(1 − β1); v ← v + (g² − v)(1 − β2): shared by AMSGrad and
    // Nadam, for scalars and xsimd batches alike (plain Adam, the common case,
    // runs the same update in the dispatched simd kernel).
    template <class V, class S> static void moments(const V& g, V& m, V& v, S one_minus_b1, S one_minus_b2) {
        m += (g - m) * one_minus_b1;
        v += (g * g - v) * one_minus_b2;
    }

    void adam_slot(SlotView& s, double b1, double b2, double correction) const {
        detail::visit(s.update, "scale_by_adam", [&](auto tag) {
            using T = decltype(tag);
            const T c1 = static_cast<T>(1.0 - b1), c2 = static_cast<T>(1.0 - b2);
            const T scale = static_cast<T>(correction), eps = static_cast<T>(epsilon_);
            T* pu = s.update.data<T>();
            T* pm = s.state[0].data<T>();
            T* pv = s.state[1].data<T>();
            const std::int64_t n = s.update.numel();
            if (amsgrad_) {
                detail::simd_update<T, 4>(n, {pu, pm, pv, s.state[2].data<T>()}, [=](auto& g, auto& m, auto& v, auto& vh) {
                    moments(g, m, v, c1, c2);
                    vh = detail::vmax(vh, v);  // v̂ ← max(v̂, v)
                    g = m * scale / (detail::vsqrt(vh) + eps);
                });
            } else {
                simd::optimizer_kernels<T>().adam(pu, pm, pv, n, c1, c2, scale, eps);
            }
        });
    }

    void adamax_slot(SlotView& s, double b1, double b2, double correction) const {
        detail::visit(s.update, "scale_by_adamax", [&](auto tag) {
            using T = decltype(tag);
            const T c1 = static_cast<T>(1.0 - b1), beta_2 = static_cast<T>(b2);
            const T corr = static_cast<T>(correction), eps = static_cast<T>(epsilon_);
            detail::simd_update<T, 3>(s.update.numel(), {s.update.data<T>(), s.state[0].data<T>(), s.state[1].data<T>()},
                                      [=](auto& g, auto& m, auto& norm) {
                                          m += (g - m) * c1;
                                          norm = detail::vmax(norm * beta_2, detail::vabs(g));  // u ← max(β2·u, |g|)
                                          g = m / ((norm + eps) * corr);
                                      });
        });
    }

    void nadam_slot(SlotView& s, double b1, double b2, const NadamCoefficients& c) const {
        detail::visit(s.update, "scale_by_nadam", [&](auto tag) {
            using T = decltype(tag);
            const T c1 = static_cast<T>(1.0 - b1), c2 = static_cast<T>(1.0 - b2);
            const T km = static_cast<T>(c.momentum), kg = static_cast<T>(c.gradient);
            const T corr2 = static_cast<T>(c.correction2), eps = static_cast<T>(epsilon_);
            detail::simd_update<T, 3>(s.update.numel(), {s.update.data<T>(), s.state[0].data<T>(), s.state[1].data<T>()},
                                      [=](auto& g, auto& m, auto& v) {
                                          moments(g, m, v, c1, c2);
                                          const auto m_hat = m * km + g * kg;
                                          g = m_hat / (detail::vsqrt(v / corr2) + eps);
                                      });
        });
    }

    Variant variant_;
    double beta_1_, beta_2_, epsilon_;
    bool amsgrad_;
};

template <class Options>
GradientTransformPtr build(const std::string& who, const Options& o, GradientTransformPtr rule) {
    std::vector<GradientTransformPtr> parts = keras_prefix(who, o);
    parts.push_back(std::move(rule));
    parts.push_back(scale_by_learning_rate());
    return chain(std::move(parts));
}

}  // namespace

GradientTransformPtr scale_by_adam(double beta_1, double beta_2, double epsilon, bool amsgrad) {
    return std::make_shared<ScaleByAdam>(Variant::adam, beta_1, beta_2, epsilon, amsgrad);
}
GradientTransformPtr scale_by_adamax(double beta_1, double beta_2, double epsilon) {
    return std::make_shared<ScaleByAdam>(Variant::adamax, beta_1, beta_2, epsilon, false);
}
GradientTransformPtr scale_by_nadam(double beta_1, double beta_2, double epsilon) {
    return std::make_shared<ScaleByAdam>(Variant::nadam, beta_1, beta_2, epsilon, false);
}

const OptionTable<AdamOptions>& AdamOptions::options() {
    static const auto options = option_table();
    return options;
}
const OptionTable<AdamWOptions>& AdamWOptions::options() {
    static const auto options = option_table();
    return options;
}
const OptionTable<AdamaxOptions>& AdamaxOptions::options() {
    static const auto options = option_table();
    return options;
}
const OptionTable<NadamOptions>& NadamOptions::options() {
    static const auto options = option_table();
    return options;
}

GradientTransformPtr AdamOptions::transform() const {
    const AdamOptions& o = *this;
    return build("Adam", o, scale_by_adam(o.beta_1(), o.beta_2(), o.epsilon(), o.amsgrad()));
}
GradientTransformPtr AdamWOptions::transform() const {
    const AdamWOptions& o = *this;
    return build("AdamW", o, scale_by_adam(o.beta_1(), o.beta_2(), o.epsilon(), o.amsgrad()));
}
GradientTransformPtr AdamaxOptions::transform() const {
    const AdamaxOptions& o = *this;
    return build("Adamax", o, scale_by_adamax(o.beta_1(), o.beta_2(), o.epsilon()));
}
GradientTransformPtr NadamOptions::transform() const {
    const NadamOptions& o = *this;
    return build("Nadam", o, scale_by_nadam(o.beta_1(), o.beta_2(), o.epsilon()));
}

}  // namespace xgrad::optim
