#include "xgrad/nn/dense.hpp"

#include "nn/config_util.hpp"

#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad::nn {

Dense::Dense(std::int64_t units, ActivationFn activation, InitializerRef kernel_initializer)
    : Cloneable("Dense"), units_(units), activation_(std::move(activation)),
      kernel_initializer_(std::move(kernel_initializer)) {
    if (units <= 0) throw ValueError("Dense: units must be positive, got " + std::to_string(units));
}

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
    std::vector<Tensor> out;
    if (!built()) return out;
    if (kernel_regularizer_) out.push_back((*kernel_regularizer_)(weight("kernel")));
    if (bias_regularizer_ && use_bias_) out.push_back((*bias_regularizer_)(weight("bias")));
    return out;
}

void Dense::apply_constraints() {
    // Keras constrains trainable variables only: a frozen kernel stays as it is.
    if (kernel_constraint_ && built() && trainable()) (*kernel_constraint_).apply(weight("kernel"));
}


Module::Config Dense::config() const {
    using namespace detail;
    Config c{{"units", std::to_string(units_)},
             {"activation", activation_.name()},
             {"kernel_initializer", config_initializer(kernel_initializer_)},
             {"bias_initializer", config_initializer(bias_initializer_)},
             {"use_bias", config_bool(use_bias_)}};
    auto reg = [&](const char* key, const RegularizerRef& r) {
        if (!r) return;
        if (const auto* l = dynamic_cast<const L1L2*>(r.ptr().get())) {
            c[std::string(key) + ".l1"] = config_number(l->l1);
            c[std::string(key) + ".l2"] = config_number(l->l2);
        } else {
            c[key] = (*r).name();  // a custom regularizer: saved by name only
        }
    };
    reg("kernel_regularizer", kernel_regularizer_);
    reg("bias_regularizer", bias_regularizer_);
    if (kernel_constraint_) {
        if (const auto* m = dynamic_cast<const MaxNorm*>(kernel_constraint_.ptr().get())) {
            c["kernel_constraint.max_norm"] = config_number(m->max_value);
            c["kernel_constraint.axis"] = std::to_string(m->axis);
        } else {
            c["kernel_constraint"] = (*kernel_constraint_).name();
        }
    }
    return c;
}

}  // namespace xgrad::nn
