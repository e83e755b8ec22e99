#include "xgrad/optim/rmsprop.hpp"

#include <cmath>
#include <string>

#include "config_text.hpp"
#include "loops.hpp"
#include "xgrad/optim/sgd.hpp"

namespace xgrad::optim {
namespace {

class ScaleByRms final : public PerParameterTransform {
public:
    ScaleByRms(double rho, double epsilon, bool centered) : rho_(rho), epsilon_(epsilon), centered_(centered) {
        if (!(rho >= 0 && rho <= 1)) throw ValueError("scale_by_rms: rho must be in [0, 1], got " + std::to_string(rho));
    }
    std::string name() const override { return "rms"; }
    std::string config() const override {
        return detail::config_text({{"rho", detail::config_value(rho_)}, {"epsilon", detail::config_value(epsilon_)}, {"centered", detail::config_value(centered_)}});
    }
    std::vector<std::string> slot_state_names() const override {
        if (centered_) return {"velocity", "average_gradient"};
        return {"velocity"};
    }
    std::vector<Tensor> init_slot_state(const Tensor& param) const override {
        if (centered_) return {zeros_like(param), zeros_like(param)};
        return {zeros_like(param)};
    }
    void update_slot(SlotView& s, const StepInfo&) override {
        detail::visit(s.update, "scale_by_rms", [&](auto tag) {
            using T = decltype(tag);
            const T rho = static_cast<T>(rho_), one_minus_rho = static_cast<T>(1.0 - rho_), eps = static_cast<T>(epsilon_);
            T* pu = s.update.data<T>();
            T* pv = s.state[0].data<T>();
            const std::int64_t n = s.update.numel();
            if (centered_) {
                detail::simd_update<T, 3>(n, {pu, pv, s.state[1].data<T>()}, [=](auto& g, auto& v, auto& mg) {
                    v = v * rho + g * g * one_minus_rho;  // v ← ρv + (1 − ρ)g²
                    mg = mg * rho + g * one_minus_rho;    // ḡ ← ρḡ + (1 − ρ)g
                    g = g / detail::vsqrt(v - mg * mg + eps);
                });
            } else {
                detail::simd_update<T, 2>(n, {pu, pv}, [=](auto& g, auto& v) {
                    v = v * rho + g * g * one_minus_rho;
                    g = g / detail::vsqrt(v + eps);
                });
            }
        });
    }

private:
    double rho_, epsilon_;
    bool centered_;
};

}  // namespace

GradientTransformPtr scale_by_rms(double rho, double epsilon, bool centered) {
    return std::make_shared<ScaleByRms>(rho, epsilon, centered);
}

const OptionTable<RMSpropOptions>& RMSpropOptions::options() {
    static const auto options = option_table()
                                    .add("rho", &RMSpropOptions::rho_, require::unit_interval)
                                    .add("momentum", &RMSpropOptions::momentum_, require::non_negative)
                                    .add("epsilon", &RMSpropOptions::epsilon_)
                                    .add("centered", &RMSpropOptions::centered_);
    return options;
}

GradientTransformPtr RMSpropOptions::transform() const {
    const RMSpropOptions& o = *this;
    if (!(o.momentum() >= 0)) throw ValueError("RMSprop: momentum must be >= 0, got " + std::to_string(o.momentum()));
    std::vector<GradientTransformPtr> parts = keras_prefix("RMSprop", o);
    parts.push_back(scale_by_rms(o.rho(), o.epsilon(), o.centered()));
    parts.push_back(scale_by_learning_rate());
    if (o.momentum() > 0) parts.push_back(scale_by_momentum(o.momentum()));
    return chain(std::move(parts));
}

}  // namespace xgrad::optim
