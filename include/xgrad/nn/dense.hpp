#pragma once
/// \file
/// Dense: y = activation(x · kernel + bias), kernel [in, out] (Keras layout).
///
///     Dense(300, "relu", "he_normal")
///     Dense(10, "softmax").kernel_regularizer(L2(0.01)).kernel_constraint(MaxNorm(1.0))
#include "xgrad/nn/activations.hpp"
#include "xgrad/nn/constraints.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/nn/layer.hpp"
#include "xgrad/nn/regularizers.hpp"

namespace xgrad::nn {

/// Fully connected layer (Keras' Dense, PyTorch's nn.Linear with the kernel transposed).
class Dense : public Layer<Dense> {
public:
    /// `units` outputs; activation default linear; kernel default glorot_uniform, bias zeros.
    explicit Dense(std::int64_t units, ActivationFn activation = {},
                   InitializerRef kernel_initializer = "glorot_uniform");

    /// Whether to add a bias (default true). Set before the layer is built.
    Dense& use_bias(bool on) { return set(&Dense::use_bias_, on); }
    /// Initializer of the bias (default "zeros").
    Dense& bias_initializer(InitializerRef init) { return set(&Dense::bias_initializer_, std::move(init)); }
    /// Penalty on the kernel, added to losses() (default none).
    Dense& kernel_regularizer(RegularizerRef r) { return set(&Dense::kernel_regularizer_, std::move(r)); }
    /// Penalty on the bias, added to losses() (default none).
    Dense& bias_regularizer(RegularizerRef r) { return set(&Dense::bias_regularizer_, std::move(r)); }
    /// Constraint applied to the kernel after each optimizer step (default none).
    Dense& kernel_constraint(ConstraintRef c) { return set(&Dense::kernel_constraint_, std::move(c)); }
    /// Constraint applied to the bias after each optimizer step (default none).
    Dense& bias_constraint(ConstraintRef c) { return set(&Dense::bias_constraint_, std::move(c)); }

    /// Number of outputs (the kernel's second dimension).
    std::int64_t units() const noexcept { return units_; }
    /// The activation applied after x · kernel + bias (default linear).
    const ActivationFn& activation() const noexcept { return activation_; }
    /// The kernel's initializer (default glorot_uniform).
    const Initializer& kernel_initializer() const noexcept { return *kernel_initializer_; }

    void build(const Shape& input_shape) override;
    Tensor forward(const Tensor& x, bool training) override;
    /// Its options: units, activation, use_bias, kernel/bias initializer,
    /// regularizer and constraint (Keras' names).
    static const Options<Dense>& options();
    Shape output_shape(const Shape& input_shape) override;
    std::vector<Tensor> losses() const override;
    void apply_constraints() override;

private:
    std::int64_t units_ = 1;
    ActivationFn activation_;
    InitializerRef kernel_initializer_ = "glorot_uniform";
    InitializerRef bias_initializer_ = "zeros";
    RegularizerRef kernel_regularizer_;
    RegularizerRef bias_regularizer_;
    ConstraintRef kernel_constraint_;
    ConstraintRef bias_constraint_;
    bool use_bias_ = true;
};

}  // namespace xgrad::nn
