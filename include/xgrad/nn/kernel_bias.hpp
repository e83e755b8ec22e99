#pragma once
/// \file
/// KernelBias<Derived>: the options every layer with a "kernel" and an
/// optional "bias" weight shares (Dense, Conv2D), declared once with their
/// setters: use_bias and the kernel's and the bias's initializer,
/// regularizer and constraint (Keras' names and defaults). A layer derives
/// from it beside Layer<Derived> and adds the options to its table:
///
///     class Dense : public Layer<Dense>, public KernelBias<Dense> { … };
///     static const auto options = add_kernel_bias_options(Options<Dense>("Dense").add("units", …));
#include <utility>
#include <vector>

#include "xgrad/core/option_table.hpp"
#include "xgrad/core/tensor.hpp"
#include "xgrad/nn/constraints.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/nn/regularizers.hpp"

namespace xgrad::nn {

/// The kernel and bias options of layer Derived (see above).
template <class Derived> class KernelBias {
public:
    /// Whether to add a bias (default true). Set before the layer is built.
    Derived& use_bias(bool on) { return store(&KernelBias::use_bias_, on); }
    /// Initializer of the bias (default "zeros").
    Derived& bias_initializer(InitializerRef init) { return store(&KernelBias::bias_initializer_, std::move(init)); }
    /// Penalty on the kernel, added to losses() (default none).
    Derived& kernel_regularizer(RegularizerRef r) { return store(&KernelBias::kernel_regularizer_, std::move(r)); }
    /// Penalty on the bias, added to losses() (default none).
    Derived& bias_regularizer(RegularizerRef r) { return store(&KernelBias::bias_regularizer_, std::move(r)); }
    /// Constraint applied to the kernel after each optimizer step (default none).
    Derived& kernel_constraint(ConstraintRef c) { return store(&KernelBias::kernel_constraint_, std::move(c)); }
    /// Constraint applied to the bias after each optimizer step (default none).
    Derived& bias_constraint(ConstraintRef c) { return store(&KernelBias::bias_constraint_, std::move(c)); }
    /// The kernel's initializer (default glorot_uniform).
    const Initializer& kernel_initializer() const noexcept { return *kernel_initializer_; }

protected:
    /// Adds use_bias (before_build), kernel_initializer, bias_initializer,
    /// kernel_regularizer, bias_regularizer, kernel_constraint and
    /// bias_constraint to `table`; returns it.
    static OptionTable<Derived>& add_kernel_bias_options(OptionTable<Derived>& table) {
        using K = KernelBias;
        return table.add("use_bias", &K::use_bias_, OptionKind::before_build)
            .add("kernel_initializer", &K::kernel_initializer_)
            .add("bias_initializer", &K::bias_initializer_)
            .add("kernel_regularizer", &K::kernel_regularizer_)
            .add("bias_regularizer", &K::bias_regularizer_)
            .add("kernel_constraint", &K::kernel_constraint_)
            .add("bias_constraint", &K::bias_constraint_);
    }

    /// The kernel's and the bias's penalties, for Module::losses().
    std::vector<Tensor> kernel_bias_losses() const {
        const auto& layer = static_cast<const Derived&>(*this);
        std::vector<Tensor> out;
        if (!layer.built()) return out;
        if (kernel_regularizer_) out.push_back((*kernel_regularizer_)(layer.weight("kernel")));
        if (bias_regularizer_ && use_bias_) out.push_back((*bias_regularizer_)(layer.weight("bias")));
        return out;
    }
    /// Applies the constraints, for Module::apply_constraints(). Keras
    /// constrains trainable variables only: a frozen layer's weights stay as they are.
    void apply_kernel_bias_constraints() {
        auto& layer = static_cast<Derived&>(*this);
        if (!layer.built() || !layer.trainable()) return;
        if (kernel_constraint_) (*kernel_constraint_).apply(layer.weight("kernel"));
        if (bias_constraint_ && use_bias_) (*bias_constraint_).apply(layer.weight("bias"));
    }

    InitializerRef kernel_initializer_ = "glorot_uniform";  ///< The kernel's initializer.
    InitializerRef bias_initializer_ = "zeros";             ///< The bias's initializer.
    RegularizerRef kernel_regularizer_;                     ///< The kernel's penalty (none by default).
    RegularizerRef bias_regularizer_;                       ///< The bias's penalty (none by default).
    ConstraintRef kernel_constraint_;                       ///< The kernel's constraint (none by default).
    ConstraintRef bias_constraint_;                         ///< The bias's constraint (none by default).
    bool use_bias_ = true;                                  ///< Whether the layer has a bias.

private:
    // Validated by Derived's option table, as Layer::set does.
    template <class V, class A> Derived& store(V KernelBias::*member, A&& value) {
        auto& layer = static_cast<Derived&>(*this);
        Derived::options().set(layer, static_cast<V Derived::*>(member), V(std::forward<A>(value)));
        return layer;
    }
};

}  // namespace xgrad::nn
