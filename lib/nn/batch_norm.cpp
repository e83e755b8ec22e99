// Batch normalization, op "batch_normalization" (gradchecked in both modes).
//
// Training with the channels on the last axis (Dense inputs, the chapter's
// case) is one fused node: a forward kernel computing the batch statistics
// (in double) and y, and a backward kernel for dx, dγ, dβ in two passes.
// When a graph of the gradient is wanted (create_graph), that backward is
// written in differentiable ops instead, recomputing the statistics from x,
// so higher-order gradients flow through them. Any other axis, and
// inference, is a composite of differentiable primitives (mean, var, rsqrt,
// sub, mul, add), whose backward rules give the gradient; so is synchronized
// training, whose per-channel sums cross the ranks through sum_across_ranks.
#include "xgrad/nn/batch_norm.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "simd/kernels.hpp"
#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/distributed/collectives.hpp"
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

// Training mode over x folded to [rows, channels] (channels last): the
// batch statistics in double, y, and x̂ = (x − μ)/σ kept for backward.
struct FusedForward {
    Tensor y, x_hat, inv_std;            // y, x̂ like x; inv_std [C]
    std::vector<double> mean, variance;  // biased batch variance, as Keras
};

template <class T>
void fused_forward_kernel(const T* x, const T* gamma, const T* beta, std::int64_t rows, std::int64_t channels,
                          double epsilon, FusedForward& f) {
    std::vector<double>& mean = f.mean;
    std::vector<double>& variance = f.variance;
    const simd::BatchNormKernels<T>& kernels = simd::batch_norm_kernels<T>();
    mean.assign(static_cast<std::size_t>(channels), 0.0);
    variance.assign(static_cast<std::size_t>(channels), 0.0);
    kernels.channel_sums(x, rows, channels, mean.data());
    for (double& m : mean) m /= static_cast<double>(rows);
    kernels.channel_squared_deviations(x, mean.data(), rows, channels, variance.data());
    T* inv_std = f.inv_std.data<T>();
    std::vector<T> shift(static_cast<std::size_t>(channels)), scale(static_cast<std::size_t>(channels));
    for (std::int64_t c = 0; c < channels; ++c) {
        variance[c] /= static_cast<double>(rows);
        inv_std[c] = static_cast<T>(1.0 / std::sqrt(variance[c] + epsilon));
        shift[c] = static_cast<T>(mean[c]);
        scale[c] = gamma ? gamma[c] : T(1);
    }
    std::vector<T> offset(static_cast<std::size_t>(channels), T(0));
    if (beta) std::copy(beta, beta + channels, offset.begin());
    kernels.normalize_rows(x, shift.data(), inv_std, scale.data(), offset.data(), rows, channels, f.x_hat.data<T>(),
                           f.y.data<T>());
}

// dβ = Σ g, dγ = Σ g·x̂, dx = γσ⁻¹·(g − mean(g) − x̂·mean(g·x̂)), per channel.
template <class T>
void fused_backward_kernel(const T* g, const T* x_hat, const T* inv_std, const T* gamma, std::int64_t rows,
                           std::int64_t channels, T* dx, T* dgamma, T* dbeta) {
    const simd::BatchNormKernels<T>& kernels = simd::batch_norm_kernels<T>();
    std::vector<double> sum_g(static_cast<std::size_t>(channels), 0.0), sum_gx(static_cast<std::size_t>(channels), 0.0);
    kernels.channel_sums_with_products(g, x_hat, rows, channels, sum_g.data(), sum_gx.data());
    if (dbeta)
        for (std::int64_t c = 0; c < channels; ++c) dbeta[c] = static_cast<T>(sum_g[c]);
    if (dgamma)
        for (std::int64_t c = 0; c < channels; ++c) dgamma[c] = static_cast<T>(sum_gx[c]);
    if (!dx) return;
    std::vector<T> mean_g(static_cast<std::size_t>(channels)), mean_gx(static_cast<std::size_t>(channels)),
        factor(static_cast<std::size_t>(channels));
    for (std::int64_t c = 0; c < channels; ++c) {
        mean_g[c] = static_cast<T>(sum_g[c] / static_cast<double>(rows));
        mean_gx[c] = static_cast<T>(sum_gx[c] / static_cast<double>(rows));
        factor[c] = (gamma ? gamma[c] : T(1)) * inv_std[c];
    }
    kernels.input_gradient_rows(g, x_hat, mean_g.data(), mean_gx.data(), factor.data(), rows, channels, dx);
}

// The same backward in differentiable ops from x itself (create_graph).
void differentiable_backward(const Tensor& x, const Tensor& gamma, const Tensor& g, double epsilon,
                             InputGrads& dx) {
    const std::int64_t channels = x.shape().back();
    const std::int64_t rows = x.numel() / channels;
    const Tensor x2 = reshape(x, {rows, channels}), g2 = reshape(g, {rows, channels});
    const Tensor inv_std = rsqrt(var(x2, {0}, true) + epsilon);
    const Tensor x_hat = (x2 - mean(x2, {0}, true)) * inv_std;
    const Tensor g_x_hat = g2 * x_hat;
    if (dx.needs(0)) {
        const Tensor factor = gamma.defined() ? inv_std * reshape(gamma, {1, channels}) : inv_std;
        dx[0] = reshape(factor * (g2 - mean(g2, {0}, true) - x_hat * mean(g_x_hat, {0}, true)), x.shape());
    }
    if (dx.needs(1)) dx[1] = sum(g_x_hat, {0});
    if (dx.needs(2)) dx[2] = sum(g2, {0});
}

Tensor fused_training_batch_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, Tensor& moving_mean,
                                 Tensor& moving_variance, double momentum, double epsilon) {
    const std::int64_t channels = x.shape().back();
    const std::int64_t rows = x.numel() / channels;
    FusedForward f{Tensor(x.shape(), x.dtype()), Tensor(x.shape(), x.dtype()), Tensor({channels}, x.dtype()), {}, {}};
    visit_floating(x.dtype(), "batch_normalization", [&](auto tag) {
        using T = decltype(tag);
        fused_forward_kernel<T>(x.data<T>(), gamma.defined() ? gamma.data<T>() : nullptr,
                                beta.defined() ? beta.data<T>() : nullptr, rows, channels, epsilon, f);
    });
    {
        NoGradGuard no_grad;
        // moving ← moving·momentum + batch·(1 − momentum)
        const auto update = [&](Tensor& moving, const std::vector<double>& batch) {
            if (!moving.defined()) return;
            visit_floating(moving.dtype(), "batch_normalization", [&](auto tag) {
                using T = decltype(tag);
                T* m = moving.data<T>();
                for (std::int64_t c = 0; c < channels; ++c)
                    m[c] = static_cast<T>(m[c] * momentum + batch[c] * (1.0 - momentum));
            });
            moving.impl()->storage->bump_version();
        };
        update(moving_mean, f.mean);
        update(moving_variance, f.variance);
    }
    record("batch_normalization", f.y, {&x, &gamma, &beta},
           [sx = SavedTensor(x), sg = SavedTensor(gamma), x_hat = std::move(f.x_hat), inv_std = std::move(f.inv_std),
            rows, channels, epsilon](const Tensor& g, InputGrads& dx) {
               const Tensor gamma = sg.defined() ? sg.get() : Tensor();
               if (is_grad_enabled() || g.shape() != x_hat.shape()) {
                   differentiable_backward(sx.get(), gamma, g, epsilon, dx);
                   return;
               }
               Tensor dgamma, dbeta, dinput;
               if (dx.needs(0)) dinput = Tensor(x_hat.shape(), x_hat.dtype());
               if (dx.needs(1)) dgamma = Tensor({channels}, x_hat.dtype());
               if (dx.needs(2)) dbeta = Tensor({channels}, x_hat.dtype());
               visit_floating(x_hat.dtype(), "batch_normalization", [&](auto tag) {
                   using T = decltype(tag);
                   const auto ptr = [](Tensor& t) { return t.defined() ? t.data<T>() : nullptr; };
                   fused_backward_kernel<T>(g.data<T>(), x_hat.data<T>(), inv_std.data<T>(),
                                            gamma.defined() ? gamma.data<T>() : nullptr, rows, channels,
                                            ptr(dinput), ptr(dgamma), ptr(dbeta));
               });
               if (dx.needs(0)) dx[0] = dinput;
               if (dx.needs(1)) dx[1] = dgamma;
               if (dx.needs(2)) dx[2] = dbeta;
           });
    return f.y;
}

}  // namespace

Tensor batch_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, Tensor moving_mean,
                  Tensor moving_variance, bool training, double momentum, double epsilon, std::int64_t axis,
                  bool synchronized) {
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

    synchronized = synchronized && training && distributed::initialized() && distributed::size() > 1;
    if (training && ax == rank - 1 && !synchronized && x.numel() > 0) {
        for (const auto& [what, t] : {std::pair{"gamma", &gamma}, std::pair{"beta", &beta}}) {
            if (t->defined() && t->dtype() != x.dtype()) {
                throw DtypeError(std::string("batch_normalization: ") + what + " is " +
                                 std::string(dtype_name(t->dtype())) + " but the input is " +
                                 std::string(dtype_name(x.dtype())));
            }
        }
        return fused_training_batch_norm(x, gamma, beta, moving_mean, moving_variance, momentum, epsilon);
    }
    Tensor mu, inv_std;  // both [1, …, C, …, 1]
    if (training) {
        Tensor sigma2;
        const auto rows = static_cast<double>(x.numel() / channels);
        if (synchronized) {
            // The global batch's statistics: per-channel sums over every
            // rank's rows, weighted in backward by this rank's rows.
            Tensor total_rows = scalar(rows, float64);
            distributed::all_reduce(total_rows);
            const double n = total_rows.item();
            if (n == 0) throw ValueError("batch_normalization: no rank has rows to normalize");
            mu = distributed::sum_across_ranks(sum(x, reduced, true), rows) * (1.0 / n);
            const Tensor centered = x - mu;
            sigma2 = distributed::sum_across_ranks(sum(centered * centered, reduced, true), rows) * (1.0 / n);
        } else if (rows == 0) {
            // An empty batch (a rank's empty shard): an empty output, no statistics.
            mu = sum(x, reduced, true);
            sigma2 = mu;
        } else {
            mu = mean(x, reduced, true);
            sigma2 = var(x, reduced, true, /*ddof=*/0);  // biased, as Keras
        }
        inv_std = rsqrt(sigma2 + epsilon);
        NoGradGuard no_grad;
        if (!synchronized && rows == 0) moving_mean = moving_variance = Tensor();  // no statistics to learn from
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
                                    .add("synchronized", &B::synchronized_)
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
                                  epsilon_, axis_, synchronized_);
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
