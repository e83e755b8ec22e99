// Metrics: plain loops over the values (nothing is recorded by autograd), each
// returning a 0-d float32 tensor; a name registry; the Mean accumulator.
#include "xgrad/losses/metrics.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "losses/check_pred.hpp"
#include "xgrad/losses/losses.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::metrics {

namespace {

using detail::check_pred;

/// hits / n as a 0-d float32 tensor (0 for no samples, like Keras' divide_no_nan).
Tensor fraction(std::int64_t hits, std::int64_t n) {
    return scalar(n > 0 ? static_cast<double>(hits) / static_cast<double>(n) : 0.0, float32);
}

/// Number of positions where the int64 tensors a and b (same numel) agree.
std::int64_t count_equal(const Tensor& a, const Tensor& b) {
    const std::int64_t* pa = a.data<std::int64_t>();
    const std::int64_t* pb = b.data<std::int64_t>();
    std::int64_t hits = 0;
    for (std::int64_t i = 0; i < a.numel(); ++i) hits += pa[i] == pb[i];
    return hits;
}

/// labels must be int64 [N] or [N, 1] for y_pred [N, C] (in general: y_pred's
/// shape without its last axis, optionally with a trailing 1).
void check_labels(const char* op, const Tensor& labels, const Tensor& y_pred) {
    if (labels.dtype() != int64) {
        throw DtypeError(std::string(op) + ": labels must be int64 class indices, got " +
                         std::string(dtype_name(labels.dtype())));
    }
    Shape batch = y_pred.shape();
    batch.erase(batch.size() - 1);
    Shape batch_1 = batch;
    batch_1.push_back(1);
    if (!(labels.shape() == batch) && !(labels.shape() == batch_1)) {
        throw ShapeError(std::string(op) + ": labels shape " + to_string(labels.shape()) +
                         " does not match y_pred shape " + to_string(y_pred.shape()) + " (expected labels " +
                         to_string(batch) + " or " + to_string(batch_1) + ")");
    }
}

void check_k(const char* op, std::int64_t k) {
    if (k < 1) throw ValueError(std::string(op) + ": k must be at least 1, got " + std::to_string(k));
}

/// How many rows of y_pred [rows, C] have fewer than k scores strictly above
/// the score of their true class `label[row]` (a NaN true score ranks last).
std::int64_t count_in_top_k(const char* op, const Tensor& y_pred, const std::int64_t* label, std::int64_t k) {
    const std::int64_t classes = y_pred.shape().back();
    const std::int64_t rows = classes > 0 ? y_pred.numel() / classes : 0;
    return visit_floating(y_pred.dtype(), op, [&](auto zero) {
        using T = decltype(zero);
        const T* p = y_pred.data<T>();
        std::int64_t hits = 0;
        for (std::int64_t r = 0; r < rows; ++r) {
            const T* row = p + r * classes;
            if (label[r] < 0 || label[r] >= classes) {
                throw IndexError(std::string(op) + ": label " + std::to_string(label[r]) + " at position " +
                                 std::to_string(r) + " is out of range for " + std::to_string(classes) +
                                 " classes (y_pred shape " + to_string(y_pred.shape()) + ")");
            }
            T target = row[label[r]];
            if (std::isnan(target)) target = -std::numeric_limits<T>::infinity();
            std::int64_t above = 0;
            for (std::int64_t c = 0; c < classes; ++c) above += row[c] > target;
            hits += above < k;
        }
        return hits;
    });
}

/// Keras' squeeze_or_expand_to_same_rank for metrics, then equal shapes:
/// y_true in y_pred's dtype and y_pred, both flattened.
std::pair<Tensor, Tensor> flat_pair(const char* op, const Tensor& y_true, const Tensor& y_pred) {
    check_pred(op, y_pred);
    Tensor t = y_true, p = y_pred.detach();
    const std::size_t rt = t.rank(), rp = p.rank();
    if (rt == rp + 1 && t.shape().back() == 1) t = reshape(t, p.shape());
    else if (rp == rt + 1 && p.shape().back() == 1) p = reshape(p, t.shape());
    if (!(t.shape() == p.shape())) {
        throw ShapeError(std::string(op) + ": y_true shape " + to_string(y_true.shape()) + " and y_pred shape " +
                         to_string(y_pred.shape()) + " differ");
    }
    return {reshape(t.detach().to(p.dtype()), {p.numel()}), reshape(p, {p.numel()})};
}

/// Calls f(label_positive, prediction) for every element, prediction in y_pred's type.
template <class F> void for_each_pair(const char* op, const Tensor& y_true, const Tensor& y_pred, F&& f) {
    // Named members, not a structured binding: clang 14 cannot capture bindings in a lambda.
    const auto pair = flat_pair(op, y_true, y_pred);
    const Tensor& t = pair.first;
    const Tensor& p = pair.second;
    visit_floating(p.dtype(), op, [&](auto zero) {
        using T = decltype(zero);
        const T* tv = t.data<T>();
        const T* pv = p.data<T>();
        for (std::int64_t i = 0; i < p.numel(); ++i) f(tv[i] != T(0), pv[i]);
    });
}

/// a / b, 0 when b is 0 (Keras' divide_no_nan).
double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

}  // namespace

Tensor sparse_categorical_accuracy(const Tensor& labels, const Tensor& y_pred) {
    constexpr const char* op = "sparse_categorical_accuracy";
    check_pred(op, y_pred);
    check_labels(op, labels, y_pred);
    const Tensor predicted = argmax(y_pred.detach(), -1);
    return fraction(count_equal(predicted, labels), predicted.numel());
}

Tensor categorical_accuracy(const Tensor& y_true, const Tensor& y_pred) {
    constexpr const char* op = "categorical_accuracy";
    check_pred(op, y_pred);
    if (!(y_true.shape() == y_pred.shape())) {
        throw ShapeError(std::string(op) + ": y_true shape " + to_string(y_true.shape()) + " and y_pred shape " +
                         to_string(y_pred.shape()) + " differ");
    }
    const Tensor predicted = argmax(y_pred.detach(), -1);
    const Tensor expected = argmax(y_true.detach().to(y_pred.dtype()), -1);
    return fraction(count_equal(predicted, expected), predicted.numel());
}

Tensor binary_accuracy(const Tensor& y_true, const Tensor& y_pred, double threshold) {
    constexpr const char* op = "binary_accuracy";
    check_pred(op, y_pred);
    // Keras' squeeze_or_expand_to_same_rank: [N] against [N, 1] is fine.
    Tensor t = y_true, p = y_pred;
    const std::size_t rt = t.rank(), rp = p.rank();
    if (rt == rp + 1 && t.shape().back() == 1) t = reshape(t, p.shape());
    else if (rp == rt + 1 && p.shape().back() == 1) p = reshape(p, t.shape());
    if (!(t.shape() == p.shape())) {
        throw ShapeError(std::string(op) + ": y_true shape " + to_string(y_true.shape()) + " and y_pred shape " +
                         to_string(y_pred.shape()) + " differ");
    }
    const auto tv = t.to_vector<double>(), pv = p.to_vector<double>();
    std::int64_t hits = 0;
    for (std::size_t i = 0; i < tv.size(); ++i) hits += tv[i] == (pv[i] > threshold ? 1.0 : 0.0);
    return fraction(hits, static_cast<std::int64_t>(tv.size()));
}

Tensor top_k_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred, std::int64_t k) {
    constexpr const char* op = "top_k_categorical_accuracy";
    check_k(op, k);
    check_pred(op, y_pred);
    if (!(y_true.shape() == y_pred.shape())) {
        throw ShapeError(std::string(op) + ": y_true shape " + to_string(y_true.shape()) + " and y_pred shape " +
                         to_string(y_pred.shape()) + " differ");
    }
    const Tensor expected = argmax(y_true.detach().to(y_pred.dtype()), -1);
    return fraction(count_in_top_k(op, y_pred.detach(), expected.data<std::int64_t>(), k), expected.numel());
}

Tensor sparse_top_k_categorical_accuracy(const Tensor& labels, const Tensor& y_pred, std::int64_t k) {
    constexpr const char* op = "sparse_top_k_categorical_accuracy";
    check_k(op, k);
    check_pred(op, y_pred);
    check_labels(op, labels, y_pred);
    return fraction(count_in_top_k(op, y_pred.detach(), labels.data<std::int64_t>(), k), labels.numel());
}

Tensor mean_absolute_error(const Tensor& y_true, const Tensor& y_pred) {
    return scalar(losses::mean_absolute_error(y_true.detach(), y_pred.detach()).item(), float32);
}

// ---- counting metrics ------------------------------------------------------------------

Precision::Precision(double threshold)
    : Metric(
          "precision", 2,
          [threshold](std::span<double> totals, const Tensor& t, const Tensor& p) {
              // totals: true positives, false positives
              for_each_pair("precision", t, p, [&](bool positive, auto pred) {
                  if (pred > threshold) totals[positive ? 0 : 1] += 1;
              });
          },
          [](std::span<const double> totals) { return ratio(totals[0], totals[0] + totals[1]); }) {}

Recall::Recall(double threshold)
    : Metric(
          "recall", 2,
          [threshold](std::span<double> totals, const Tensor& t, const Tensor& p) {
              // totals: true positives, false negatives
              for_each_pair("recall", t, p, [&](bool positive, auto pred) {
                  if (positive) totals[pred > threshold ? 0 : 1] += 1;
              });
          },
          [](std::span<const double> totals) { return ratio(totals[0], totals[0] + totals[1]); }) {}

namespace {

/// Keras' AUC thresholds: −ε, 1/(n−1), …, (n−2)/(n−1), 1 + ε.
std::vector<double> auc_thresholds(std::int64_t n) {
    if (n < 2) throw ValueError("AUC: num_thresholds must be greater than 1, got " + std::to_string(n));
    std::vector<double> t(static_cast<std::size_t>(n));
    t.front() = -losses::epsilon;
    for (std::int64_t i = 1; i + 1 < n; ++i) t[static_cast<std::size_t>(i)] = static_cast<double>(i) / static_cast<double>(n - 1);
    t.back() = 1.0 + losses::epsilon;
    return t;
}

}  // namespace

// totals: [tp₀ … tp₍ₙ₋₁₎, fp…, tn…, fn…], one of each per threshold.
AUC::AUC(std::int64_t num_thresholds)
    : Metric(
          "auc", 4 * static_cast<std::size_t>(std::max<std::int64_t>(num_thresholds, 0)),
          [thresholds = auc_thresholds(num_thresholds)](std::span<double> totals, const Tensor& t, const Tensor& p) {
              const std::size_t n = thresholds.size();
              for_each_pair("auc", t, p, [&](bool positive, auto pred) {
                  using T = decltype(pred);
                  for (std::size_t j = 0; j < n; ++j) {
                      const bool above = pred > static_cast<T>(thresholds[j]);
                      totals[(positive ? (above ? 0 : 3) : (above ? 1 : 2)) * n + j] += 1;
                  }
              });
          },
          [n = static_cast<std::size_t>(std::max<std::int64_t>(num_thresholds, 0))](std::span<const double> totals) {
              const auto tp = totals.subspan(0, n), fp = totals.subspan(n, n), tn = totals.subspan(2 * n, n),
                         fn = totals.subspan(3 * n, n);
              double area = 0;
              for (std::size_t j = 0; j + 1 < n; ++j) {
                  const double tpr0 = ratio(tp[j], tp[j] + fn[j]), tpr1 = ratio(tp[j + 1], tp[j + 1] + fn[j + 1]);
                  const double fpr0 = ratio(fp[j], fp[j] + tn[j]), fpr1 = ratio(fp[j + 1], fp[j + 1] + tn[j + 1]);
                  area += (fpr0 - fpr1) * (tpr0 + tpr1) / 2;
              }
              return area;
          }) {}

TopKCategoricalAccuracy::TopKCategoricalAccuracy(std::int64_t k)
    : Metric("top_k_categorical_accuracy",
             [k](const Tensor& t, const Tensor& p) { return top_k_categorical_accuracy(t, p, k); }) {
    check_k("TopKCategoricalAccuracy", k);
}

SparseTopKCategoricalAccuracy::SparseTopKCategoricalAccuracy(std::int64_t k)
    : Metric("sparse_top_k_categorical_accuracy",
             [k](const Tensor& t, const Tensor& p) { return sparse_top_k_categorical_accuracy(t, p, k); }) {
    check_k("SparseTopKCategoricalAccuracy", k);
}

// ---- Metric and the registry ----------------------------------------------------------

namespace {

/// Keras' compile-time resolution of "accuracy", done per call from the shapes.
Tensor accuracy(const Tensor& y_true, const Tensor& y_pred) {
    check_pred("accuracy", y_pred);
    const std::int64_t pred_last = y_pred.shape().back();
    if (pred_last == 1) return binary_accuracy(y_true, y_pred);
    const bool sparse = y_true.rank() < y_pred.rank() || (y_true.rank() > 0 && y_true.shape().back() == 1);
    return sparse ? sparse_categorical_accuracy(y_true, y_pred) : categorical_accuracy(y_true, y_pred);
}

}  // namespace

namespace {
/// The built-in metrics; accuracy also as "acc".
std::vector<std::pair<std::string, Metric>> builtin_metrics() {
    const Metric acc("accuracy", accuracy);
    const Metric mae("mean_absolute_error", mean_absolute_error);
    return {{"accuracy", acc},
         {"acc", acc},
         {"sparse_categorical_accuracy", Metric("sparse_categorical_accuracy", sparse_categorical_accuracy)},
         {"categorical_accuracy", Metric("categorical_accuracy", categorical_accuracy)},
         {"binary_accuracy",
          Metric("binary_accuracy", [](const Tensor& t, const Tensor& p) { return binary_accuracy(t, p); })},
         {"top_k_categorical_accuracy", TopKCategoricalAccuracy()},
         {"sparse_top_k_categorical_accuracy", SparseTopKCategoricalAccuracy()},
         {"precision", Precision()},
         {"recall", Recall()},
         {"auc", AUC()},
         {"mean_absolute_error", mae},
         {"mae", mae}};
}
}  // namespace

Registry<Metric>& metric_registry() {
    static Registry<Metric> registry("metric", builtin_metrics());
    return registry;
}

Metric get_metric(std::string_view name) { return metric_registry().get(name); }

void register_metric(const std::string& name, Metric::Fn fn) { metric_registry().add(name, Metric(name, std::move(fn))); }

std::vector<std::string> metric_names() { return metric_registry().names(); }

Metric::Metric(const char* name) : Metric(get_metric(name)) {}

Metric::Metric(std::string name, std::size_t state_size, Accumulate accumulate, Result result)
    : name_(std::move(name)), state_size_(state_size), accumulate_(std::move(accumulate)), result_(std::move(result)) {
    if (!accumulate_ || !result_) throw ValueError("metric '" + name_ + "': empty function");
    if (state_size_ == 0) throw ValueError("metric '" + name_ + "': state_size must be positive");
}

Tensor Metric::operator()(const Tensor& y_true, const Tensor& y_pred) const {
    if (fn_) return fn_(y_true, y_pred);
    std::vector<double> totals(state_size_);
    accumulate_(totals, y_true, y_pred);
    return scalar(result_(totals), float32);
}

void Metric::accumulate(std::span<double> totals, const Tensor& y_true, const Tensor& y_pred, double weight) const {
    if (totals.size() != state_size()) {
        throw ValueError("metric '" + name_ + "': accumulate needs " + std::to_string(state_size()) + " totals, got " +
                         std::to_string(totals.size()));
    }
    if (fn_) {
        totals[0] += fn_(y_true, y_pred).item() * weight;
        totals[1] += weight;
    } else {
        accumulate_(totals, y_true, y_pred);
    }
}

double Metric::result(std::span<const double> totals) const {
    if (totals.size() != state_size()) {
        throw ValueError("metric '" + name_ + "': result needs " + std::to_string(state_size()) + " totals, got " +
                         std::to_string(totals.size()));
    }
    return fn_ ? ratio(totals[0], totals[1]) : result_(totals);
}

void MetricState::update(const Tensor& y_true, const Tensor& y_pred) {
    metric_.accumulate(totals_, y_true, y_pred, y_pred.rank() > 0 ? static_cast<double>(y_pred.size(0)) : 1.0);
}

// ---- Mean ----------------------------------------------------------------------------

void Mean::update(double value, double weight) {
    if (!(weight >= 0)) throw ValueError("Mean::update: weight must be non-negative, got " + std::to_string(weight));
    total_ += value * weight;
    weight_ += weight;
}

void Mean::update(const Tensor& values, double weight) {
    if (!(weight >= 0)) throw ValueError("Mean::update: weight must be non-negative, got " + std::to_string(weight));
    double s = 0;
    for (double v : values.to_vector<double>()) s += v;
    total_ += s * weight;
    weight_ += weight * static_cast<double>(values.numel());
}

}  // namespace xgrad::metrics
