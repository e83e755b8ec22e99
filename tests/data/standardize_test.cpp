// Standardizer: the notebook's per-feature standardization, by hand on tiny
// data and against the reduction ops on random "images".
#include <cmath>

#include "../test_helpers.hpp"

using namespace xgrad;
using namespace xgrad::data;
using xgrad_test::values;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(data_standardize)

BOOST_AUTO_TEST_CASE(standardizer_by_hand) {
    // feature 0: 0, 3, 6 → mean 3, population std √((9 + 0 + 9) / 3) = √6
    // feature 1: 4, 4, 4 → mean 4, std 0 → divisor 1 (the zero-std guard)
    const Tensor x_train = tensor({{0, 4}, {3, 4}, {6, 4}});
    const Standardizer s(x_train);
    BOOST_TEST((s.mean().shape() == Shape{1, 2}));  // keepdims, as the notebook's X_means
    BOOST_TEST(values(s.mean()) == std::vector<double>({3, 4}), tt::per_element());
    BOOST_TEST(values(s.stddev()) == std::vector<double>({std::sqrt(6.0), 0}), tt::per_element());
    BOOST_TEST(values(s.scale()) == std::vector<double>({std::sqrt(6.0), 1}), tt::per_element());
    const double r6 = std::sqrt(6.0);
    BOOST_TEST(xgrad_test::allclose(s(x_train), tensor({{-3 / r6, 0}, {0, 0}, {3 / r6, 0}})));
    // Applied to other data with the training statistics: (9 − 3)/√6 = √6, (5 − 4)/1 = 1.
    const Tensor other = s(tensor({{9, 5}}));
    BOOST_TEST((other.dtype() == float32));
    BOOST_TEST(xgrad_test::allclose(other, tensor({{r6, 1}})));
    BOOST_TEST((s(tensor({{9, 5}}, float64)).dtype() == float64));
    // Datasets keep their labels.
    const Dataset d = s.transform(Dataset(x_train, tensor({1, 2, 3}, int64)));
    BOOST_TEST(d.y().to_vector<std::int64_t>() == std::vector<std::int64_t>({1, 2, 3}), tt::per_element());

    CHECK_THROWS_WITH(s(zeros({2, 3})), ShapeError, "Standardizer: fitted on samples of shape [2], got x [2,3]");
    CHECK_THROWS_WITH(Standardizer()(x_train), ValueError, "Standardizer: not fitted");
    CHECK_THROWS_WITH(Standardizer(zeros({2, 2}, int64)), DtypeError, "Standardizer: expected a floating dtype");
    CHECK_THROWS_WITH(Standardizer(zeros({0, 2})), ValueError, "cannot fit on 0 samples");
}

BOOST_AUTO_TEST_CASE(standardizer_matches_the_reductions_on_images) {
    // [N, 2, 3] "images": per-pixel statistics, as X_train.mean(axis=0, keepdims=True).
    Generator gen(7);
    const Tensor x = uniform({50, 2, 3}, 0, 1, float32, gen);
    const Standardizer s(x);
    BOOST_TEST((s.mean().shape() == Shape{1, 2, 3}));
    BOOST_TEST(xgrad_test::allclose(s.mean(), mean(x.to(float64), {0}, true), 1e-12, 1e-12));
    BOOST_TEST(xgrad_test::allclose(s.stddev(), stddev(x.to(float64), {0}, true), 1e-12, 1e-12));
    const Tensor z = s(x);
    BOOST_TEST(xgrad_test::allclose(mean(z, {0}), zeros({2, 3}), 0, 1e-6));
    BOOST_TEST(xgrad_test::allclose(stddev(z, {0}), ones({2, 3}), 1e-5, 1e-6));
}

BOOST_AUTO_TEST_SUITE_END()
