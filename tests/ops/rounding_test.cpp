// Rounding: values (halves to even, toward zero), dtypes, and the zero
// gradient PyTorch gives, gradchecked away from the steps.
#include <cmath>
#include <limits>

#include "../test_helpers.hpp"

using namespace xgrad;
using xgrad_test::values;
using Fn = std::vector<Tensor>;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(ops_rounding)

BOOST_AUTO_TEST_CASE(values_of_each_rounding) {
    const Tensor x = tensor({-1.7, -0.2, 0.2, 1.7, 3.0}).to(float64);
    BOOST_TEST(values(xgrad::floor(x)) == std::vector<double>({-2, -1, 0, 1, 3}), tt::per_element());
    BOOST_TEST(values(xgrad::ceil(x)) == std::vector<double>({-1, 0, 1, 2, 3}), tt::per_element());
    BOOST_TEST(values(xgrad::trunc(x)) == std::vector<double>({-1, 0, 0, 1, 3}), tt::per_element());
    BOOST_TEST(values(xgrad::round(x)) == std::vector<double>({-2, 0, 0, 2, 3}), tt::per_element());
    // halves to even, as NumPy and PyTorch
    const Tensor halves = tensor({0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, -2.6});
    BOOST_TEST(values(xgrad::round(halves)) == std::vector<double>({0, 2, 2, 0, -2, -2, 2, -3}), tt::per_element());
    BOOST_TEST((xgrad::round(halves).dtype() == float32));
    BOOST_TEST(std::isnan(values(xgrad::floor(scalar(std::nan(""), float64)))[0]));
    BOOST_TEST(xgrad::ceil(zeros({3, 0})).shape() == (Shape{3, 0}));
    CHECK_THROWS_WITH(xgrad::round(zeros({2}, int64)), DtypeError, "round");
}

BOOST_AUTO_TEST_CASE(the_gradient_is_zero_even_for_an_infinite_incoming_gradient) {
    using Op = Tensor (*)(const Tensor&);
    for (Op op : {Op(xgrad::floor), Op(xgrad::ceil), Op(xgrad::round), Op(xgrad::trunc)}) {
        Tensor x = tensor({-1.3, 0.4, 2.6}).to(float64).requires_grad_();
        op(x).backward(full({3}, std::numeric_limits<double>::infinity(), float64));
        BOOST_TEST(values(x.grad()) == std::vector<double>(3, 0.0), tt::per_element());
    }
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    const Tensor x = tensor({-1.3, -0.4, 0.3, 2.6}).to(float64);
    CHECK_GRADCHECK("floor", [](const Fn& v) { return xgrad::floor(v[0]); }, {x});
    CHECK_GRADCHECK("ceil", [](const Fn& v) { return xgrad::ceil(v[0]); }, {x});
    CHECK_GRADCHECK("round", [](const Fn& v) { return xgrad::round(v[0]); }, {x});
    CHECK_GRADCHECK("trunc", [](const Fn& v) { return xgrad::trunc(v[0]); }, {x});
    // a rounding inside a larger expression: only the smooth part carries gradient
    CHECK_GRADGRADCHECK("floor", [](const Fn& v) { return v[0] * v[0] + xgrad::floor(v[0]); }, {x});
}

BOOST_AUTO_TEST_SUITE_END()
