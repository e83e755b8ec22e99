#pragma once
/// \file
/// Depthwise and separable convolution layers (Keras' DepthwiseConv2D and
/// SeparableConv2D), images channels-last [N, H, W, C] by default:
///
///     DepthwiseConv2D(3).depth_multiplier(2)            // [N, H, W, 32] → [N, H − 2, W − 2, 64]
///     SeparableConv2D(64, 3, "relu").padding("same")    // 32·9 + 32·64 + 64 = 2400 parameters on 32 channels
///
/// DepthwiseConv2D convolves each input channel c with its own
/// depth_multiplier filters: weight "depthwise_kernel" [kh, kw, C,
/// depth_multiplier], output channel c·depth_multiplier + m (Keras' order),
/// plus "bias" [C·depth_multiplier]; it runs as ops::conv2d with groups = C.
/// SeparableConv2D follows the depthwise step (no bias) by a 1×1 convolution:
/// "pointwise_kernel" [1, 1, C·depth_multiplier, filters] and "bias"
/// [filters]. Strides and dilation apply to the depthwise step, as in Keras.
/// Window options are bounded as Conv2D's (see max_window_extent);
/// depth_multiplier must be positive.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "xgrad/nn/activations.hpp"
#include "xgrad/nn/constraints.hpp"
#include "xgrad/nn/conv.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/nn/layer.hpp"
#include "xgrad/nn/regularizers.hpp"

namespace xgrad::nn {

/// The options DepthwiseConv2D and SeparableConv2D share (Keras' names and
/// defaults), with their setters; Derived adds them to its option table.
template <class Derived> class DepthwiseOptions {
public:
    /// {sh, sw} (default {1, 1}).
    Derived& strides(std::vector<std::int64_t> s) { return store(&DepthwiseOptions::strides_, std::move(s)); }
    /// "valid" (default) or "same".
    Derived& padding(std::string p) { return store(&DepthwiseOptions::padding_, std::move(p)); }
    /// Filters per input channel in the depthwise step (default 1). Set before the layer is built.
    Derived& depth_multiplier(std::int64_t m) { return store(&DepthwiseOptions::depth_multiplier_, m); }
    /// "channels_last" (default) or "channels_first". Set before the layer is built.
    Derived& data_format(std::string f) { return store(&DepthwiseOptions::data_format_, std::move(f)); }
    /// {dh, dw} (default {1, 1}).
    Derived& dilation_rate(std::vector<std::int64_t> d) { return store(&DepthwiseOptions::dilation_rate_, std::move(d)); }
    /// Whether to add a bias (default true). Set before the layer is built.
    Derived& use_bias(bool on) { return store(&DepthwiseOptions::use_bias_, on); }
    /// Initializer of the depthwise kernel (default "glorot_uniform").
    Derived& depthwise_initializer(InitializerRef i) { return store(&DepthwiseOptions::depthwise_initializer_, std::move(i)); }
    /// Initializer of the bias (default "zeros").
    Derived& bias_initializer(InitializerRef i) { return store(&DepthwiseOptions::bias_initializer_, std::move(i)); }
    /// Penalty on the depthwise kernel, added to losses() (default none).
    Derived& depthwise_regularizer(RegularizerRef r) { return store(&DepthwiseOptions::depthwise_regularizer_, std::move(r)); }
    /// Penalty on the bias (default none).
    Derived& bias_regularizer(RegularizerRef r) { return store(&DepthwiseOptions::bias_regularizer_, std::move(r)); }
    /// Constraint on the depthwise kernel after each optimizer step (default none).
    Derived& depthwise_constraint(ConstraintRef c) { return store(&DepthwiseOptions::depthwise_constraint_, std::move(c)); }
    /// Constraint on the bias (default none).
    Derived& bias_constraint(ConstraintRef c) { return store(&DepthwiseOptions::bias_constraint_, std::move(c)); }

    /// The window {kh, kw} (a single number is stored as {k, k}).
    const std::vector<std::int64_t>& kernel_size() const noexcept { return kernel_size_; }
    /// Filters per input channel in the depthwise step.
    std::int64_t depth_multiplier() const noexcept { return depth_multiplier_; }
    /// The activation applied last (default linear).
    const ActivationFn& activation() const noexcept { return activation_; }
    /// The depthwise step's options as ops::conv2d takes them, groups left at
    /// 1 (the caller sets C); ValueError naming the layer for invalid ones.
    Conv2dOptions conv_options() const {
        const auto& layer = static_cast<const Derived&>(*this);
        return depthwise_options(layer.name() + " (" + layer.type_name() + ")");
    }

protected:
    /// Adds kernel_size (required), strides, padding, depth_multiplier,
    /// data_format, dilation_rate, activation, use_bias and the depthwise and
    /// bias initializers, regularizers and constraints to `table`; returns it.
    static OptionTable<Derived>& add_depthwise_options(OptionTable<Derived>& table) {
        using D = DepthwiseOptions;
        return table.add("kernel_size", &D::kernel_size_, OptionKind::required, require::window_entries)
            .add("strides", &D::strides_, require::window_entries)
            .add("padding", &D::padding_)
            .add("depth_multiplier", &D::depth_multiplier_, OptionKind::before_build, require::positive)
            .add("data_format", &D::data_format_, OptionKind::before_build)
            .add("dilation_rate", &D::dilation_rate_, require::window_entries)
            .add("activation", &D::activation_)
            .add("use_bias", &D::use_bias_, OptionKind::before_build)
            .add("depthwise_initializer", &D::depthwise_initializer_)
            .add("bias_initializer", &D::bias_initializer_)
            .add("depthwise_regularizer", &D::depthwise_regularizer_)
            .add("bias_regularizer", &D::bias_regularizer_)
            .add("depthwise_constraint", &D::depthwise_constraint_)
            .add("bias_constraint", &D::bias_constraint_);
    }

    /// The depthwise step's options for ops::conv2d (groups left at 1, set
    /// by the caller); ValueError naming `who` for invalid ones.
    Conv2dOptions depthwise_options(const std::string& who) const;
    /// The input's channels; ShapeError naming `who` unless 4-D with C ≥ 1.
    std::int64_t input_channels(const Shape& input_shape, const std::string& who) const;
    /// conv2d of x with the depthwise kernel [kh, kw, C, m] (groups = C), no bias.
    Tensor depthwise(const Tensor& x, const Tensor& kernel, const std::string& who) const;
    /// input_shape with H and W replaced by the depthwise step's output sizes
    /// and the channels by `channels`.
    Shape depthwise_shape(const Shape& input_shape, std::int64_t channels, const std::string& who) const;

    std::vector<std::int64_t> kernel_size_{1, 1};         ///< {kh, kw}
    std::vector<std::int64_t> strides_{1, 1};             ///< {sh, sw}
    std::string padding_ = "valid";                       ///< "valid" or "same"
    std::int64_t depth_multiplier_ = 1;                   ///< Filters per input channel.
    std::string data_format_ = "channels_last";           ///< Where the channels are.
    std::vector<std::int64_t> dilation_rate_{1, 1};       ///< {dh, dw}
    ActivationFn activation_;                             ///< Applied last.
    bool use_bias_ = true;                                ///< Whether the layer has a bias.
    InitializerRef depthwise_initializer_ = "glorot_uniform";  ///< The depthwise kernel's initializer.
    InitializerRef bias_initializer_ = "zeros";                ///< The bias's initializer.
    RegularizerRef depthwise_regularizer_;                     ///< The depthwise kernel's penalty.
    RegularizerRef bias_regularizer_;                          ///< The bias's penalty.
    ConstraintRef depthwise_constraint_;                       ///< The depthwise kernel's constraint.
    ConstraintRef bias_constraint_;                            ///< The bias's constraint.

private:
    template <class V, class A> Derived& store(V DepthwiseOptions::*member, A&& value) {
        auto& layer = static_cast<Derived&>(*this);
        Derived::options().set(layer, static_cast<V Derived::*>(member), V(std::forward<A>(value)));
        return layer;
    }
};

/// Keras' DepthwiseConv2D: each channel convolved with its own
/// depth_multiplier filters (PyTorch: Conv2d with groups = in_channels).
class DepthwiseConv2D : public Layer<DepthwiseConv2D>, public DepthwiseOptions<DepthwiseConv2D> {
public:
    /// A kernel_size × kernel_size window.
    explicit DepthwiseConv2D(std::int64_t kernel_size, ActivationFn activation = {});
    /// A {kh, kw} window.
    explicit DepthwiseConv2D(std::vector<std::int64_t> kernel_size, ActivationFn activation = {});

    /// Creates depthwise_kernel [kh, kw, C, depth_multiplier] and bias [C·depth_multiplier].
    void build(const Shape& input_shape) override;
    Tensor forward(const Tensor& x, bool training) override;
    /// The options DepthwiseOptions lists (Keras' names).
    static const Options<DepthwiseConv2D>& options();
    Shape output_shape(const Shape& input_shape) override;
    std::vector<Tensor> losses() const override;
    void apply_constraints() override;
};

/// Keras' SeparableConv2D: DepthwiseConv2D without bias, then a 1×1 Conv2D to `filters`.
class SeparableConv2D : public Layer<SeparableConv2D>, public DepthwiseOptions<SeparableConv2D> {
public:
    /// `filters` outputs per position from a kernel_size × kernel_size window.
    SeparableConv2D(std::int64_t filters, std::int64_t kernel_size, ActivationFn activation = {});
    /// A {kh, kw} window.
    SeparableConv2D(std::int64_t filters, std::vector<std::int64_t> kernel_size, ActivationFn activation = {});

    /// Initializer of the pointwise kernel (default "glorot_uniform").
    SeparableConv2D& pointwise_initializer(InitializerRef i) { return set(&SeparableConv2D::pointwise_initializer_, std::move(i)); }
    /// Penalty on the pointwise kernel, added to losses() (default none).
    SeparableConv2D& pointwise_regularizer(RegularizerRef r) { return set(&SeparableConv2D::pointwise_regularizer_, std::move(r)); }
    /// Constraint on the pointwise kernel after each optimizer step (default none).
    SeparableConv2D& pointwise_constraint(ConstraintRef c) { return set(&SeparableConv2D::pointwise_constraint_, std::move(c)); }
    /// Number of output channels.
    std::int64_t filters() const noexcept { return filters_; }

    /// Creates depthwise_kernel [kh, kw, C, depth_multiplier],
    /// pointwise_kernel [1, 1, C·depth_multiplier, filters] and bias [filters].
    void build(const Shape& input_shape) override;
    Tensor forward(const Tensor& x, bool training) override;
    /// filters, the options DepthwiseOptions lists, and the pointwise
    /// initializer, regularizer and constraint (Keras' names).
    static const Options<SeparableConv2D>& options();
    Shape output_shape(const Shape& input_shape) override;
    std::vector<Tensor> losses() const override;
    void apply_constraints() override;

private:
    std::int64_t filters_ = 1;
    InitializerRef pointwise_initializer_ = "glorot_uniform";
    RegularizerRef pointwise_regularizer_;
    ConstraintRef pointwise_constraint_;
};

}  // namespace xgrad::nn
