// Metrics: plain loops over the values (nothing is recorded by autograd), each
// returning a 0-d float32 tensor; a name registry; the Mean accumulator.
#include "xgrad/losses/metrics.hpp"

#include <string>
#include <utility>

#include "losses/check_pred.hpp"
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

}  // namespace

Tensor sparse_categorical_accuracy(const Tensor& labels, const Tensor& y_pred) {
    constexpr const char* op = "sparse_categorical_accuracy";
    check_pred(op, y_pred);
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
    return {{"accuracy", acc},
         {"acc", acc},
         {"sparse_categorical_accuracy", Metric("sparse_categorical_accuracy", sparse_categorical_accuracy)},
         {"categorical_accuracy", Metric("categorical_accuracy", categorical_accuracy)},
         {"binary_accuracy",
          Metric("binary_accuracy", [](const Tensor& t, const Tensor& p) { return binary_accuracy(t, p); })}};
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
