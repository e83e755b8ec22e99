#include "optim_helpers.hpp"

using namespace xgrad;
using namespace xgrad::optim;
using optim_test::near;
using optim_test::three_steps;

// Expected values: the Keras formulas of adam.hpp evaluated in double for
// θ0 = [1, −2], g = [0.5, 1], [−0.5, 2], [1, 0] (optim_helpers.hpp), η = 0.1,
// β1 = 0.9, β2 = 0.999, ε = 1e-7. Step 1 is written out; steps 2 and 3 apply
// the same recurrences.

BOOST_AUTO_TEST_SUITE(optim_adam)

BOOST_AUTO_TEST_CASE(keras_defaults) {
    Adam adam;
    BOOST_TEST(adam.learning_rate() == 0.001);
    BOOST_TEST(adam.options().beta_1() == 0.9);
    BOOST_TEST(adam.options().beta_2() == 0.999);
    BOOST_TEST(adam.options().epsilon() == 1e-7);
    BOOST_TEST(!adam.options().amsgrad());
    BOOST_TEST(adam.options().weight_decay() == 0.0);
    AdamW adamw;
    BOOST_TEST(adamw.options().weight_decay() == 0.004);
    BOOST_TEST(adamw.learning_rate() == 0.001);
    BOOST_TEST(Adamax().learning_rate() == 0.001);
    BOOST_TEST(Nadam().learning_rate() == 0.001);
}

BOOST_AUTO_TEST_CASE(adam_bias_correction_three_steps) {
    Tensor theta = optim_test::theta0();
    Adam opt({theta}, 0.1);
    const auto h = three_steps(opt, theta);
    // t = 1: m = 0.1·g = [0.05, 0.1], v = 0.001·g² = [2.5e-4, 1e-3],
    // α = 0.1·sqrt(1 − 0.999)/(1 − 0.9) = 0.1·sqrt(0.001)/0.1 = 0.0316228,
    // θ −= α·m/(sqrt(v) + ε): α·0.05/(0.0158114 + 1e-7) = 0.0999994 → θ1 ≈ [0.9000006, −2.0999997]
    // (bias correction makes the first step ≈ η·sign(g)).
    BOOST_TEST(near(h[0], {0.90000063245153206, -2.099999683773234}));
    BOOST_TEST(near(h[1], {0.90526376680292997, -2.1965177498446011}));
    BOOST_TEST(near(h[2], {0.85543968108540347, -2.2711264946044154}));
    const auto s = opt.state_dict();
    // m3 = 0.9·(0.9·0.05 + 0.1·(−0.5)) + 0.1·1 = 0.9·(−0.005) + 0.1 = 0.0955
    BOOST_TEST(std::abs(s.at("params.0/adam.momentum").to_vector<double>()[0] - 0.0955) < 1e-15);
    // v of element 2: v1 = 0.001·1 = 0.001, v2 = 0.999·0.001 + 0.001·4 = 0.004999, v3 = 0.999·v2 + 0 = 0.004994001
    BOOST_TEST(std::abs(s.at("params.0/adam.velocity").to_vector<double>()[1] - 0.004994001) < 1e-15);
}

BOOST_AUTO_TEST_CASE(amsgrad_keeps_the_largest_second_moment) {
    Tensor theta = optim_test::theta0();
    Adam opt({theta}, AdamOptions().learning_rate(0.1).amsgrad(true));
    const auto h = three_steps(opt, theta);
    // Steps 1-2 equal Adam's (v only grows). At t = 3, element 2 has g = 0, so
    // v3 = 0.999·v2 = 0.004994001 < v̂ = v2 = 0.004999: AMSGrad divides by the larger
    // sqrt(v̂) and moves less than Adam (−2.2710892 vs −2.2711265).
    BOOST_TEST(near(h[0], {0.90000063245153206, -2.099999683773234}));
    BOOST_TEST(near(h[1], {0.90526376680292997, -2.1965177498446011}));
    BOOST_TEST(near(h[2], {0.85543968108540347, -2.2710891809540512}));
    const auto s = opt.state_dict();
    BOOST_TEST(std::abs(s.at("params.0/adam.velocity_hat").to_vector<double>()[1] - 0.004999) < 1e-15);
}

BOOST_AUTO_TEST_CASE(adamw_decoupled_weight_decay) {
    Tensor theta = optim_test::theta0();
    AdamW opt({theta}, AdamWOptions().learning_rate(0.1).weight_decay(0.1));
    const auto h = three_steps(opt, theta);
    // θ ← θ − θ·wd·η = θ·(1 − 0.01) first, then the Adam step:
    // θ1 = [0.99, −1.98] − [0.0999994, 0.0999997] = [0.8900006, −2.0799997]
    BOOST_TEST(near(h[0], {0.89000063245153205, -2.079999683773234}));
    BOOST_TEST(near(h[1], {0.88636376047841459, -2.155717753006869}));
    BOOST_TEST(near(h[2], {0.82767603715610394, -2.2087693202366143}));
    // The decay does not touch the moments: they equal plain Adam's.
    Tensor plain = optim_test::theta0();
    Adam adam({plain}, 0.1);
    three_steps(adam, plain);
    BOOST_TEST(opt.state_dict().at("params.0/adam.momentum").to_vector<double>() ==
               adam.state_dict().at("params.0/adam.momentum").to_vector<double>(), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(adamax_three_steps) {
    Tensor theta = optim_test::theta0();
    Adamax opt({theta}, 0.1);
    const auto h = three_steps(opt, theta);
    // t = 1: m = [0.05, 0.1], u = max(0, |g|) = [0.5, 1],
    // θ −= 0.1·m/((1 − 0.9)(u + ε)) = 0.1·[0.05/(0.1·0.5000001), 0.1/(0.1·1.0000001)] = [0.09999998, 0.09999999]
    BOOST_TEST(near(h[0], {0.90000001999999601, -2.099999990000001}));
    // t = 2, element 2: u = max(0.999·1, 2) = 2, m = 0.9·0.1 + 0.1·2 = 0.29,
    // θ −= 0.1·0.29/((1 − 0.81)·2.0000001) = 0.0763158
    BOOST_TEST(near(h[1], {0.90526317684210145, -2.1763157756578959}));
    BOOST_TEST(near(h[2], {0.87002332796756232, -2.2245189579798743}));
    BOOST_TEST(opt.state_dict().at("params.0/adamax.norm").to_vector<double>() ==
               std::vector<double>({1.0, 0.999 * 2.0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(nadam_keras_momentum_schedule) {
    Tensor theta = optim_test::theta0();
    Nadam opt({theta}, 0.1);
    const auto h = three_steps(opt, theta);
    // μ_t = 0.9(1 − ½·0.96^t): μ1 = 0.468, μ2 = 0.485280, Π1 = 0.468, Π1·μ2 = 0.227111.
    // t = 1, element 1: m = 0.05, v = 2.5e-4,
    // m̂ = μ2·m/(1 − Π1·μ2) + (1 − μ1)·g/(1 − Π1) = 0.48528·0.05/0.772889 + 0.532·0.5/0.532 = 0.5313943,
    // v̂ = v/(1 − 0.999) = 0.25, θ −= 0.1·m̂/(0.5 + ε) = 0.1062788 → 0.8937212
    BOOST_TEST(near(h[0], {0.8937212409248747, -2.1062787697030001}));
    BOOST_TEST(near(h[1], {0.96088454665147227, -2.200892728215889}));
    BOOST_TEST(near(h[2], {0.87396569938071222, -2.2120186347309931}));
    // Π3 = μ1·μ2·μ3 is shared state, saved by name.
    BOOST_TEST(std::abs(opt.state_dict().at("nadam.u_product").item() - 0.11397994511155204) < 1e-15);
}

BOOST_AUTO_TEST_CASE(each_minimizes_a_quadratic) {
    const auto run = [](auto make) { return optim_test::minimize_quadratic(make, 2000); };
    BOOST_TEST(run([](Tensor t) { return std::make_unique<Adam>(ParamGroup({t}), 0.05); }) < 1e-6);
    BOOST_TEST(run([](Tensor t) { return std::make_unique<Adam>(ParamGroup({t}), AdamOptions().learning_rate(0.05).amsgrad(true)); }) < 1e-6);
    BOOST_TEST(run([](Tensor t) { return std::make_unique<Adamax>(ParamGroup({t}), 0.05); }) < 1e-6);
    BOOST_TEST(run([](Tensor t) { return std::make_unique<Nadam>(ParamGroup({t}), 0.05); }) < 1e-6);
    // With weight decay the minimum moves towards 0: f stays above 0 but small.
    BOOST_TEST(run([](Tensor t) { return std::make_unique<AdamW>(ParamGroup({t}), 0.05); }) < 1e-3);
}

BOOST_AUTO_TEST_CASE(adam_minimizes_rosenbrock) {
    const auto xy = optim_test::minimize_rosenbrock(
        [](Tensor t) { return std::make_unique<Adam>(ParamGroup({t}), 0.02); }, 5000);
    BOOST_TEST(std::abs(xy[0] - 1.0) < 1e-2);
    BOOST_TEST(std::abs(xy[1] - 1.0) < 2e-2);
}

BOOST_AUTO_TEST_CASE(invalid_betas) {
    CHECK_THROWS_WITH(Adam(AdamOptions().beta_1(1.0)), ValueError, "scale_by_adam: beta_1 must be in [0, 1)");
    CHECK_THROWS_WITH(Nadam(NadamOptions().beta_2(-1)), ValueError, "scale_by_nadam: beta_2 must be in [0, 1)");
}

BOOST_AUTO_TEST_SUITE_END()
