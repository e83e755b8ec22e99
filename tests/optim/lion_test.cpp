#include "optim_helpers.hpp"

using namespace xgrad;
using namespace xgrad::optim;
using optim_test::near;
using optim_test::three_steps;

BOOST_AUTO_TEST_SUITE(optim_lion)

BOOST_AUTO_TEST_CASE(keras_defaults) {
    Lion opt;
    BOOST_TEST(opt.learning_rate() == 0.001);
    BOOST_TEST(opt.options().beta_1() == 0.9);
    BOOST_TEST(opt.options().beta_2() == 0.99);
}

BOOST_AUTO_TEST_CASE(three_steps_by_hand) {
    Tensor theta = optim_test::theta0();
    Lion opt({theta}, 0.1);
    const auto h = three_steps(opt, theta);
    // c = 0.9·m + 0.1·g; θ ← θ − 0.1·sign(c); m ← 0.99·m + 0.01·g
    // t = 1: m = 0: c = 0.1·g > 0 → θ1 = [0.9, −2.1]; m = [0.005, 0.01]
    BOOST_TEST(near(h[0], {0.9, -2.1}));
    // t = 2: c = [0.0045 − 0.05, 0.009 + 0.2] = [−0.0455, 0.209] → θ2 = [1.0, −2.2]; m = [−0.00005, 0.0299]
    BOOST_TEST(near(h[1], {1.0, -2.2}));
    // t = 3: c = [−0.000045 + 0.1, 0.02691 + 0] > 0 → θ3 = [0.9, −2.3]
    BOOST_TEST(near(h[2], {0.9, -2.3}));
}

BOOST_AUTO_TEST_CASE(minimizes_a_quadratic) {
    // Every element moves by exactly ±η, so Lion ends within about η of the minimum.
    const double f = optim_test::minimize_quadratic(
        [](Tensor t) { return std::make_unique<Lion>(ParamGroup({t}), LearningRate(ExponentialDecay(0.05, 200, 0.5))); }, 3000);
    BOOST_TEST(f < 1e-6);
}

BOOST_AUTO_TEST_CASE(invalid_beta_1) {
    CHECK_THROWS_WITH(Lion(LionOptions().beta_1(0)), ValueError, "scale_by_lion: beta_1 must be in (0, 1]");
}

BOOST_AUTO_TEST_SUITE_END()
