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

const double e100 = 3.720075976020836e-44;  // e^-100

bool all_finite(const Tensor& t) {
    for (double v : values(t))
        if (!std::isfinite(v)) return false;
    return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_math)

BOOST_AUTO_TEST_CASE(exp_log_values) {
    CHECK_VALUES(xgrad::exp(tensor({0.0, 1.0, -1.0})), 1e-6, {1, std::exp(1.0), std::exp(-1.0)});  // e^0 = 1
    CHECK_VALUES(xgrad::exp(tensor({-100.0}, float64)), 1e-12, {e100});
    CHECK_VALUES(xgrad::log(tensor({1.0, std::exp(1.0), 0.5})), 1e-6, {0, 1, -std::log(2.0)});  // ln e = 1
    CHECK_VALUES(xgrad::log(tensor({0.0})), 0, {-INFINITY});                                      // ln 0 = -inf
    // log1p and expm1 keep full precision near 0: ln(1 + 1e-10) = 1e-10 - 5e-21, e^1e-10 - 1 = 1e-10 + 5e-21
    CHECK_VALUES(xgrad::log1p(tensor({1e-10, 0.0, std::exp(1.0) - 1}, float64)), 1e-14, {1e-10 - 5e-21, 0, 1});
    CHECK_VALUES(xgrad::expm1(tensor({1e-10, 0.0, std::log(2.0)}, float64)), 1e-14, {1e-10 + 5e-21, 0, 1});
    CHECK_VALUES(xgrad::log1p(tensor({1e-7f})), 1e-6, {1e-7});
    CHECK_VALUES(xgrad::expm1(tensor({-1e-7f})), 1e-6, {-1e-7});
    // large inputs: e^(-1e4) underflows to 0, ln(1e30) = 30 ln 10
    CHECK_VALUES(xgrad::exp(tensor({-1e4})), 0, {0});
    CHECK_VALUES(xgrad::log(tensor({1e30}, float64)), 1e-14, {30 * std::log(10.0)});
}

BOOST_AUTO_TEST_CASE(sqrt_rsqrt_square_values) {
    CHECK_VALUES(xgrad::sqrt(tensor({0.0, 4.0, 2.0})), 1e-6, {0, 2, std::sqrt(2.0)});
    CHECK_VALUES(xgrad::sqrt(tensor({1e30}, float64)), 1e-15, {1e15});
    CHECK_VALUES(rsqrt(tensor({4.0, 0.25, 1e4})), 1e-6, {0.5, 2, 0.01});  // 1/√4, 1/√0.25, 1/100
    CHECK_VALUES(rsqrt(tensor({0.0})), 0, {INFINITY});
    CHECK_VALUES(square(tensor({-3.0, 0.0, 1.5})), 0, {9, 0, 2.25});
    CHECK_VALUES(square(tensor({1e20}, float64)), 1e-15, {1e40});
}

BOOST_AUTO_TEST_CASE(reciprocal_values) {
    CHECK_VALUES(reciprocal(tensor({-4.0, 0.5, 2.0}).to(float64)), 0, {-0.25, 2.0, 0.5});
    BOOST_TEST(values(reciprocal(zeros({1})))[0] == std::numeric_limits<double>::infinity());
    Tensor x = scalar(2.0, float64).requires_grad_();
    reciprocal(x).backward();
    BOOST_TEST(x.grad().item() == -0.25);  // −1/x²
}

BOOST_AUTO_TEST_CASE(abs_sign_values) {
    CHECK_VALUES(xgrad::abs(tensor({-2.0, 0.0, 3.5})), 0, {2, 0, 3.5});
    CHECK_VALUES(xgrad::abs(tensor({-1e30, 1e30}, float64)), 0, {1e30, 1e30});
    CHECK_VALUES(sign(tensor({-2.0, 0.0, 3.5, -1e-30})), 0, {-1, 0, 1, -1});
    // sign also works on int64 and keeps the dtype
    const Tensor si = sign(tensor({-5, 0, 7}).to(int64));
    BOOST_TEST((si.dtype() == int64));
    CHECK_VALUES(si, 0, {-1, 0, 1});
    // not differentiable: no history
    Tensor x = tensor({1.0, -2.0}).requires_grad_();
    BOOST_TEST(!sign(x).requires_grad());
}

BOOST_AUTO_TEST_CASE(clamp_values) {
    const Tensor x = tensor({-2.0, 0.5, 3.0});
    CHECK_VALUES(clamp(x, 0.0, 1.0), 0, {0, 0.5, 1});
    CHECK_VALUES(clamp(x, 0.0, std::nullopt), 0, {0, 0.5, 3});   // lower bound only
    CHECK_VALUES(clamp(x, std::nullopt, 1.0), 0, {-2, 0.5, 1});  // upper bound only
    CHECK_VALUES(clip(x, -1.0, -1.0), 0, {-1, -1, -1});          // lo = hi is allowed
    CHECK_VALUES(clamp(x, std::nullopt, std::nullopt), 0, {-2, 0.5, 3});
    CHECK_THROWS_WITH(clamp(x, 2.0, 1.0), ValueError, "clamp: lower bound 2.000000 is above upper bound 1.000000");
    // the gradient passes inside the bounds only
    Tensor w = tensor({-2.0, 0.5, 3.0}).requires_grad_();
    clamp(w, 0.0, 1.0).sum().backward();
    CHECK_VALUES(w.grad(), 0, {0, 1, 0});
}

BOOST_AUTO_TEST_CASE(activation_values) {
    // tanh 0 = 0, tanh 1 = (e² - 1)/(e² + 1), tanh ±50 = ±1
    const double t1 = (std::exp(2.0) - 1) / (std::exp(2.0) + 1);
    CHECK_VALUES(xgrad::tanh(tensor({0.0, 1.0, -1.0, 50.0, -50.0})), 1e-6, {0, t1, -t1, 1, -1});
    CHECK_VALUES(xgrad::tanh(tensor({50.0, -50.0, 1e4}, float64)), 0, {1, -1, 1});
    // σ(0) = 1/2, σ(±100): 1 and 0 in float32 without NaN; 1/(1 + e^100) ≈ e^-100 in float64
    CHECK_VALUES(sigmoid(tensor({0.0, 100.0, -100.0, 1e4, -1e4})), 0, {0.5, 1, 0, 1, 0});
    CHECK_VALUES(sigmoid(tensor({-100.0, 100.0}, float64)), 1e-12, {e100, 1});
    CHECK_VALUES(sigmoid(tensor({1.0})), 1e-6, {1 / (1 + std::exp(-1.0))});
    CHECK_VALUES(relu(tensor({-1.0, 0.0, 2.0, -1e30})), 0, {0, 0, 2, 0});
    // 3·2·(e⁻¹ − 1), 0, 3·2; a huge negative input saturates at −scale·alpha.
    CHECK_VALUES(scaled_elu(tensor({-1.0, 0.0, 2.0, -1e30}), 2.0, 3.0), 1e-6, {6.0 * (std::exp(-1.0) - 1.0), 0, 6, -6});
    // softplus 0 = ln 2; softplus(100) = 100 + ln(1 + e^-100) = 100; softplus(-100) = ln(1 + e^-100) ≈ e^-100
    CHECK_VALUES(softplus(tensor({0.0, 100.0, 1e4})), 1e-6, {std::log(2.0), 100, 1e4});
    CHECK_VALUES(softplus(tensor({-100.0, 100.0, 1.0}, float64)), 1e-12, {e100, 100, std::log1p(std::exp(1.0))});
    BOOST_TEST(values(softplus(tensor({-1e4})))[0] == 0.0);
    // gradients at large |x| stay finite
    Tensor x = tensor({-100.0, 100.0, -50.0, 50.0}).requires_grad_();
    (sigmoid(x) + softplus(x) + xgrad::tanh(x)).sum().backward();
    BOOST_TEST(all_finite(x.grad()));
    // σ'(±100) = 0, softplus'(x) = σ(x) → 0 and 1, tanh'(±50) = 0
    CHECK_VALUES(x.grad(), 1e-6, {0, 1, 0, 1});
}

BOOST_AUTO_TEST_CASE(float64_keeps_dtype_and_int64_is_rejected) {
    const Tensor d = tensor({1.0, 2.0}, float64);
    for (const Tensor& y : {xgrad::exp(d), xgrad::log(d), xgrad::sqrt(d), rsqrt(d), square(d), xgrad::tanh(d),
                            sigmoid(d), relu(d), softplus(d), clamp(d, 0.0, 1.0)}) {
        BOOST_TEST((y.dtype() == float64));
    }
    const Tensor i = arange(3);
    CHECK_THROWS_WITH(xgrad::exp(i), DtypeError, "exp: expected a floating dtype (float32 or float64), got int64");
    CHECK_THROWS_WITH(xgrad::log(i), DtypeError, "log: expected a floating dtype");
    CHECK_THROWS_WITH(xgrad::sqrt(i), DtypeError, "sqrt: expected a floating dtype");
    CHECK_THROWS_WITH(clamp(i, 0.0, 1.0), DtypeError, "clamp: expected a floating dtype");
    CHECK_THROWS_WITH(sigmoid(i), DtypeError, "sigmoid: expected a floating dtype");
    CHECK_THROWS_WITH(relu(i), DtypeError, "relu: expected a floating dtype");
}

BOOST_AUTO_TEST_CASE(gradients_hand_computed) {
    // d e^x = e^x; d ln x = 1/x; d √x = 1/(2√x); d x^-1/2 = -1/2 x^-3/2 at x = 4: e^4, 1/4, 1/4, -1/16
    Tensor x = scalar(4.0, float64).requires_grad_();
    auto d = [&](Tensor y) {
        x.zero_grad();
        y.backward();
        return x.grad().item();
    };
    BOOST_TEST(d(xgrad::exp(x)) == std::exp(4.0), tt::tolerance(1e-12));
    BOOST_TEST(d(xgrad::log(x)) == 0.25, tt::tolerance(1e-12));
    BOOST_TEST(d(xgrad::sqrt(x)) == 0.25, tt::tolerance(1e-12));
    BOOST_TEST(d(rsqrt(x)) == -1.0 / 16, tt::tolerance(1e-12));
    BOOST_TEST(d(square(x)) == 8.0, tt::tolerance(1e-12));
    BOOST_TEST(d(xgrad::log1p(x)) == 0.2, tt::tolerance(1e-12));       // 1/(1 + 4)
    BOOST_TEST(d(xgrad::expm1(x)) == std::exp(4.0), tt::tolerance(1e-12));
    BOOST_TEST(d(xgrad::abs(-x)) == 1.0, tt::tolerance(1e-12));         // |−x| = x for x > 0
    BOOST_TEST(d(softplus(x)) == 1 / (1 + std::exp(-4.0)), tt::tolerance(1e-12));  // σ(4)
    BOOST_TEST(d(relu(x)) == 1.0);
    BOOST_TEST(d(relu(-x)) == 0.0);
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    manual_seed(41);
    const Tensor x = randn({3, 4});
    const Tensor pos = uniform({3, 4}, 0.5, 3.0);
    // away from the kinks of abs/relu at 0 and of clamp at its bounds
    const Tensor nonzero = tensor({{-2.0, -1.3, -0.7, -0.2}, {0.2, 0.6, 1.1, 2.5}});
    const Tensor spread = tensor({{-3.0, -1.5, -0.4, 0.1}, {0.3, 0.8, 1.7, 4.0}});
    CHECK_GRADCHECK("exp", [](const Fn& v) { return xgrad::exp(v[0]); }, {x});
    CHECK_GRADCHECK("log", [](const Fn& v) { return xgrad::log(v[0]); }, {pos});
    CHECK_GRADCHECK("log1p", [](const Fn& v) { return xgrad::log1p(v[0]); }, {pos - 0.4});
    CHECK_GRADCHECK("expm1", [](const Fn& v) { return xgrad::expm1(v[0]); }, {x});
    CHECK_GRADCHECK("sqrt", [](const Fn& v) { return xgrad::sqrt(v[0]); }, {pos});
    CHECK_GRADCHECK("rsqrt", [](const Fn& v) { return rsqrt(v[0]); }, {pos});
    CHECK_GRADCHECK("abs", [](const Fn& v) { return xgrad::abs(v[0]); }, {nonzero});
    CHECK_GRADCHECK("square", [](const Fn& v) { return square(v[0]); }, {x});
    CHECK_GRADCHECK("reciprocal", [](const Fn& v) { return reciprocal(v[0]); }, {pos});
    CHECK_GRADGRADCHECK("reciprocal", [](const Fn& v) { return reciprocal(v[0]); }, {pos.to(float64)});
    CHECK_GRADCHECK("clamp", [](const Fn& v) { return clamp(v[0], -1.0, 1.0); }, {spread});
    CHECK_GRADCHECK("clamp", [](const Fn& v) { return clamp(v[0], 0.0, std::nullopt); }, {spread});
    CHECK_GRADCHECK("clamp", [](const Fn& v) { return clamp(v[0], std::nullopt, 1.0); }, {spread});
    CHECK_GRADCHECK("tanh", [](const Fn& v) { return xgrad::tanh(v[0]); }, {x});
    CHECK_GRADCHECK("sigmoid", [](const Fn& v) { return sigmoid(v[0]); }, {x * 3.0});
    CHECK_GRADCHECK("relu", [](const Fn& v) { return relu(v[0]); }, {nonzero});
    CHECK_GRADCHECK("softplus", [](const Fn& v) { return softplus(v[0]); }, {x * 3.0});
    CHECK_GRADCHECK("scaled_elu", [](const Fn& v) { return scaled_elu(v[0], 1.7, 1.05); }, {nonzero});
    CHECK_GRADCHECK("scaled_elu", [](const Fn& v) { return scaled_elu(v[0], -0.5, 2.0); }, {nonzero * 3.0});
    // float32 inputs are checked in float64 by gradcheck; a float64 input works the same
    CHECK_GRADCHECK("tanh", [](const Fn& v) { return xgrad::tanh(v[0]); }, {x.to(float64)});
}

BOOST_AUTO_TEST_CASE(second_order) {
    manual_seed(42);
    const Tensor x = randn({2, 3});
    const Tensor pos = uniform({2, 3}, 0.5, 3.0);
    CHECK_GRADGRADCHECK("exp", [](const Fn& v) { return xgrad::exp(v[0]); }, {x});
    CHECK_GRADGRADCHECK("log", [](const Fn& v) { return xgrad::log(v[0]); }, {pos});
    CHECK_GRADGRADCHECK("sqrt", [](const Fn& v) { return xgrad::sqrt(v[0]); }, {pos});
    CHECK_GRADGRADCHECK("rsqrt", [](const Fn& v) { return rsqrt(v[0]); }, {pos});
    CHECK_GRADGRADCHECK("tanh", [](const Fn& v) { return xgrad::tanh(v[0]); }, {x});
    CHECK_GRADGRADCHECK("sigmoid", [](const Fn& v) { return sigmoid(v[0]); }, {x});
    CHECK_GRADGRADCHECK("softplus", [](const Fn& v) { return softplus(v[0]); }, {x});
    CHECK_GRADGRADCHECK("scaled_elu", [](const Fn& v) { return scaled_elu(v[0], 1.7, 1.05); }, {x});
    CHECK_GRADGRADCHECK("log1p", [](const Fn& v) { return xgrad::log1p(v[0]); }, {pos});
    CHECK_GRADGRADCHECK("expm1", [](const Fn& v) { return xgrad::expm1(v[0]); }, {x});
    CHECK_GRADGRADCHECK("square", [](const Fn& v) { return square(v[0]); }, {x});
}

BOOST_AUTO_TEST_SUITE_END()
