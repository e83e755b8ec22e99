// Binary elementwise math: hand values, broadcasting, the signs of fmod and
// remainder, stable logaddexp, clip with tensor bounds (values and where the
// gradient goes), nan_to_num, errors, gradchecks to second order in float64.
#include <cmath>
#include <limits>

#include "../test_helpers.hpp"

using namespace xgrad;
using xgrad_test::values;
using Fn = std::vector<Tensor>;
namespace tt = boost::test_tools;

namespace {

const double inf = std::numeric_limits<double>::infinity();
const double pi = 3.14159265358979323846;

Tensor f64(std::vector<double> v, const Shape& shape) { return from_vector(v, shape); }

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_binary_math)

BOOST_AUTO_TEST_CASE(atan2_quadrants_and_gradient) {
    // (y, x) = (1, 1) → π/4, (1, −1) → 3π/4, (−1, −1) → −3π/4, (0, −1) → π
    const Tensor y = f64({1, 1, -1, 0}, {4}), x = f64({1, -1, -1, -1}, {4});
    BOOST_TEST(values(atan2(y, x)) == std::vector<double>({pi / 4, 3 * pi / 4, -3 * pi / 4, pi}),
               tt::tolerance(1e-15) << tt::per_element());
    BOOST_TEST(values(atan2(y.to(float32), x.to(float32))) == std::vector<double>({pi / 4, 3 * pi / 4, -3 * pi / 4, pi}),
               tt::tolerance(1e-6) << tt::per_element());
    // at (y, x) = (3, 4): d/dy = 4/25, d/dx = −3/25
    Tensor ys = scalar(3.0, float64).requires_grad_(), xs = scalar(4.0, float64).requires_grad_();
    atan2(ys, xs).backward();
    BOOST_TEST(ys.grad().item() == 0.16, tt::tolerance(1e-15));
    BOOST_TEST(xs.grad().item() == -0.12, tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(fmod_takes_the_dividends_sign_and_remainder_the_divisors) {
    const Tensor a = f64({5.5, -5.5, 5.5, -5.5}, {4}), b = f64({2, 2, -2, -2}, {4});
    // 5.5 = 2·2 + 1.5; fmod keeps a's sign, remainder b's
    BOOST_TEST(values(fmod(a, b)) == std::vector<double>({1.5, -1.5, 1.5, -1.5}), tt::per_element());
    BOOST_TEST(values(remainder(a, b)) == std::vector<double>({1.5, 0.5, -0.5, -1.5}), tt::per_element());
    BOOST_TEST(values(remainder(a.to(float32), b.to(float32))) == std::vector<double>({1.5, 0.5, -0.5, -1.5}),
               tt::per_element());
    // d/db: −trunc(a/b) = −trunc(−2.75) = 2 for fmod, −floor(−2.75) = 3 for remainder
    Tensor a1 = scalar(-5.5, float64).requires_grad_(), b1 = scalar(2.0, float64).requires_grad_();
    fmod(a1, b1).backward();
    BOOST_TEST(a1.grad().item() == 1.0);
    BOOST_TEST(b1.grad().item() == 2.0);
    Tensor a2 = scalar(-5.5, float64).requires_grad_(), b2 = scalar(2.0, float64).requires_grad_();
    remainder(a2, b2).backward();
    BOOST_TEST(a2.grad().item() == 1.0);
    BOOST_TEST(b2.grad().item() == 3.0);
}

BOOST_AUTO_TEST_CASE(logaddexp_is_stable_and_hypot_does_not_overflow) {
    const Tensor a = f64({0, 1000, -1000, -inf, inf}, {5}), b = f64({0, 1000, -1001, -inf, inf}, {5});
    const auto v = values(logaddexp(a, b));
    BOOST_TEST(v[0] == std::log(2.0), tt::tolerance(1e-15));
    BOOST_TEST(v[1] == 1000 + std::log(2.0), tt::tolerance(1e-15));
    BOOST_TEST(v[2] == -1000 + std::log1p(std::exp(-1.0)), tt::tolerance(1e-15));
    BOOST_TEST(v[3] == -inf);
    BOOST_TEST(v[4] == inf);
    // float32: 1e30 squared overflows, hypot does not: √2·1e30
    BOOST_TEST(values(hypot(full({2}, 1e30, float32), full({2}, 1e30, float32)))[0] == std::sqrt(2.0) * 1e30,
               tt::tolerance(1e-6));
    BOOST_TEST(values(hypot(f64({3}, {1}), f64({4}, {1}))) == std::vector<double>({5}), tt::per_element());
    // d logaddexp/da at (0, 0) = σ(0) = 1/2; d hypot/da at (3, 4) = 3/5
    Tensor x = scalar(0.0, float64).requires_grad_();
    logaddexp(x, zeros({}, float64)).backward();
    BOOST_TEST(x.grad().item() == 0.5);
    Tensor h = scalar(3.0, float64).requires_grad_();
    hypot(h, scalar(4.0, float64)).backward();
    BOOST_TEST(h.grad().item() == 0.6, tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(broadcasting_sums_gradients_back_to_each_shape) {
    Tensor a = tensor({{1.0}, {2.0}}, float64).requires_grad_();  // [2, 1]
    Tensor b = tensor({3.0, 4.0, 12.0}, float64).requires_grad_();  // [3]
    const Tensor h = hypot(a, b);
    BOOST_TEST(h.shape() == (Shape{2, 3}));
    sum(h).backward();
    BOOST_TEST(a.grad().shape() == (Shape{2, 1}));
    BOOST_TEST(b.grad().shape() == (Shape{3}));
    // d/da row 0 = 1/√10 + 1/√17 + 1/√145
    BOOST_TEST(values(a.grad())[0] == 1 / std::sqrt(10.0) + 1 / std::sqrt(17.0) + 1 / std::sqrt(145.0),
               tt::tolerance(1e-14));
    BOOST_TEST(atan2(zeros({0, 3}, float64), ones({3}, float64)).shape() == (Shape{0, 3}));
}

BOOST_AUTO_TEST_CASE(clip_with_tensor_bounds) {
    Tensor x = tensor({-2.0, 0.5, 3.0, 1.0}, float64).requires_grad_();
    Tensor lo = tensor({0.0, 0.0, 0.0, 2.0}, float64).requires_grad_();
    Tensor hi = scalar(1.0, float64).requires_grad_();  // broadcast; lo > hi in the last element
    const Tensor y = clip(x, lo, hi);
    // min(max(x, lo), hi): the last is hi (1) since lo 2 > hi 1, as torch.clamp
    BOOST_TEST(values(y) == std::vector<double>({0, 0.5, 1, 1}), tt::per_element());
    sum(y).backward();
    BOOST_TEST(values(x.grad()) == std::vector<double>({0, 1, 0, 0}), tt::per_element());
    BOOST_TEST(values(lo.grad()) == std::vector<double>({1, 0, 0, 0}), tt::per_element());
    BOOST_TEST(values(hi.grad()) == std::vector<double>({2}), tt::per_element());  // x 3 > 1, and hi < lo
    // one bound undefined; NaN stays
    const Tensor nan_in = tensor({-1.0, std::nan(""), 5.0});
    const auto v = values(clip(nan_in, Tensor(), scalar(2.0)));
    BOOST_TEST(v[0] == -1.0);
    BOOST_TEST(std::isnan(v[1]));
    BOOST_TEST(v[2] == 2.0);
    BOOST_TEST(values(clip(nan_in, scalar(0.0), Tensor()))[0] == 0.0);
    BOOST_TEST(values(clip(tensor({7.0}), Tensor(), Tensor())) == std::vector<double>({7}), tt::per_element());
    CHECK_THROWS_WITH(clip(ones({2, 3}), ones({4}), Tensor()), ShapeError, "clip");
    CHECK_THROWS_WITH(clip(ones({2}), ones({2}, float64), Tensor()), DtypeError, "clip");
}

BOOST_AUTO_TEST_CASE(nan_to_num_values_and_gradient) {
    Tensor x = tensor({1.0, std::nan(""), inf, -inf}, float64).requires_grad_();
    const Tensor y = nan_to_num(x);
    BOOST_TEST(values(y) == std::vector<double>({1, 0, std::numeric_limits<double>::max(),
                                                 std::numeric_limits<double>::lowest()}),
               tt::per_element());
    sum(y).backward();
    BOOST_TEST(values(x.grad()) == std::vector<double>({1, 0, 0, 0}), tt::per_element());
    const Tensor y32 = nan_to_num(x.detach().to(float32), -1.0, 9.0);
    BOOST_TEST(values(y32) == std::vector<double>({1, -1, 9, std::numeric_limits<float>::lowest()}),
               tt::per_element());
}

BOOST_AUTO_TEST_CASE(errors_name_the_op) {
    CHECK_THROWS_WITH(atan2(ones({2, 3}), ones({4})), ShapeError, "atan2");
    CHECK_THROWS_WITH(fmod(ones({2}), ones({2}, float64)), DtypeError, "fmod");
    CHECK_THROWS_WITH(remainder(zeros({2}, int64), zeros({2}, int64)), DtypeError, "remainder");
    CHECK_THROWS_WITH(logaddexp(ones({3}), ones({2})), ShapeError, "logaddexp");
    CHECK_THROWS_WITH(hypot(zeros({2}, int64), zeros({2}, int64)), DtypeError, "hypot");
    CHECK_THROWS_WITH(nan_to_num(zeros({2}, int64)), DtypeError, "nan_to_num");
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    const Tensor a = f64({0.7, -1.3, 2.2, -0.4, 1.9, 0.3}, {2, 3});
    const Tensor b = f64({1.1, -0.6, 0.8}, {3});
    // linear ops (fmod, remainder, clip, nan_to_num) are squared for a nonzero second derivative
    CHECK_GRADCHECK("atan2", [](const Fn& v) { return atan2(v[0], v[1]); }, {a, b});
    CHECK_GRADGRADCHECK("atan2", [](const Fn& v) { return atan2(v[0], v[1]); }, {a, b});
    CHECK_GRADCHECK("fmod", [](const Fn& v) { return fmod(v[0], v[1]); }, {a, b});
    CHECK_GRADGRADCHECK("fmod", [](const Fn& v) { return square(fmod(v[0], v[1])); }, {a, b});
    CHECK_GRADCHECK("remainder", [](const Fn& v) { return remainder(v[0], v[1]); }, {a, b});
    CHECK_GRADGRADCHECK("remainder", [](const Fn& v) { return square(remainder(v[0], v[1])); }, {a, b});
    CHECK_GRADCHECK("logaddexp", [](const Fn& v) { return logaddexp(v[0], v[1]); }, {a, b});
    CHECK_GRADGRADCHECK("logaddexp", [](const Fn& v) { return logaddexp(v[0], v[1]); }, {a, b});
    CHECK_GRADCHECK("hypot", [](const Fn& v) { return hypot(v[0], v[1]); }, {a, b});
    CHECK_GRADGRADCHECK("hypot", [](const Fn& v) { return hypot(v[0], v[1]); }, {a, b});
    const Tensor lo = f64({-0.5, 0.0, 1.0}, {3}), hi = f64({1.5}, {1});
    CHECK_GRADCHECK("clip", [](const Fn& v) { return clip(v[0], v[1], v[2]); }, {a, lo, hi});
    CHECK_GRADGRADCHECK("clip", [](const Fn& v) { return square(clip(v[0], v[1], v[2])); }, {a, lo, hi});
    CHECK_GRADCHECK("clip", [](const Fn& v) { return clip(v[0], Tensor(), v[1]); }, {a, hi});
    CHECK_GRADCHECK("nan_to_num", [](const Fn& v) { return nan_to_num(v[0]); }, {a});
    CHECK_GRADGRADCHECK("nan_to_num", [](const Fn& v) { return square(nan_to_num(v[0])); }, {a});
}

BOOST_AUTO_TEST_SUITE_END()
