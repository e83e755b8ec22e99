#include "../test_helpers.hpp"

#include <algorithm>
#include <cmath>

using namespace xgrad;
namespace tt = boost::test_tools;

namespace {
// 4 samples, 3 classes; argmax per row = [0, 1, 2, 0]
Tensor scores() { return tensor({{0.7, 0.2, 0.1}, {0.1, 0.8, 0.1}, {0.3, 0.3, 0.4}, {0.5, 0.4, 0.1}}); }
}  // namespace

BOOST_AUTO_TEST_SUITE(losses_metrics)

BOOST_AUTO_TEST_CASE(sparse_categorical_accuracy_counts) {
    // labels [0, 1, 2, 1] against argmax [0, 1, 2, 0]: 3 of 4 → 0.75
    const Tensor acc = metrics::sparse_categorical_accuracy(tensor({0, 1, 2, 1}, int64), scores());
    BOOST_TEST(acc.rank() == 0u);
    BOOST_TEST((acc.dtype() == float32));
    BOOST_TEST(!acc.requires_grad());
    BOOST_TEST(acc.item() == 0.75);
    // labels [N, 1] as well; all wrong → 0
    BOOST_TEST(metrics::sparse_categorical_accuracy(tensor({{0}, {1}, {2}, {0}}, int64), scores()).item() == 1.0);
    BOOST_TEST(metrics::sparse_categorical_accuracy(tensor({1, 0, 0, 2}, int64), scores()).item() == 0.0);
    // ties: the first largest wins, [0.5, 0.5] predicts class 0
    BOOST_TEST(metrics::sparse_categorical_accuracy(tensor({0}, int64), tensor({{0.5, 0.5}})).item() == 1.0);
    BOOST_TEST(metrics::sparse_categorical_accuracy(tensor({1}, int64), tensor({{0.5, 0.5}})).item() == 0.0);
    // from a tensor that requires grad: nothing recorded
    Tensor logits = scores().requires_grad_();
    BOOST_TEST(!metrics::sparse_categorical_accuracy(tensor({0, 1, 2, 1}, int64), logits).requires_grad());
}

BOOST_AUTO_TEST_CASE(categorical_accuracy_counts) {
    // one-hot classes [0, 2, 2, 1] against argmax [0, 1, 2, 0]: 2 of 4 → 0.5
    const Tensor y = tensor({{1, 0, 0}, {0, 0, 1}, {0, 0, 1}, {0, 1, 0}});
    BOOST_TEST(metrics::categorical_accuracy(y, scores()).item() == 0.5);
    BOOST_TEST(metrics::categorical_accuracy(one_hot(tensor({0, 1, 2, 0}, int64), 3), scores()).item() == 1.0);
}

BOOST_AUTO_TEST_CASE(binary_accuracy_counts) {
    // y_pred > 0.5 → [1, 0, 0, 1] against y_true [1, 0, 1, 0]: 2 of 4 → 0.5 (0.5 itself is not > 0.5)
    const Tensor y = tensor({{1, 0, 1, 0}}), p = tensor({{0.7, 0.4, 0.5, 0.6}});
    BOOST_TEST(metrics::binary_accuracy(y, p).item() == 0.5);
    // threshold 0.45 → [1, 0, 1, 1]: 3 of 4 → 0.75
    BOOST_TEST(metrics::binary_accuracy(y, p, 0.45).item() == 0.75);
    // y_true [N] with y_pred [N, 1]
    BOOST_TEST(metrics::binary_accuracy(tensor({1, 0, 1, 0}), tensor({{0.7}, {0.4}, {0.5}, {0.6}})).item() == 0.5);
    // int64 targets
    BOOST_TEST(metrics::binary_accuracy(tensor({1, 0, 1, 0}, int64), tensor({0.7, 0.4, 0.5, 0.6})).item() == 0.5);
}

BOOST_AUTO_TEST_CASE(metric_errors) {
    CHECK_THROWS_WITH(metrics::sparse_categorical_accuracy(tensor({0, 1, 2, 1}), scores()), DtypeError,
                      "sparse_categorical_accuracy: labels must be int64 class indices, got float32");
    CHECK_THROWS_WITH(metrics::sparse_categorical_accuracy(tensor({0, 1}, int64), scores()), ShapeError,
                      "sparse_categorical_accuracy: labels shape [2] does not match y_pred shape [4,3]");
    CHECK_THROWS_WITH(metrics::categorical_accuracy(tensor({{1, 0}}), scores()), ShapeError,
                      "categorical_accuracy: y_true shape [1,2] and y_pred shape [4,3] differ");
    CHECK_THROWS_WITH(metrics::binary_accuracy(tensor({1, 0}), tensor({0.5, 0.5, 0.5})), ShapeError,
                      "binary_accuracy: y_true shape [2] and y_pred shape [3] differ");
}

BOOST_AUTO_TEST_CASE(metric_value_type_resolves_accuracy) {
    const metrics::Metric acc("accuracy");
    BOOST_TEST(acc.name() == "accuracy");
    // int64 labels [4] vs [4, 3] (lower rank) → sparse: 3 of 4
    BOOST_TEST(acc(tensor({0, 1, 2, 1}, int64), scores()).item() == 0.75);
    // labels [4, 1] → sparse: 4 of 4
    BOOST_TEST(acc(tensor({{0}, {1}, {2}, {0}}, int64), scores()).item() == 1.0);
    // one-hot → categorical: 2 of 4
    BOOST_TEST(acc(tensor({{1, 0, 0}, {0, 0, 1}, {0, 0, 1}, {0, 1, 0}}), scores()).item() == 0.5);
    // y_pred [N, 1] → binary: 2 of 4
    BOOST_TEST(acc(tensor({{1}, {0}, {1}, {0}}), tensor({{0.7}, {0.4}, {0.5}, {0.6}})).item() == 0.5);
    BOOST_TEST(metrics::Metric("acc").name() == "accuracy");
    BOOST_TEST(metrics::Metric(std::string("sparse_categorical_accuracy"))(tensor({0, 1, 2, 1}, int64), scores()).item() ==
               0.75);
    BOOST_TEST(metrics::get_metric("categorical_accuracy").name() == "categorical_accuracy");
    BOOST_TEST(metrics::get_metric("binary_accuracy")(tensor({1.0, 0.0}), tensor({0.9, 0.9})).item() == 0.5);
    // any callable; user metrics by name
    const metrics::Metric custom = [](const Tensor& t, const Tensor& p) { return mean(abs(p - t)); };
    BOOST_TEST(custom.name() == "custom");
    metrics::register_metric("mean_abs", [](const Tensor& t, const Tensor& p) { return mean(abs(p - t)); });
    // |[0.5, −1.5]| → mean 1
    BOOST_TEST(metrics::Metric("mean_abs")(tensor({1, 2}), tensor({1.5, 0.5})).item() == 1.0);
    const auto names = metrics::metric_names();
    BOOST_TEST((std::find(names.begin(), names.end(), "mean_abs") != names.end()));
    CHECK_THROWS_WITH(metrics::Metric("f1_score"), ValueError, "unknown metric 'f1_score' (known: acc, accuracy, ");
}

BOOST_AUTO_TEST_CASE(mean_accumulator) {
    metrics::Mean m;
    BOOST_TEST(m.result() == 0.0);  // nothing seen yet
    // batch means 0.5 and 1.0 over batches of 2 → (0.5·2 + 1·2)/4 = 0.75
    m.update(0.5, 2);
    m.update(1.0, 2);
    BOOST_TEST(m.result() == 0.75);
    BOOST_TEST(m.count() == 4.0);
    // a last batch of 1 with mean 0: (1 + 2 + 0)/5 = 0.6
    m.update(scalar(0.0), 1);
    BOOST_TEST(m.result() == 0.6, tt::tolerance(1e-12));
    m.reset();
    BOOST_TEST(m.result() == 0.0);
    BOOST_TEST(m.count() == 0.0);
    // a tensor counts each element: [1, 2, 3, 6] → 12/4 = 3
    m.update(tensor({1, 2, 3, 6}));
    BOOST_TEST(m.result() == 3.0);
    BOOST_TEST(m.count() == 4.0);
    // accuracies 0.75 (4 samples) and 0.5 (2 samples) → (3 + 1)/6 = 2/3
    metrics::Mean epoch;
    epoch.update(metrics::sparse_categorical_accuracy(tensor({0, 1, 2, 1}, int64), scores()), 4);
    epoch.update(metrics::sparse_categorical_accuracy(tensor({0, 0}, int64), tensor({{0.9, 0.1}, {0.1, 0.9}})), 2);
    BOOST_TEST(epoch.result() == 2.0 / 3, tt::tolerance(1e-12));
    CHECK_THROWS_WITH(m.update(1.0, -1.0), ValueError, "Mean::update: weight must be non-negative");
}

BOOST_AUTO_TEST_CASE(top_k_accuracy_counts_scores_above_the_true_one) {
    // scores rows [0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.5, 0.4, 0.1]; labels [1, 2, 0, 2]:
    //   scores strictly above the true one: 1 (0.7), 1 (0.8), 1 (0.4), 2 (0.5, 0.4)
    //   k = 1: 0 hits; k = 2: rows 0, 1, 2 → 0.75; k = 3 (and Keras' default 5): all → 1
    const Tensor labels = tensor({1, 2, 0, 2}, int64);
    BOOST_TEST(metrics::sparse_top_k_categorical_accuracy(labels, scores(), 1).item() == 0.0);
    BOOST_TEST(metrics::sparse_top_k_categorical_accuracy(labels, scores(), 2).item() == 0.75);
    BOOST_TEST(metrics::sparse_top_k_categorical_accuracy(labels, scores(), 3).item() == 1.0);
    BOOST_TEST(metrics::sparse_top_k_categorical_accuracy(labels, scores()).item() == 1.0);
    BOOST_TEST(metrics::top_k_categorical_accuracy(one_hot(labels, 3), scores(), 2).item() == 0.75);
    BOOST_TEST(metrics::sparse_top_k_categorical_accuracy(tensor({{1}, {2}, {0}, {2}}, int64), scores(), 2).item() == 0.75);
    // ties at the boundary count (TensorFlow's in_top_k): [0.5, 0.5] with k = 1 is a hit for either label
    BOOST_TEST(metrics::sparse_top_k_categorical_accuracy(tensor({1}, int64), tensor({{0.5, 0.5}}), 1).item() == 1.0);
    // a NaN score for the true class ranks last: [NaN, 0.2, 0.1] label 0 → 2 above; k = 2 miss, k = 3 hit
    const Tensor with_nan = tensor({{std::nan(""), 0.2, 0.1}});
    BOOST_TEST(metrics::sparse_top_k_categorical_accuracy(tensor({0}, int64), with_nan, 2).item() == 0.0);
    BOOST_TEST(metrics::sparse_top_k_categorical_accuracy(tensor({0}, int64), with_nan, 3).item() == 1.0);
    // by name with Keras' k = 5, and configured
    BOOST_TEST(metrics::Metric("sparse_top_k_categorical_accuracy")(labels, scores()).item() == 1.0);
    BOOST_TEST(metrics::SparseTopKCategoricalAccuracy(2)(labels, scores()).item() == 0.75);
    BOOST_TEST(metrics::TopKCategoricalAccuracy(1)(one_hot(labels, 3), scores()).item() == 0.0);
    BOOST_TEST(metrics::Metric("top_k_categorical_accuracy").name() == "top_k_categorical_accuracy");
    CHECK_THROWS_WITH(metrics::sparse_top_k_categorical_accuracy(labels, scores(), 0), ValueError,
                      "sparse_top_k_categorical_accuracy: k must be at least 1, got 0");
    CHECK_THROWS_WITH(metrics::TopKCategoricalAccuracy(-2), ValueError, "TopKCategoricalAccuracy: k must be at least 1");
    CHECK_THROWS_WITH(metrics::sparse_top_k_categorical_accuracy(tensor({1, 3, 0, 2}, int64), scores()), IndexError,
                      "sparse_top_k_categorical_accuracy: label 3 at position 1 is out of range for 3 classes");
    CHECK_THROWS_WITH(metrics::sparse_top_k_categorical_accuracy(tensor({1, 2}, int64), scores()), ShapeError,
                      "sparse_top_k_categorical_accuracy: labels shape [2] does not match y_pred shape [4,3]");
    CHECK_THROWS_WITH(metrics::top_k_categorical_accuracy(tensor({{1, 0}}), scores()), ShapeError,
                      "top_k_categorical_accuracy: y_true shape [1,2] and y_pred shape [4,3] differ");
}

BOOST_AUTO_TEST_CASE(precision_and_recall_are_counted_over_batches) {
    // y = [1, 0, 1, 1, 0], p = [0.9, 0.6, 0.4, 0.7, 0.2]; p > 0.5 → [1, 1, 0, 1, 0]
    //   tp = 2 (0.9, 0.7), fp = 1 (0.6), fn = 1 (0.4): precision 2/3, recall 2/3
    const Tensor y = tensor({{1}, {0}, {1}, {1}, {0}}), p = tensor({{0.9}, {0.6}, {0.4}, {0.7}, {0.2}});
    BOOST_TEST(metrics::Precision()(y, p).item() == 2.0 / 3, tt::tolerance(1e-6));
    BOOST_TEST(metrics::Recall()(y, p).item() == 2.0 / 3, tt::tolerance(1e-6));
    // threshold 0.65 → predicted [1, 0, 0, 1, 0]: precision 2/2, recall 2/3
    BOOST_TEST(metrics::Precision(0.65)(y, p).item() == 1.0);
    BOOST_TEST(metrics::Recall(0.65)(y, p).item() == 2.0 / 3, tt::tolerance(1e-6));
    // two batches, [0:2] and [2:5]: batch precisions 1/2 and 1/1 (their size-weighted mean would be 0.8);
    // counted over both batches it is 2/3 again, as Keras' stateful metric
    metrics::MetricState precision(metrics::Metric("precision"));
    precision.update(slice(y, 0, 0, 2), slice(p, 0, 0, 2));
    BOOST_TEST(precision.result() == 0.5);
    precision.update(slice(y, 0, 2, 5), slice(p, 0, 2, 5));
    BOOST_TEST(precision.result() == 2.0 / 3, tt::tolerance(1e-12));
    precision.reset();
    BOOST_TEST(precision.result() == 0.0);  // nothing predicted positive yet
    // nothing positive: 0, not NaN (Keras' divide_no_nan); labels ≠ 0 are positive, int64 works
    BOOST_TEST(metrics::Recall()(tensor({0, 0}, int64), tensor({0.9, 0.1})).item() == 0.0);
    BOOST_TEST(metrics::Precision()(tensor({2, 0}, int64), tensor({0.9, 0.1})).item() == 1.0);
    CHECK_THROWS_WITH(metrics::Precision()(tensor({1, 0}), tensor({0.5, 0.5, 0.5})), ShapeError,
                      "precision: y_true shape [2] and y_pred shape [3] differ");
}

BOOST_AUTO_TEST_CASE(auc_matches_keras_thresholds_and_trapezoids) {
    // y = [0, 0, 1, 1], p = [0.1, 0.4, 0.35, 0.8]; all four fall between different
    // thresholds j/199, so the ROC points are (1,1) → (½,1) → (½,½) → (0,½) → (0,0):
    //   area = ½·1 (fpr 1 → ½ at tpr 1) + ½·½ (fpr ½ → 0 at tpr ½) = 0.75 (the exact AUC)
    const Tensor y = tensor({0, 0, 1, 1}), p = tensor({0.1, 0.4, 0.35, 0.8});
    BOOST_TEST(metrics::AUC()(y, p).item() == 0.75, tt::tolerance(1e-6));
    BOOST_TEST(metrics::Metric("auc")(y, p).item() == 0.75, tt::tolerance(1e-6));
    // Keras' binning: a negative at 0.401 and a positive at 0.402 lie between 79/199 and 80/199,
    // so both flip at the same threshold: points (1,1) → (0,0), one trapezoid ½·(1 + 0) = 0.5 (exact AUC: 1)
    BOOST_TEST(metrics::AUC()(tensor({0, 1}), tensor({0.401, 0.402})).item() == 0.5, tt::tolerance(1e-6));
    // 3 thresholds −ε, 0.5, 1 + ε: p = [0.2 (neg), 0.7 (pos)] → (1,1), (0,1), (0,0): 1·(1 + 1)/2 = 1
    BOOST_TEST(metrics::AUC(3)(tensor({0, 1}), tensor({0.2, 0.7})).item() == 1.0);
    // a perfectly wrong ranking → 0; one class only → 0 (tpr or fpr undefined, divide_no_nan)
    BOOST_TEST(metrics::AUC()(tensor({1, 0}), tensor({0.2, 0.7})).item() == 0.0);
    BOOST_TEST(metrics::AUC()(tensor({0, 0}), tensor({0.2, 0.7})).item() == 0.0);
    // across batches the counts add up: the same 0.75 from two batches of two
    metrics::MetricState auc(metrics::AUC{});
    auc.update(tensor({0, 1}), tensor({0.1, 0.35}));
    BOOST_TEST(auc.result() == 1.0);  // the first batch alone is ranked correctly
    auc.update(tensor({0, 1}), tensor({0.4, 0.8}));
    BOOST_TEST(auc.result() == 0.75, tt::tolerance(1e-12));
    BOOST_TEST(metrics::AUC().state_size() == 800u);
    CHECK_THROWS_WITH(metrics::AUC(1), ValueError, "AUC: num_thresholds must be greater than 1, got 1");
}

BOOST_AUTO_TEST_CASE(mean_absolute_error_metric) {
    // |e| rows [0.5, 1.5] and [1, 0] → per sample [1, 0.5] → 0.75; by both names
    const Tensor t = tensor({{1, 2}, {0, 0}}), p = tensor({{1.5, 0.5}, {1, 0}});
    BOOST_TEST(metrics::mean_absolute_error(t, p).item() == 0.75);
    BOOST_TEST(metrics::Metric("mae").name() == "mean_absolute_error");
    BOOST_TEST(metrics::Metric("mean_absolute_error")(t, p).item() == 0.75);
    // a batch-mean metric accumulates value·batch size: (0.75·2 + 0·1)/3 = 0.5
    metrics::MetricState mae(metrics::Metric("mae"));
    mae.update(t, p);
    mae.update(tensor({{3, 3}}), tensor({{3, 3}}));
    BOOST_TEST(mae.result() == 0.5);
    BOOST_TEST(metrics::Metric("mae").state_size() == 2u);
    std::vector<double> wrong(3);
    CHECK_THROWS_WITH(metrics::Metric("mae").accumulate(wrong, t, p, 2), ValueError,
                      "metric 'mean_absolute_error': accumulate needs 2 totals, got 3");
}

BOOST_AUTO_TEST_SUITE_END()
