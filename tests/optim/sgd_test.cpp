#include "optim_helpers.hpp"

using namespace xgrad;
using namespace xgrad::optim;
using optim_test::near;
using optim_test::three_steps;

BOOST_AUTO_TEST_SUITE(optim_sgd)

BOOST_AUTO_TEST_CASE(keras_defaults) {
    SGD opt;
    BOOST_TEST(opt.learning_rate() == 0.01);
    BOOST_TEST(opt.options().momentum() == 0.0);
    BOOST_TEST(!opt.options().nesterov());
    BOOST_TEST(opt.name() == "SGD");
    BOOST_TEST(opt.iterations() == 0);
}

BOOST_AUTO_TEST_CASE(plain_gradient_descent) {
    Tensor theta = optim_test::theta0();
    SGD opt({theta}, 0.1);
    const auto h = three_steps(opt, theta);
    // θ ← θ − 0.1·g: [1, −2] − 0.1·[0.5, 1] = [0.95, −2.1]
    BOOST_TEST(near(h[0], {0.95, -2.1}));
    // [0.95, −2.1] − 0.1·[−0.5, 2] = [1.0, −2.3]
    BOOST_TEST(near(h[1], {1.0, -2.3}));
    // [1.0, −2.3] − 0.1·[1, 0] = [0.9, −2.3]
    BOOST_TEST(near(h[2], {0.9, -2.3}));
    BOOST_TEST(opt.iterations() == 3);
}

BOOST_AUTO_TEST_CASE(momentum_three_steps) {
    Tensor theta = optim_test::theta0();
    SGD opt({theta}, SGDOptions().learning_rate(0.1).momentum(0.9));
    const auto h = three_steps(opt, theta);
    // m ← 0.9·m − 0.1·g; θ ← θ + m
    // m1 = −0.1·[0.5, 1] = [−0.05, −0.1];               θ1 = [0.95, −2.1]
    BOOST_TEST(near(h[0], {0.95, -2.1}));
    // m2 = 0.9·m1 − 0.1·[−0.5, 2] = [0.005, −0.29];      θ2 = [0.955, −2.39]
    BOOST_TEST(near(h[1], {0.955, -2.39}));
    // m3 = 0.9·m2 − 0.1·[1, 0] = [−0.0955, −0.261];      θ3 = [0.8595, −2.651]
    BOOST_TEST(near(h[2], {0.8595, -2.651}));
    const auto state = opt.state_dict();
    BOOST_TEST(near(state.at("params.0/momentum.momentum").to_vector<double>(), {-0.0955, -0.261}));
}

BOOST_AUTO_TEST_CASE(nesterov_three_steps) {
    Tensor theta = optim_test::theta0();
    SGD opt({theta}, SGDOptions().learning_rate(0.1).momentum(0.9).nesterov(true));
    const auto h = three_steps(opt, theta);
    // Same m as above; θ ← θ + 0.9·m − 0.1·g
    // θ1 = [1, −2] + 0.9·[−0.05, −0.1] − 0.1·[0.5, 1] = [0.905, −2.19]
    BOOST_TEST(near(h[0], {0.905, -2.19}));
    // θ2 = θ1 + 0.9·[0.005, −0.29] − 0.1·[−0.5, 2] = [0.9595, −2.651]
    BOOST_TEST(near(h[1], {0.9595, -2.651}));
    // θ3 = θ2 + 0.9·[−0.0955, −0.261] − 0.1·[1, 0] = [0.77355, −2.8859]
    BOOST_TEST(near(h[2], {0.77355, -2.8859}));
}

BOOST_AUTO_TEST_CASE(keras_velocity_includes_the_learning_rate) {
    // η = 0.1 for step 1, then 0.2. Keras: m2 = 0.9·m1 − 0.2·g2, so the old
    // velocity keeps its old η. (PyTorch's v2 = 0.9·g1 + g2, θ −= 0.2·v2 would
    // give θ2 = [0.95, −2.1] − 0.2·[−0.05, 2.9] = [0.96, −2.68] instead.)
    Tensor theta = optim_test::theta0();
    SGD opt({theta}, SGDOptions().learning_rate(0.1).momentum(0.9));
    theta.set_grad(tensor({0.5, 1.0}, float64));
    opt.step();
    opt.set_learning_rate(0.2);
    BOOST_TEST(opt.learning_rate() == 0.2);
    theta.set_grad(tensor({-0.5, 2.0}, float64));
    opt.step();
    // m2 = 0.9·[−0.05, −0.1] − 0.2·[−0.5, 2] = [0.055, −0.49]; θ2 = [0.95, −2.1] + m2 = [1.005, −2.59]
    BOOST_TEST(near(theta.to_vector<double>(), {1.005, -2.59}));
}

BOOST_AUTO_TEST_CASE(float32_parameters) {
    Tensor w = tensor({1.0, -2.0}).requires_grad_();
    SGD opt({w}, SGDOptions().learning_rate(0.1).momentum(0.9));
    w.set_grad(tensor({0.5, 1.0}));
    opt.step();
    BOOST_TEST((w.dtype() == float32));
    BOOST_TEST(xgrad_test::allclose(w, tensor({0.95, -2.1})));
}

BOOST_AUTO_TEST_CASE(minimizes_a_quadratic) {
    // Curvatures up to 10 (gradient Lipschitz constant 20): η = 0.04 is stable.
    const double plain = optim_test::minimize_quadratic(
        [](Tensor t) { return std::make_unique<SGD>(ParamGroup({t}), 0.04); }, 500);
    const double momentum = optim_test::minimize_quadratic(
        [](Tensor t) { return std::make_unique<SGD>(ParamGroup({t}), SGDOptions().learning_rate(0.04).momentum(0.9)); }, 500);
    const double nesterov = optim_test::minimize_quadratic([](Tensor t) {
        return std::make_unique<SGD>(ParamGroup({t}), SGDOptions().learning_rate(0.04).momentum(0.9).nesterov(true));
    }, 500);
    // The flat direction (curvature 0.1) limits plain descent: (1 − 2·0.04·0.1)^500 ≈ 0.018 of
    // the initial error remains; momentum gets far lower.
    BOOST_TEST(plain < 1e-3);
    BOOST_TEST(momentum < 1e-10);
    BOOST_TEST(nesterov < 1e-10);
}

BOOST_AUTO_TEST_CASE(minimizes_rosenbrock_with_momentum) {
    const auto xy = optim_test::minimize_rosenbrock([](Tensor t) {
        return std::make_unique<SGD>(ParamGroup({t}), SGDOptions().learning_rate(1e-4).momentum(0.9));
    }, 20000);
    BOOST_TEST(std::abs(xy[0] - 1.0) < 1e-2);
    BOOST_TEST(std::abs(xy[1] - 1.0) < 2e-2);
}

BOOST_AUTO_TEST_CASE(invalid_momentum) {
    CHECK_THROWS_WITH(SGD(SGDOptions().momentum(1.5)), ValueError, "SGD: momentum must be in [0, 1]");
    CHECK_THROWS_WITH(SGD(SGDOptions().momentum(-0.1)), ValueError, "SGD: momentum must be in [0, 1]");
}

BOOST_AUTO_TEST_SUITE_END()
