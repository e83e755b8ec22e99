#include "xgrad/optim/sgd.hpp"

#include <string>

#include "config_text.hpp"
#include "loops.hpp"

namespace xgrad::optim {
namespace {

class ScaleByMomentum final : public PerParameterTransform {
public:
    ScaleByMomentum(double momentum, bool nesterov) : momentum_(momentum), nesterov_(nesterov) {
        if (!(momentum >= 0)) throw ValueError("scale_by_momentum: momentum must be >= 0, got " + std::to_string(momentum));
    }
    std::string name() const override { return "momentum"; }
    std::string config() const override {
        return detail::config_text({{"momentum", detail::config_value(momentum_)}, {"nesterov", detail::config_value(nesterov_)}});
    }
    std::vector<std::string> slot_state_names() const override { return {"momentum"}; }
    std::vector<Tensor> init_slot_state(const Tensor& param) const override { return {zeros_like(param)}; }
    void update_slot(SlotView& s, const StepInfo& info) override {
        detail::visit(s.update, "scale_by_momentum", [&](auto tag) {
            using T = decltype(tag);
            const T mu = static_cast<T>(info.momentum.value_or(momentum_));
            T* u = s.update.data<T>();
            T* m = s.state[0].data<T>();
            const std::int64_t n = s.update.numel();
            if (nesterov_) {
                for (std::int64_t i = 0; i < n; ++i) {
                    m[i] = mu * m[i] + u[i];    // m ← μ·m − η·g
                    u[i] = mu * m[i] + u[i];    // θ ← θ + μ·m − η·g
                }
            } else {
                for (std::int64_t i = 0; i < n; ++i) u[i] = m[i] = mu * m[i] + u[i];
            }
        });
    }

private:
    double momentum_;
    bool nesterov_;
};

}  // namespace

GradientTransformPtr scale_by_momentum(double momentum, bool nesterov) {
    return std::make_shared<ScaleByMomentum>(momentum, nesterov);
}

const OptionTable<SGDOptions>& SGDOptions::options() {
    static const auto options = option_table()
                                    .add("momentum", &SGDOptions::momentum_, require::unit_interval)
                                    .add("nesterov", &SGDOptions::nesterov_);
    return options;
}

GradientTransformPtr SGDOptions::transform() const {
    const SGDOptions& o = *this;
    // Keras: "`momentum` must be a float between [0, 1]".
    if (!(o.momentum() >= 0 && o.momentum() <= 1))
        throw ValueError("SGD: momentum must be in [0, 1], got " + std::to_string(o.momentum()));
    std::vector<GradientTransformPtr> parts = keras_prefix("SGD", o);
    parts.push_back(scale_by_learning_rate());
    if (o.momentum() != 0) parts.push_back(scale_by_momentum(o.momentum(), o.nesterov()));
    return chain(std::move(parts));
}

}  // namespace xgrad::optim
