// Batch normalization: a composite of differentiable primitives (mean, var,
// rsqrt, sub, mul, add), so its gradient — including the terms that flow
// through the batch mean and variance — comes from those ops' backward rules.
// Registered as op "batch_normalization" and gradchecked in both modes.
#include "xgrad/nn/batch_norm.hpp"

#include <cmath>

#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::nn {

namespace functional {

namespace {

// Checks that a per-channel tensor is [C] (when defined).
void check_channel_tensor(const char* what, const Tensor& t, std::int64_t channels, const Tensor& x,
                          std::int64_t axis) {
    if (!t.defined()) return;
    if (t.rank() != 1 || t.shape()[0] != channels) {
        throw ShapeError(std::string("batch_normalization: ") + what + " must have shape [" +
                         std::to_string(channels) + "] (input " + to_string(x.shape()) + ", axis " +
                         std::to_string(axis) + "), got " + to_string(t.shape()));
    }
}

}  // namespace

Tensor batch_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, Tensor moving_mean,
                  Tensor moving_variance, bool training, double momentum, double epsilon, std::int64_t axis) {
    if (!is_floating(x.dtype())) {
        throw DtypeError("batch_normalization: expected a floating dtype (float32 or float64), got " +
                         std::string(dtype_name(x.dtype())));
    }
    const auto rank = static_cast<std::int64_t>(x.rank());
    if (rank < 2) {
        throw ShapeError("batch_normalization: expected an input with a batch axis and at least 2 dimensions, got " +
                         to_string(x.shape()));
    }
    if (axis < -rank || axis >= rank) {
        throw IndexError("batch_normalization: axis " + std::to_string(axis) + " out of range for input " +
                         to_string(x.shape()));
    }
    const std::int64_t ax = axis < 0 ? axis + rank : axis;
    const std::int64_t channels = x.shape()[static_cast<std::size_t>(ax)];
    check_channel_tensor("gamma", gamma, channels, x, axis);
    check_channel_tensor("beta", beta, channels, x, axis);
    check_channel_tensor("moving_mean", moving_mean, channels, x, axis);
    check_channel_tensor("moving_variance", moving_variance, channels, x, axis);

    // [1, …, C, …, 1]: per-channel values broadcast against x.
    Shape channel_shape = Shape::filled(x.rank(), 1);
    channel_shape[static_cast<std::size_t>(ax)] = channels;
    Axes reduced;
    for (std::int64_t i = 0; i < rank; ++i)
        if (i != ax) reduced.push_back(i);

    Tensor mu, inv_std;  // both [1, …, C, …, 1]
    if (training) {
        mu = mean(x, reduced, true);
        const Tensor sigma2 = var(x, reduced, true, /*ddof=*/0);  // biased, as Keras
        inv_std = rsqrt(sigma2 + epsilon);
        NoGradGuard no_grad;
        // moving ← moving·momentum + batch·(1 − momentum)
        if (moving_mean.defined()) moving_mean.mul_(momentum).add_(reshape(mu.detach(), {channels}), 1.0 - momentum);
        if (moving_variance.defined()) {
            moving_variance.mul_(momentum).add_(reshape(sigma2.detach(), {channels}), 1.0 - momentum);
        }
    } else {
        if (!moving_mean.defined() || !moving_variance.defined()) {
            throw ValueError("batch_normalization: inference mode needs moving_mean and moving_variance");
        }
        mu = reshape(moving_mean, channel_shape);
        inv_std = rsqrt(reshape(moving_variance, channel_shape) + epsilon);
    }
    if (gamma.defined()) inv_std = inv_std * reshape(gamma, channel_shape);
    Tensor y = (x - mu) * inv_std;
    if (beta.defined()) y = y + reshape(beta, channel_shape);
    return y;
}

XGRAD_REGISTER_OP(batch_normalization, differentiable);  // composite

}  // namespace functional

const Options<BatchNormalization>& BatchNormalization::options() {
    using B = BatchNormalization;
    static const auto options = Options<B>("BatchNormalization")
                                    .add("axis", &B::axis_, OptionKind::before_build)
                                    .add("momentum", &B::momentum_, require::unit_interval)
                                    .add("epsilon", &B::epsilon_, require::non_negative)
                                    .add("center", &B::center_, OptionKind::before_build)
                                    .add("scale", &B::scale_, OptionKind::before_build)
                                    .add("beta_initializer", &B::beta_initializer_)
                                    .add("gamma_initializer", &B::gamma_initializer_)
                                    .add("moving_mean_initializer", &B::moving_mean_initializer_)
                                    .add("moving_variance_initializer", &B::moving_variance_initializer_)
                                    .add("beta_regularizer", &B::beta_regularizer_)
                                    .add("gamma_regularizer", &B::gamma_regularizer_)
                                    .add("beta_constraint", &B::beta_constraint_)
                                    .add("gamma_constraint", &B::gamma_constraint_);
    return options;
}
XGRAD_REGISTER_LAYER(BatchNormalization);

void BatchNormalization::build(const Shape& input_shape) {
    const auto rank = static_cast<std::int64_t>(input_shape.size());
    if (rank < 2 || axis_ < -rank || axis_ >= rank) {
        throw ShapeError(name() + " (BatchNormalization): cannot build for input shape " + to_string(input_shape) +
                         " with axis " + std::to_string(axis_) + " (expected [batch, …, channels, …])");
    }
    const std::int64_t channels = input_shape[static_cast<std::size_t>(axis_ < 0 ? axis_ + rank : axis_)];
    if (channels <= 0) {
        throw ShapeError(name() + " (BatchNormalization): axis " + std::to_string(axis_) + " of input shape " +
                         to_string(input_shape) + " must have a known, positive size");
    }
    // Keras' order: gamma, beta, moving_mean, moving_variance.
    if (scale_) add_weight("gamma", {channels}, *gamma_initializer_);
    if (center_) add_weight("beta", {channels}, *beta_initializer_);
    add_buffer("moving_mean", {channels}, *moving_mean_initializer_);
    add_buffer("moving_variance", {channels}, *moving_variance_initializer_);
}

Tensor BatchNormalization::forward(const Tensor& x, bool training) {
    const Tensor& moving_mean = weight("moving_mean");
    const std::int64_t channels = moving_mean.shape()[0];
    const auto rank = static_cast<std::int64_t>(x.rank());
    if (rank < 2 || axis_ < -rank || axis_ >= rank ||
        x.shape()[static_cast<std::size_t>(axis_ < 0 ? axis_ + rank : axis_)] != channels) {
        throw ShapeError(name() + " (BatchNormalization): expected input with " + std::to_string(channels) +
                         " channels on axis " + std::to_string(axis_) + ", got " + to_string(x.shape()));
    }
    if (x.dtype() != moving_mean.dtype()) {
        throw DtypeError(name() + " (BatchNormalization): input is " + std::string(dtype_name(x.dtype())) +
                         " but the layer's weights are " + std::string(dtype_name(moving_mean.dtype())) +
                         " (convert one with .to())");
    }
    // Keras: a frozen BN layer runs in inference mode and keeps its statistics.
    const bool use_batch_statistics = training && trainable();
    return functional::batch_norm(x, scale_ ? weight("gamma") : Tensor(), center_ ? weight("beta") : Tensor(),
                                  weight("moving_mean"), weight("moving_variance"), use_batch_statistics, momentum_,
                                  epsilon_, axis_);
}

std::vector<Tensor> BatchNormalization::losses() const {
    std::vector<Tensor> out;
    if (!built()) return out;
    if (gamma_regularizer_ && scale_) out.push_back((*gamma_regularizer_)(weight("gamma")));
    if (beta_regularizer_ && center_) out.push_back((*beta_regularizer_)(weight("beta")));
    return out;
}

void BatchNormalization::apply_constraints() {
    if (!built() || !trainable()) return;  // Keras constrains trainable variables only
    if (gamma_constraint_ && scale_) (*gamma_constraint_).apply(weight("gamma"));
    if (beta_constraint_ && center_) (*beta_constraint_).apply(weight("beta"));
}

}  // namespace xgrad::nn
