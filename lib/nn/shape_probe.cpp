#include "nn/shape_probe.hpp"

#include <algorithm>

#include "xgrad/autograd/grad_mode.hpp"

namespace xgrad::nn::detail {

void probe_built_layer(Module& layer, const Shape& shape) {
    const std::optional<Shape>& built = layer.build_input_shape();
    if (!built || shape.empty()) return;
    // The sample shape it was built for: nothing new to check.
    if (built->size() == shape.size() && std::equal(built->begin() + 1, built->end(), shape.begin() + 1)) return;
    constexpr std::int64_t max_probe_values = std::int64_t{1} << 20;
    Shape probe = shape;
    probe[0] = 1;
    std::int64_t values = 1;
    for (const std::int64_t d : probe)
        if (d < 0 || __builtin_mul_overflow(values, d, &values) || values > max_probe_values) return;
    NoGradGuard no_grad;
    layer.call(zeros(probe, layer.dtype()), false);
}

}  // namespace xgrad::nn::detail
