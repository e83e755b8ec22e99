#include "../test_helpers.hpp"

#include <cmath>
#include <limits>

using namespace xgrad;
using xgrad_test::values;
using Fn = std::vector<Tensor>;
namespace tt = boost::test_tools;

/// Per-element comparison of a tensor's values with a list, relative tolerance `tol`.
#define CHECK_VALUES(t, tol, ...) \
    BOOST_TEST(values(t) == std::vector<double>(__VA_ARGS__),                   \
               tt::tolerance(static_cast<double>(tol)) << tt::per_element())

namespace {
const double inf = std::numeric_limits<double>::infinity();
}  // namespace

BOOST_AUTO_TEST_SUITE(ops_softmax)

BOOST_AUTO_TEST_CASE(softmax_values) {
    // e^0 : e^(log 3) = 1 : 3 → [1/4, 3/4]
    CHECK_VALUES(softmax(tensor({0.0, std::log(3.0)})), 1e-6, {0.25, 0.75});
    CHECK_VALUES(softmax(tensor({{2, 2, 2}})), 1e-6, {1.0 / 3, 1.0 / 3, 1.0 / 3});
    // along axis 0: column 0 is [0, log 3] → [1/4, 3/4]; column 1 is [0, 0] → [1/2, 1/2]
    const Tensor m = tensor({{0.0, 0.0}, {std::log(3.0), 0.0}}, float64);
    CHECK_VALUES(softmax(m, 0), 1e-12, {0.25, 0.5, 0.75, 0.5});
    // along axis 1 (= -1): row 0 [0, 0] → halves; row 1 [log 3, 0] → [3/4, 1/4]
    CHECK_VALUES(softmax(m, 1), 1e-12, {0.5, 0.5, 0.75, 0.25});
    CHECK_VALUES(softmax(m), 1e-12, {0.5, 0.5, 0.75, 0.25});
    BOOST_TEST((softmax(m).dtype() == float64));
    BOOST_TEST((softmax(m).shape() == Shape{2, 2}));
    // shift invariance
    const Tensor x = randn({3, 4, 5});
    BOOST_TEST(xgrad_test::allclose(softmax(x, 1), softmax(x + 100.0, 1), 1e-5, 1e-6));
    // each slice sums to 1
    BOOST_TEST(xgrad_test::allclose(sum(softmax(x, 1), {1}), ones({3, 5}), 1e-6, 1e-6));
}

BOOST_AUTO_TEST_CASE(log_softmax_values) {
    // log(1/4), log(3/4)
    CHECK_VALUES(log_softmax(tensor({0.0, std::log(3.0)}, float64)), 1e-12, {std::log(0.25), std::log(0.75)});
    // row [1, 2, 3]: x - log(e + e² + e³)
    const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
    CHECK_VALUES(log_softmax(tensor({{1.0, 2.0, 3.0}}), -1), 1e-6, {1 - lse, 2 - lse, 3 - lse});
    // along axis 0 of a column: same numbers
    CHECK_VALUES(log_softmax(tensor({{1.0}, {2.0}, {3.0}}), 0), 1e-6, {1 - lse, 2 - lse, 3 - lse});
    // exp(log_softmax) = softmax
    const Tensor x = randn({4, 6});
    BOOST_TEST(xgrad_test::allclose(exp(log_softmax(x, 0)), softmax(x, 0), 1e-5, 1e-7));
}

BOOST_AUTO_TEST_CASE(stable_for_large_magnitudes) {
    // softmax([1e4, 1e4 - 1, 1e4 - 2]) = softmax([0, -1, -2]) = [1, e^-1, e^-2] / (1 + e^-1 + e^-2)
    const double z = 1 + std::exp(-1.0) + std::exp(-2.0);
    const std::vector<double> expected = {1 / z, std::exp(-1.0) / z, std::exp(-2.0) / z};
    const std::vector<double> expected_log = {-std::log(z), -1 - std::log(z), -2 - std::log(z)};
    for (double base : {1e4, -1e4}) {
        for (Dtype dt : {float32, float64}) {
            BOOST_TEST_CONTEXT("base " << base << " " << dtype_name(dt)) {
                const Tensor x = tensor({base, base - 1, base - 2}, dt);  // exact in float32
                CHECK_VALUES(softmax(x), 1e-6, expected);
                // z = x - max is exact, so log_softmax keeps full relative precision
                CHECK_VALUES(log_softmax(x), 1e-6, expected_log);
            }
        }
    }
    // two equal huge logits: halves, log(1/2)
    CHECK_VALUES(softmax(tensor({1e4, 1e4})), 0, {0.5, 0.5});
    CHECK_VALUES(log_softmax(tensor({1e4, 1e4})), 1e-7, {-std::log(2.0), -std::log(2.0)});
    // very different logits: the small one underflows to 0 (log: stays finite and exact)
    CHECK_VALUES(softmax(tensor({1e4, -1e4})), 0, {1, 0});
    CHECK_VALUES(log_softmax(tensor({1e4, -1e4})), 0, {0, -2e4});
    // -inf masks an entry
    CHECK_VALUES(softmax(tensor({0.0, -inf, 0.0})), 0, {0.5, 0, 0.5});
    CHECK_VALUES(log_softmax(tensor({0.0, -inf})), 0, {0, -inf});
    // gradients at large logits are finite: d log_softmax_0 / dx = onehot_0 - softmax
    Tensor big = tensor({1e4, 1e4 - 1, 1e4 - 2}).requires_grad_();
    log_softmax(big).sum().backward();
    // d Σ_i log_softmax_i / dx_j = 1 - 3·softmax_j
    CHECK_VALUES(big.grad(), 1e-5, {1 - 3 * expected[0], 1 - 3 * expected[1], 1 - 3 * expected[2]});
}

BOOST_AUTO_TEST_CASE(gradients_hand_computed) {
    // y = softmax(x), x = [0, log 3]: y = [1/4, 3/4]; d y_0 / dx = y_0 (onehot_0 - y) = [3/16, -3/16]
    Tensor x = tensor({0.0, std::log(3.0)}, float64).requires_grad_();
    softmax(x).backward(tensor({1.0, 0.0}, float64));
    CHECK_VALUES(x.grad(), 1e-12, {3.0 / 16, -3.0 / 16});
    // Σ softmax = 1 has zero gradient
    x.zero_grad();
    softmax(x).sum().backward();
    BOOST_TEST(std::abs(values(x.grad())[0]) < 1e-15);
    BOOST_TEST(std::abs(values(x.grad())[1]) < 1e-15);
    // d log_softmax_1 / dx = onehot_1 - y = [-1/4, 1/4]
    x.zero_grad();
    log_softmax(x).backward(tensor({0.0, 1.0}, float64));
    CHECK_VALUES(x.grad(), 1e-12, {-0.25, 0.25});
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    manual_seed(31);
    const Tensor x = randn({3, 4, 5});
    for (std::int64_t axis : {0, 1, 2, -1}) {
        BOOST_TEST_CONTEXT("axis " << axis) {
            CHECK_GRADCHECK("softmax", [axis](const Fn& v) { return softmax(v[0], axis); }, {x});
            CHECK_GRADCHECK("log_softmax", [axis](const Fn& v) { return log_softmax(v[0], axis); }, {x});
        }
    }
    // large logits (scaled randn) and a single-element axis
    CHECK_GRADCHECK("softmax", [](const Fn& v) { return softmax(v[0] * 20.0); }, {randn({2, 5})});
    CHECK_GRADCHECK("log_softmax", [](const Fn& v) { return log_softmax(v[0] * 20.0); }, {randn({2, 5})});
    CHECK_GRADCHECK("log_softmax", [](const Fn& v) { return log_softmax(v[0], 1); }, {randn({3, 1})});
}

BOOST_AUTO_TEST_CASE(second_order) {
    manual_seed(32);
    const Tensor x = randn({3, 4});
    for (std::int64_t axis : {0, 1}) {
        BOOST_TEST_CONTEXT("axis " << axis) {
            CHECK_GRADGRADCHECK("softmax", [axis](const Fn& v) { return softmax(v[0], axis); }, {x});
            CHECK_GRADGRADCHECK("log_softmax", [axis](const Fn& v) { return log_softmax(v[0], axis); }, {x});
        }
    }
}

// The rule for non-finite inputs (PyTorch's): NaN or +inf anywhere in a row,
// or a row of only -inf, makes the whole row NaN; other rows are untouched.
BOOST_AUTO_TEST_CASE(non_finite_rows_become_nan) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (Dtype dt : {float32, float64}) {
        BOOST_TEST_CONTEXT(dtype_name(dt)) {
            const Tensor x = tensor({{1.0, 2.0, inf}, {1.0, nan, 0.0}, {-inf, -inf, -inf}, {0.0, 0.0, -inf}}, dt);
            for (const Tensor& y : {softmax(x), log_softmax(x)}) {
                const std::vector<double> v = values(y);
                for (std::size_t i = 0; i < 9; ++i) BOOST_TEST(std::isnan(v[i]), "element " << i << " = " << v[i]);
            }
            CHECK_VALUES(slice(softmax(x), 0, 3, 4), 0, {0.5, 0.5, 0});
            const std::vector<double> masked = values(slice(log_softmax(x), 0, 3, 4));
            CHECK_VALUES(slice(slice(log_softmax(x), 0, 3, 4), 1, 0, 2), 1e-7, {-std::log(2.0), -std::log(2.0)});
            BOOST_TEST(masked[2] == -inf);
        }
    }
}

BOOST_AUTO_TEST_CASE(edge_cases_and_errors) {
    // an empty axis: nothing to normalize, same (empty) shape
    BOOST_TEST((softmax(zeros({2, 0})).shape() == Shape{2, 0}));
    BOOST_TEST((log_softmax(zeros({0, 3}), 0).shape() == Shape{0, 3}));
    // a batch of zero rows along the other axis works too
    BOOST_TEST((softmax(zeros({0, 3})).shape() == Shape{0, 3}));
    // single element: softmax 1, log_softmax 0
    CHECK_VALUES(softmax(tensor({{7.0}})), 0, {1});
    CHECK_VALUES(log_softmax(tensor({{7.0}})), 0, {0});
    CHECK_THROWS_WITH(softmax(zeros({2, 3}), 2), ValueError, "softmax: axis 2 is out of range for a tensor of shape [2,3]");
    CHECK_THROWS_WITH(log_softmax(zeros({2, 3}), -3), ValueError,
                      "log_softmax: axis -3 is out of range for a tensor of shape [2,3]");
    CHECK_THROWS_WITH(softmax(scalar(1.0)), ValueError, "softmax: axis -1 is out of range for a tensor of shape []");
    CHECK_THROWS_WITH(softmax(arange(3)), DtypeError, "softmax: expected a floating dtype (float32 or float64), got int64");
    CHECK_THROWS_WITH(log_softmax(arange(3)), DtypeError, "log_softmax: expected a floating dtype");
}

BOOST_AUTO_TEST_SUITE_END()
