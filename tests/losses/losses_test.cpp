#include "../test_helpers.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace xgrad;
using xgrad_test::values;
using Fn = std::vector<Tensor>;
using losses::Reduction;
namespace tt = boost::test_tools;

/// Per-element comparison of a tensor's values with a list, relative tolerance `tol`.
#define CHECK_VALUES(t, tol, ...) \
    BOOST_TEST(values(t) == std::vector<double>(__VA_ARGS__), tt::tolerance(static_cast<double>(tol)) << tt::per_element())

namespace {
/// −log ε = 7·ln 10: the loss of a probability clipped at ε = 1e-7.
const double neg_log_eps = -std::log(1e-7);  // 16.11809565095832
const double lse123 = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));  // 3.40760596444438

Tensor f64(const NestedList& v) { return tensor(v, float64); }

// Shared regression example: e = y_pred − y_true = [[1, 0, −2], [0, 1, 3]].
Tensor reg_true() { return f64({{0, 1, 2}, {1, 1, 1}}); }
Tensor reg_pred() { return f64({{1, 1, 0}, {1, 2, 4}}); }
}  // namespace

BOOST_AUTO_TEST_SUITE(losses_losses)


BOOST_AUTO_TEST_CASE(mse_values_and_reductions) {
    // e² = [[1, 0, 4], [0, 1, 9]] → per sample [5/3, 10/3]; mean 2.5, sum 5
    CHECK_VALUES(losses::mean_squared_error(reg_true(), reg_pred(), Reduction::none), 1e-12, {5.0 / 3, 10.0 / 3});
    BOOST_TEST(losses::mean_squared_error(reg_true(), reg_pred()).item() == 2.5, tt::tolerance(1e-12));
    BOOST_TEST(losses::mean_squared_error(reg_true(), reg_pred(), Reduction::sum).item() == 5.0, tt::tolerance(1e-12));
    const Tensor m = losses::mean_squared_error(reg_true(), reg_pred());
    BOOST_TEST(m.rank() == 0u);
    BOOST_TEST((losses::mean_squared_error(reg_true(), reg_pred(), Reduction::none).shape() == Shape{2}));
    // float32 in, float32 out, same numbers
    const Tensor m32 = losses::mean_squared_error(reg_true().to(float32), reg_pred().to(float32));
    BOOST_TEST((m32.dtype() == float32));
    BOOST_TEST(m32.item() == 2.5, tt::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(mae_values_and_reductions) {
    // |e| = [[1, 0, 2], [0, 1, 3]] → per sample [1, 4/3]; mean 7/6, sum 7/3
    CHECK_VALUES(losses::mean_absolute_error(reg_true(), reg_pred(), Reduction::none), 1e-12, {1.0, 4.0 / 3});
    BOOST_TEST(losses::mean_absolute_error(reg_true(), reg_pred()).item() == 7.0 / 6, tt::tolerance(1e-12));
    BOOST_TEST(losses::mean_absolute_error(reg_true(), reg_pred(), Reduction::sum).item() == 7.0 / 3, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(huber_values_and_reductions) {
    // δ = 1: |e| ≤ 1 → ½e², else |e| − ½:
    //   row 0: e = 1, 0, −2 → 0.5, 0, 1.5 → 2/3;   row 1: e = 0, 1, 3 → 0, 0.5, 2.5 → 1
    CHECK_VALUES(losses::huber(reg_true(), reg_pred(), 1.0, Reduction::none), 1e-12, {2.0 / 3, 1.0});
    BOOST_TEST(losses::huber(reg_true(), reg_pred()).item() == 5.0 / 6, tt::tolerance(1e-12));
    BOOST_TEST(losses::huber(reg_true(), reg_pred(), 1.0, Reduction::sum).item() == 5.0 / 3, tt::tolerance(1e-12));
    // δ = 2: e = 2 is still quadratic (½·4 = 2); e = 3 → 2·3 − ½·4 = 4
    //   row 0: 0.5, 0, 2 → 2.5/3;   row 1: 0, 0.5, 4 → 4.5/3
    CHECK_VALUES(losses::huber(reg_true(), reg_pred(), 2.0, Reduction::none), 1e-12, {2.5 / 3, 4.5 / 3});
    CHECK_THROWS_WITH(losses::huber(reg_true(), reg_pred(), 0.0), ValueError, "huber: delta must be positive");
    CHECK_THROWS_WITH(losses::Huber(-1.0), ValueError, "Huber: delta must be positive");
}

BOOST_AUTO_TEST_CASE(keras_rank_fix_and_shape_errors) {
    // y_true [3] against y_pred [3, 1] is [3, 1] (no broadcasting to [3, 3]):
    // e² = [1, 4, 0] → per sample [1, 4, 0]; mean 5/3
    const Tensor t = f64({1, 2, 3}), p = f64({{2}, {4}, {3}});
    CHECK_VALUES(losses::mean_squared_error(t, p, Reduction::none), 1e-12, {1, 4, 0});
    CHECK_VALUES(losses::mean_squared_error(p, t, Reduction::none), 1e-12, {1, 4, 0});
    BOOST_TEST(losses::mean_squared_error(t, p).item() == 5.0 / 3, tt::tolerance(1e-12));
    // [2, 3, 1] against [2, 3]: the trailing 1 is squeezed
    BOOST_TEST((losses::mean_squared_error(reshape(reg_true(), {2, 3, 1}), reg_pred(), Reduction::none).shape() == Shape{2}));
    CHECK_THROWS_WITH(losses::mean_squared_error(reg_true(), zeros({2, 4}, float64)), ShapeError,
                      "mean_squared_error: y_true shape [2,3] and y_pred shape [2,4] differ");
    CHECK_THROWS_WITH(losses::mean_absolute_error(f64({1, 2}), f64({{1, 2}, {3, 4}})), ShapeError,
                      "mean_absolute_error: y_true shape [2] and y_pred shape [2,2] differ");
    CHECK_THROWS_WITH(losses::mean_squared_error(reg_true(), arange(6).reshape({2, 3})), DtypeError,
                      "mean_squared_error: y_pred must be float32 or float64, got int64");
    CHECK_THROWS_WITH(losses::binary_crossentropy(scalar(1.0), scalar(0.5)), ShapeError,
                      "binary_crossentropy: y_pred must have at least one axis");
    // int64 targets are converted to y_pred's dtype: e² = [1, 0] → 0.5
    BOOST_TEST(losses::mean_squared_error(tensor({{0, 1}}, int64), f64({{1, 1}})).item() == 0.5);
}

BOOST_AUTO_TEST_CASE(binary_crossentropy_probabilities) {
    // row 0: y = [0, 1, 1], p = [0.1, 0.8, 0.6] → (−log 0.9 − log 0.8 − log 0.6)/3
    //        = (0.1053605 + 0.2231436 + 0.5108256)/3 = 0.2797766
    // row 1: y = [1, 0, 0], p = [0.5, 0.25, 0] → (−log 0.5 − log 0.75 − log(1 − ε))/3
    //        = (0.6931472 + 0.2876821 + 1e-7)/3 = 0.3269431   (p = 0 clipped to ε)
    const Tensor y = f64({{0, 1, 1}, {1, 0, 0}}), p = f64({{0.1, 0.8, 0.6}, {0.5, 0.25, 0.0}});
    const double r0 = -(std::log(0.9) + std::log(0.8) + std::log(0.6)) / 3;
    const double r1 = -(std::log(0.5) + std::log(0.75) + std::log(1 - 1e-7)) / 3;
    CHECK_VALUES(losses::binary_crossentropy(y, p, false, Reduction::none), 1e-12, {r0, r1});
    BOOST_TEST(losses::binary_crossentropy(y, p).item() == (r0 + r1) / 2, tt::tolerance(1e-12));
    BOOST_TEST(losses::binary_crossentropy(y, p, false, Reduction::sum).item() == r0 + r1, tt::tolerance(1e-12));
    // a confidently wrong prediction costs −log ε ≈ 16.118 (PyTorch's BCELoss: 100)
    CHECK_VALUES(losses::binary_crossentropy(f64({{1, 0}}), f64({{0, 1}}), false, Reduction::none), 1e-9,
                 {neg_log_eps});
}

BOOST_AUTO_TEST_CASE(binary_crossentropy_logits) {
    // softplus(z) − z·y: z = [−2, 0.5, 3], y = [0, 1, 1] →
    //   log(1 + e^−2) = 0.1269280, log(1 + e^−0.5) = 0.4740770, log(1 + e^−3) = 0.0485874 → mean 0.2165308
    const Tensor y = f64({{0, 1, 1}}), z = f64({{-2, 0.5, 3}});
    const double expected = (std::log1p(std::exp(-2.0)) + std::log1p(std::exp(-0.5)) + std::log1p(std::exp(-3.0))) / 3;
    BOOST_TEST(losses::binary_crossentropy(y, z, true).item() == expected, tt::tolerance(1e-12));
    // from_logits agrees with the probability form on σ(z) (no clipping in play), soft labels too
    const Tensor ys = f64({{0, 1, 0.3}, {1, 0.2, 0}}), zs = f64({{-2, 0.5, 3}, {1, -1, 0}});
    BOOST_TEST(xgrad_test::allclose(losses::binary_crossentropy(ys, zs, true, Reduction::none),
                                    losses::binary_crossentropy(ys, sigmoid(zs), false, Reduction::none), 1e-9, 1e-12));
}

BOOST_AUTO_TEST_CASE(binary_crossentropy_logits_stable_and_exact_gradient_at_zero) {
    for (Dtype d : {float32, float64}) {
        // z = [1e4, −1e4, 1e4], y = [1, 0, 0] → [1e4 − 1e4, 0, 1e4] = [0, 0, 1e4] → mean 1e4/3
        Tensor z = tensor({{1e4, -1e4, 1e4}}, d).requires_grad_();
        const Tensor l = losses::binary_crossentropy(tensor({{1, 0, 0}}, d), z, true);
        BOOST_TEST(l.item() == 1e4 / 3, tt::tolerance(1e-6));
        l.backward();
        // d/dz = (σ(z) − y)/3 = [0, 0, 1/3], finite
        CHECK_VALUES(z.grad(), 1e-6, {0, 0, 1.0 / 3});
    }
    // at z = 0 the derivative is σ(0) − y = 0.5 − y (a relu/abs composition would give −y):
    // y = [1, 0] → [−0.5, 0.5]/2
    Tensor z0 = zeros({1, 2}, float64).requires_grad_();
    losses::binary_crossentropy(f64({{1, 0}}), z0, true).backward();
    CHECK_VALUES(z0.grad(), 1e-12, {-0.25, 0.25});
}

BOOST_AUTO_TEST_CASE(categorical_crossentropy_values) {
    // y one-hot, p rows [0.2, 0.5, 0.3] (class 1) and [0.1, 0.6, 0.3] (class 2):
    // per sample [−log 0.5, −log 0.3] = [0.6931472, 1.2039728]; mean 0.9485600, sum 1.8971200
    const Tensor y = f64({{0, 1, 0}, {0, 0, 1}}), p = f64({{0.2, 0.5, 0.3}, {0.1, 0.6, 0.3}});
    CHECK_VALUES(losses::categorical_crossentropy(y, p, false, Reduction::none), 1e-12, {-std::log(0.5), -std::log(0.3)});
    BOOST_TEST(losses::categorical_crossentropy(y, p).item() == -(std::log(0.5) + std::log(0.3)) / 2, tt::tolerance(1e-12));
    BOOST_TEST(losses::categorical_crossentropy(y, p, false, Reduction::sum).item() == -(std::log(0.5) + std::log(0.3)),
               tt::tolerance(1e-12));
    // unnormalized scores are normalized first: [2, 5, 3] / 10 → −log 0.5
    CHECK_VALUES(losses::categorical_crossentropy(f64({{0, 1, 0}}), f64({{2, 5, 3}}), false, Reduction::none), 1e-12,
                 {-std::log(0.5)});
    // p = 0 for the true class is clipped to ε: −log ε
    CHECK_VALUES(losses::categorical_crossentropy(f64({{0, 1, 0}}), f64({{1, 0, 0}}), false, Reduction::none), 1e-9,
                 {neg_log_eps});
    // logits [1, 2, 3]: −log_softmax = lse − z, lse = log(e + e² + e³) = 3.4076060
    //   class 2 → 0.4076060, class 0 → 2.4076060
    const Tensor z = f64({{1, 2, 3}, {1, 2, 3}});
    CHECK_VALUES(losses::categorical_crossentropy(f64({{0, 0, 1}, {1, 0, 0}}), z, true, Reduction::none), 1e-12,
                 {lse123 - 3, lse123 - 1});
    CHECK_THROWS_WITH(losses::categorical_crossentropy(f64({1, 2}), p), ShapeError,
                      "categorical_crossentropy: y_true shape [2] and y_pred shape [2,3] differ");
}

BOOST_AUTO_TEST_CASE(categorical_crossentropy_logits_agree_and_stable) {
    manual_seed(21);
    const Tensor z = randn({4, 5}, float64);
    const Tensor y = softmax(randn({4, 5}, float64));  // soft targets
    BOOST_TEST(xgrad_test::allclose(losses::categorical_crossentropy(y, z, true, Reduction::none),
                                    losses::categorical_crossentropy(y, softmax(z), false, Reduction::none), 1e-9, 1e-12));
    for (Dtype d : {float32, float64}) {
        // z = [1e4, 0, −1e4]: log_softmax = [0, −1e4, −2e4] exactly
        //   class 0 → 0, class 1 → 1e4, soft [½, ½, 0] → ½·0 + ½·1e4 = 5000
        const Tensor zz = tensor({{1e4, 0, -1e4}, {1e4, 0, -1e4}, {1e4, 0, -1e4}}, d);
        const Tensor yy = tensor({{1, 0, 0}, {0, 1, 0}, {0.5, 0.5, 0}}, d);
        const Tensor l = losses::categorical_crossentropy(yy, zz, true, Reduction::none);
        BOOST_TEST(values(l) == std::vector<double>({0, 1e4, 5000}), tt::per_element());
    }
}

BOOST_AUTO_TEST_CASE(sparse_categorical_crossentropy_values) {
    // same example as categorical: labels [1, 2] → [−log 0.5, −log 0.3]
    const Tensor p = f64({{0.2, 0.5, 0.3}, {0.1, 0.6, 0.3}});
    const Tensor labels = tensor({1, 2}, int64);
    CHECK_VALUES(losses::sparse_categorical_crossentropy(labels, p, false, Reduction::none), 1e-12,
                 {-std::log(0.5), -std::log(0.3)});
    BOOST_TEST(losses::sparse_categorical_crossentropy(labels, p).item() == -(std::log(0.5) + std::log(0.3)) / 2,
               tt::tolerance(1e-12));
    BOOST_TEST(losses::sparse_categorical_crossentropy(labels, p, false, Reduction::sum).item() ==
                   -(std::log(0.5) + std::log(0.3)), tt::tolerance(1e-12));
    // labels [N, 1] work the same
    CHECK_VALUES(losses::sparse_categorical_crossentropy(tensor({{1}, {2}}, int64), p, false, Reduction::none), 1e-12,
                 {-std::log(0.5), -std::log(0.3)});
    // clipping: p = 0 for the label → −log ε
    CHECK_VALUES(losses::sparse_categorical_crossentropy(tensor({1}, int64), f64({{1, 0, 0}}), false, Reduction::none),
                 1e-9, {neg_log_eps});
    // logits [1, 2, 3]: label 2 → lse − 3 = 0.4076060, label 0 → lse − 1 = 2.4076060 (PyTorch CrossEntropyLoss)
    const Tensor z = f64({{1, 2, 3}, {1, 2, 3}});
    CHECK_VALUES(losses::sparse_categorical_crossentropy(tensor({2, 0}, int64), z, true, Reduction::none), 1e-12,
                 {lse123 - 3, lse123 - 1});
    // agrees with categorical on one_hot(labels), both paths
    manual_seed(22);
    const Tensor zr = randn({5, 4}, float64);
    const Tensor lr = randint({5}, 0, 4);
    for (bool logits : {true, false}) {
        const Tensor pred = logits ? zr : softmax(zr);
        BOOST_TEST(xgrad_test::allclose(
            losses::sparse_categorical_crossentropy(lr, pred, logits, Reduction::none),
            losses::categorical_crossentropy(one_hot(lr, 4, float64), pred, logits, Reduction::none), 1e-12, 1e-14));
    }
}

BOOST_AUTO_TEST_CASE(sparse_categorical_crossentropy_stable_logits) {
    for (Dtype d : {float32, float64}) {
        // z = [1e4, 0, −1e4]: label 0 → 0, label 1 → 1e4, label 2 → 2e4, all exact
        Tensor z = tensor({{1e4, 0, -1e4}, {1e4, 0, -1e4}, {1e4, 0, -1e4}}, d).requires_grad_();
        const Tensor l = losses::sparse_categorical_crossentropy(tensor({0, 1, 2}, int64), z, true, Reduction::none);
        BOOST_TEST(values(l) == std::vector<double>({0, 1e4, 2e4}), tt::per_element());
        l.sum().backward();
        // d/dz = softmax(z) − one_hot = [1, 0, 0] − one_hot: rows [0,0,0], [1,−1,0], [1,0,−1]
        BOOST_TEST(values(z.grad()) == std::vector<double>({0, 0, 0, 1, -1, 0, 1, 0, -1}), tt::per_element());
    }
}

// NaN in, NaN out: a non-finite logit or probability makes the sample's loss
// NaN (PyTorch's rule), whichever class is the label; finite samples are exact.
BOOST_AUTO_TEST_CASE(crossentropy_of_non_finite_inputs_is_nan) {
    const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
    const Tensor logits = f64({{1, 2, inf}, {1, nan, 0}, {1, 2, 3}});
    for (std::int64_t label : {0, 2}) {
        BOOST_TEST_CONTEXT("label " << label) {
            const Tensor labels = from_vector(std::vector<std::int64_t>{label, label, 2}, {3});
            const std::vector<double> sparse =
                values(losses::sparse_categorical_crossentropy(labels, logits, true, Reduction::none));
            const std::vector<double> dense = values(
                losses::categorical_crossentropy(one_hot(labels, 3).to(float64), logits, true, Reduction::none));
            for (const auto& v : {sparse, dense}) {
                BOOST_TEST(std::isnan(v[0]));
                BOOST_TEST(std::isnan(v[1]));
                BOOST_TEST(v[2] == lse123 - 3, tt::tolerance(1e-12));
            }
            BOOST_TEST(std::isnan(losses::sparse_categorical_crossentropy(labels, logits, true).item()));
        }
    }
    // probabilities: a NaN survives the clip to [ε, 1 − ε]
    const std::vector<double> probs = values(losses::sparse_categorical_crossentropy(
        tensor({0, 1}, int64), f64({{nan, 0.5, 0.5}, {0.2, 0.8, 0.0}}), false, Reduction::none));
    BOOST_TEST(std::isnan(probs[0]));
    BOOST_TEST(probs[1] == -std::log(0.8), tt::tolerance(1e-12));
    BOOST_TEST(std::isnan(losses::binary_crossentropy(f64({{1}}), f64({{nan}}), true).item()));
    BOOST_TEST(std::isnan(losses::binary_crossentropy(f64({{1}}), f64({{nan}}), false).item()));
}

BOOST_AUTO_TEST_CASE(sparse_categorical_crossentropy_gradient_by_hand) {
    // mean over N = 2 rows of logits [1, 2, 3]; d/dz = (softmax(z) − one_hot(label))/2,
    // softmax([1,2,3]) = [0.0900306, 0.2447285, 0.6652410]
    Tensor z = f64({{1, 2, 3}, {1, 2, 3}}).requires_grad_();
    losses::sparse_categorical_crossentropy(tensor({2, 0}, int64), z, true).backward();
    const double s0 = std::exp(1 - lse123), s1 = std::exp(2 - lse123), s2 = std::exp(3 - lse123);
    CHECK_VALUES(z.grad(), 1e-12, {s0 / 2, s1 / 2, (s2 - 1) / 2, (s0 - 1) / 2, s1 / 2, s2 / 2});
}

BOOST_AUTO_TEST_CASE(sparse_categorical_crossentropy_errors) {
    const Tensor p = f64({{0.2, 0.5, 0.3}, {0.1, 0.6, 0.3}});
    CHECK_THROWS_WITH(losses::sparse_categorical_crossentropy(tensor({1, 2}), p), DtypeError,
                      "sparse_categorical_crossentropy: labels must be int64 class indices, got float32");
    CHECK_THROWS_WITH(losses::sparse_categorical_crossentropy(tensor({1, 3}, int64), p), IndexError,
                      "sparse_categorical_crossentropy: label 3 at position 1 is out of range for 3 classes");
    CHECK_THROWS_WITH(losses::sparse_categorical_crossentropy(tensor({-1, 0}, int64), p, true), IndexError,
                      "label -1 at position 0 is out of range for 3 classes");
    CHECK_THROWS_WITH(losses::sparse_categorical_crossentropy(tensor({1, 2, 0}, int64), p), ShapeError,
                      "sparse_categorical_crossentropy: labels shape [3] does not match y_pred shape [2,3] "
                      "(expected labels [2] or [2,1])");
    CHECK_THROWS_WITH(losses::sparse_categorical_crossentropy(tensor({1, 2}, int64), tensor({{1, 2}, {3, 4}}, int64)),
                      DtypeError, "sparse_categorical_crossentropy: y_pred must be float32 or float64, got int64");
}

BOOST_AUTO_TEST_CASE(loss_value_type_and_registry) {
    const losses::Loss mse("mse");
    BOOST_TEST(mse.name() == "mean_squared_error");
    BOOST_TEST(mse(reg_true(), reg_pred()).item() == 2.5, tt::tolerance(1e-12));
    BOOST_TEST(losses::Loss(std::string("mae"))(reg_true(), reg_pred()).item() == 7.0 / 6, tt::tolerance(1e-12));
    BOOST_TEST(losses::get_loss("huber")(reg_true(), reg_pred()).item() == 5.0 / 6, tt::tolerance(1e-12));
    BOOST_TEST(losses::get_loss("bce").name() == "binary_crossentropy");
    const Tensor p = f64({{0.2, 0.5, 0.3}, {0.1, 0.6, 0.3}});
    const double cce = -(std::log(0.5) + std::log(0.3)) / 2;
    BOOST_TEST(losses::Loss("categorical_crossentropy")(f64({{0, 1, 0}, {0, 0, 1}}), p).item() == cce, tt::tolerance(1e-12));
    BOOST_TEST(losses::Loss("sparse_categorical_crossentropy")(tensor({1, 2}, int64), p).item() == cce,
               tt::tolerance(1e-12));
    // configured, Keras style: SparseCategoricalCrossentropy(from_logits=True)
    const losses::Loss scce = losses::SparseCategoricalCrossentropy(true);
    BOOST_TEST(scce.name() == "sparse_categorical_crossentropy");
    losses::Loss mutable_loss("mse");
    const losses::Loss copied = mutable_loss;  // a copy, not a "custom" wrapper
    BOOST_TEST(copied.name() == "mean_squared_error");
    BOOST_TEST(scce(tensor({2}, int64), f64({{1, 2, 3}})).item() == lse123 - 3, tt::tolerance(1e-12));
    BOOST_TEST(losses::MeanSquaredError(Reduction::sum)(reg_true(), reg_pred()).item() == 5.0, tt::tolerance(1e-12));
    BOOST_TEST(losses::Huber(2.0)(reg_true(), reg_pred()).item() == 7.0 / 6, tt::tolerance(1e-12));
    BOOST_TEST(losses::BinaryCrossentropy(true)(f64({{0}}), f64({{0}})).item() == std::log(2.0), tt::tolerance(1e-12));
    BOOST_TEST(losses::CategoricalCrossentropy(true)(f64({{0, 0, 1}}), f64({{1, 2, 3}})).item() == lse123 - 3,
               tt::tolerance(1e-12));
    BOOST_TEST(losses::MeanAbsoluteError(Reduction::none)(reg_true(), reg_pred()).rank() == 1u);
    // any callable; user losses by name
    const losses::Loss custom = [](const Tensor& t, const Tensor& p2) { return sum(abs(p2 - t)); };
    BOOST_TEST(custom.name() == "custom");
    BOOST_TEST(custom(reg_true(), reg_pred()).item() == 7.0);  // Σ|e| = 3 + 4
    losses::register_loss("sum_abs_error", [](const Tensor& t, const Tensor& p2) { return sum(abs(p2 - t)); });
    const losses::Loss user("sum_abs_error");
    BOOST_TEST(user.name() == "sum_abs_error");
    BOOST_TEST(user(reg_true(), reg_pred()).item() == 7.0);
    const auto names = losses::loss_names();
    BOOST_TEST((std::find(names.begin(), names.end(), "sum_abs_error") != names.end()));
    BOOST_TEST((std::find(names.begin(), names.end(), "sparse_categorical_crossentropy") != names.end()));
    CHECK_THROWS_WITH(losses::Loss("cross_entropy"), ValueError, "unknown loss 'cross_entropy' (known: bce, ");
    CHECK_THROWS_WITH(losses::get_loss("nope"), ValueError, "sparse_categorical_crossentropy");
    BOOST_TEST(losses::reduction_name(Reduction::mean) == "mean");
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    manual_seed(31);
    const Tensor t = randn({3, 4}, float64), p = randn({3, 4}, float64);
    const Tensor prob_t = bernoulli({3, 4}, 0.5, float64), prob_p = uniform({3, 4}, 0.05, 0.95, float64);
    const Tensor onehot = one_hot(randint({3}, 0, 4), 4, float64), scores = uniform({3, 4}, 0.1, 1.0, float64);
    const Tensor labels = randint({3}, 0, 4);
    for (Reduction r : {Reduction::mean, Reduction::sum, Reduction::none}) {
        CHECK_GRADCHECK("mean_squared_error", [&](const Fn& v) { return losses::mean_squared_error(t, v[0], r); }, {p});
        CHECK_GRADCHECK("mean_absolute_error", [&](const Fn& v) { return losses::mean_absolute_error(t, v[0], r); }, {p});
        CHECK_GRADCHECK("huber", [&](const Fn& v) { return losses::huber(t, v[0], 1.0, r); }, {p});
        CHECK_GRADCHECK("binary_crossentropy",
                        [&](const Fn& v) { return losses::binary_crossentropy(prob_t, v[0], false, r); }, {prob_p});
        CHECK_GRADCHECK("binary_crossentropy",
                        [&](const Fn& v) { return losses::binary_crossentropy(prob_t, v[0], true, r); }, {p});
        CHECK_GRADCHECK("categorical_crossentropy",
                        [&](const Fn& v) { return losses::categorical_crossentropy(onehot, v[0], false, r); }, {scores});
        CHECK_GRADCHECK("categorical_crossentropy",
                        [&](const Fn& v) { return losses::categorical_crossentropy(onehot, v[0], true, r); }, {p});
        CHECK_GRADCHECK("sparse_categorical_crossentropy",
                        [&](const Fn& v) { return losses::sparse_categorical_crossentropy(labels, v[0], false, r); },
                        {scores});
        CHECK_GRADCHECK("sparse_categorical_crossentropy",
                        [&](const Fn& v) { return losses::sparse_categorical_crossentropy(labels, v[0], true, r); }, {p});
    }
    // with respect to y_true too (regression targets are differentiable)
    CHECK_GRADCHECK("mean_squared_error", [](const Fn& v) { return losses::mean_squared_error(v[0], v[1]); }, {t, p});
}

BOOST_AUTO_TEST_CASE(second_order) {
    manual_seed(32);
    const Tensor labels = randint({3}, 0, 4);
    const Tensor y = softmax(randn({3, 4}, float64));
    CHECK_GRADGRADCHECK("sparse_categorical_crossentropy",
                        [&](const Fn& v) { return losses::sparse_categorical_crossentropy(labels, v[0], true); },
                        {randn({3, 4}, float64)});
    CHECK_GRADGRADCHECK("categorical_crossentropy",
                        [&](const Fn& v) { return losses::categorical_crossentropy(y, v[0], false); },
                        {uniform({3, 4}, 0.1, 1.0, float64)});
    CHECK_GRADGRADCHECK("binary_crossentropy",
                        [&](const Fn& v) { return losses::binary_crossentropy(y, v[0], true); }, {randn({3, 4}, float64)});
}

BOOST_AUTO_TEST_CASE(log_cosh_values_reductions_and_stability) {
    // e = [[1, 0, −2], [0, 1, 3]], log cosh: 1 → 0.4337808, 2 → 1.3250027, 3 → 2.3093285
    //   row 0: (0.4337808 + 0 + 1.3250027)/3 = 0.5862612;  row 1: (0 + 0.4337808 + 2.3093285)/3 = 0.9143698
    const auto lc = [](double x) { return std::log(std::cosh(x)); };
    const double r0 = (lc(1) + lc(2)) / 3, r1 = (lc(1) + lc(3)) / 3;
    CHECK_VALUES(losses::log_cosh(reg_true(), reg_pred(), Reduction::none), 1e-12, {r0, r1});
    BOOST_TEST(losses::log_cosh(reg_true(), reg_pred()).item() == (r0 + r1) / 2, tt::tolerance(1e-12));
    BOOST_TEST(losses::log_cosh(reg_true(), reg_pred(), Reduction::sum).item() == r0 + r1, tt::tolerance(1e-12));
    for (Dtype d : {float32, float64}) {
        // |x| = 1e4: cosh overflows, x + softplus(−2x) − log 2 = |x| − log 2 exactly
        Tensor p = tensor({{1e4, -1e4}}, d).requires_grad_();
        const Tensor l = losses::log_cosh(zeros({1, 2}, d), p);
        BOOST_TEST(l.item() == 1e4 - std::log(2.0), tt::tolerance(1e-6));
        l.backward();
        // d/dp = tanh(p)/2 = [0.5, −0.5]
        CHECK_VALUES(p.grad(), 1e-6, {0.5, -0.5});
    }
}

BOOST_AUTO_TEST_CASE(poisson_values_and_reductions) {
    // y = [[1, 2], [0, 3]], p = [[1, 4], [2, 3]]:
    //   row 0: (1 − 1·log(1 + ε) + 4 − 2·log(4 + ε))/2 = 1.1137056
    //   row 1: (2 − 0 + 3 − 3·log(3 + ε))/2 = 0.8520817
    const Tensor y = f64({{1, 2}, {0, 3}}), p = f64({{1, 4}, {2, 3}});
    const double r0 = (1 - std::log(1 + 1e-7) + 4 - 2 * std::log(4 + 1e-7)) / 2;
    const double r1 = (2 + 3 - 3 * std::log(3 + 1e-7)) / 2;
    CHECK_VALUES(losses::poisson(y, p, Reduction::none), 1e-12, {r0, r1});
    BOOST_TEST(losses::poisson(y, p).item() == (r0 + r1) / 2, tt::tolerance(1e-12));
    BOOST_TEST(losses::poisson(y, p, Reduction::sum).item() == r0 + r1, tt::tolerance(1e-12));
    // a zero rate: log(0 + ε), finite: (0 − 1·log ε)/1 = 16.118
    CHECK_VALUES(losses::poisson(f64({{1}}), f64({{0}}), Reduction::none), 1e-9, {neg_log_eps});
}

BOOST_AUTO_TEST_CASE(kl_divergence_values_and_clipping) {
    // row 0: t = [0.2, 0.8], p = [0.4, 0.6]: 0.2·log(0.5) + 0.8·log(4/3) = −0.1386294 + 0.2301463 = 0.0915162
    // row 1: t = p → 0
    const Tensor t = f64({{0.2, 0.8}, {0.5, 0.5}}), p = f64({{0.4, 0.6}, {0.5, 0.5}});
    const double r0 = 0.2 * std::log(0.5) + 0.8 * std::log(0.8 / 0.6);
    CHECK_VALUES(losses::kl_divergence(t, p, Reduction::none), 1e-12, {r0, 0.0});
    BOOST_TEST(losses::kl_divergence(t, p).item() == r0 / 2, tt::tolerance(1e-12));
    BOOST_TEST(losses::kl_divergence(t, p, Reduction::sum).item() == r0, tt::tolerance(1e-12));
    // a zero target is clipped to ε: ε·log(ε/0.5) + 1·log(1/0.5) = 0.6931456 (not NaN);
    // a zero prediction is clipped to ε too: 1·log(1/ε) = 16.118
    CHECK_VALUES(losses::kl_divergence(f64({{0, 1}, {1, 0}}), f64({{0.5, 0.5}, {0, 1}}), Reduction::none), 1e-9,
                 {1e-7 * std::log(1e-7 / 0.5) + std::log(2.0), neg_log_eps + 1e-7 * std::log(1e-7)});
}

BOOST_AUTO_TEST_CASE(cosine_similarity_keras_sign) {
    // Keras' example: t = [[0, 1], [1, 1], [1, 1]], p = [[1, 0], [1, 1], [−1, −1]]
    //   → −cos = [−0, −1, 1]; mean 0, sum 0
    const Tensor t = f64({{0, 1}, {1, 1}, {1, 1}}), p = f64({{1, 0}, {1, 1}, {-1, -1}});
    CHECK_VALUES(losses::cosine_similarity(t, p, -1, Reduction::none) + 2.0, 1e-12, {2, 1, 3});
    BOOST_TEST(losses::cosine_similarity(t, p).item() == 0.0, tt::tolerance(1e-12));
    // [3, 4] against [4, 3]: −(12 + 12)/25 = −0.96
    BOOST_TEST(losses::cosine_similarity(f64({{3, 4}}), f64({{4, 3}})).item() == -0.96, tt::tolerance(1e-12));
    // a zero vector gives 0 and a finite gradient (x / max(‖x‖, ε))
    Tensor z = zeros({1, 2}, float64).requires_grad_();
    const Tensor l = losses::cosine_similarity(f64({{1, 0}}), z);
    BOOST_TEST(l.item() == 0.0);
    l.backward();
    // d/dz of −z₀/ε where ‖z‖ < ε: [−1/ε, 0]
    CHECK_VALUES(z.grad(), 1e-9, {-1e7, 0});
    // axis 0: columns [0, 1, 1]·[1, 1, −1]/(√2·√3) = 0, [1, 1, 1]·[0, 1, −1]/(√3·√2) = 0
    CHECK_VALUES(losses::cosine_similarity(t, p, 0, Reduction::none) + 1.0, 1e-12, {1, 1});
    CHECK_THROWS_WITH(losses::cosine_similarity(t, p, 2), IndexError,
                      "cosine_similarity: axis 2 is out of range for shape [3,2] (rank 2)");
    CHECK_THROWS_WITH(losses::cosine_similarity(t, f64({{1, 2, 3}})), ShapeError,
                      "cosine_similarity: y_true shape [3,2] and y_pred shape [1,3] differ");
}

BOOST_AUTO_TEST_CASE(hinge_and_squared_hinge) {
    // Keras' example: y = [[0, 1], [0, 0]] → 0/1 labels become [[−1, 1], [−1, −1]];
    // p = [[0.6, 0.4], [0.4, 0.6]]: margins max(1 − y·p, 0) = [[1.6, 0.6], [1.4, 1.6]]
    //   hinge per sample [1.1, 1.5], mean 1.3, sum 2.6
    //   squared [(2.56 + 0.36)/2, (1.96 + 2.56)/2] = [1.46, 2.26], mean 1.86
    const Tensor y01 = f64({{0, 1}, {0, 0}}), ypm = f64({{-1, 1}, {-1, -1}}), p = f64({{0.6, 0.4}, {0.4, 0.6}});
    for (const Tensor& y : {y01, ypm}) {
        CHECK_VALUES(losses::hinge(y, p, Reduction::none), 1e-12, {1.1, 1.5});
        BOOST_TEST(losses::hinge(y, p).item() == 1.3, tt::tolerance(1e-12));
        BOOST_TEST(losses::hinge(y, p, Reduction::sum).item() == 2.6, tt::tolerance(1e-12));
        CHECK_VALUES(losses::squared_hinge(y, p, Reduction::none), 1e-12, {1.46, 2.26});
        BOOST_TEST(losses::squared_hinge(y, p).item() == 1.86, tt::tolerance(1e-12));
    }
    // labels that are not all 0/1 are used as they are: y = [−1, 0, 1], p = [2, 2, 2]
    //   → max(1 + 2, 0), max(1 − 0, 0), max(1 − 2, 0) = [3, 1, 0] → 4/3
    BOOST_TEST(losses::hinge(f64({{-1, 0, 1}}), f64({{2, 2, 2}})).item() == 4.0 / 3, tt::tolerance(1e-12));
    // int64 labels [N] with predictions [N, 1]: 0/1 → −1/1; p = [0.5, −3]: [1 − 0.5, max(1 − 3, 0)] = [0.5, 0]
    CHECK_VALUES(losses::hinge(tensor({1, 0}, int64), f64({{0.5}, {-3}}), Reduction::none), 1e-12, {0.5, 0});
    // gradient: −y/D inside the margin, 0 outside: y = [−1, 1], p = [0.6, 0.4] → [0.5, −0.5]
    Tensor g = f64({{0.6, 0.4}}).requires_grad_();
    losses::hinge(f64({{0, 1}}), g).backward();
    CHECK_VALUES(g.grad(), 1e-12, {0.5, -0.5});
}

BOOST_AUTO_TEST_CASE(crossentropy_label_smoothing) {
    // categorical, s = 0.3, C = 3: y = [0, 1, 0] → y·0.7 + 0.1 = [0.1, 0.8, 0.1];
    //   p = [0.2, 0.5, 0.3]: −(0.1·log 0.2 + 0.8·log 0.5 + 0.1·log 0.3) = 0.1609438 + 0.5545177 + 0.1203973 = 0.8358588
    const double cce = -(0.1 * std::log(0.2) + 0.8 * std::log(0.5) + 0.1 * std::log(0.3));
    BOOST_TEST(losses::categorical_crossentropy(f64({{0, 1, 0}}), f64({{0.2, 0.5, 0.3}}), false, Reduction::mean, 0.3)
                   .item() == cce, tt::tolerance(1e-12));
    BOOST_TEST(losses::CategoricalCrossentropy(false, 0.3)(f64({{0, 1, 0}}), f64({{0.2, 0.5, 0.3}})).item() == cce,
               tt::tolerance(1e-12));
    // logits [1, 2, 3], label 2, s = 0.3: targets [0.1, 0.1, 0.8]: Σ −y·(z − lse) = lse − (0.1 + 0.2 + 2.4) = 0.7076060
    BOOST_TEST(losses::CategoricalCrossentropy(true, 0.3)(f64({{0, 0, 1}}), f64({{1, 2, 3}})).item() == lse123 - 2.7,
               tt::tolerance(1e-12));
    // binary, s = 0.2: y = [1, 0] → y·0.8 + 0.1 = [0.9, 0.1]; p = [0.9, 0.2]:
    //   −(0.9·log 0.9 + 0.1·log 0.1) = 0.3250830, −(0.1·log 0.2 + 0.9·log 0.8) = 0.3617730 → mean 0.3434280
    const double b0 = -(0.9 * std::log(0.9) + 0.1 * std::log(0.1)), b1 = -(0.1 * std::log(0.2) + 0.9 * std::log(0.8));
    BOOST_TEST(losses::binary_crossentropy(f64({{1, 0}}), f64({{0.9, 0.2}}), false, Reduction::mean, 0.2).item() ==
                   (b0 + b1) / 2, tt::tolerance(1e-12));
    // logits agree with probabilities on σ(z)
    const Tensor z = f64({{-2, 0.5}, {3, 0}});
    BOOST_TEST(xgrad_test::allclose(
        losses::binary_crossentropy(f64({{1, 0}, {0, 1}}), z, true, Reduction::none, 0.2),
        losses::binary_crossentropy(f64({{1, 0}, {0, 1}}), sigmoid(z), false, Reduction::none, 0.2), 1e-9, 1e-12));
    BOOST_TEST(losses::BinaryCrossentropy(true, 0.2)(f64({{1, 0}}), f64({{0, 0}})).item() == std::log(2.0),
               tt::tolerance(1e-12));
    CHECK_THROWS_WITH(losses::categorical_crossentropy(f64({{0, 1}}), f64({{0.5, 0.5}}), false, Reduction::mean, 1.5),
                      ValueError, "categorical_crossentropy: label_smoothing must be in [0, 1], got 1.5");
    CHECK_THROWS_WITH(losses::BinaryCrossentropy(false, -0.1), ValueError,
                      "BinaryCrossentropy: label_smoothing must be in [0, 1], got -0.1");
}

BOOST_AUTO_TEST_CASE(sparse_categorical_crossentropy_ignore_class) {
    // labels [1, −1, 2] with ignore_class −1; p rows as above:
    //   per sample [−log 0.5, 0, −log 0.3] = [0.6931472, 0, 1.2039728]
    //   sum 1.8971200; mean = sum / (2 valid + ε) (Keras 3) = 0.9485600
    const Tensor p = f64({{0.2, 0.5, 0.3}, {0.3, 0.3, 0.4}, {0.1, 0.6, 0.3}});
    const Tensor labels = tensor({1, -1, 2}, int64);
    const double a = -std::log(0.5), b = -std::log(0.3);
    CHECK_VALUES(losses::sparse_categorical_crossentropy(labels, p, false, Reduction::none, -1), 1e-12, {a, 0, b});
    BOOST_TEST(losses::sparse_categorical_crossentropy(labels, p, false, Reduction::sum, -1).item() == a + b,
               tt::tolerance(1e-12));
    BOOST_TEST(losses::sparse_categorical_crossentropy(labels, p, false, Reduction::mean, -1).item() ==
                   (a + b) / (2 + 1e-7), tt::tolerance(1e-12));
    // ignoring a real class (0 here): labels [0, 1, 0] → only the middle row: −log 0.3 / (1 + ε)
    BOOST_TEST(losses::SparseCategoricalCrossentropy(false, 0)(tensor({0, 1, 0}, int64), p).item() ==
                   -std::log(0.3) / (1 + 1e-7), tt::tolerance(1e-12));
    // every position ignored: 0 (Keras), not NaN
    BOOST_TEST(losses::sparse_categorical_crossentropy(tensor({5, 5, 5}, int64), p, true, Reduction::mean, 5).item() == 0.0);
    // the ignored rows get no gradient: d/dz of logits, mean over 2 valid rows
    Tensor z = f64({{1, 2, 3}, {1, 2, 3}, {1, 2, 3}}).requires_grad_();
    losses::sparse_categorical_crossentropy(tensor({2, 255, 0}, int64), z, true, Reduction::mean, 255).backward();
    const double s0 = std::exp(1 - lse123), s1 = std::exp(2 - lse123), s2 = std::exp(3 - lse123), n = 2 + 1e-7;
    CHECK_VALUES(z.grad(), 1e-12, {s0 / n, s1 / n, (s2 - 1) / n, 0, 0, 0, (s0 - 1) / n, s1 / n, s2 / n});
    // a label that is neither valid nor ignored is still an error
    CHECK_THROWS_WITH(losses::sparse_categorical_crossentropy(tensor({1, -2, 2}, int64), p, false, Reduction::mean, -1),
                      IndexError, "sparse_categorical_crossentropy: label -2 at position 1 is out of range for 3 classes");
}

BOOST_AUTO_TEST_CASE(new_losses_by_name_and_config_round_trip) {
    BOOST_TEST(losses::get_loss("kld").name() == "kl_divergence");
    BOOST_TEST(losses::get_loss("logcosh").name() == "log_cosh");
    for (const char* name : {"poisson", "cosine_similarity", "hinge", "squared_hinge"}) {
        BOOST_TEST(losses::Loss(name).name() == name);
    }
    BOOST_TEST(losses::Loss("hinge")(f64({{0, 1}, {0, 0}}), f64({{0.6, 0.4}, {0.4, 0.6}})).item() == 1.3,
               tt::tolerance(1e-12));
    // defaults: Keras' get_config keys and values
    BOOST_TEST((losses::Loss("kld").config() == Config{{"reduction", "sum_over_batch_size"}}));
    BOOST_TEST((losses::CategoricalCrossentropy(true, 0.1).config() ==
                Config{{"from_logits", "true"}, {"label_smoothing", "0.1"}, {"reduction", "sum_over_batch_size"}}));
    BOOST_TEST((losses::SparseCategoricalCrossentropy(false, -1, Reduction::sum).config() ==
                Config{{"from_logits", "false"}, {"ignore_class", "-1"}, {"reduction", "sum"}}));
    BOOST_TEST((losses::CosineSimilarity(0, Reduction::none).config() == Config{{"axis", "0"}, {"reduction", "none"}}));
    // every configured loss comes back with the same config and the same numbers
    const Tensor t = f64({{0, 1, 0}, {0, 0, 1}}), p = f64({{0.2, 0.5, 0.3}, {0.1, 0.6, 0.3}});
    const std::vector<losses::Loss> configured = {
        losses::MeanSquaredError(Reduction::sum), losses::MeanAbsoluteError(Reduction::none), losses::Huber(0.5),
        losses::LogCosh(Reduction::sum), losses::Poisson(Reduction::none), losses::KLDivergence(Reduction::sum),
        losses::CosineSimilarity(0, Reduction::none), losses::Hinge(Reduction::sum), losses::SquaredHinge(),
        losses::BinaryCrossentropy(true, 0.25, Reduction::sum), losses::CategoricalCrossentropy(false, 0.1),
        losses::SparseCategoricalCrossentropy(true, std::int64_t{2}, Reduction::none)};
    for (const losses::Loss& l : configured) {
        BOOST_TEST_CONTEXT(l.name()) {
            const losses::Loss back = losses::loss_from_config(l.name(), l.config());
            BOOST_TEST(back.name() == l.name());
            BOOST_TEST((back.config() == l.config()));
            const bool sparse = l.name() == "sparse_categorical_crossentropy";
            const Tensor truth = sparse ? tensor({1, 2}, int64) : t;
            BOOST_TEST(values(back(truth, p)) == values(l(truth, p)), tt::per_element());
        }
    }
    // absent keys are Keras' defaults; aliases resolve
    BOOST_TEST((losses::loss_from_config("kld", {}).config() == Config{{"reduction", "sum_over_batch_size"}}));
    BOOST_TEST(losses::loss_from_config("huber", {{"reduction", "mean"}}).config().at("delta") == "1");
    CHECK_THROWS_WITH(losses::loss_from_config("hinge", {{"from_logits", "true"}}), ValueError,
                      "loss 'hinge': unknown config key 'from_logits' (known: reduction)");
    CHECK_THROWS_WITH(losses::loss_from_config("poisson", {{"reduction", "average"}}), ValueError,
                      "loss 'poisson': config: 'reduction' is not sum_over_batch_size, mean, sum or none: 'average'");
    CHECK_THROWS_WITH(losses::loss_from_config("binary_crossentropy", {{"label_smoothing", "x"}}), ValueError,
                      "loss 'binary_crossentropy': config: 'label_smoothing' is not a number: 'x'");
    CHECK_THROWS_WITH(losses::loss_from_config("categorical_crossentropy", {{"label_smoothing", "2"}}), ValueError,
                      "CategoricalCrossentropy: label_smoothing must be in [0, 1], got 2");
    losses::register_loss("my_config_free_loss", [](const Tensor& a, const Tensor& b) { return sum(b - a); });
    CHECK_THROWS_WITH(losses::loss_from_config("my_config_free_loss", {}), ValueError,
                      "loss 'my_config_free_loss' has no config");
    CHECK_THROWS_WITH(losses::loss_from_config("nope", {}), ValueError, "unknown loss 'nope'");
}

BOOST_AUTO_TEST_CASE(new_losses_gradchecks) {
    manual_seed(33);
    const Tensor t = randn({3, 4}, float64), p = randn({3, 4}, float64);
    const Tensor prob_t = softmax(randn({3, 4}, float64)), prob_p = softmax(randn({3, 4}, float64));
    const Tensor counts = tensor({{0, 1, 2, 3}, {1, 1, 0, 2}, {4, 0, 1, 1}}, float64);
    const Tensor rates = uniform({3, 4}, 0.2, 3.0, float64);
    const Tensor pm = f64({{1, -1, 1, -1}, {-1, -1, 1, 1}, {1, 1, -1, 1}});
    // predictions keep 1 − y·p away from the hinge's kink at 0
    const Tensor margins = f64({{0.3, 0.2, -0.5, 2.5}, {1.7, -0.4, 0.1, 0.6}, {-0.2, 1.9, 0.3, -1.6}});
    const Tensor onehot = one_hot(tensor({0, 3, 1}, int64), 4, float64), scores = uniform({3, 4}, 0.1, 1.0, float64);
    const Tensor ignored = tensor({0, 7, 2}, int64);
    for (Reduction r : {Reduction::mean, Reduction::sum, Reduction::none}) {
        CHECK_GRADCHECK("log_cosh", [&](const Fn& v) { return losses::log_cosh(t, v[0], r); }, {p});
        CHECK_GRADCHECK("poisson", [&](const Fn& v) { return losses::poisson(counts, v[0], r); }, {rates});
        CHECK_GRADCHECK("kl_divergence", [&](const Fn& v) { return losses::kl_divergence(prob_t, v[0], r); }, {prob_p});
        CHECK_GRADCHECK("cosine_similarity", [&](const Fn& v) { return losses::cosine_similarity(t, v[0], -1, r); }, {p});
        CHECK_GRADCHECK("hinge", [&](const Fn& v) { return losses::hinge(pm, v[0], r); }, {margins});
        CHECK_GRADCHECK("squared_hinge", [&](const Fn& v) { return losses::squared_hinge(pm, v[0], r); }, {margins});
        CHECK_GRADCHECK("categorical_crossentropy",
                        [&](const Fn& v) { return losses::categorical_crossentropy(onehot, v[0], true, r, 0.2); }, {p});
        CHECK_GRADCHECK("binary_crossentropy",
                        [&](const Fn& v) { return losses::binary_crossentropy(onehot, v[0], false, r, 0.2); }, {scores});
        CHECK_GRADCHECK("sparse_categorical_crossentropy",
                        [&](const Fn& v) { return losses::sparse_categorical_crossentropy(ignored, v[0], true, r, 7); },
                        {p});
    }
    // with respect to both arguments where both are real-valued
    CHECK_GRADCHECK("cosine_similarity", [](const Fn& v) { return losses::cosine_similarity(v[0], v[1], 0); }, {t, p});
    CHECK_GRADCHECK("kl_divergence", [](const Fn& v) { return losses::kl_divergence(v[0], v[1]); }, {prob_t, prob_p});
    CHECK_GRADCHECK("log_cosh", [](const Fn& v) { return losses::log_cosh(v[0], v[1]); }, {t, p});
}

// Hinge is piecewise linear in y_pred: its gradient is constant between the
// kinks and has no second derivative to check (as mean_absolute_error).
BOOST_AUTO_TEST_CASE(new_losses_second_order) {
    manual_seed(34);
    const Tensor t = randn({3, 4}, float64), p = randn({3, 4}, float64);
    const Tensor prob_t = softmax(randn({3, 4}, float64));
    const Tensor pm = f64({{1, -1, 1, -1}, {-1, -1, 1, 1}, {1, 1, -1, 1}});
    const Tensor margins = f64({{0.3, 0.2, -0.5, 2.5}, {1.7, -0.4, 0.1, 0.6}, {-0.2, 1.9, 0.3, -1.6}});
    CHECK_GRADGRADCHECK("log_cosh", [&](const Fn& v) { return losses::log_cosh(t, v[0]); }, {p});
    CHECK_GRADGRADCHECK("poisson", [&](const Fn& v) { return losses::poisson(abs(t), v[0]); },
                        {uniform({3, 4}, 0.2, 3.0, float64)});
    CHECK_GRADGRADCHECK("kl_divergence", [&](const Fn& v) { return losses::kl_divergence(prob_t, v[0]); },
                        {softmax(randn({3, 4}, float64))});
    CHECK_GRADGRADCHECK("cosine_similarity", [&](const Fn& v) { return losses::cosine_similarity(t, v[0]); }, {p});
    CHECK_GRADGRADCHECK("squared_hinge", [&](const Fn& v) { return losses::squared_hinge(pm, v[0]); }, {margins});
    CHECK_GRADGRADCHECK("categorical_crossentropy",
                        [&](const Fn& v) { return losses::categorical_crossentropy(prob_t, v[0], true, Reduction::mean, 0.1); },
                        {p});
    CHECK_GRADGRADCHECK("sparse_categorical_crossentropy",
                        [&](const Fn& v) {
                            return losses::sparse_categorical_crossentropy(tensor({1, -1, 3}, int64), v[0], true,
                                                                           Reduction::mean, -1);
                        },
                        {p});
}

BOOST_AUTO_TEST_SUITE_END()
