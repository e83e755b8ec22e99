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
    std::int64_t n = 1;
    for (std::size_t i = 1; i < input_shape.size(); ++i) n *= input_shape[i];
    return {input_shape.empty() ? -1 : input_shape[0], n};
}

Module::Config Flatten::config() const { return {}; }

}  // namespace xgrad::nn
