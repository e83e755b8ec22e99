#include "xgrad/optim/adagrad.hpp"

#include <cmath>
#include <string>

#include "config_text.hpp"
#include "loops.hpp"

namespace xgrad::optim {
namespace {

class ScaleByAdagrad final : public PerParameterTransform {
public:
    ScaleByAdagrad(double initial, double epsilon) : initial_(initial), epsilon_(epsilon) {
        if (!(initial >= 0))
            throw ValueError("scale_by_adagrad: initial_accumulator_value must be >= 0, got " + std::to_string(initial));
    }
    std::string name() const override { return "adagrad"; }
    std::string config() const override {
        return detail::config_text({{"initial_accumulator_value", detail::config_value(initial_)}, {"epsilon", detail::config_value(epsilon_)}});
    }
    std::vector<std::string> slot_state_names() const override { return {"accumulator"}; }
    std::vector<Tensor> init_slot_state(const Tensor& param) const override { return {full_like(param, initial_)}; }
    void update_slot(SlotView& s, const StepInfo&) override {
        detail::visit(s.update, "scale_by_adagrad", [&](auto tag) {
            using T = decltype(tag);
            const T eps = static_cast<T>(epsilon_);
            detail::simd_update<T, 2>(s.update.numel(), {s.update.data<T>(), s.state[0].data<T>()},
                                      [=](auto& g, auto& acc) {
                                          acc += g * g;                          // acc ← acc + g²
                                          g = g / detail::vsqrt(acc + eps);      // g / sqrt(acc + ε)
                                      });
        });
    }

private:
    double initial_, epsilon_;
};

}  // namespace

GradientTransformPtr scale_by_adagrad(double initial_accumulator_value, double epsilon) {
    return std::make_shared<ScaleByAdagrad>(initial_accumulator_value, epsilon);
}

const OptionTable<AdagradOptions>& AdagradOptions::options() {
    static const auto options =
        option_table()
            .add("initial_accumulator_value", &AdagradOptions::initial_accumulator_value_, require::non_negative)
            .add("epsilon", &AdagradOptions::epsilon_);
    return options;
}

GradientTransformPtr AdagradOptions::transform() const {
    const AdagradOptions& o = *this;
    std::vector<GradientTransformPtr> parts = keras_prefix("Adagrad", o);
    parts.push_back(scale_by_adagrad(o.initial_accumulator_value(), o.epsilon()));
    parts.push_back(scale_by_learning_rate());
    return chain(std::move(parts));
}

}  // namespace xgrad::optim
