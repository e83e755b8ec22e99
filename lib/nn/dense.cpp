#include "xgrad/nn/dense.hpp"

#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad::nn {

Dense::Dense(std::int64_t units, ActivationFn activation, InitializerRef kernel_initializer)
{
    set(&Dense::units_, units);
    set(&Dense::activation_, std::move(activation));
    set(&Dense::kernel_initializer_, std::move(kernel_initializer));
}

const Options<Dense>& Dense::options() {
    static const auto options =
        add_kernel_bias_options(Options<Dense>("Dense", [] { return std::make_shared<Dense>(1); })
                                    .add("units", &Dense::units_, OptionKind::required, require::positive)
                                    .add("activation", &Dense::activation_));
    return options;
}
XGRAD_REGISTER_LAYER(Dense);

void Dense::build(const Shape& input_shape) {
    if (input_shape.empty() || input_shape.back() <= 0) {
        throw ShapeError(name() + " (Dense): cannot build for input shape " + to_string(input_shape) +
                         " (the last dimension gives the number of inputs)");
    }
    add_weight("kernel", {input_shape.back(), units_}, *kernel_initializer_);
    if (use_bias_) add_weight("bias", {units_}, *bias_initializer_);
}

Tensor Dense::forward(const Tensor& x, bool) {
    const Tensor& kernel = weight("kernel");
    if (x.rank() == 0 || x.shape().back() != kernel.shape()[0]) {
        throw ShapeError(name() + " (Dense): expected input [*, " + std::to_string(kernel.shape()[0]) + "], got " +
                         to_string(x.shape()));
    }
    const Tensor y = xgrad::linear(x, kernel, use_bias_ ? weight("bias") : Tensor());
    return activation_.is_linear() ? y : activation_(y);
}

Shape Dense::output_shape(const Shape& input_shape) {
    Shape out = input_shape;
    if (out.empty()) throw ShapeError(name() + " (Dense): input must have at least one dimension");
    out[out.size() - 1] = units_;
    return out;
}

std::vector<Tensor> Dense::losses() const {
    return kernel_bias_losses();
}

void Dense::apply_constraints() {
    apply_kernel_bias_constraints();
}

}  // namespace xgrad::nn
