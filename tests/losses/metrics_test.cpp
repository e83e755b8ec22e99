#include "../test_helpers.hpp"

#include <algorithm>

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
    CHECK_THROWS_WITH(metrics::Metric("precision"), ValueError, "unknown metric 'precision' (known: acc, accuracy, ");
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

BOOST_AUTO_TEST_SUITE_END()
