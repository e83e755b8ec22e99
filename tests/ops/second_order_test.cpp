// Second derivatives of the ops whose test files gradcheck only the first:
// every differentiable op is gradgradchecked (ops/coverage enforces it).
// A linear op f is checked through f(x)·f(x), so its backward must itself
// be differentiable; ops with kinks (abs, relu, clamp, maximum, …) are
// checked away from them.
#include "test_helpers.hpp"

using namespace xgrad;
using Fn = std::vector<Tensor>;

namespace {

/// The gradient `op` records, as a function of the incoming gradient v
/// (for the ops that exist only as another op's backward).
Tensor backward_of(const std::function<Tensor(const Tensor&)>& op, const Shape& x_shape, const Tensor& v) {
    GradModeGuard on(true);
    Tensor leaf = zeros(x_shape, float64).requires_grad_();
    GradOptions o;
    o.create_graph = true;
    return grad({op(leaf)}, {leaf}, {v}, o)[0];
}

Tensor away_from_zero(const Shape& shape, std::uint64_t seed) {
    Generator g(seed);
    const Tensor u = uniform(shape, 0.3, 1.5, float64, g);
    const Tensor sign = bernoulli(shape, 0.5, float64, g) * 2.0 - 1.0;
    return u * sign;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(second_order)

BOOST_AUTO_TEST_CASE(trigonometric_and_rounding) {
    const Tensor x = tensor({-0.7, 0.2, 0.6}).to(float64), above_one = tensor({1.3, 2.0, 4.0}).to(float64);
    const Tensor off_grid = tensor({-1.7, -0.2, 0.3, 2.6}).to(float64);
    CHECK_GRADGRADCHECK("sin", [](const Fn& v) { return xgrad::sin(v[0]); }, {x});
    CHECK_GRADGRADCHECK("cos", [](const Fn& v) { return xgrad::cos(v[0]); }, {x});
    CHECK_GRADGRADCHECK("tan", [](const Fn& v) { return xgrad::tan(v[0]); }, {x});
    CHECK_GRADGRADCHECK("asin", [](const Fn& v) { return xgrad::asin(v[0]); }, {x});
    CHECK_GRADGRADCHECK("acos", [](const Fn& v) { return xgrad::acos(v[0]); }, {x});
    CHECK_GRADGRADCHECK("atan", [](const Fn& v) { return xgrad::atan(v[0]); }, {x});
    CHECK_GRADGRADCHECK("sinh", [](const Fn& v) { return xgrad::sinh(v[0]); }, {x});
    CHECK_GRADGRADCHECK("cosh", [](const Fn& v) { return xgrad::cosh(v[0]); }, {x});
    CHECK_GRADGRADCHECK("asinh", [](const Fn& v) { return xgrad::asinh(v[0]); }, {x});
    CHECK_GRADGRADCHECK("acosh", [](const Fn& v) { return xgrad::acosh(v[0]); }, {above_one});
    CHECK_GRADGRADCHECK("atanh", [](const Fn& v) { return xgrad::atanh(v[0]); }, {x});
    // Gradient 0 almost everywhere, so the second derivative of x·round(x) is 0 too.
    CHECK_GRADGRADCHECK("ceil", [](const Fn& v) { return v[0] * xgrad::ceil(v[0]); }, {off_grid});
    CHECK_GRADGRADCHECK("round", [](const Fn& v) { return v[0] * xgrad::round(v[0]); }, {off_grid});
    CHECK_GRADGRADCHECK("trunc", [](const Fn& v) { return v[0] * xgrad::trunc(v[0]); }, {off_grid});
}

BOOST_AUTO_TEST_CASE(arithmetic_and_pieces) {
    const Tensor x = away_from_zero({3, 4}, 1), y = away_from_zero({3, 4}, 2), row = away_from_zero({4}, 3);
    CHECK_GRADGRADCHECK("add", [](const Fn& v) { return square(add(v[0], v[1])); }, {x, row});
    CHECK_GRADGRADCHECK("sub", [](const Fn& v) { return square(sub(v[0], v[1])); }, {x, row});
    CHECK_GRADGRADCHECK("add_scalar", [](const Fn& v) { return square(v[0] + 0.4); }, {x});
    CHECK_GRADGRADCHECK("neg", [](const Fn& v) { return neg(v[0]) * v[0]; }, {x});
    CHECK_GRADGRADCHECK("pow_scalar", [](const Fn& v) { return pow(v[0], 3.0); }, {x});
    CHECK_GRADGRADCHECK("pow_scalar", [](const Fn& v) { return pow(abs(v[0]), -1.5); }, {x});
    CHECK_GRADGRADCHECK("abs", [](const Fn& v) { return abs(v[0]) * v[0]; }, {x});
    CHECK_GRADGRADCHECK("relu", [](const Fn& v) { return relu(v[0]) * v[0]; }, {x});
    CHECK_GRADGRADCHECK("clamp", [](const Fn& v) { return square(clamp(v[0], -1.0, 1.0)); }, {x * 1.3});
    // x and y differ by at least 0.3 in magnitude or sign almost everywhere: no ties
    CHECK_GRADGRADCHECK("maximum", [](const Fn& v) { return square(maximum(v[0], v[1])); }, {x, y * 1.7});
    CHECK_GRADGRADCHECK("minimum", [](const Fn& v) { return square(minimum(v[0], v[1])); }, {x, y * 1.7});
    CHECK_GRADGRADCHECK("where", [](const Fn& v) { return square(where(v[0] > 0.0, v[0], v[1])); }, {x, row});
}

BOOST_AUTO_TEST_CASE(shape_and_reduction) {
    const Tensor x = away_from_zero({2, 3, 4}, 4);
    CHECK_GRADGRADCHECK("reshape", [](const Fn& v) { return square(reshape(v[0], {6, 4})); }, {x});
    CHECK_GRADGRADCHECK("permute", [](const Fn& v) { return square(permute(v[0], {2, 0, 1})); }, {x});
    CHECK_GRADGRADCHECK("expand", [](const Fn& v) { return square(expand(v[0], {5, 3, 4})); }, {slice(x, 0, 0, 1)});
    CHECK_GRADGRADCHECK("sum", [](const Fn& v) { return square(xgrad::sum(v[0], {1})); }, {x});
    CHECK_GRADGRADCHECK("min", [](const Fn& v) { return square(xgrad::min(v[0], {2})); }, {x});
    CHECK_GRADGRADCHECK("split",
                        [](const Fn& v) {
                            const auto p = split(v[0], std::vector<std::int64_t>{1, 2}, 1);
                            return concat({p[1] * p[1], p[0]}, 1);
                        },
                        {x});
    CHECK_GRADGRADCHECK("clone", [](const Fn& v) { return v[0].clone() * v[0]; }, {x});
    GradcheckOptions wide;  // through float32 the function is rounded: a wide step keeps that out
    wide.eps = 1e-2;
    wide.atol = 1e-4;
    wide.rtol = 1e-3;
    CHECK_GRADGRADCHECK("to", [](const Fn& v) { return v[0].to(float32) * v[0].to(float32); }, {x}, wide);
}

BOOST_AUTO_TEST_CASE(backward_ops) {
    const Tensor x = away_from_zero({2, 3, 4}, 5);
    const Tensor index = from_vector<std::int64_t>({2, 0, 2}, {3});
    const auto index_select_backward = [&x](const Fn& v) {
        const Tensor g = backward_of([&v](const Tensor& t) { return index_select(t, 2, v[1]); }, x.shape(), v[0]);
        return g * g;
    };
    CHECK_GRADGRADCHECK("index_select_backward", index_select_backward, {away_from_zero({2, 3, 3}, 6), index});
    const auto slice_backward = [&x](const Fn& v) {
        const Tensor g = backward_of([](const Tensor& t) { return slice(t, 1, 0, 3, 2); }, x.shape(), v[0]);
        return g * g;
    };
    CHECK_GRADGRADCHECK("slice_backward", slice_backward, {away_from_zero({2, 2, 4}, 7)});
    const Window2d w{.size = {2, 3}, .strides = {1, 2}, .padding = "same"};
    const Tensor image = away_from_zero({1, 4, 5, 2}, 8);
    const Tensor cols = away_from_zero(im2col(image, w).shape(), 9);
    CHECK_GRADGRADCHECK("col2im", [w, s = image.shape()](const Fn& v) { return square(col2im(v[0], s, w)); }, {cols});
}

BOOST_AUTO_TEST_CASE(random_ops_with_a_fixed_stream) {
    const Tensor x = away_from_zero({4, 5}, 10);
    CHECK_GRADGRADCHECK("dropout",
                        [](const Fn& v) {
                            Generator gen(9);
                            return square(nn::functional::dropout(v[0], 0.4, true, gen));
                        },
                        {x});
    CHECK_GRADGRADCHECK("alpha_dropout",
                        [](const Fn& v) {
                            Generator gen(13);
                            return square(nn::functional::alpha_dropout(v[0], 0.3, true, gen));
                        },
                        {x});
    CHECK_GRADGRADCHECK("gaussian_noise",
                        [](const Fn& v) {
                            Generator gen(2);
                            return square(nn::functional::gaussian_noise(v[0], 0.5, true, gen));
                        },
                        {x});
}

BOOST_AUTO_TEST_SUITE_END()
