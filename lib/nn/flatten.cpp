#include "xgrad/nn/flatten.hpp"

#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::nn {

const Options<Flatten>& Flatten::options() {
    static const Options<Flatten> options("Flatten");
    return options;
}
XGRAD_REGISTER_LAYER(Flatten);

Tensor Flatten::forward(const Tensor& x, bool) {
    if (x.rank() < 2) return reshape(x, {-1, 1});
    return flatten(x, 1);
}

Shape Flatten::output_shape(const Shape& input_shape) {
    if (input_shape.empty()) return {-1, 1};
    const std::span<const std::int64_t> features = std::span<const std::int64_t>(input_shape).subspan(1);
    return {input_shape[0], checked_numel(features, name() + " (Flatten)")};
}

}  // namespace xgrad::nn
