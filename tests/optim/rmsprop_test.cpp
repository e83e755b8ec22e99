#include "optim_helpers.hpp"

using namespace xgrad;
using namespace xgrad::optim;
using optim_test::near;
using optim_test::three_steps;

BOOST_AUTO_TEST_SUITE(optim_rmsprop)

BOOST_AUTO_TEST_CASE(keras_defaults) {
    RMSprop opt;
    BOOST_TEST(opt.learning_rate() == 0.001);
    BOOST_TEST(opt.options().rho() == 0.9);
    BOOST_TEST(opt.options().momentum() == 0.0);
    BOOST_TEST(opt.options().epsilon() == 1e-7);
    BOOST_TEST(!opt.options().centered());
}

BOOST_AUTO_TEST_CASE(plain_three_steps) {
    Tensor theta = optim_test::theta0();
    RMSprop opt({theta}, 0.1);
    const auto h = three_steps(opt, theta);
    // v ← 0.9·v + 0.1·g², θ ← θ − 0.1·g/sqrt(v + 1e-7):
    // t = 1: v = [0.025, 0.1]; θ1 = [1 − 0.05/0.1581142, −2 − 0.1/0.3162279] = [0.6837729, −2.3162276]
    BOOST_TEST(near(h[0], {0.68377286643679658, -2.3162276079030737}));
    // t = 2: v = [0.0475, 0.49]; θ2 = [0.6837729 + 0.05/0.2179452, −2.3162276 − 0.2/0.7000001] = [0.9131884, −2.6019419]
    BOOST_TEST(near(h[1], {0.9131883588174935, -2.6019418644628449}));
    BOOST_TEST(near(h[2], {0.6485140488986707, -2.6019418644628449}));
}

BOOST_AUTO_TEST_CASE(centered_with_momentum_three_steps) {
    Tensor theta = optim_test::theta0();
    RMSprop opt({theta}, RMSpropOptions().learning_rate(0.1).centered(true).momentum(0.5));
    const auto h = three_steps(opt, theta);
    // v ← 0.9·v + 0.1·g², ḡ ← 0.9·ḡ + 0.1·g, i = 0.1·g/sqrt(v − ḡ² + ε), m ← 0.5·m + i, θ ← θ − m:
    // t = 1: v = [0.025, 0.1], ḡ = [0.05, 0.1], v − ḡ² = [0.0225, 0.09],
    //        i = [0.05/0.1500003, 0.1/0.3000002] = [0.3333326, 0.3333331] = m; θ1 = [0.6666674, −2.3333331]
    BOOST_TEST(near(h[0], {0.66666740740493824, -2.3333331481483026}));
    // t = 2: v = [0.0475, 0.49], ḡ = [−0.005, 0.29], v − ḡ² = [0.047475, 0.4059],
    //        i = [−0.05/0.2178878, 0.2/0.6371028] = [−0.2294758, 0.3139211],
    //        m = [0.5·0.3333326 − 0.2294758, 0.5·0.3333331 + 0.3139211] = [−0.0628095, 0.4805876]
    BOOST_TEST(near(h[1], {0.72947699970060542, -2.8139207564513802}));
    BOOST_TEST(near(h[2], {0.48732452675575244, -3.0542145606029187}));
    const auto s = opt.state_dict();
    BOOST_TEST(s.count("params.0/rms.average_gradient") == 1u);
    BOOST_TEST(s.count("params.0/momentum.momentum") == 1u);
}

BOOST_AUTO_TEST_CASE(minimizes_a_quadratic) {
    const double plain = optim_test::minimize_quadratic(
        [](Tensor t) { return std::make_unique<RMSprop>(ParamGroup({t}), 0.01); }, 2000);
    const double centered = optim_test::minimize_quadratic([](Tensor t) {
        return std::make_unique<RMSprop>(ParamGroup({t}), RMSpropOptions().learning_rate(0.01).centered(true).momentum(0.5));
    }, 2000);
    // A constant η leaves RMSprop bouncing around the minimum by about η per element.
    BOOST_TEST(plain < 1e-3);
    BOOST_TEST(centered < 1e-3);
}

BOOST_AUTO_TEST_SUITE_END()
