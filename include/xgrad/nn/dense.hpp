#pragma once
/// \file
/// Dense: y = activation(x · kernel + bias), kernel [in, out] (Keras layout).
///
///     Dense(300, "relu", "he_normal")
///     Dense(10, "softmax").kernel_regularizer(L2(0.01)).kernel_constraint(MaxNorm(1.0))
#include "xgrad/nn/activations.hpp"
#include "xgrad/nn/constraints.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/nn/kernel_bias.hpp"
#include "xgrad/nn/layer.hpp"
#include "xgrad/nn/regularizers.hpp"

namespace xgrad::nn {

/// Fully connected layer (Keras' Dense, PyTorch's nn.Linear with the kernel transposed).
class Dense : public Layer<Dense>, public KernelBias<Dense> {
public:
    /// `units` outputs; activation default linear; kernel default glorot_uniform, bias zeros.
    explicit Dense(std::int64_t units, ActivationFn activation = {},
                   InitializerRef kernel_initializer = "glorot_uniform");

    /// Number of outputs (the kernel's second dimension).
    std::int64_t units() const noexcept { return units_; }
    /// The activation applied after x · kernel + bias (default linear).
    const ActivationFn& activation() const noexcept { return activation_; }

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
};

}  // namespace xgrad::nn
