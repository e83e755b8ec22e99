#pragma once
// What layers with a "kernel" and an optional "bias" (Dense, Conv2D) share:
// their penalties and constraints.
#include <vector>

#include "xgrad/nn/constraints.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/nn/regularizers.hpp"

namespace xgrad::nn::detail {

/// The kernel's and the bias's penalties, for Module::losses().
inline std::vector<Tensor> kernel_bias_losses(const Module& layer, const RegularizerRef& kernel_regularizer,
                                              const RegularizerRef& bias_regularizer, bool use_bias) {
    std::vector<Tensor> out;
    if (!layer.built()) return out;
    if (kernel_regularizer) out.push_back((*kernel_regularizer)(layer.weight("kernel")));
    if (bias_regularizer && use_bias) out.push_back((*bias_regularizer)(layer.weight("bias")));
    return out;
}

/// Applies the constraints, for Module::apply_constraints(). Keras constrains
/// trainable variables only: a frozen layer's weights stay as they are.
inline void apply_kernel_bias_constraints(Module& layer, const ConstraintRef& kernel_constraint,
                                          const ConstraintRef& bias_constraint, bool use_bias) {
    if (!layer.built() || !layer.trainable()) return;
    if (kernel_constraint) (*kernel_constraint).apply(layer.weight("kernel"));
    if (bias_constraint && use_bias) (*bias_constraint).apply(layer.weight("bias"));
}

}  // namespace xgrad::nn::detail
