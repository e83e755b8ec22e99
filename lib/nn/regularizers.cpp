#include "xgrad/nn/regularizers.hpp"

#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad::nn {

Tensor L1L2::operator()(const Tensor& w) const {
    Tensor penalty = zeros({}, w.dtype());
    if (l1 != 0.0) penalty = penalty + sum(abs(w)) * l1;
    if (l2 != 0.0) penalty = penalty + sum(square(w)) * l2;
    return penalty;
}

Config L1L2::config() const {
    return config_numbers({{"l1", l1}, {"l2", l2}});
}
Config L1::config() const {
    return config_numbers({{"l1", l1}});
}
Config L2::config() const {
    return config_numbers({{"l2", l2}});
}

Registry<ConfigFactory<RegularizerPtr>>& regularizer_registry() {
    using Make = ConfigFactory<RegularizerPtr>;
    static Registry<Make> registry(
        "regularizer",
        {{"l1", Make([](const Config& c) { return std::make_shared<L1>(config_get(c, "l1", 0.01)); })},
         {"l2", Make([](const Config& c) { return std::make_shared<L2>(config_get(c, "l2", 0.01)); })},
         {"l1_l2", Make([](const Config& c) {
              return std::make_shared<L1L2>(config_get(c, "l1", 0.01), config_get(c, "l2", 0.01));
          })}});
    return registry;
}

void register_regularizer(std::string name, ConfigFactory<RegularizerPtr> make) {
    regularizer_registry().add(std::move(name), std::move(make));
}


}  // namespace xgrad::nn
