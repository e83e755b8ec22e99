#pragma once
/// \file
/// Loss functions with Keras 3 semantics (keras/src/losses/losses.py), composed
/// from differentiable ops, so first and second derivatives come for free.
///
/// Conventions shared by every loss:
/// - y_pred is float32 or float64 (DtypeError otherwise); y_true (or float
///   labels) is converted to y_pred's dtype, as Keras does.
/// - Each loss first computes a per-sample loss by reducing the last axis:
///   y_pred [N, D] gives per-sample losses [N] (in general: y_pred's shape
///   without its last axis). Then `reduction` applies:
///   Reduction::mean (Keras' default "sum_over_batch_size": the mean of the
///   per-sample losses), Reduction::sum, or Reduction::none (the per-sample
///   losses themselves).
/// - ε = 1e-7 (Keras' backend epsilon) bounds probabilities away from 0 and 1.
///
///     Tensor l = xgrad::losses::sparse_categorical_crossentropy(labels, logits, /*from_logits=*/true);
///     l.backward();
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "xgrad/core/config.hpp"
#include "xgrad/core/registry.hpp"
#include "xgrad/core/tensor.hpp"

namespace xgrad::losses {

/// Keras' backend epsilon, the clipping bound for probabilities.
inline constexpr double epsilon = 1e-7;

/// How per-sample losses become the returned value.
enum class Reduction {
    mean,  ///< mean over the per-sample losses (Keras "sum_over_batch_size", the default): 0-d
    sum,   ///< sum of the per-sample losses: 0-d
    none,  ///< the per-sample losses: y_pred's shape without its last axis
};

/// "mean", "sum" or "none".
std::string_view reduction_name(Reduction r) noexcept;

/// Applies `reduction` to per-sample losses (mean or sum over all elements, or as is).
Tensor reduce(const Tensor& per_sample, Reduction reduction);

// ---- regression -----------------------------------------------------------------

/// Mean squared error: per sample mean over the last axis of (y_true − y_pred)².
/// Shapes: y_true and y_pred equal, [N, D] → per-sample [N]. As in Keras, a
/// rank difference of one with a trailing 1 is fixed first (y_true [N] with
/// y_pred [N, 1] is treated as [N, 1]); other mismatches are a ShapeError
/// (Keras would broadcast silently).  d/dy_pred = 2(y_pred − y_true)/D.
/// PyTorch's MSELoss(reduction='mean') averages over all elements, which is
/// the same number for the default reduction.
///
///     mean_squared_error(tensor({{0, 1}}), tensor({{1, 1}}))  // ((0−1)² + 0)/2 = 0.5
Tensor mean_squared_error(const Tensor& y_true, const Tensor& y_pred, Reduction reduction = Reduction::mean);

/// Mean absolute error: per sample mean over the last axis of |y_true − y_pred|.
/// Shapes as mean_squared_error.  d/dy_pred = sign(y_pred − y_true)/D (0 at 0).
Tensor mean_absolute_error(const Tensor& y_true, const Tensor& y_pred, Reduction reduction = Reduction::mean);

/// Huber loss, with e = y_pred − y_true: ½e² where |e| ≤ δ, else δ|e| − ½δ²;
/// per sample mean over the last axis. δ > 0 (ValueError otherwise).
/// Shapes as mean_squared_error. Same as PyTorch's HuberLoss(delta) (and
/// SmoothL1Loss·δ); Keras' default δ is 1.
Tensor huber(const Tensor& y_true, const Tensor& y_pred, double delta = 1.0,
             Reduction reduction = Reduction::mean);

/// Log-cosh, with x = y_pred − y_true: per sample mean over the last axis of
/// log(cosh x), computed as x + softplus(−2x) − log 2 (finite for any |x|,
/// ≈ |x| − log 2 far out). Shapes as mean_squared_error.  d/dx = tanh x / D.
/// PyTorch has no such loss.
Tensor log_cosh(const Tensor& y_true, const Tensor& y_pred, Reduction reduction = Reduction::mean);

/// Poisson: per sample mean over the last axis of y_pred − y_true·log(y_pred + ε)
/// (y_pred a rate, not its log). Shapes as mean_squared_error.
/// d/dy_pred = (1 − y_true/(y_pred + ε))/D. PyTorch: poisson_nll_loss(y_pred,
/// y_true, log_input=False, eps=1e-7, full=False) is the mean over all
/// elements of the same terms, so the same number for the default reduction.
Tensor poisson(const Tensor& y_true, const Tensor& y_pred, Reduction reduction = Reduction::mean);

/// Kullback–Leibler divergence: per sample Σ over the last axis of
/// t·log(t / p) with t = clip(y_true, ε, 1) and p = clip(y_pred, ε, 1), so a
/// zero target contributes ε·log(ε/p) ≈ 0, not NaN. Shapes as mean_squared_error.
/// d/dy_pred = −t/p inside the clip, 0 outside. PyTorch: kl_div(log p, t,
/// reduction='batchmean') equals the default reduction when nothing is clipped
/// (PyTorch has no clipping and takes log-probabilities).
Tensor kl_divergence(const Tensor& y_true, const Tensor& y_pred, Reduction reduction = Reduction::mean);

/// Cosine similarity with Keras' sign (a loss to minimize): per sample
/// −Σ_axis t̂·p̂, where x̂ = x / max(‖x‖₂, ε) along `axis` (so a zero vector
/// gives 0, not NaN). The result is in [−1, 1]; −1 for parallel vectors.
/// Shapes: y_true and y_pred equal after the rank fix of mean_squared_error;
/// per-sample losses have y_pred's shape without `axis` (IndexError for an
/// axis outside [−rank, rank)). PyTorch: −cosine_similarity(y_true, y_pred,
/// dim=axis, eps) clamps the product of the norms instead of each norm, which
/// is the same number unless a norm is below ε.
Tensor cosine_similarity(const Tensor& y_true, const Tensor& y_pred, std::int64_t axis = -1,
                         Reduction reduction = Reduction::mean);

// ---- maximum-margin -----------------------------------------------------------------

/// Hinge: per sample mean over the last axis of max(1 − y·y_pred, 0), labels
/// y in {−1, 1}. As in Keras, labels that are all 0 or 1 are first mapped to
/// 2y − 1 (so 0/1 and −1/1 labels both work). Shapes as mean_squared_error.
/// d/dy_pred = −y/D where y·y_pred < 1, else 0. PyTorch has no such loss
/// (MultiMarginLoss is the multi-class variant).
Tensor hinge(const Tensor& y_true, const Tensor& y_pred, Reduction reduction = Reduction::mean);

/// Squared hinge: per sample mean over the last axis of max(1 − y·y_pred, 0)²,
/// labels as hinge.  d/dy_pred = −2y·max(1 − y·y_pred, 0)/D.
Tensor squared_hinge(const Tensor& y_true, const Tensor& y_pred, Reduction reduction = Reduction::mean);

// ---- classification ---------------------------------------------------------------

/// Binary crossentropy, per sample mean over the last axis of
///   probabilities (from_logits = false): −[y·log p + (1 − y)·log(1 − p)], p = clip(y_pred, ε, 1 − ε)
///   logits z (from_logits = true):      max(z, 0) − z·y + log(1 + e^(−|z|)) = softplus(z) − z·y
/// The logits form is exact and finite for any z (|z| = 1e4 included) and
/// its gradient is σ(z) − y everywhere (computed as softplus(z) − z·y, whose
/// derivative is exact at z = 0). Shapes as mean_squared_error (labels y in [0, 1]).
/// PyTorch: BCELoss clamps log p to ≥ −100 instead of clipping p to [ε, 1 − ε]
/// (so a hard 0/1 prediction costs 100, here −log ε ≈ 16.12); BCEWithLogitsLoss
/// matches from_logits = true.
///
/// label_smoothing s in [0, 1] (ValueError otherwise) first replaces the labels
/// by y·(1 − s) + s/2 (Keras' formula; 0/1 labels become s/2 and 1 − s/2).
Tensor binary_crossentropy(const Tensor& y_true, const Tensor& y_pred, bool from_logits = false,
                           Reduction reduction = Reduction::mean, double label_smoothing = 0.0);

/// Categorical crossentropy with one-hot (or probability) targets y, [N, C]:
///   probabilities (from_logits = false): −Σ_c y·log p, p = clip(y_pred / Σ_c y_pred, ε, 1 − ε)
///   logits z (from_logits = true):      −Σ_c y·log_softmax(z)   (stable for any |z|)
/// Shapes: y_true and y_pred equal (ShapeError otherwise), [N, C] → per-sample [N].
/// PyTorch: CrossEntropyLoss takes logits and class indices (see
/// sparse_categorical_crossentropy) or, since 1.10, class probabilities;
/// it has no probability-input form and no ε clipping.
///
/// label_smoothing s in [0, 1] (ValueError otherwise) first replaces the
/// targets by y·(1 − s) + s/C, C the class count (Keras' formula). PyTorch's
/// CrossEntropyLoss(label_smoothing=s) uses the same targets, so with logits
/// the numbers agree.
Tensor categorical_crossentropy(const Tensor& y_true, const Tensor& y_pred, bool from_logits = false,
                                Reduction reduction = Reduction::mean, double label_smoothing = 0.0);

/// Categorical crossentropy with integer class labels: per sample −log p[label],
/// picked with take_along_axis (no one-hot tensor is built), where log p is
/// log_softmax(y_pred) for logits or log(clip(y_pred / Σ y_pred, ε, 1 − ε)).
/// Shapes: labels int64 [N] or [N, 1] (in general y_pred's shape without its
/// last axis, optionally with a trailing 1), y_pred [N, C] → per-sample [N].
/// Errors: DtypeError for labels that are not int64; IndexError naming the
/// label and the class count for a label outside [0, C); ShapeError naming
/// both shapes when the batch sizes differ.
/// PyTorch: CrossEntropyLoss(logits, indices) equals this with from_logits = true
/// (PyTorch always takes logits; Keras' default is probabilities).
///
/// ignore_class (Keras 3): positions whose label equals it contribute nothing:
/// their per-sample loss is 0 (Reduction::none), Reduction::sum adds the
/// valid ones, and Reduction::mean is Σ valid / (number valid + ε), Keras'
/// masked mean (0 when every position is ignored). The ignored label need not
/// be a valid class (−1 and 255 are common). PyTorch: cross_entropy with
/// ignore_index gives Σ valid / number valid (NaN when none is valid).
///
///     sparse_categorical_crossentropy(tensor({2}, int64), tensor({{1, 2, 3}}), true)  // log(e+e²+e³) − 3 ≈ 0.4076
Tensor sparse_categorical_crossentropy(const Tensor& labels, const Tensor& y_pred, bool from_logits = false,
                                       Reduction reduction = Reduction::mean,
                                       std::optional<std::int64_t> ignore_class = std::nullopt);

// ---- Loss: a loss as a value ---------------------------------------------------------

/// A loss as a value for the training loop: a name from the registry
/// (`Loss("mse")`), any callable Tensor(y_true, y_pred), or one of the
/// configured classes below (`SparseCategoricalCrossentropy(true)`).
/// Copying is cheap; the callable returns the reduced loss. A built-in loss
/// carries its options as a Config with Keras' get_config keys
/// ("reduction", "from_logits", "label_smoothing", "ignore_class", "delta",
/// "axis"), and loss_from_config(name(), config()) makes the same loss again.
class Loss {
public:
    /// The loss function: the reduced loss of a batch.
    using Fn = std::function<Tensor(const Tensor& y_true, const Tensor& y_pred)>;

    /// Looks `name` up with get_loss() (ValueError listing the known names).
    Loss(const char* name);
    /// Looks `name` up with get_loss(), as the `const char*` constructor.
    Loss(const std::string& name) : Loss(name.c_str()) {}
    /// ValueError for an empty function. `config` holds the options that
    /// loss_from_config() reads back (empty for a function without options).
    Loss(std::string name, Fn fn, Config config = {})
        : name_(std::move(name)), fn_(std::move(fn)), config_(std::move(config)) {
        if (!fn_) throw ValueError("loss '" + name_ + "': empty function");
    }
    /// Any callable Tensor(const Tensor& y_true, const Tensor& y_pred); named "custom".
    template <class F>
        requires std::is_invocable_r_v<Tensor, F, const Tensor&, const Tensor&> &&
                 (!std::is_convertible_v<F, std::string>) && (!std::is_base_of_v<Loss, F>)
    Loss(F fn) : name_("custom"), fn_(std::move(fn)) {}

    /// The canonical name ("mean_squared_error" for "mse"), or "custom".
    const std::string& name() const noexcept { return name_; }
    /// The options, by Keras' get_config keys (empty for "custom").
    const Config& config() const noexcept { return config_; }
    /// Calls the loss function on a batch: the reduced loss (0-d for the
    /// built-in losses unless their reduction is Reduction::none).
    Tensor operator()(const Tensor& y_true, const Tensor& y_pred) const { return fn_(y_true, y_pred); }

private:
    std::string name_;
    Fn fn_;
    Config config_;
};

/// Keras-style configured losses (slice into a Loss without losing anything).
class MeanSquaredError : public Loss {
public:
    /// mean_squared_error with `reduction`, named "mean_squared_error".
    explicit MeanSquaredError(Reduction reduction = Reduction::mean);
};
/// mean_absolute_error as a Loss (Keras' MeanAbsoluteError).
class MeanAbsoluteError : public Loss {
public:
    /// mean_absolute_error with `reduction`, named "mean_absolute_error".
    explicit MeanAbsoluteError(Reduction reduction = Reduction::mean);
};
/// huber as a Loss (Keras' Huber).
class Huber : public Loss {
public:
    /// huber with `delta` and `reduction`, named "huber"; ValueError at
    /// construction unless δ > 0.
    explicit Huber(double delta = 1.0, Reduction reduction = Reduction::mean);
};
/// log_cosh as a Loss (Keras' LogCosh).
class LogCosh : public Loss {
public:
    /// log_cosh with `reduction`, named "log_cosh".
    explicit LogCosh(Reduction reduction = Reduction::mean);
};
/// poisson as a Loss (Keras' Poisson).
class Poisson : public Loss {
public:
    /// poisson with `reduction`, named "poisson".
    explicit Poisson(Reduction reduction = Reduction::mean);
};
/// kl_divergence as a Loss (Keras' KLDivergence).
class KLDivergence : public Loss {
public:
    /// kl_divergence with `reduction`, named "kl_divergence".
    explicit KLDivergence(Reduction reduction = Reduction::mean);
};
/// cosine_similarity as a Loss (Keras' CosineSimilarity, same sign).
class CosineSimilarity : public Loss {
public:
    /// cosine_similarity along `axis` with `reduction`, named "cosine_similarity".
    explicit CosineSimilarity(std::int64_t axis = -1, Reduction reduction = Reduction::mean);
};
/// hinge as a Loss (Keras' Hinge).
class Hinge : public Loss {
public:
    /// hinge with `reduction`, named "hinge".
    explicit Hinge(Reduction reduction = Reduction::mean);
};
/// squared_hinge as a Loss (Keras' SquaredHinge).
class SquaredHinge : public Loss {
public:
    /// squared_hinge with `reduction`, named "squared_hinge".
    explicit SquaredHinge(Reduction reduction = Reduction::mean);
};
/// binary_crossentropy as a Loss (Keras' BinaryCrossentropy).
class BinaryCrossentropy : public Loss {
public:
    /// binary_crossentropy on probabilities, or on logits with `from_logits`;
    /// named "binary_crossentropy".
    explicit BinaryCrossentropy(bool from_logits = false, Reduction reduction = Reduction::mean);
    /// As above with label smoothing s in [0, 1] (ValueError at construction otherwise).
    BinaryCrossentropy(bool from_logits, double label_smoothing, Reduction reduction = Reduction::mean);
};
/// categorical_crossentropy as a Loss (Keras' CategoricalCrossentropy).
class CategoricalCrossentropy : public Loss {
public:
    /// categorical_crossentropy on probabilities, or on logits with
    /// `from_logits`; named "categorical_crossentropy".
    explicit CategoricalCrossentropy(bool from_logits = false, Reduction reduction = Reduction::mean);
    /// As above with label smoothing s in [0, 1] (ValueError at construction otherwise).
    CategoricalCrossentropy(bool from_logits, double label_smoothing, Reduction reduction = Reduction::mean);
};
/// sparse_categorical_crossentropy as a Loss (Keras'
/// SparseCategoricalCrossentropy; PyTorch's CrossEntropyLoss with from_logits = true).
class SparseCategoricalCrossentropy : public Loss {
public:
    /// sparse_categorical_crossentropy on probabilities, or on logits with
    /// `from_logits`; named "sparse_categorical_crossentropy".
    explicit SparseCategoricalCrossentropy(bool from_logits = false, Reduction reduction = Reduction::mean);
    /// As above, positions labelled `ignore_class` masked out (none: no mask).
    SparseCategoricalCrossentropy(bool from_logits, std::optional<std::int64_t> ignore_class,
                                  Reduction reduction = Reduction::mean);
};

/// The loss registered as `name`, with default arguments (probabilities, mean
/// reduction). Built in: mean_squared_error (mse), mean_absolute_error (mae),
/// huber, log_cosh (logcosh), poisson, kl_divergence (kld), cosine_similarity,
/// hinge, squared_hinge, binary_crossentropy (bce), categorical_crossentropy,
/// sparse_categorical_crossentropy. ValueError listing the known names otherwise.
Loss get_loss(std::string_view name);
/// The built-in loss `name` (aliases included) configured by `config`, as
/// Loss::config() writes it; absent keys keep Keras' defaults. "reduction"
/// is "sum_over_batch_size" (or "mean"), "sum" or "none". ValueError naming
/// the loss and the key for a key that loss does not take or a malformed value,
/// and for a name without a config (a user-registered loss).
Loss loss_from_config(std::string_view name, const Config& config);
/// The registry behind get_loss() and register_loss(), by name (aliases included).
Registry<Loss>& loss_registry();
/// Makes a loss available by name (replacing an existing entry of that name).
void register_loss(const std::string& name, Loss::Fn fn);
/// The registered names, sorted.
std::vector<std::string> loss_names();

}  // namespace xgrad::losses
