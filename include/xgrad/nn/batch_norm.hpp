#pragma once
/// \file
/// Batch normalization (Ioffe & Szegedy 2015) with Keras' formulas and
/// defaults: the functional form `functional::batch_norm` and the layer
/// `BatchNormalization`, a thin shell owning gamma, beta and the moving
/// statistics.
///
///     Sequential model{Flatten({28, 28}), BatchNormalization(), Dense(300, "relu", "he_normal")};
///     BatchNormalization().momentum(0.9).epsilon(1e-5)   // PyTorch-like settings
///
/// Training (batch statistics over every axis but `axis`, biased variance):
///     μ = mean(x),  σ² = mean((x − μ)²)
///     y = γ · (x − μ) / √(σ² + ε) + β
///     moving_mean ← moving_mean · momentum + μ · (1 − momentum)
///     moving_var  ← moving_var  · momentum + σ² · (1 − momentum)
/// Inference: y = γ · (x − moving_mean) / √(moving_var + ε) + β.
///
/// Synchronized (Keras' synchronized=True, PyTorch's SyncBatchNorm): in
/// data-parallel training μ and σ² are those of the global batch, summed
/// across the ranks (distributed::sum_across_ranks), so 2 ranks × 16 rows
/// normalize and learn as 1 process × 32; every rank must run the layer's
/// forward and backward each step (fit does, even on an empty shard). Two
/// small all-reduces per layer forward, two per backward. On one rank, or
/// without MPI, it is the ordinary layer. An empty batch (0 rows) leaves
/// the moving statistics alone.
///
/// Differences from PyTorch's BatchNorm1d/2d, which users porting code trip on:
///  - PyTorch's momentum 0.1 weights the *new* batch statistic: it equals
///    Keras' momentum 0.9 (= 1 − 0.1). Keras' default 0.99 averages over ~100 batches.
///  - PyTorch's eps defaults to 1e-5 (Keras 1e-3).
///  - PyTorch updates running_var with the unbiased variance n/(n − 1)·σ²;
///    Keras (and xgrad) use the biased σ² for both normalizing and the update.
///  - PyTorch's channel axis is 1 ([N, C, H, W]); Keras' is −1 (channels last).
#include <cstdint>

#include "xgrad/nn/constraints.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/nn/layer.hpp"
#include "xgrad/nn/regularizers.hpp"

namespace xgrad::nn {

namespace functional {

/// Batch normalization of x ([N, …, C, …], at least 2-D) along channel `axis`.
///
/// gamma, beta: [C], either may be undefined (no scale / no offset).
/// moving_mean, moving_variance: [C] handles whose storage is updated in place
/// (outside autograd) when `training`; in training either may be undefined
/// to skip the update, in inference both are required.
/// training: normalize with the batch mean and biased batch variance (the
/// gradient flows through them); else with the moving statistics.
///
/// Composed from differentiable primitives (mean, var, rsqrt, mul, add), so
/// first and second derivatives come from those ops. Registered as op
/// "batch_normalization".
///
///     Tensor y = functional::batch_norm(x, gamma, beta, mm, mv, /*training=*/true);
/// synchronized: in training, batch statistics over all ranks' batches
/// (see above; every rank must call it).
Tensor batch_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, Tensor moving_mean,
                  Tensor moving_variance, bool training, double momentum = 0.99, double epsilon = 1e-3,
                  std::int64_t axis = -1, bool synchronized = false);

}  // namespace functional

/// Keras' BatchNormalization layer. Weights, in get_weights() order as Keras:
/// gamma [C] and beta [C] (trainable parameters), moving_mean [C] and
/// moving_variance [C] (buffers: saved, never given gradients, never
/// optimized), so count_params() is 4·C (784 features → 3,136), 2·C of them
/// non-trainable.
///
/// Mode: forward(x, training) normalizes with batch statistics and updates the
/// moving ones when `training` is true, and uses the moving statistics otherwise.
/// A frozen layer (set_trainable(false), directly or through a parent) always
/// runs in inference mode, even when called with training = true, and leaves
/// its moving statistics alone — the Keras rule that makes fine-tuning a
/// pretrained network with BN layers safe.
class BatchNormalization : public Layer<BatchNormalization> {
public:
    BatchNormalization() = default;
    /// The channel axis (default −1, channels last). Set before the layer is built.
    BatchNormalization& axis(std::int64_t axis) { return set(&BatchNormalization::axis_, axis); }
    /// Weight of the old value in the moving averages, in [0, 1] (default 0.99; PyTorch's 0.1 is 0.9 here).
    BatchNormalization& momentum(double momentum) { return set(&BatchNormalization::momentum_, momentum); }
    /// Added to the variance before the square root, ≥ 0 (default 1e-3).
    BatchNormalization& epsilon(double epsilon) { return set(&BatchNormalization::epsilon_, epsilon); }
    /// Batch statistics over all ranks in data-parallel training (default false).
    BatchNormalization& synchronized(bool on) { return set(&BatchNormalization::synchronized_, on); }
    /// Learn an offset beta (default true). Set before the layer is built.
    BatchNormalization& center(bool on) { return set(&BatchNormalization::center_, on); }
    /// Learn a scale gamma (default true). Set before the layer is built.
    BatchNormalization& scale(bool on) { return set(&BatchNormalization::scale_, on); }
    /// Initializers (Keras defaults): beta zeros, gamma ones, moving_mean zeros, moving_variance ones.
    BatchNormalization& beta_initializer(InitializerRef init) {
        return set(&BatchNormalization::beta_initializer_, std::move(init));
    }
    /// Initializer of gamma (default "ones").
    BatchNormalization& gamma_initializer(InitializerRef init) {
        return set(&BatchNormalization::gamma_initializer_, std::move(init));
    }
    /// Initializer of moving_mean (default "zeros").
    BatchNormalization& moving_mean_initializer(InitializerRef init) {
        return set(&BatchNormalization::moving_mean_initializer_, std::move(init));
    }
    /// Initializer of moving_variance (default "ones").
    BatchNormalization& moving_variance_initializer(InitializerRef init) {
        return set(&BatchNormalization::moving_variance_initializer_, std::move(init));
    }
    /// Optional penalties and constraints on beta and gamma (default none).
    BatchNormalization& beta_regularizer(RegularizerRef r) {
        return set(&BatchNormalization::beta_regularizer_, std::move(r));
    }
    /// Penalty on gamma (default none).
    BatchNormalization& gamma_regularizer(RegularizerRef r) {
        return set(&BatchNormalization::gamma_regularizer_, std::move(r));
    }
    /// Constraint on beta (default none).
    BatchNormalization& beta_constraint(ConstraintRef c) {
        return set(&BatchNormalization::beta_constraint_, std::move(c));
    }
    /// Constraint on gamma (default none).
    BatchNormalization& gamma_constraint(ConstraintRef c) {
        return set(&BatchNormalization::gamma_constraint_, std::move(c));
    }

    /// The channel axis as set (default −1; negative counts from the end).
    std::int64_t axis() const noexcept { return axis_; }
    /// Weight of the old value in the moving averages (default 0.99).
    double momentum() const noexcept { return momentum_; }
    /// Added to the variance before the square root (default 1e-3).
    double epsilon() const noexcept { return epsilon_; }
    /// Whether the layer learns an offset beta (default true).
    bool center() const noexcept { return center_; }
    /// Whether the layer learns a scale gamma (default true).
    bool scale() const noexcept { return scale_; }
    /// Whether batch statistics are taken over all ranks (default false).
    bool synchronized() const noexcept { return synchronized_; }

    /// Creates gamma, beta, moving_mean, moving_variance of shape [input_shape[axis]].
    void build(const Shape& input_shape) override;
    Tensor forward(const Tensor& x, bool training) override;
    /// Its options, with Keras' names.
    static const Options<BatchNormalization>& options();
    /// The input shape (normalization keeps the shape).
    Shape output_shape(const Shape& input_shape) override { return input_shape; }
    std::vector<Tensor> losses() const override;
    void apply_constraints() override;

private:

    std::int64_t axis_ = -1;
    double momentum_ = 0.99;
    double epsilon_ = 1e-3;
    bool center_ = true;
    bool scale_ = true;
    bool synchronized_ = false;
    InitializerRef beta_initializer_ = "zeros";
    InitializerRef gamma_initializer_ = "ones";
    InitializerRef moving_mean_initializer_ = "zeros";
    InitializerRef moving_variance_initializer_ = "ones";
    RegularizerRef beta_regularizer_;
    RegularizerRef gamma_regularizer_;
    ConstraintRef beta_constraint_;
    ConstraintRef gamma_constraint_;
};

}  // namespace xgrad::nn
