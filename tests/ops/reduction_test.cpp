#include "../test_helpers.hpp"

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

std::string axes_text(const Axes& axes, bool keepdims) {
    std::string s = "axes [";
    for (auto a : axes) s += std::to_string(a) + " ";
    return s + "] keepdims " + (keepdims ? "true" : "false");
}

/// The axis sets every reduction is gradchecked over: each axis, negative, several, all.
const std::vector<Axes> axis_sets = {{0}, {1}, {2}, {-1}, {0, 2}, {1, 2}, {}};

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_reduction)

BOOST_AUTO_TEST_CASE(sum_and_mean_values) {
    const Tensor x = tensor({{1, 2, 3}, {4, 5, 6}});
    CHECK_VALUES(sum(x), 0, {21});                // 1+2+3+4+5+6
    CHECK_VALUES(sum(x, {0}), 0, {5, 7, 9});      // columns
    CHECK_VALUES(sum(x, {-1}), 0, {6, 15});       // rows
    CHECK_VALUES(mean(x, {1}), 1e-7, {2, 5});     // 6/3, 15/3
    CHECK_VALUES(mean(x), 1e-7, {3.5});           // 21/6
    BOOST_TEST((sum(x, {1}, true).shape() == Shape{2, 1}));
    BOOST_TEST((mean(x, {0, 1}, true).shape() == Shape{1, 1}));
    BOOST_TEST((sum(x).shape() == Shape{}));
}

BOOST_AUTO_TEST_CASE(var_and_std_values) {
    const Tensor x = tensor({{1, 2, 3}, {4, 5, 6}});
    // all: mean 3.5, squared deviations 6.25 + 2.25 + 0.25 (twice) = 17.5
    CHECK_VALUES(var(x), 1e-6, {17.5 / 6});
    CHECK_VALUES(var(x, {}, false, 1), 1e-6, {17.5 / 5});
    CHECK_VALUES(xgrad::std(x), 1e-6, {std::sqrt(17.5 / 6)});
    // axis 0: each column (a, a+3): mean a+1.5, (1.5² + 1.5²)/2 = 2.25; ddof 1: 4.5
    CHECK_VALUES(var(x, {0}), 1e-6, {2.25, 2.25, 2.25});
    CHECK_VALUES(var(x, {0}, false, 1), 1e-6, {4.5, 4.5, 4.5});
    // axis 1: each row (a, a+1, a+2): (1 + 0 + 1)/3 = 2/3; ddof 1: 2/2 = 1
    CHECK_VALUES(var(x, {1}), 1e-6, {2.0 / 3, 2.0 / 3});
    CHECK_VALUES(xgrad::std(x, {1}, false, 1), 1e-6, {1, 1});
    BOOST_TEST((var(x, {1}, true).shape() == Shape{2, 1}));
    BOOST_TEST((xgrad::std(x, {0, 1}, true).shape() == Shape{1, 1}));
    BOOST_TEST((var(randn({3, 4, 5}), {0, 2}, true).shape() == Shape{1, 4, 1}));
    BOOST_TEST((var(randn({3, 4, 5}), {0, 2}).shape() == Shape{4}));
    // float64 result keeps its dtype
    BOOST_TEST((var(x.to(float64)).dtype() == float64));
}

BOOST_AUTO_TEST_CASE(var_is_stable_for_large_offsets) {
    // 1e4 + {1, 2, 3} is exact in float32; deviations from the mean 1e4 + 2 are -1, 0, 1: var = 2/3.
    CHECK_VALUES(var(tensor({1e4 + 1, 1e4 + 2, 1e4 + 3})), 1e-6, {2.0 / 3});
    // 1e9 + {1, 2, 3} in float64: E[x²] - E[x]² would lose everything (1e18 vs 2/3); two passes keep it.
    CHECK_VALUES(var(tensor({1e9 + 1, 1e9 + 2, 1e9 + 3}, float64)), 1e-12, {2.0 / 3});
    CHECK_VALUES(xgrad::std(tensor({1e9 + 1, 1e9 + 3}, float64), {}, false, 1), 1e-12, {std::sqrt(2.0)});
}

BOOST_AUTO_TEST_CASE(max_and_min_values) {
    const Tensor x = tensor({{1, 5, 3}, {4, 2, 6}});
    CHECK_VALUES(xgrad::max(x), 0, {6});
    CHECK_VALUES(xgrad::max(x, {0}), 0, {4, 5, 6});  // max(1,4), max(5,2), max(3,6)
    CHECK_VALUES(xgrad::max(x, {1}), 0, {5, 6});
    CHECK_VALUES(xgrad::min(x, {0}), 0, {1, 2, 3});
    CHECK_VALUES(xgrad::min(x, {-1}), 0, {1, 2});
    CHECK_VALUES(xgrad::min(x), 0, {1});
    BOOST_TEST((xgrad::max(x, {1}, true).shape() == Shape{2, 1}));
    // float64 and int64 (e.g. the number of classes from labels)
    CHECK_VALUES(xgrad::max(x.to(float64), {0, 1}), 0, {6});
    const Tensor labels = arange(5);
    BOOST_TEST((xgrad::max(labels).dtype() == int64));
    BOOST_TEST(xgrad::max(labels).item() == 4.0);
    BOOST_TEST(xgrad::min(labels).item() == 0.0);
    // large magnitudes and infinities are exact
    CHECK_VALUES(xgrad::max(tensor({-1e30, 1e30, 3}, float64)), 0, {1e30});
    CHECK_VALUES(xgrad::min(tensor({-inf, 0.0, 1.0})), 0, {-inf});
    // NaN propagates
    BOOST_TEST(std::isnan(xgrad::max(tensor({1.0, NAN, 3.0})).item()));
    BOOST_TEST(std::isnan(xgrad::min(tensor({NAN, 1.0, 3.0})).item()));
}

BOOST_AUTO_TEST_CASE(max_min_gradient_is_shared_among_ties) {
    Tensor x = tensor({3.0, 1.0, 3.0}, float64).requires_grad_();
    xgrad::max(x).backward();
    // two maxima share the gradient: 1/2 each
    CHECK_VALUES(x.grad(), 0, {0.5, 0, 0.5});
    Tensor y = tensor({{1.0, 1.0, 1.0}, {2.0, 0.0, 5.0}}).requires_grad_();
    xgrad::min(y, {1}).sum().backward();
    // row 0: three-way tie, 1/3 each; row 1: the single minimum 0 gets 1
    CHECK_VALUES(y.grad(), 1e-6, {1.0 / 3, 1.0 / 3, 1.0 / 3, 0, 1, 0});
    Tensor z = tensor({{1.0, 4.0}, {3.0, 2.0}}).requires_grad_();
    (xgrad::max(z, {0}) * tensor({10.0, 100.0})).sum().backward();
    // column maxima are 3 (row 1) and 4 (row 0); gradients 10 and 100
    CHECK_VALUES(z.grad(), 0, {0, 100, 10, 0});
}

BOOST_AUTO_TEST_CASE(argmax_argmin_values) {
    const Tensor x = tensor({{1, 5, 5}, {7, 2, 7}});
    // first index wins on ties
    CHECK_VALUES(argmax(x), 0, {1, 0});         // axis -1: row 0 ties at 1,2 → 1; row 1 ties at 0,2 → 0
    CHECK_VALUES(argmax(x, 0), 0, {1, 0, 1});   // columns: (1,7) → 1, (5,2) → 0, (5,7) → 1
    CHECK_VALUES(argmin(x, 1), 0, {0, 1});
    CHECK_VALUES(argmin(x, 0), 0, {0, 1, 0});
    BOOST_TEST((argmax(x).dtype() == int64));
    BOOST_TEST((argmax(x, 1, true).shape() == Shape{2, 1}));
    BOOST_TEST((argmin(x, 0, true).shape() == Shape{1, 3}));
    CHECK_VALUES(argmax(tensor({2, 2, 2})), 0, {0});
    // middle axis of a [2, 3, 2] tensor: x[i, j, k] = 6i + 2j + k increases along j
    const Tensor cube = arange(0.0, 12.0, 1.0).reshape({2, 3, 2});
    CHECK_VALUES(argmax(cube, 1), 0, {2, 2, 2, 2});
    CHECK_VALUES(argmin(cube, -2), 0, {0, 0, 0, 0});
    // int64 and float64 inputs; NaN counts as the largest (first NaN wins)
    CHECK_VALUES(argmax(tensor({3, 9, 1}, float64).to(int64)), 0, {1});
    CHECK_VALUES(argmax(tensor({1.0, NAN, 3.0, NAN})), 0, {1});
    // not differentiable: no history even when the input requires grad
    Tensor w = randn({3, 4}).requires_grad_();
    BOOST_TEST(!argmax(w).requires_grad());
    BOOST_TEST(!argmin(w, 0).requires_grad());
}

BOOST_AUTO_TEST_CASE(logsumexp_values) {
    // log(e^0 + e^0) = log 2
    CHECK_VALUES(logsumexp(tensor({0.0, 0.0})), 1e-6, {std::log(2.0)});
    // rows: log(1 + 3) = log 4; log(2e) = 1 + log 2
    const Tensor x = tensor({{0.0, std::log(3.0)}, {1.0, 1.0}}, float64);
    CHECK_VALUES(logsumexp(x, {1}), 1e-12, {std::log(4.0), 1 + std::log(2.0)});
    // column 0: log(1 + e) ; column 1: log(3 + e)
    CHECK_VALUES(logsumexp(x, {0}), 1e-12, {std::log(1 + std::exp(1.0)), std::log(3 + std::exp(1.0))});
    // all: log(1 + 3 + 2e)
    CHECK_VALUES(logsumexp(x), 1e-12, {std::log(4 + 2 * std::exp(1.0))});
    BOOST_TEST((logsumexp(x, {1}, true).shape() == Shape{2, 1}));
}

BOOST_AUTO_TEST_CASE(logsumexp_is_stable_for_large_magnitudes) {
    // e^10000 overflows; 1e4 + log(1 + 1) is exact in float32
    BOOST_TEST(logsumexp(tensor({1e4, 1e4})).item<float>() == 1e4f + std::log(2.0f));
    BOOST_TEST(logsumexp(tensor({-1e4, -1e4})).item<float>() == -1e4f + std::log(2.0f));
    // e^-10000 underflows: log(e^-10000 + e^-10001) = -10000 + log(1 + e^-1)
    CHECK_VALUES(logsumexp(tensor({-1e4, -1e4 - 1}, float64)), 1e-15, {-1e4 + std::log1p(std::exp(-1.0))});
    // the smaller term vanishes next to the larger one
    CHECK_VALUES(logsumexp(tensor({1e4, 0.0})), 0, {1e4});
    // infinities: all -inf is log 0; +inf wins; empty is log 0 (the identity)
    CHECK_VALUES(logsumexp(tensor({-inf, -inf})), 0, {-inf});
    CHECK_VALUES(logsumexp(tensor({-inf, 0.0})), 0, {0});
    CHECK_VALUES(logsumexp(tensor({inf, 0.0})), 0, {inf});
    CHECK_VALUES(logsumexp(zeros({0})), 0, {-inf});
    // the gradient (softmax) stays finite: e^0 / (e^0 + e^-1)
    Tensor big = tensor({1e4, 1e4 - 1}).requires_grad_();
    logsumexp(big).backward();
    const double s = 1 / (1 + std::exp(-1.0));
    CHECK_VALUES(big.grad(), 1e-6, {s, 1 - s});
}

BOOST_AUTO_TEST_CASE(gradients_hand_computed) {
    // var: d/dx Σ(x - m)²/n = 2(x - m)/n; x = [1, 2, 3], m = 2 → [-2/3, 0, 2/3]
    Tensor x = tensor({1.0, 2.0, 3.0}, float64).requires_grad_();
    var(x).backward();
    CHECK_VALUES(x.grad(), 1e-12, {-2.0 / 3, 0, 2.0 / 3});
    // std with ddof 1: std = 1, d std = d var / (2 std) = (x - m)/(n - 1) / 1 = [-1/2, 0, 1/2]
    x.zero_grad();
    xgrad::std(x, {}, false, 1).backward();
    CHECK_VALUES(x.grad(), 1e-12, {-0.5, 0, 0.5});
    // logsumexp: d = softmax; x = [0, log 3] → [1/4, 3/4]
    Tensor y = tensor({0.0, std::log(3.0)}, float64).requires_grad_();
    logsumexp(y).backward();
    CHECK_VALUES(y.grad(), 1e-12, {0.25, 0.75});
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    manual_seed(21);
    const Tensor x = randn({3, 4, 5});
    for (const Axes& axes : axis_sets) {
        for (bool keep : {false, true}) {
            BOOST_TEST_CONTEXT(axes_text(axes, keep)) {
                CHECK_GRADCHECK("sum", [&](const Fn& v) { return sum(v[0], axes, keep); }, {x});
                CHECK_GRADCHECK("mean", [&](const Fn& v) { return mean(v[0], axes, keep); }, {x});
                CHECK_GRADCHECK("var", [&](const Fn& v) { return var(v[0], axes, keep); }, {x});
                CHECK_GRADCHECK("var", [&](const Fn& v) { return var(v[0], axes, keep, 1); }, {x});
                CHECK_GRADCHECK("std", [&](const Fn& v) { return xgrad::std(v[0], axes, keep); }, {x});
                CHECK_GRADCHECK("max", [&](const Fn& v) { return xgrad::max(v[0], axes, keep); }, {x});
                CHECK_GRADCHECK("min", [&](const Fn& v) { return xgrad::min(v[0], axes, keep); }, {x});
                CHECK_GRADCHECK("logsumexp", [&](const Fn& v) { return logsumexp(v[0], axes, keep); }, {x});
            }
        }
    }
    // inside a larger expression, with large values for logsumexp
    CHECK_GRADCHECK("logsumexp", [](const Fn& v) { return logsumexp(v[0] * 30.0, {1}); }, {randn({2, 6})});
    CHECK_GRADCHECK("std", [](const Fn& v) { return xgrad::std(v[0], {0}, false, 2); }, {randn({5, 2})});
}

BOOST_AUTO_TEST_CASE(second_order) {
    manual_seed(22);
    const Tensor x = randn({3, 4});
    for (const Axes& axes : std::vector<Axes>{{0}, {-1}, {}}) {
        BOOST_TEST_CONTEXT(axes_text(axes, true)) {
            CHECK_GRADGRADCHECK("var", [&](const Fn& v) { return var(v[0], axes, true); }, {x});
            CHECK_GRADGRADCHECK("var", [&](const Fn& v) { return var(v[0], axes, false, 1); }, {x});
            CHECK_GRADGRADCHECK("std", [&](const Fn& v) { return xgrad::std(v[0], axes); }, {x});
            CHECK_GRADGRADCHECK("logsumexp", [&](const Fn& v) { return logsumexp(v[0], axes, true); }, {x});
            CHECK_GRADGRADCHECK("max", [&](const Fn& v) { return xgrad::max(v[0], axes) * v[0].sum(); }, {x});
            CHECK_GRADGRADCHECK("mean", [&](const Fn& v) { return square(mean(v[0], axes)); }, {x});
        }
    }
}

BOOST_AUTO_TEST_CASE(errors_name_op_axis_and_shape) {
    const Tensor x = zeros({2, 3});
    CHECK_THROWS_WITH(sum(x, {2}), ValueError, "sum: axis 2 is out of range for a tensor of shape [2,3]");
    CHECK_THROWS_WITH(xgrad::max(x, {-3}), ValueError, "max: axis -3 is out of range for a tensor of shape [2,3]");
    CHECK_THROWS_WITH(argmax(x, 5), ValueError, "argmax: axis 5 is out of range for a tensor of shape [2,3]");
    CHECK_THROWS_WITH(argmin(scalar(1.0)), ValueError, "argmin: axis -1 is out of range for a tensor of shape []");
    CHECK_THROWS_WITH(var(x, {1, -1}), ValueError, "var: axis -1 is listed twice (axes [1,-1] of shape [2,3])");
    // empty reductions without a defined value
    const Tensor e = zeros({3, 0});
    CHECK_THROWS_WITH(xgrad::max(e, {1}), ValueError, "max: cannot reduce over an empty dimension (axis 1 of shape [3,0])");
    CHECK_THROWS_WITH(xgrad::min(e), ValueError, "min: cannot reduce over an empty dimension (all axes of shape [3,0])");
    CHECK_THROWS_WITH(argmax(e), ValueError, "argmax: cannot reduce over an empty dimension (axis -1 of shape [3,0])");
    CHECK_THROWS_WITH(argmin(e, 1), ValueError, "argmin: cannot reduce over an empty dimension");
    CHECK_THROWS_WITH(var(e, {0, 1}), ValueError, "var: cannot reduce over an empty dimension (axes [0,1] of shape [3,0])");
    CHECK_THROWS_WITH(xgrad::std(e), ValueError, "std: cannot reduce over an empty dimension");
    // reducing the non-empty axis of an empty tensor is fine: the result is empty
    BOOST_TEST((xgrad::max(e, {0}).shape() == Shape{0}));
    BOOST_TEST((argmax(e, 0).shape() == Shape{0}));
    // correction
    CHECK_THROWS_WITH(xgrad::std(x, {}, false, -1), ValueError, "std: correction must be ≥ 0, got -1");
    // dtypes
    CHECK_THROWS_WITH(var(arange(4)), DtypeError, "var: expected a floating dtype (float32 or float64), got int64");
    CHECK_THROWS_WITH(xgrad::std(arange(4)), DtypeError, "std: expected a floating dtype");
    CHECK_THROWS_WITH(logsumexp(arange(4)), DtypeError, "logsumexp: expected a floating dtype");
    CHECK_THROWS_WITH(mean(arange(4)), DtypeError, "mean: expected a floating dtype");
}

BOOST_AUTO_TEST_CASE(correction_at_or_above_the_count_divides_by_zero_as_pytorch) {
    const Tensor x = tensor({{1.0, 2.0, 3.0}, {1.0, 1.0, 1.0}}, float64);
    // row 0: Σ(x − m)² = 2, row 1: 0; correction 3 = n leaves 0 degrees of freedom: 2/0 = inf, 0/0 = NaN
    const auto v = values(var(x, {1}, false, 3));
    BOOST_TEST(v[0] == inf);
    BOOST_TEST(std::isnan(v[1]));
    BOOST_TEST(values(var(x, {1}, false, 5))[0] == inf);  // max(0, n − correction), as PyTorch
    // correction 1 is the unbiased variance: 2/2
    BOOST_TEST(values(var(x, {1}, false, 1))[0] == 1.0);
}

BOOST_AUTO_TEST_CASE(amax_amin_split_the_gradient_among_ties) {
    Tensor x = tensor({{1.0, 3.0, 3.0}, {2.0, 2.0, 2.0}}, float64).requires_grad_();
    BOOST_TEST(values(amax(x, {1})) == std::vector<double>({3, 2}), tt::per_element());
    BOOST_TEST(values(amin(x, {0})) == std::vector<double>({1, 2, 2}), tt::per_element());
    sum(amax(x, {1})).backward();
    BOOST_TEST(values(x.grad()) == std::vector<double>({0, 0.5, 0.5, 1.0 / 3, 1.0 / 3, 1.0 / 3}),
               tt::tolerance(1e-15) << tt::per_element());
    x.zero_grad();
    sum(amin(x)).backward();  // one minimum: 1
    BOOST_TEST(values(x.grad()) == std::vector<double>({1, 0, 0, 0, 0, 0}), tt::per_element());
    BOOST_TEST(values(amax(x.detach().to(float32), {}, true)) == std::vector<double>({3}), tt::per_element());
    BOOST_TEST(amax(x, {0, 1}, true).shape() == (Shape{1, 1}));
    CHECK_THROWS_WITH(amax(zeros({2, 0}), {1}), ValueError, "amax: cannot reduce over an empty dimension (axis 1 of shape [2,0])");
    CHECK_THROWS_WITH(amin(zeros({0})), ValueError, "amin: cannot reduce over an empty dimension (all axes of shape [0])");
}

BOOST_AUTO_TEST_CASE(prod_values_empty_and_gradients_with_zeros) {
    const Tensor x = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, float64);
    BOOST_TEST(values(prod(x)) == std::vector<double>({720}), tt::per_element());
    BOOST_TEST(values(prod(x, {0})) == std::vector<double>({4, 10, 18}), tt::per_element());
    BOOST_TEST(values(prod(x.to(float32), {1}, true)) == std::vector<double>({6, 120}), tt::per_element());
    BOOST_TEST(values(prod(x.to(int64), {1})) == std::vector<double>({6, 120}), tt::per_element());
    // the empty product is 1
    BOOST_TEST(values(prod(zeros({0}))) == std::vector<double>({1}), tt::per_element());
    BOOST_TEST(values(prod(zeros({2, 0}), {1})) == std::vector<double>({1, 1}), tt::per_element());
    // gradient Π_{j≠i} x_j per row: row (2, 0, 4) has one zero → (0, 8, 0); row (0, 3, 0) two → 0;
    // row (1, 2, 5) none → (10, 5, 2)
    Tensor z = tensor({{2.0, 0.0, 4.0}, {0.0, 3.0, 0.0}, {1.0, 2.0, 5.0}}, float64).requires_grad_();
    sum(prod(z, {1})).backward();
    BOOST_TEST(values(z.grad()) == std::vector<double>({0, 8, 0, 0, 0, 0, 10, 5, 2}), tt::per_element());
    // over axis 0: columns (2, 0, 1), (0, 3, 2), (4, 0, 5) each have one zero, whose gradient is
    // the others' product (2, 6, 20); over all axes (four zeros) all 0
    z.zero_grad();
    sum(prod(z, {0})).backward();
    BOOST_TEST(values(z.grad()) == std::vector<double>({0, 6, 0, 2, 0, 20, 0, 0, 0}), tt::per_element());
    z.zero_grad();
    prod(z).backward();
    BOOST_TEST(values(z.grad()) == std::vector<double>(9, 0.0), tt::per_element());
}

BOOST_AUTO_TEST_CASE(vector_and_frobenius_norms) {
    const Tensor x = tensor({{3.0, -4.0}, {0.0, 12.0}}, float64);
    BOOST_TEST(values(norm(x)) == std::vector<double>({13}), tt::tolerance(1e-15) << tt::per_element());
    BOOST_TEST(values(norm(x, 2, {1})) == std::vector<double>({5, 12}), tt::tolerance(1e-15) << tt::per_element());
    BOOST_TEST(values(norm(x, 1, {1})) == std::vector<double>({7, 12}), tt::per_element());
    BOOST_TEST(values(norm(x, INFINITY, {0})) == std::vector<double>({3, 12}), tt::per_element());
    BOOST_TEST(values(norm(x, -INFINITY, {1})) == std::vector<double>({3, 0}), tt::per_element());
    BOOST_TEST(values(norm(x, 0, {1}, true)) == std::vector<double>({2, 1}), tt::per_element());
    BOOST_TEST(values(norm(x, 3, {1})) == std::vector<double>({std::cbrt(91.0), 12}), tt::tolerance(1e-15) << tt::per_element());
    BOOST_TEST(values(norm(x.to(float32), "fro")) == std::vector<double>({13}), tt::tolerance(1e-7) << tt::per_element());
    BOOST_TEST(values(norm(zeros({0}))) == std::vector<double>({0}), tt::per_element());
    // gradients: 2-norm x/‖x‖ and 0 at x = 0 (PyTorch's subgradient), for ord 2, 3 and 0.5
    for (double ord : {2.0, 3.0, 0.5, 1.0}) {
        Tensor zero = zeros({3}, float64).requires_grad_();
        norm(zero, ord).backward();
        BOOST_TEST(values(zero.grad()) == std::vector<double>({0, 0, 0}), tt::per_element());
    }
    Tensor v = tensor({3.0, -4.0}, float64).requires_grad_();
    norm(v).backward();
    BOOST_TEST(values(v.grad()) == std::vector<double>({0.6, -0.8}), tt::tolerance(1e-15) << tt::per_element());
    // inf norm: ties share the gradient with the sign; ord 0: gradient 0
    Tensor t = tensor({2.0, -2.0, 1.0}, float64).requires_grad_();
    norm(t, INFINITY).backward();
    BOOST_TEST(values(t.grad()) == std::vector<double>({0.5, -0.5, 0}), tt::per_element());
    t.zero_grad();
    norm(t, 0).backward();
    BOOST_TEST(values(t.grad()) == std::vector<double>({0, 0, 0}), tt::per_element());
    CHECK_THROWS_WITH(norm(x, "nuc"), ValueError, "norm: ord \"nuc\" is not a norm of this function; \"fro\" is (the nuclear norm is linalg's matrix_norm)");
    CHECK_THROWS_WITH(norm(x, "fro", {0}), ValueError, "norm: \"fro\" takes exactly two axes, got axis 0 for shape [2,2]");
    CHECK_THROWS_WITH(norm(x, 2, {3}), ValueError, "norm: axis 3 is out of range");
    CHECK_THROWS_WITH(norm(zeros({2, 0}), INFINITY, {1}), ValueError, "norm: ord inf of an empty group (axis 1 of shape [2,0])");
    CHECK_THROWS_WITH(norm(arange(3)), DtypeError, "norm");
}

BOOST_AUTO_TEST_CASE(median_whole_and_along_an_axis) {
    // whole tensor: the lower median, as torch.median(): (1, 2, 3, 4) → 2
    Tensor x = tensor({{4.0, 1.0}, {3.0, 2.0}}, float64).requires_grad_();
    const Tensor m = median(x);
    BOOST_TEST(m.shape() == Shape{});
    BOOST_TEST(m.item() == 2.0);
    m.backward();
    BOOST_TEST(values(x.grad()) == std::vector<double>({0, 0, 0, 1}), tt::per_element());
    const auto [v, i] = median(tensor({{5.0, 1.0, 3.0}, {2.0, 2.0, 9.0}}, float64), 1);
    BOOST_TEST(v.shape() == (Shape{2}));  // the axis is dropped unless keepdims (it was kept: found by ops/against_torch)
    BOOST_TEST(i.shape() == (Shape{2}));
    BOOST_TEST(values(v) == std::vector<double>({3, 2}), tt::per_element());
    // ties in index order: (2@0, 2@1, 9@2), the middle one is index 1
    BOOST_TEST(i.to_vector<std::int64_t>() == std::vector<std::int64_t>({2, 1}), tt::per_element());
    const auto [vk, ik] = median(tensor({{5.0, 1.0}, {2.0, 7.0}, {3.0, 4.0}}), 0, true);
    BOOST_TEST(vk.shape() == (Shape{1, 2}));
    BOOST_TEST(values(vk) == std::vector<double>({3, 4}), tt::per_element());
    BOOST_TEST(ik.to_vector<std::int64_t>() == std::vector<std::int64_t>({2, 2}), tt::per_element());
    BOOST_TEST(std::isnan(median(tensor({1.0, std::nan(""), 3.0})).item()));
    CHECK_THROWS_WITH(median(zeros({0, 2})), ValueError, "median: the tensor of shape [0,2] is empty");
    CHECK_THROWS_WITH(median(zeros({2, 0}), 1), ValueError, "median: cannot reduce over an empty dimension (axis 1 of shape [2,0])");
    CHECK_THROWS_WITH(median(zeros({2}), 1), ValueError, "median: axis 1 is out of range");
}

BOOST_AUTO_TEST_CASE(new_reductions_gradchecks) {
    manual_seed(23);
    const Tensor x = randn({3, 4, 2}).to(float64);
    const Tensor with_zeros = tensor({{0.5, 0.0, 1.5, -2.0}, {0.0, 0.0, 1.2, 0.7}, {1.1, -0.9, 0.0, 1.3}}, float64);
    for (const Axes& axes : std::vector<Axes>{{0}, {-1}, {0, 2}, {}}) {
        BOOST_TEST_CONTEXT(axes_text(axes, false)) {
            CHECK_GRADCHECK("amax", [&](const Fn& v) { return amax(v[0], axes); }, {x});
            CHECK_GRADGRADCHECK("amax", [&](const Fn& v) { return amax(v[0], axes) * v[0].sum(); }, {x});
            CHECK_GRADCHECK("amin", [&](const Fn& v) { return amin(v[0], axes, true); }, {x});
            CHECK_GRADGRADCHECK("amin", [&](const Fn& v) { return amin(v[0], axes) * v[0].sum(); }, {x});
            CHECK_GRADCHECK("prod", [&](const Fn& v) { return prod(v[0], axes); }, {x});
            CHECK_GRADGRADCHECK("prod", [&](const Fn& v) { return prod(v[0], axes); }, {x});
            for (double ord : {2.0, 1.0, 3.0, 1.5, double(INFINITY), -double(INFINITY)}) {
                CHECK_GRADCHECK("norm", [&](const Fn& v) { return norm(v[0], ord, axes); }, {x});
                CHECK_GRADGRADCHECK("norm", [&](const Fn& v) { return square(norm(v[0], ord, axes)); }, {x});
            }
        }
    }
    for (const Axes& axes : std::vector<Axes>{{0}, {1}, {}}) {
        CHECK_GRADCHECK("prod", [&](const Fn& v) { return prod(v[0], axes); }, {with_zeros});
        CHECK_GRADGRADCHECK("prod", [&](const Fn& v) { return prod(v[0], axes); }, {with_zeros});
    }
    CHECK_GRADCHECK("norm", [](const Fn& v) { return norm(v[0], "fro", {0, 2}); }, {x});
    CHECK_GRADGRADCHECK("norm", [](const Fn& v) { return norm(v[0], "fro", {0, 2}); }, {x});
    CHECK_GRADCHECK("median", [](const Fn& v) { return median(v[0]); }, {x});
    CHECK_GRADGRADCHECK("median", [](const Fn& v) { return square(median(v[0])); }, {x});
    CHECK_GRADCHECK("median", [](const Fn& v) { return median(v[0], 1).values; }, {x});
    CHECK_GRADGRADCHECK("median", [](const Fn& v) { return square(median(v[0], 1).values); }, {x});
    CHECK_GRADCHECK("var", [](const Fn& v) { return var(v[0], {1}, false, 2); }, {x});
    CHECK_GRADGRADCHECK("std", [](const Fn& v) { return xgrad::std(v[0], {0}, true, 1); }, {x});
}

BOOST_AUTO_TEST_SUITE_END()
