#include "xgrad/nn/flatten.hpp"

#include "nn/config_util.hpp"

#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::nn {

Flatten::Flatten() : Cloneable("Flatten") {}
Flatten::Flatten(Shape input_shape) : Cloneable("Flatten", std::move(input_shape)) {}

Tensor Flatten::forward(const Tensor& x, bool) {
    if (x.rank() < 2) return reshape(x, {-1, 1});
    return flatten(x, 1);
}

Shape Flatten::output_shape(const Shape& input_shape) {
    if (input_shape.empty()) return {-1, 1};
    const std::span<const std::int64_t> features = std::span<const std::int64_t>(input_shape).subspan(1);
    return {input_shape[0], checked_numel(features, name() + " (Flatten)")};
}

Module::Config Flatten::config() const { return {}; }

}  // namespace xgrad::nn
