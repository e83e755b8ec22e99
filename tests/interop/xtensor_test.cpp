#include <xtensor/xarray.hpp>
#include <xtensor/xmath.hpp>

#include "../test_helpers.hpp"
#include "xgrad/interop/xtensor.hpp"

using namespace xgrad;

BOOST_AUTO_TEST_SUITE(interop_xtensor)

BOOST_AUTO_TEST_CASE(adaptor_aliases_the_tensor) {
    Tensor t = tensor({{1, 2, 3}, {4, 5, 6}});
    auto view = as_xtensor<float>(t);
    BOOST_TEST(view.shape()[0] == 2u);
    BOOST_TEST(view.shape()[1] == 3u);
    BOOST_TEST(view(1, 2) == 6.0f);
    view(0, 0) = 10.0f;  // writes go to the tensor: no copy was made
    BOOST_TEST(t.data<float>()[0] == 10.0f);
    BOOST_TEST(xt::sum(view)() == 30.0f);
    CHECK_THROWS_WITH(as_xtensor<double>(t), DtypeError, "requested as float64 but the tensor is float32");
}

BOOST_AUTO_TEST_CASE(xarray_moves_in_without_copy) {
    xt::xarray<double> a = {{1.0, 2.0}, {3.0, 4.0}};
    const double* buffer = a.data();
    Tensor t = from_xtensor(std::move(a));
    BOOST_TEST((t.shape() == Shape{2, 2}));
    BOOST_TEST((t.dtype() == float64));
    BOOST_TEST(t.data<double>() == buffer);
    // The tensor keeps the buffer alive and works with autograd like any other.
    t.requires_grad_();
    (t * t).sum().backward();
    BOOST_TEST(t.grad().to_vector<double>() == std::vector<double>({2, 4, 6, 8}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(expressions_are_evaluated) {
    xt::xarray<float> a = {1.0f, 2.0f, 3.0f};
    const Tensor t = from_xtensor(a * 2.0f + 1.0f);
    BOOST_TEST(t.to_vector<double>() == std::vector<double>({3, 5, 7}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
