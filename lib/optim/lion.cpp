#include "xgrad/optim/lion.hpp"

#include <string>

#include "config_text.hpp"
#include "loops.hpp"

namespace xgrad::optim {
namespace {

class ScaleByLion final : public PerParameterTransform {
public:
    ScaleByLion(double beta_1, double beta_2) : beta_1_(beta_1), beta_2_(beta_2) {
        // Keras: beta_1 outside (0, 1] degenerates to SignSGD.
        if (!(beta_1 > 0 && beta_1 <= 1))
            throw ValueError("scale_by_lion: beta_1 must be in (0, 1], got " + std::to_string(beta_1));
    }
    std::string name() const override { return "lion"; }
    std::string config() const override {
        return detail::config_text({{"beta_1", detail::config_value(beta_1_)}, {"beta_2", detail::config_value(beta_2_)}});
    }
    std::vector<std::string> slot_state_names() const override { return {"momentum"}; }
    std::vector<Tensor> init_slot_state(const Tensor& param) const override { return {zeros_like(param)}; }
    void update_slot(SlotView& s, const StepInfo& info) override {
        detail::visit(s.update, "scale_by_lion", [&](auto tag) {
            using T = decltype(tag);
            const double b1 = info.momentum.value_or(beta_1_);
            const T beta_1 = static_cast<T>(b1), c1 = static_cast<T>(1.0 - b1);
            const T beta_2 = static_cast<T>(beta_2_), c2 = static_cast<T>(1.0 - beta_2_);
            T* u = s.update.data<T>();
            T* m = s.state[0].data<T>();
            for (std::int64_t i = 0; i < s.update.numel(); ++i) {
                const T g = u[i];
                const T c = m[i] * beta_1 + g * c1;
                u[i] = static_cast<T>((c > T(0)) - (c < T(0)));  // sign(β1·m + (1 − β1)·g)
                m[i] = m[i] * beta_2 + g * c2;                   // m ← β2·m + (1 − β2)·g
            }
        });
    }

private:
    double beta_1_, beta_2_;
};

}  // namespace

GradientTransformPtr scale_by_lion(double beta_1, double beta_2) { return std::make_shared<ScaleByLion>(beta_1, beta_2); }

const OptionTable<LionOptions>& LionOptions::options() {
    static const auto options = option_table()
                                    .add("beta_1", &LionOptions::beta_1_, require::positive_fraction)
                                    .add("beta_2", &LionOptions::beta_2_);
    return options;
}

GradientTransformPtr LionOptions::transform() const {
    const LionOptions& o = *this;
    std::vector<GradientTransformPtr> parts = keras_prefix("Lion", o);
    parts.push_back(scale_by_lion(o.beta_1(), o.beta_2()));
    parts.push_back(scale_by_learning_rate());
    return chain(std::move(parts));
}

}  // namespace xgrad::optim
