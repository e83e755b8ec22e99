#include "xgrad/nn/constraints.hpp"

#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad::nn {

void MaxNorm::apply(Tensor& w) const {
    NoGradGuard no_grad;
    const Tensor norms = sqrt(sum(square(w), {axis}, true));
    const Tensor desired = clamp(norms, 0.0, max_value);
    w.copy_(w * (desired / (norms + 1e-7)));
}

Config MaxNorm::config() const {
    return config_numbers({{"max_value", max_value}, {"axis", static_cast<double>(axis)}});
}

Registry<ConfigFactory<ConstraintPtr>>& constraint_registry() {
    using Make = ConfigFactory<ConstraintPtr>;
    static Registry<Make> registry("constraint", {{"max_norm", Make([](const Config& c) {
                                                         return std::make_shared<MaxNorm>(
                                                             config_get(c, "max_value", 2.0),
                                                             config_get<std::int64_t>(c, "axis", 0));
                                                     })}});
    return registry;
}

void register_constraint(std::string name, ConfigFactory<ConstraintPtr> make) {
    constraint_registry().add(std::move(name), std::move(make));
}

}  // namespace xgrad::nn
