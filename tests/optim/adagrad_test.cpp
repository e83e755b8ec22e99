#include "optim_helpers.hpp"

using namespace xgrad;
using namespace xgrad::optim;
using optim_test::near;
using optim_test::three_steps;

BOOST_AUTO_TEST_SUITE(optim_adagrad)

BOOST_AUTO_TEST_CASE(keras_defaults) {
    Adagrad opt;
    BOOST_TEST(opt.learning_rate() == 0.001);
    BOOST_TEST(opt.options().initial_accumulator_value() == 0.1);
    BOOST_TEST(opt.options().epsilon() == 1e-7);
}

BOOST_AUTO_TEST_CASE(three_steps_by_hand) {
    Tensor theta = optim_test::theta0();
    Adagrad opt({theta}, 0.1);
    const auto h = three_steps(opt, theta);
    // acc ← acc + g², θ ← θ − 0.1·g/sqrt(acc + 1e-7), acc starts at 0.1:
    // t = 1: acc = [0.35, 1.1]; θ1 = [1 − 0.05/0.5916081, −2 − 0.1/1.0488089] = [0.9154846, −2.0953463]
    BOOST_TEST(near(h[0], {0.91548458660077792, -2.0953462545906385}));
    // t = 2: acc = [0.6, 5.1]; θ2 = [0.9154846 + 0.05/0.7745967, −2.0953463 − 0.2/2.2583180] = [0.9800343, −2.1839077]
    BOOST_TEST(near(h[1], {0.98003430365842537, -2.1839077422763982}));
    // t = 3: acc = [1.6, 5.1]; θ3 = [0.9800343 − 0.1/1.2649111, −2.1839077 − 0] = [0.9009774, −2.1839077]
    BOOST_TEST(near(h[2], {0.9009773646247452, -2.1839077422763982}));
    BOOST_TEST(near(opt.state_dict().at("params.0/adagrad.accumulator").to_vector<double>(), {1.6, 5.1}));
}

BOOST_AUTO_TEST_CASE(minimizes_a_quadratic) {
    const double f = optim_test::minimize_quadratic(
        [](Tensor t) { return std::make_unique<Adagrad>(ParamGroup({t}), 0.5); }, 2000);
    BOOST_TEST(f < 1e-6);
}

BOOST_AUTO_TEST_CASE(negative_initial_accumulator) {
    CHECK_THROWS_WITH(Adagrad(AdagradOptions().initial_accumulator_value(-1)), ValueError,
                      "scale_by_adagrad: initial_accumulator_value must be >= 0");
}

BOOST_AUTO_TEST_SUITE_END()
