// The functional activations (nn/activations.hpp) and their registry.
// Golden values come from the formulas in REFERENCE.md, evaluated by hand or
// with Python's math module (noted next to each).
#include <iomanip>
#include <limits>

#include "../test_helpers.hpp"

using namespace xgrad;
using namespace xgrad::nn;
using xgrad_test::values;
using Fn = std::vector<Tensor>;

namespace {

/// Each element within atol + rtol·|expected|; the message names the element.
void check_close(const Tensor& t, const std::vector<double>& expected, double rtol = 1e-6, double atol = 1e-7) {
    const std::vector<double> got = values(t);
    BOOST_TEST_REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        BOOST_TEST(std::abs(got[i] - expected[i]) <= atol + rtol * std::abs(expected[i]),
                   std::setprecision(17) << "element " << i << ": got " << got[i] << ", expected " << expected[i]);
    }
}

Tensor f64(const NestedList& v) { return tensor(v, float64); }

// selu constants (REFERENCE.md).
constexpr double selu_alpha = 1.6732632423543772848170429916717;
constexpr double selu_scale = 1.0507009873554804934193349852946;

// Points away from every kink (0 for the relu family, ±3 for hard_sigmoid).
const Tensor& smooth_points() {
    static const Tensor t = tensor({{-3.7, -2.2, -1.3, -0.45}, {0.35, 0.9, 1.6, 3.4}}, float64);
    return t;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nn_activations)

BOOST_AUTO_TEST_CASE(leaky_relu_values) {
    // Keras' function default slope 0.2: -2 → -0.4, -0.5 → -0.1.
    check_close(leaky_relu(tensor({-2.0, -0.5, 0.0, 1.0, 100.0})), {-0.4, -0.1, 0.0, 1.0, 100.0});
    // PyTorch's default 0.01.
    check_close(leaky_relu(tensor({-3.0, 2.0}), 0.01), {-0.03, 2.0});
    // Slope 0 is a plain relu.
    check_close(leaky_relu(tensor({-3.0, 2.0}), 0.0), {0.0, 2.0});
}

BOOST_AUTO_TEST_CASE(elu_values) {
    // x > 0: x; else alpha·(e^x − 1): e^-1 − 1 = -0.6321205588285577, 0.5·(e^-2 − 1) = -0.43233235838169365.
    check_close(elu(f64({-1.0, 0.0, 2.0})), {-0.6321205588285577, 0.0, 2.0}, 1e-14);
    check_close(elu(f64({-2.0}), 0.5), {-0.43233235838169365}, 1e-14);
    // Large negative inputs saturate at -alpha.
    check_close(elu(tensor({-100.0, -1e4}), 1.0), {-1.0, -1.0});
    check_close(elu(tensor({-100.0}), 2.5), {-2.5});
}

BOOST_AUTO_TEST_CASE(selu_values) {
    // selu(1) = scale; selu(-1) = scale·alpha·(e^-1 − 1); selu(-∞) = -scale·alpha.
    check_close(selu(f64({1.0, 0.0, -1.0, 2.0})), {1.0507009873554805, 0.0, -1.1113307378125625, 2 * selu_scale},
                1e-14);
    BOOST_TEST(selu_scale * selu_alpha == 1.7580993408473766, boost::test_tools::tolerance(1e-15));
    check_close(selu(f64({-50.0})), {-1.7580993408473766}, 1e-14);
    check_close(selu(tensor({-100.0, -1e4})), {-1.7580993408473766, -1.7580993408473766});
}

BOOST_AUTO_TEST_CASE(gelu_values) {
    // Exact x·Φ(x) = x·½(1 + erf(x/√2)) (Python: 0.5*x*(1+math.erf(x/math.sqrt(2)))).
    check_close(gelu(f64({1.0, 0.0, -1.0, 2.0})), {0.8413447460685429, 0.0, -0.15865525393145707, 1.9544997361036416},
                1e-13);
    // tanh approximation 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))).
    check_close(gelu(f64({1.0, 0.0, -1.0, 2.0}), true),
                {0.8411919906082768, 0.0, -0.15880800939172324, 1.954597694087775}, 1e-13);
    // Default is the exact form (Keras' activations.gelu(approximate=False)).
    check_close(gelu(f64({1.0})) - gelu(f64({1.0}), false), {0.0}, 0, 0);
    // Tails: x for large x, 0 for large negative x.
    check_close(gelu(tensor({-100.0, 100.0, 1e4})), {0.0, 100.0, 1e4});
    check_close(gelu(tensor({-100.0, 100.0, 1e4}), true), {0.0, 100.0, 1e4});
}

BOOST_AUTO_TEST_CASE(silu_and_swish_values) {
    // x·σ(x): σ(1) = 0.7310585786300049, -1·σ(-1) = -0.2689414213699951, 2·σ(2) = 1.7615941559557646.
    check_close(silu(f64({1.0, 0.0, -1.0, 2.0})), {0.7310585786300049, 0.0, -0.2689414213699951, 1.7615941559557646},
                1e-14);
    check_close(swish(f64({1.0})), {0.7310585786300049}, 1e-14);
    check_close(silu(tensor({-100.0, 100.0})), {0.0, 100.0});
}

BOOST_AUTO_TEST_CASE(mish_values) {
    // x·tanh(ln(1 + e^x)).
    check_close(mish(f64({1.0, 0.0, -1.0, 2.0})), {0.8650983882673103, 0.0, -0.30340146137410895, 1.9439589595339946},
                1e-14);
    check_close(mish(tensor({-100.0, 100.0})), {0.0, 100.0});
}

BOOST_AUTO_TEST_CASE(hard_sigmoid_values) {
    // relu6(x + 3)/6: 0 at and below -3, ½ at 0, 1 at and above 3, linear in between.
    check_close(hard_sigmoid(tensor({-4.0, -3.0, -1.5, 0.0, 1.5, 3.0, 4.0})), {0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0});
}

BOOST_AUTO_TEST_CASE(softsign_values) {
    // x/(1 + |x|): 1 → ½, -3 → -¾, 1e4 → 1e4/10001.
    check_close(softsign(f64({0.0, 1.0, -3.0, 1e4})), {0.0, 0.5, -0.75, 1e4 / 10001}, 1e-15);
}

BOOST_AUTO_TEST_CASE(exponential_and_linear_values) {
    check_close(exponential(f64({0.0, 1.0, -1.0})), {1.0, 2.718281828459045, 0.36787944117144233}, 1e-15);
    const Tensor x = tensor({-2.0, 0.0, 5.0});
    check_close(linear(x), {-2.0, 0.0, 5.0}, 0, 0);
}

BOOST_AUTO_TEST_CASE(prelu_values) {
    // relu(x) − alpha·relu(−x), alpha [2] broadcast over rows: -2·0.25 = -0.5, -4·0.5 = -2.
    const Tensor x = tensor({{-2.0, 3.0}, {1.0, -4.0}});
    check_close(prelu(x, tensor({0.25, 0.5})), {-0.5, 3.0, 1.0, -2.0});
    // alpha 0 is relu; alpha 1 is the identity.
    check_close(prelu(x, zeros({2})), {0.0, 3.0, 1.0, 0.0});
    check_close(prelu(x, ones({})), {-2.0, 3.0, 1.0, -4.0});
}

BOOST_AUTO_TEST_CASE(rrelu_values) {
    Generator gen(5);
    const Tensor x = full({2000}, -1.0, float64);
    const std::vector<double> y = values(rrelu(x, true, 1.0 / 8, 1.0 / 3, gen));
    double lo = 1, hi = 0, sum = 0;
    for (const double v : y) {
        lo = std::min(lo, -v);
        hi = std::max(hi, -v);
        sum += -v;
    }
    // Slopes in [1/8, 1/3), spread out, mean ≈ 11/48 (std of U(1/8, 1/3) is 0.06, of the mean 0.0013).
    BOOST_TEST(lo >= 1.0 / 8);
    BOOST_TEST(hi < 1.0 / 3);
    BOOST_TEST(hi - lo > 0.2);
    BOOST_TEST(sum / 2000 == 11.0 / 48, boost::test_tools::tolerance(0.03));
    // Positive inputs pass unchanged; inference uses the mean slope (1/8 + 1/3)/2 = 11/48.
    check_close(rrelu(f64({2.0, 0.0}), true, 1.0 / 8, 1.0 / 3, gen), {2.0, 0.0}, 0, 0);
    check_close(rrelu(f64({-1.0, -48.0, 3.0}), false), {-11.0 / 48, -11.0, 3.0}, 1e-15);
    // Same seed, same slopes.
    Generator g1(9), g2(9);
    check_close(rrelu(x, true, 0.1, 0.3, g1), values(rrelu(x, true, 0.1, 0.3, g2)), 0, 0);
    CHECK_THROWS_WITH(rrelu(x, true, 0.5, 0.1), ValueError, "rrelu: lower must be <= upper");
}

BOOST_AUTO_TEST_CASE(erf_values) {
    // Python: math.erf(0.5) = 0.5204998778130465, math.erf(-1.5) = -0.9661051464753108.
    check_close(erf(f64({0.5, 0.0, -1.5})), {0.5204998778130465, 0.0, -0.9661051464753108}, 1e-14);
    check_close(erf(tensor({0.5, -1e4, 1e4})), {0.5204998778130465, -1.0, 1.0});
}

BOOST_AUTO_TEST_CASE(no_nan_at_extremes_float32) {
    const Tensor x = tensor({-1e4, -100.0, -1.0, 0.0, 1.0, 100.0, 1e4});
    const std::vector<std::pair<std::string, std::function<Tensor(const Tensor&)>>> fns = {
        {"leaky_relu", [](const Tensor& t) { return leaky_relu(t); }},
        {"elu", [](const Tensor& t) { return elu(t); }},
        {"selu", [](const Tensor& t) { return selu(t); }},
        {"gelu", [](const Tensor& t) { return gelu(t); }},
        {"gelu_tanh", [](const Tensor& t) { return gelu(t, true); }},
        {"silu", [](const Tensor& t) { return silu(t); }},
        {"mish", [](const Tensor& t) { return mish(t); }},
        {"hard_sigmoid", [](const Tensor& t) { return hard_sigmoid(t); }},
        {"softsign", [](const Tensor& t) { return softsign(t); }},
        {"prelu", [](const Tensor& t) { return prelu(t, full({}, 0.25)); }},
        {"rrelu_train", [](const Tensor& t) { return rrelu(t, true); }},
        {"rrelu_eval", [](const Tensor& t) { return rrelu(t, false); }},
    };
    for (const auto& [name, fn] : fns) {
        Tensor leaf = x.clone().requires_grad_();
        const Tensor y = fn(leaf);
        y.sum().backward();
        for (const double v : values(y)) BOOST_TEST(std::isfinite(v), name << ": value " << v);
        for (const double v : values(leaf.grad())) BOOST_TEST(std::isfinite(v), name << ": gradient " << v);
    }
    // e^x overflows to +inf in float32 (as in Keras), but never gives NaN; e^-1e4 is 0.
    const std::vector<double> e = values(exponential(x));
    for (const double v : e) BOOST_TEST(!std::isnan(v));
    BOOST_TEST(e.front() == 0.0);
    BOOST_TEST(std::isinf(e.back()));
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    const Tensor x = smooth_points();
    CHECK_GRADCHECK("leaky_relu", [](const Fn& v) { return leaky_relu(v[0]); }, {x});
    CHECK_GRADCHECK("leaky_relu", [](const Fn& v) { return leaky_relu(v[0], 0.01); }, {x});
    CHECK_GRADCHECK("elu", [](const Fn& v) { return elu(v[0], 0.7); }, {x});
    CHECK_GRADCHECK("selu", [](const Fn& v) { return selu(v[0]); }, {x});
    CHECK_GRADCHECK("gelu", [](const Fn& v) { return gelu(v[0]); }, {x});
    CHECK_GRADCHECK("gelu_tanh", [](const Fn& v) { return gelu(v[0], true); }, {x});
    CHECK_GRADCHECK("silu", [](const Fn& v) { return silu(v[0]); }, {x});
    CHECK_GRADCHECK("swish", [](const Fn& v) { return swish(v[0]); }, {x});
    CHECK_GRADCHECK("mish", [](const Fn& v) { return mish(v[0]); }, {x});
    CHECK_GRADCHECK("hard_sigmoid", [](const Fn& v) { return hard_sigmoid(v[0]); }, {x});
    CHECK_GRADCHECK("softsign", [](const Fn& v) { return softsign(v[0]); }, {x});
    CHECK_GRADCHECK("exponential", [](const Fn& v) { return exponential(v[0]); }, {x});
    CHECK_GRADCHECK("linear", [](const Fn& v) { return linear(v[0]); }, {x});
    // Both inputs: d/dx = 1 or -alpha, d/dalpha = -relu(-x) summed over the broadcast rows.
    CHECK_GRADCHECK("prelu", [](const Fn& v) { return prelu(v[0], v[1]); },
                    {x, tensor({0.1, 0.3, -0.2, 0.6}, float64)});
    CHECK_GRADCHECK("rrelu", [](const Fn& v) { return rrelu(v[0], false); }, {x});
    // Training: the same slopes on every evaluation (reseeded generator).
    CHECK_GRADCHECK("rrelu", [](const Fn& v) {
        Generator gen(3);
        return rrelu(v[0], true, 1.0 / 8, 1.0 / 3, gen);
    }, {x});
    // The erf op (registered, differentiable): d = 2/√π·e^(−x²).
    CHECK_GRADCHECK("erf", [](const Fn& v) { return erf(v[0]); }, {x});
    CHECK_GRADCHECK("erf", [](const Fn& v) { return erf(v[0]); }, {tensor({-0.05, 0.0, 0.05, 4.0}, float64)});
}

BOOST_AUTO_TEST_CASE(second_order) {
    const Tensor x = smooth_points();
    CHECK_GRADGRADCHECK("selu", [](const Fn& v) { return selu(v[0]); }, {x});
    CHECK_GRADGRADCHECK("gelu", [](const Fn& v) { return gelu(v[0]); }, {x});
    CHECK_GRADGRADCHECK("gelu_tanh", [](const Fn& v) { return gelu(v[0], true); }, {x});
    CHECK_GRADGRADCHECK("mish", [](const Fn& v) { return mish(v[0]); }, {x});
    CHECK_GRADGRADCHECK("silu", [](const Fn& v) { return silu(v[0]); }, {x});
    CHECK_GRADGRADCHECK("erf", [](const Fn& v) { return erf(v[0]); }, {x});
}

BOOST_AUTO_TEST_CASE(gradient_hand_computed) {
    // d selu/dx = scale for x > 0, scale·alpha·e^x for x < 0.
    Tensor x = f64({2.0, -1.0}).requires_grad_();
    selu(x).sum().backward();
    check_close(x.grad(), {selu_scale, selu_scale * selu_alpha * std::exp(-1.0)}, 1e-14);
    // d gelu/dx = Φ(x) + x·φ(x); at 0: ½.
    Tensor z = f64({0.0}).requires_grad_();
    gelu(z).sum().backward();
    check_close(z.grad(), {0.5}, 1e-15);
    // d hard_sigmoid/dx = 1/6 inside (-3, 3), 0 outside.
    Tensor h = f64({-4.0, 1.0, 4.0}).requires_grad_();
    hard_sigmoid(h).sum().backward();
    check_close(h.grad(), {0.0, 1.0 / 6, 0.0}, 1e-15);
}

BOOST_AUTO_TEST_CASE(registry_names) {
    const Tensor x = tensor({{-1.5, -0.2, 0.0, 0.7, 2.0}}, float64);
    const std::vector<std::pair<std::string, Tensor>> expected = {
        {"relu", xgrad::relu(x)},
        {"leaky_relu", leaky_relu(x, 0.2)},
        {"elu", elu(x, 1.0)},
        {"selu", selu(x)},
        {"gelu", gelu(x, false)},
        {"gelu_tanh", gelu(x, true)},
        {"silu", silu(x)},
        {"swish", silu(x)},
        {"mish", mish(x)},
        {"tanh", xgrad::tanh(x)},
        {"sigmoid", sigmoid(x)},
        {"hard_sigmoid", hard_sigmoid(x)},
        {"softplus", softplus(x)},
        {"softsign", softsign(x)},
        {"softmax", softmax(x, -1)},
        {"log_softmax", log_softmax(x, -1)},
        {"exponential", exp(x)},
        {"linear", x},
    };
    for (const auto& [name, want] : expected) {
        const ActivationFn fn = get_activation(name);
        BOOST_TEST(fn.name() == name);
        BOOST_TEST(fn.is_linear() == (name == "linear"), name);
        BOOST_TEST(xgrad_test::allclose(fn(x), want, 1e-15, 0), name);
        // The string form goes through the same registry.
        BOOST_TEST(xgrad_test::allclose(ActivationFn(name)(x), want, 1e-15, 0), name);
    }
    // Spot values through the registry: relu and softmax rows summing to 1.
    check_close(get_activation("relu")(x), {0.0, 0.0, 0.0, 0.7, 2.0}, 1e-15);
    BOOST_TEST(get_activation("softmax")(x).sum().item() == 1.0, boost::test_tools::tolerance(1e-14));
    // The default ActivationFn is the identity.
    BOOST_TEST(ActivationFn().is_linear());
    BOOST_TEST(ActivationFn().name() == "linear");
}

BOOST_AUTO_TEST_CASE(unknown_name_lists_known_ones) {
    CHECK_THROWS_WITH(get_activation("relu7"), ValueError, "unknown activation 'relu7'");
    CHECK_THROWS_WITH(get_activation("relu7"), ValueError, "known: ");
    CHECK_THROWS_WITH(get_activation("relu7"), ValueError, "hard_sigmoid");
    CHECK_THROWS_WITH(get_activation("relu7"), ValueError, "selu");
    CHECK_THROWS_WITH(ActivationFn("Relu"), ValueError, "unknown activation 'Relu'");
    CHECK_THROWS_WITH(Dense(3, "tanhh"), ValueError, "unknown activation 'tanhh'");
}

BOOST_AUTO_TEST_CASE(user_activation_by_name_in_dense) {
    // y = 2x − 1, registered and then used by name.
    register_activation("twice_minus_one_test", [](const Tensor& t) { return t * 2.0 - 1.0; });
    BOOST_TEST(get_activation("twice_minus_one_test").name() == "twice_minus_one_test");
    check_close(get_activation("twice_minus_one_test")(tensor({0.0, 1.5})), {-1.0, 2.0});
    // Kernel of ones, bias 0: x·W = 1 + 2 = 3 per unit, activation 2·3 − 1 = 5.
    Dense dense(2, "twice_minus_one_test", "ones");
    check_close(dense(tensor({{1.0, 2.0}})), {5.0, 5.0});
    BOOST_TEST(dense.activation().name() == "twice_minus_one_test");
    // Listed among the known names from then on.
    CHECK_THROWS_WITH(get_activation("nope"), ValueError, "twice_minus_one_test");
}

BOOST_AUTO_TEST_CASE(lambda_activation_in_dense) {
    const ActivationFn leaky = [](const Tensor& t) { return leaky_relu(t, 0.2); };
    BOOST_TEST(leaky.name() == "custom");
    BOOST_TEST(!leaky.is_linear());
    // Kernel of ones, bias 0: x = [1, -4] → x·W = -3 per unit, leaky → -0.6.
    Dense dense(3, [](const Tensor& t) { return leaky_relu(t, 0.2); }, "ones");
    check_close(dense(tensor({{1.0, -4.0}, {2.0, 1.0}})), {-0.6, -0.6, -0.6, 3.0, 3.0, 3.0});
    // A plain function works too.
    Dense dense2(2, xgrad::tanh, "ones");
    check_close(dense2(tensor({{0.5, 0.0}})), {std::tanh(0.5), std::tanh(0.5)});
    // Named custom activations keep their name.
    const ActivationFn named("half", [](const Tensor& t) { return t * 0.5; });
    BOOST_TEST(named.name() == "half");
    check_close(named(tensor({4.0})), {2.0});
}

BOOST_AUTO_TEST_SUITE_END()
