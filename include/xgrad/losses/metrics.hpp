#pragma once
/// \file
/// Metrics with Keras' names: batch functions returning a 0-d float32 tensor
/// (not differentiable, never recorded by autograd), a Metric value resolvable
/// from a name, and Mean, the accumulator that turns batch values into an
/// epoch value.
///
///     metrics::Metric acc("accuracy");
///     metrics::Mean epoch_acc;
///     for (auto& [x, y] : batches) epoch_acc.update(acc(y, model(x)), y.size(0));
///     double a = epoch_acc.result();
#include <cstdint>
#include <functional>
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

/// A batch metric as a value: a registered name or any callable
/// Tensor(y_true, y_pred) returning a 0-d tensor.
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
    /// ValueError for an empty function.
    Metric(std::string name, Fn fn) : name_(std::move(name)), fn_(std::move(fn)) {
        if (!fn_) throw ValueError("metric '" + name_ + "': empty function");
    }
    /// Any callable Tensor(const Tensor& y_true, const Tensor& y_pred); named "custom".
    template <class F>
        requires std::is_invocable_r_v<Tensor, F, const Tensor&, const Tensor&> &&
                 (!std::is_convertible_v<F, std::string>) && (!std::is_base_of_v<Metric, F>)
    Metric(F fn) : name_("custom"), fn_(std::move(fn)) {}

    /// The canonical name ("accuracy" for "acc"), or "custom".
    const std::string& name() const noexcept { return name_; }
    /// The metric of y_pred against y_true for one batch: a 0-d tensor.
    Tensor operator()(const Tensor& y_true, const Tensor& y_pred) const { return fn_(y_true, y_pred); }

private:
    std::string name_;
    Fn fn_;
};

/// Built in: accuracy (acc), sparse_categorical_accuracy, categorical_accuracy,
/// binary_accuracy. ValueError listing the known names otherwise.
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

}  // namespace xgrad::metrics
