#pragma once
/// \file
/// Metrics with Keras' names: batch functions returning a 0-d float32 tensor
/// (not differentiable, never recorded by autograd), a Metric value resolvable
/// from a name, and the accumulators that turn batches into an epoch value:
/// Mean for batch values, MetricState for any Metric.
///
/// A Metric accumulates additive totals over batches (as fit() does, also
/// summed over ranks): a batch-mean metric (accuracy, mae) keeps
/// Σ value·batch size and Σ batch size; a counting metric (precision, recall,
/// auc) keeps its confusion counts, so its epoch value is computed from the
/// counts of all batches, as Keras' stateful metrics do, not averaged per batch.
///
///     metrics::MetricState auc(metrics::AUC());
///     for (auto& [x, y] : batches) auc.update(y, model(x));
///     double a = auc.result();
#include <algorithm>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "xgrad/core/registry.hpp"
#include "xgrad/core/tensor.hpp"

namespace xgrad::metrics {

/// Fraction of samples whose argmax over the last axis of y_pred equals the label.
/// labels int64 [N] or [N, 1] (DtypeError otherwise), y_pred [N, C] (ShapeError
/// naming both shapes if N differs). Ties: the first largest value wins.
///
///     sparse_categorical_accuracy(tensor({0, 1}, int64), tensor({{.9, .1}, {.8, .2}}))  // 1 of 2 → 0.5
Tensor sparse_categorical_accuracy(const Tensor& labels, const Tensor& y_pred);

/// Fraction of samples with argmax(y_true) == argmax(y_pred) over the last axis.
/// y_true one-hot and y_pred of the same shape [N, C] (ShapeError otherwise).
Tensor categorical_accuracy(const Tensor& y_true, const Tensor& y_pred);

/// Fraction of elements with y_true == (y_pred > threshold ? 1 : 0), over all
/// elements (Keras: per-sample means, then their mean, which is the same number).
/// Shapes equal after the Keras rank fix (y_true [N] with y_pred [N, 1] is fine).
Tensor binary_accuracy(const Tensor& y_true, const Tensor& y_pred, double threshold = 0.5);

/// Fraction of samples whose true class (argmax of the one-hot y_true) is among
/// the k largest of y_pred: fewer than k classes score strictly higher than it,
/// so ties at the boundary count as hits (TensorFlow's in_top_k), and a NaN
/// score for the true class ranks below every other (Keras 3). y_true and
/// y_pred [N, C] of the same shape (ShapeError otherwise); k ≥ 1 (ValueError);
/// k ≥ C makes every sample a hit. Keras' default k is 5.
Tensor top_k_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred, std::int64_t k = 5);

/// As top_k_categorical_accuracy with int64 class labels [N] or [N, 1]
/// (DtypeError, ShapeError as sparse_categorical_accuracy; IndexError naming a
/// label outside [0, C)).
Tensor sparse_top_k_categorical_accuracy(const Tensor& labels, const Tensor& y_pred, std::int64_t k = 5);

/// Mean over samples of the per-sample mean |y_true − y_pred| (Keras'
/// MeanAbsoluteError metric; shapes as losses::mean_absolute_error).
Tensor mean_absolute_error(const Tensor& y_true, const Tensor& y_pred);

/// A metric as a value: a registered name, any callable Tensor(y_true, y_pred)
/// returning a 0-d batch value, or a counting metric (Precision, Recall, AUC)
/// built from additive totals.
///
/// "accuracy" (or "acc") picks its function per call from the shapes, as
/// Keras' compile() does: binary_accuracy when y_pred's last dimension is 1;
/// sparse_categorical_accuracy when y_true has lower rank than y_pred, or its
/// last dimension is 1 while y_pred's is larger; categorical_accuracy otherwise.
class Metric {
public:
    /// The metric function: the 0-d value of a batch.
    using Fn = std::function<Tensor(const Tensor& y_true, const Tensor& y_pred)>;

    /// Looks `name` up with get_metric() (ValueError listing the known names).
    Metric(const char* name);
    /// Looks `name` up with get_metric(), as the `const char*` constructor.
    Metric(const std::string& name) : Metric(name.c_str()) {}
    /// Adds a batch's counts to `totals` (state_size() numbers).
    using Accumulate = std::function<void(std::span<double> totals, const Tensor& y_true, const Tensor& y_pred)>;
    /// The metric's value from the totals of any number of batches.
    using Result = std::function<double(std::span<const double> totals)>;

    /// ValueError for an empty function.
    Metric(std::string name, Fn fn) : name_(std::move(name)), fn_(std::move(fn)) {
        if (!fn_) throw ValueError("metric '" + name_ + "': empty function");
    }
    /// A counting metric with `state_size` additive totals (ValueError for
    /// empty functions or a zero size).
    Metric(std::string name, std::size_t state_size, Accumulate accumulate, Result result);
    /// Any callable Tensor(const Tensor& y_true, const Tensor& y_pred); named "custom".
    template <class F>
        requires std::is_invocable_r_v<Tensor, F, const Tensor&, const Tensor&> &&
                 (!std::is_convertible_v<F, std::string>) && (!std::is_base_of_v<Metric, F>)
    Metric(F fn) : name_("custom"), fn_(std::move(fn)) {}

    /// The canonical name ("accuracy" for "acc"), or "custom".
    const std::string& name() const noexcept { return name_; }
    /// The metric of y_pred against y_true for one batch: a 0-d tensor.
    Tensor operator()(const Tensor& y_true, const Tensor& y_pred) const;

    /// How many additive totals accumulate() keeps: 2 for a batch-mean metric
    /// (Σ value·weight, Σ weight), the count table's size for a counting metric.
    std::size_t state_size() const noexcept { return fn_ ? 2 : state_size_; }
    /// Adds one batch to `totals` (state_size() numbers, zeros at the start):
    /// a batch-mean metric adds value·weight and weight (weight: the batch's
    /// sample count); a counting metric adds its counts and ignores `weight`.
    void accumulate(std::span<double> totals, const Tensor& y_true, const Tensor& y_pred, double weight) const;
    /// The value over every batch added to `totals` (0 before any sample).
    double result(std::span<const double> totals) const;

private:
    std::string name_;
    Fn fn_;
    std::size_t state_size_ = 0;
    Accumulate accumulate_;
    Result result_;
};

/// Precision (Keras' Precision): true positives / predicted positives over
/// every batch seen, where a prediction is positive when y_pred > threshold
/// and a label when y_true ≠ 0; 0 when nothing was predicted positive.
/// Shapes as binary_accuracy; every element counts. Named "precision".
class Precision : public Metric {
public:
    /// Counts predictions above `threshold` (Keras' default 0.5) as positive.
    explicit Precision(double threshold = 0.5);
};

/// Recall (Keras' Recall): true positives / actual positives over every batch
/// seen (0 when there are none); positives as Precision. Named "recall".
class Recall : public Metric {
public:
    /// Counts predictions above `threshold` (Keras' default 0.5) as positive.
    explicit Recall(double threshold = 0.5);
};

/// Area under the ROC curve as Keras' AUC(curve="ROC",
/// summation_method="interpolation") computes it: confusion counts at
/// num_thresholds thresholds −ε, 1/(n−1), …, (n−2)/(n−1), 1 + ε (ε = 1e-7; a
/// prediction is positive when y_pred > threshold, compared in y_pred's
/// dtype), then the trapezoidal rule over the (false positive rate, true
/// positive rate) points. Predictions falling between the same two thresholds
/// are tied, so the value is the exact AUC only up to that binning (e.g. a
/// negative at 0.401 and a positive at 0.402 give 0.5, not 1). Labels y_true ≠ 0
/// are positive; shapes as binary_accuracy, all elements count. Named "auc".
class AUC : public Metric {
public:
    /// num_thresholds > 1 (ValueError otherwise); Keras' default 200.
    explicit AUC(std::int64_t num_thresholds = 200);
};

/// top_k_categorical_accuracy with a chosen k, named "top_k_categorical_accuracy".
class TopKCategoricalAccuracy : public Metric {
public:
    /// k ≥ 1 (ValueError at construction otherwise); Keras' default 5.
    explicit TopKCategoricalAccuracy(std::int64_t k = 5);
};

/// sparse_top_k_categorical_accuracy with a chosen k, named
/// "sparse_top_k_categorical_accuracy".
class SparseTopKCategoricalAccuracy : public Metric {
public:
    /// k ≥ 1 (ValueError at construction otherwise); Keras' default 5.
    explicit SparseTopKCategoricalAccuracy(std::int64_t k = 5);
};

/// Built in, with Keras' defaults: accuracy (acc), sparse_categorical_accuracy,
/// categorical_accuracy, binary_accuracy, top_k_categorical_accuracy,
/// sparse_top_k_categorical_accuracy (k = 5), precision, recall (threshold 0.5),
/// auc (200 thresholds), mean_absolute_error (mae). ValueError listing the
/// known names otherwise.
Metric get_metric(std::string_view name);
/// The registry behind get_metric() and register_metric(), by name (aliases included).
Registry<Metric>& metric_registry();
/// Makes a metric available by name (replacing an existing entry of that name).
void register_metric(const std::string& name, Metric::Fn fn);
/// The registered names, sorted.
std::vector<std::string> metric_names();

/// Weighted running mean, Keras' metrics.Mean: result() = Σ wᵢ·vᵢ / Σ wᵢ,
/// 0 before any update. For an epoch average of batch means, pass the batch
/// size as the weight.
///
///     Mean m; m.update(0.5, 2); m.update(1.0, 2);  // m.result() == 0.75
class Mean {
public:
    /// Adds `value` with weight `weight` (≥ 0; ValueError otherwise).
    void update(double value, double weight = 1.0);
    /// Adds every element of `values` (any shape) with weight `weight` each,
    /// so a 0-d tensor counts once and a [N] tensor N times.
    void update(const Tensor& values, double weight = 1.0);
    /// The weighted mean so far (0 when the total weight is 0).
    double result() const noexcept { return weight_ > 0 ? total_ / weight_ : 0.0; }
    /// Total weight seen so far.
    double count() const noexcept { return weight_; }
    /// Forgets every update: back to total weight 0 (Keras' reset_state()).
    void reset() noexcept { total_ = 0, weight_ = 0; }

private:
    double total_ = 0;
    double weight_ = 0;
};

/// Any Metric's running value over batches (Keras' update_state / result /
/// reset_state): the totals of Metric::accumulate(), a batch weighing its
/// sample count (y_pred's first dimension; 1 for a 0-d y_pred).
class MetricState {
public:
    /// Starts with zero totals for `metric`.
    explicit MetricState(Metric metric) : metric_(std::move(metric)), totals_(metric_.state_size()) {}
    /// Adds one batch.
    void update(const Tensor& y_true, const Tensor& y_pred);
    /// The value over every batch since the start or the last reset().
    double result() const { return metric_.result(totals_); }
    /// Back to zero totals.
    void reset() noexcept { std::fill(totals_.begin(), totals_.end(), 0.0); }

private:
    Metric metric_;
    std::vector<double> totals_;
};

}  // namespace xgrad::metrics
