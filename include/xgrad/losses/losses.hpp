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
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

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
Tensor binary_crossentropy(const Tensor& y_true, const Tensor& y_pred, bool from_logits = false,
                           Reduction reduction = Reduction::mean);

/// Categorical crossentropy with one-hot (or probability) targets y, [N, C]:
///   probabilities (from_logits = false): −Σ_c y·log p, p = clip(y_pred / Σ_c y_pred, ε, 1 − ε)
///   logits z (from_logits = true):      −Σ_c y·log_softmax(z)   (stable for any |z|)
/// Shapes: y_true and y_pred equal (ShapeError otherwise), [N, C] → per-sample [N].
/// PyTorch: CrossEntropyLoss takes logits and class indices (see
/// sparse_categorical_crossentropy) or, since 1.10, class probabilities;
/// it has no probability-input form and no ε clipping.
Tensor categorical_crossentropy(const Tensor& y_true, const Tensor& y_pred, bool from_logits = false,
                                Reduction reduction = Reduction::mean);

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
///     sparse_categorical_crossentropy(tensor({2}, int64), tensor({{1, 2, 3}}), true)  // log(e+e²+e³) − 3 ≈ 0.4076
Tensor sparse_categorical_crossentropy(const Tensor& labels, const Tensor& y_pred, bool from_logits = false,
                                       Reduction reduction = Reduction::mean);

// ---- Loss: a loss as a value ---------------------------------------------------------

/// A loss as a value for the training loop: a name from the registry
/// (`Loss("mse")`), any callable Tensor(y_true, y_pred), or one of the
/// configured classes below (`SparseCategoricalCrossentropy(true)`).
/// Copying is cheap; the callable returns the reduced loss.
class Loss {
public:
    /// The loss function: the reduced loss of a batch.
    using Fn = std::function<Tensor(const Tensor& y_true, const Tensor& y_pred)>;

    /// Looks `name` up with get_loss() (ValueError listing the known names).
    Loss(const char* name);
    /// Looks `name` up with get_loss(), as the `const char*` constructor.
    Loss(const std::string& name) : Loss(name.c_str()) {}
    /// ValueError for an empty function.
    Loss(std::string name, Fn fn) : name_(std::move(name)), fn_(std::move(fn)) {
        if (!fn_) throw ValueError("loss '" + name_ + "': empty function");
    }
    /// Any callable Tensor(const Tensor& y_true, const Tensor& y_pred); named "custom".
    template <class F>
        requires std::is_invocable_r_v<Tensor, F, const Tensor&, const Tensor&> &&
                 (!std::is_convertible_v<F, std::string>) && (!std::is_base_of_v<Loss, F>)
    Loss(F fn) : name_("custom"), fn_(std::move(fn)) {}

    /// The canonical name ("mean_squared_error" for "mse"), or "custom".
    const std::string& name() const noexcept { return name_; }
    /// Calls the loss function on a batch: the reduced loss (0-d for the
    /// built-in losses unless their reduction is Reduction::none).
    Tensor operator()(const Tensor& y_true, const Tensor& y_pred) const { return fn_(y_true, y_pred); }

private:
    std::string name_;
    Fn fn_;
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
/// binary_crossentropy as a Loss (Keras' BinaryCrossentropy).
class BinaryCrossentropy : public Loss {
public:
    /// binary_crossentropy on probabilities, or on logits with `from_logits`;
    /// named "binary_crossentropy".
    explicit BinaryCrossentropy(bool from_logits = false, Reduction reduction = Reduction::mean);
};
/// categorical_crossentropy as a Loss (Keras' CategoricalCrossentropy).
class CategoricalCrossentropy : public Loss {
public:
    /// categorical_crossentropy on probabilities, or on logits with
    /// `from_logits`; named "categorical_crossentropy".
    explicit CategoricalCrossentropy(bool from_logits = false, Reduction reduction = Reduction::mean);
};
/// sparse_categorical_crossentropy as a Loss (Keras'
/// SparseCategoricalCrossentropy; PyTorch's CrossEntropyLoss with from_logits = true).
class SparseCategoricalCrossentropy : public Loss {
public:
    /// sparse_categorical_crossentropy on probabilities, or on logits with
    /// `from_logits`; named "sparse_categorical_crossentropy".
    explicit SparseCategoricalCrossentropy(bool from_logits = false, Reduction reduction = Reduction::mean);
};

/// The loss registered as `name`, with default arguments (probabilities, mean
/// reduction). Built in: mean_squared_error (mse), mean_absolute_error (mae),
/// huber, binary_crossentropy (bce), categorical_crossentropy,
/// sparse_categorical_crossentropy. ValueError listing the known names otherwise.
Loss get_loss(std::string_view name);
/// The registry behind get_loss() and register_loss(), by name (aliases included).
Registry<Loss>& loss_registry();
/// Makes a loss available by name (replacing an existing entry of that name).
void register_loss(const std::string& name, Loss::Fn fn);
/// The registered names, sorted.
std::vector<std::string> loss_names();

}  // namespace xgrad::losses
