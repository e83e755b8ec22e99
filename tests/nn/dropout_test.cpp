#include "../test_helpers.hpp"

using namespace xgrad;
using namespace xgrad::nn;
using xgrad_test::allclose;
using xgrad_test::values;
using Fn = std::vector<Tensor>;
namespace tt = boost::test_tools;

namespace {
double fraction_nonzero(const Tensor& t) {
    std::int64_t n = 0;
    for (double v : values(t)) n += v != 0.0;
    return static_cast<double>(n) / static_cast<double>(t.numel());
}
double mean_of(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / static_cast<double>(v.size());
}
double var_of(const std::vector<double>& v) {
    const double m = mean_of(v);
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return s / static_cast<double>(v.size());
}
}  // namespace

BOOST_AUTO_TEST_SUITE(nn_dropout)

BOOST_AUTO_TEST_CASE(dropout_scales_kept_units) {
    // rate 0.25: kept units are x/(1 − 0.25) = x·4/3, dropped ones 0.
    const Tensor x = arange(1.0, 1001.0, 1.0);
    Dropout layer(0.25);
    layer.seed(3);
    const auto y = values(layer(x, true));
    const auto xs = values(x);
    int kept = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        if (y[i] == 0.0) continue;
        ++kept;
        BOOST_TEST(y[i] == xs[i] / 0.75, tt::tolerance(1e-6));
    }
    BOOST_TEST(kept > 0);
    BOOST_TEST(kept < 1000);
}

BOOST_AUTO_TEST_CASE(dropout_keeps_one_minus_rate_on_average) {
    Generator gen(11);
    const Tensor x = ones({200000});
    const Tensor y = functional::dropout(x, 0.3, true, gen);
    // Bernoulli(0.7) over 200,000 draws: std of the fraction √(0.21/200000) ≈ 0.001.
    BOOST_TEST(fraction_nonzero(y) == 0.7, tt::tolerance(0.01));
    // Inverted dropout preserves the expectation: mean(y) ≈ 1.
    BOOST_TEST(y.mean().item() == 1.0, tt::tolerance(0.01));
}

BOOST_AUTO_TEST_CASE(dropout_is_identity_at_inference_and_rate_zero) {
    const Tensor x = tensor({{1, -2}, {3, 4}});
    Dropout layer(0.5);
    BOOST_TEST(values(layer(x, false)) == values(x), tt::per_element());
    layer.eval();
    BOOST_TEST(values(layer(x)) == values(x), tt::per_element());
    BOOST_TEST(values(functional::dropout(x, 0.0, true)) == values(x), tt::per_element());
    BOOST_TEST((layer.output_shape({-1, 7}) == Shape{-1, 7}));
}

BOOST_AUTO_TEST_CASE(mc_dropout_when_called_with_training_true) {
    Sequential model{Dropout(0.5), Dense(3)};
    model.eval();
    const Tensor x = ones({2, 8});
    // Deterministic in inference mode...
    BOOST_TEST(allclose(model(x), model(x)));
    BOOST_TEST(allclose(model(x, false), model(x)));
    // ...stochastic when called with training = true (Monte Carlo Dropout).
    const Tensor a = model(x, true), b = model(x, true);
    BOOST_TEST(!allclose(a, b));
    // The average of many stochastic passes approaches the deterministic output
    // (the model is linear after dropout, so E[y] is exactly the inference output).
    Tensor sum = zeros({2, 3});
    const int passes = 2000;
    for (int i = 0; i < passes; ++i) sum = sum + model(x, true).detach();
    BOOST_TEST(allclose(sum / static_cast<double>(passes), model(x, false), 0.0, 0.1));
}

BOOST_AUTO_TEST_CASE(dropout_seed_and_clone) {
    const Tensor x = ones({64});
    Dropout a(0.5), b(0.5);
    a.seed(7);
    b.seed(7);
    const auto ya = values(a(x, true));
    BOOST_TEST(ya == values(b(x, true)), tt::per_element());  // same seed, same mask
    const ModulePtr c = a.clone();                            // continues from a copy of a's stream
    BOOST_TEST(values((*c)(x, true)) == values(a(x, true)), tt::per_element());
    a.seed(7);  // restarts the stream
    BOOST_TEST(values(a(x, true)) == ya, tt::per_element());
}

BOOST_AUTO_TEST_CASE(dropout_gradient) {
    // dy/dx = keep/(1 − rate): 2 where kept, 0 where dropped (rate 0.5).
    Tensor x = ones({100}, float64).requires_grad_();
    Dropout layer(0.5);
    layer.seed(1);
    const Tensor y = layer(x, true);
    y.sum().backward();
    const auto yv = values(y), g = values(x.grad());
    for (std::size_t i = 0; i < yv.size(); ++i) BOOST_TEST(g[i] == (yv[i] != 0.0 ? 2.0 : 0.0));

    // Gradcheck with the same mask on every evaluation: the stream is reseeded inside.
    const Tensor x0 = randn({4, 5}, float64);
    CHECK_GRADCHECK("dropout",
                    [](const Fn& v) {
                        Generator gen(9);
                        return functional::dropout(v[0], 0.4, true, gen);
                    },
                    {x0});
    auto shared = std::make_shared<Dropout>(0.4);
    CHECK_GRADCHECK("dropout", [shared](const Fn& v) { return (*shared).seed(9)(v[0], true); }, {x0});
}

BOOST_AUTO_TEST_CASE(rate_validation) {
    CHECK_THROWS_WITH(Dropout(1.0), ValueError, "(Dropout): rate must be in [0, 1), got 1");
    CHECK_THROWS_WITH(Dropout(-0.1), ValueError, "rate must be in [0, 1)");
    CHECK_THROWS_WITH(AlphaDropout(1.5), ValueError, "(AlphaDropout): rate must be in [0, 1)");
    CHECK_THROWS_WITH(functional::dropout(ones({2}), 1.0, true), ValueError, "dropout: rate must be in [0, 1)");
    CHECK_THROWS_WITH(functional::dropout(arange(3), 0.5, true), DtypeError, "dropout: expected a floating dtype");
    CHECK_THROWS_WITH(GaussianNoise(-1.0), ValueError, "(GaussianNoise): stddev must be in [0, 1]");
}

// ---- AlphaDropout ------------------------------------------------------------------

// rate 0.2, α' = −1.7580993408473766, α'² = 3.0909132922879800:
//   a = (0.8·(1 + 0.2·3.0909132922879800))^(−1/2) = 1.2945461267660768^(−1/2) = 0.8789035834435328
//   b = −a·α'·0.2 = 0.30903996214409446
//   a dropped unit becomes a·α' + b = −1.2361598485763778
constexpr double kA = 0.8789035834435328, kB = 0.30903996214409446, kDropped = -1.2361598485763778;

BOOST_AUTO_TEST_CASE(alpha_dropout_formula_for_a_fixed_mask) {
    const Tensor x = randn({500}, float64);
    Generator mask_gen(21), layer_gen(21);
    // The mask the op draws: keep ~ Bernoulli(1 − rate) from the same stream.
    const auto keep = values(bernoulli({500}, 0.8, float64, mask_gen));
    const auto y = values(functional::alpha_dropout(x, 0.2, true, layer_gen));
    const auto xs = values(x);
    for (std::size_t i = 0; i < xs.size(); ++i) {
        // y = a·(x·keep + α'·(1 − keep)) + b
        const double expected = kA * (xs[i] * keep[i] + -1.7580993408473766 * (1 - keep[i])) + kB;
        BOOST_TEST(y[i] == expected, tt::tolerance(1e-12));
        BOOST_TEST(y[i] == (keep[i] != 0 ? kA * xs[i] + kB : kDropped), tt::tolerance(1e-12));
    }
}

BOOST_AUTO_TEST_CASE(alpha_dropout_preserves_mean_and_variance) {
    // Standard-normal input at rate 0.2 keeps mean 0 and variance 1:
    //   E[z] = 0.8·0 + 0.2·α',  Var[z] = 0.8·(1 + 0.2·α'²)  for z = x·keep + α'(1 − keep);
    //   a·E[z] + b = 0 and a²·Var[z] = 1.
    Generator gen(4);
    const Tensor x = randn({400000}, float64, gen);
    AlphaDropout layer(0.2);
    layer.seed(5);
    const auto y = values(layer(x, true));
    BOOST_TEST(std::abs(mean_of(y)) < 0.01);
    BOOST_TEST(var_of(y) == 1.0, tt::tolerance(0.02));
    // Plain dropout would not: inverted dropout of N(0, 1) at rate 0.2 has variance 1/0.8 = 1.25.
    const auto d = values(functional::dropout(x, 0.2, true, gen));
    BOOST_TEST(var_of(d) == 1.25, tt::tolerance(0.02));
}

BOOST_AUTO_TEST_CASE(alpha_dropout_inference_and_gradient) {
    const Tensor x = randn({3, 4});
    AlphaDropout layer(0.3);
    BOOST_TEST(values(layer(x, false)) == values(x), tt::per_element());
    BOOST_TEST((layer.output_shape({-1, 4}) == Shape{-1, 4}));
    // dy/dx = a·keep
    CHECK_GRADCHECK("alpha_dropout",
                    [](const Fn& v) {
                        Generator gen(13);
                        return functional::alpha_dropout(v[0], 0.3, true, gen);
                    },
                    {randn({4, 5}, float64)});
}

// ---- GaussianNoise -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(gaussian_noise_training_and_inference) {
    GaussianNoise layer(0.1);
    BOOST_TEST(layer.stddev() == 0.1);
    const Tensor x = full({200000}, 3.0, float64);
    BOOST_TEST(values(layer(x, false)) == values(x), tt::per_element());
    layer.seed(8);
    const Tensor noise = layer(x, true) - x;
    const auto n = values(noise);
    // N(0, 0.1²): mean ≈ 0 (std of the mean 0.1/√200000 ≈ 2e-4), std ≈ 0.1
    BOOST_TEST(std::abs(mean_of(n)) < 0.002);
    BOOST_TEST(std::sqrt(var_of(n)) == 0.1, tt::tolerance(0.01));
    BOOST_TEST((layer.output_shape({-1, 2, 3}) == Shape{-1, 2, 3}));
    // dy/dx = 1
    CHECK_GRADCHECK("gaussian_noise",
                    [](const Fn& v) {
                        Generator gen(2);
                        return functional::gaussian_noise(v[0], 0.5, true, gen);
                    },
                    {randn({3, 4}, float64)});
}

BOOST_AUTO_TEST_CASE(noise_layers_in_a_model) {
    Sequential model{Flatten({4, 4}), GaussianNoise(0.1), Dropout(0.2), Dense(8, "selu", "lecun_normal"),
                     AlphaDropout(0.1), Dense(2)};
    BOOST_TEST(model.count_params() == 16 * 8 + 8 + 8 * 2 + 2);  // noise layers have no weights
    BOOST_TEST((model(ones({5, 4, 4}), true).shape() == Shape{5, 2}));
    BOOST_TEST(model.summary().find("(Dropout)") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
