#pragma once
/// \file
/// Dense: y = activation(x · kernel + bias), kernel [in, out] (Keras layout).
///
///     Dense(300, "relu", "he_normal")
///     Dense(10, "softmax").kernel_regularizer(L2(0.01)).kernel_constraint(MaxNorm(1.0))
#include "xgrad/nn/activations.hpp"
#include "xgrad/nn/constraints.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/nn/regularizers.hpp"

namespace xgrad::nn {

class Dense : public Cloneable<Dense> {
public:
    /// `units` outputs; activation default linear; kernel default glorot_uniform, bias zeros.
    explicit Dense(std::int64_t units, ActivationFn activation = {},
                   InitializerRef kernel_initializer = "glorot_uniform");

    Dense& input_shape(Shape shape) { return set_input_shape(std::move(shape)), *this; }
    Dense& use_bias(bool on) { return use_bias_ = on, *this; }
    Dense& bias_initializer(InitializerRef init) { return bias_initializer_ = std::move(init), *this; }
    Dense& kernel_regularizer(RegularizerRef r) { return kernel_regularizer_ = std::move(r), *this; }
    Dense& bias_regularizer(RegularizerRef r) { return bias_regularizer_ = std::move(r), *this; }
    Dense& kernel_constraint(ConstraintRef c) { return kernel_constraint_ = std::move(c), *this; }

    std::int64_t units() const noexcept { return units_; }
    const ActivationFn& activation() const noexcept { return activation_; }
    const Initializer& kernel_initializer() const noexcept { return *kernel_initializer_; }

    void build(const Shape& input_shape) override;
    Tensor forward(const Tensor& x, bool training) override;
    /// The constructor options, for io::save() (see Module::config()).
    Config config() const override;
    Shape output_shape(const Shape& input_shape) override;
    std::vector<Tensor> losses() const override;
    void apply_constraints() override;

private:
    std::int64_t units_;
    ActivationFn activation_;
    InitializerRef kernel_initializer_;
    InitializerRef bias_initializer_ = "zeros";
    RegularizerRef kernel_regularizer_;
    RegularizerRef bias_regularizer_;
    ConstraintRef kernel_constraint_;
    bool use_bias_ = true;
};

}  // namespace xgrad::nn
