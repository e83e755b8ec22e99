// Activation layers (nn/activation_layers.hpp). The Keras docstring examples
// are the golden values where Keras gives them; the rest are hand computations.
#include <algorithm>
#include <iomanip>

#include "../test_helpers.hpp"

using namespace xgrad;
using namespace xgrad::nn;
using xgrad_test::values;
using Fn = std::vector<Tensor>;

namespace {

void check_close(const Tensor& t, const std::vector<double>& expected, double rtol = 1e-6, double atol = 1e-7) {
    const std::vector<double> got = values(t);
    BOOST_TEST_REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        BOOST_TEST(std::abs(got[i] - expected[i]) <= atol + rtol * std::abs(expected[i]),
                   std::setprecision(17) << "element " << i << ": got " << got[i] << ", expected " << expected[i]);
    }
}

// Points away from every kink (0, the thresholds 1 and 1.5, max_value 6).
Tensor smooth_batch() {
    return tensor({{-3.7, -2.2, -1.3, -0.45}, {0.35, 0.9, 1.2, 1.6}, {2.3, 4.4, 6.5, 8.1}}, float64);
}

/// Gradchecks `layer` in float64 with respect to its input, in training and in inference mode.
template <class L> void gradcheck_both_modes(const std::string& name, L& layer, const Tensor& x) {
    layer.to(float64);
    CHECK_GRADCHECK(name, [&layer](const Fn& v) { return layer(v[0], true); }, {x});
    CHECK_GRADCHECK(name, [&layer](const Fn& v) { return layer(v[0], false); }, {x});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nn_activation_layers)

BOOST_AUTO_TEST_CASE(relu_layer_keras_examples) {
    // keras.layers.ReLU docstring, input [-3, -1, 0, 2].
    const Tensor x = tensor({-3.0, -1.0, 0.0, 2.0});
    check_close(ReLU()(x), {0.0, 0.0, 0.0, 2.0});
    check_close(ReLU().max_value(1.0)(x), {0.0, 0.0, 0.0, 1.0});
    check_close(ReLU().negative_slope(1.0)(x), {-3.0, -1.0, 0.0, 2.0});
    check_close(ReLU().threshold(1.5)(x), {0.0, 0.0, 0.0, 2.0});
}

BOOST_AUTO_TEST_CASE(relu_layer_combined_options) {
    // slope 0.5, max 6, threshold 1: below the threshold 0.5·(x − 1), above it x capped at 6.
    // -2 → -1.5, 0.5 → -0.25, 1 → 0 (x ≤ threshold), 1.2 → 1.2 (jump, as Keras), 3 → 3, 7 → 6.
    ReLU layer;
    layer.negative_slope(0.5).max_value(6.0).threshold(1.0);
    check_close(layer(tensor({-2.0, 0.5, 1.0, 1.2, 3.0, 7.0})), {-1.5, -0.25, 0.0, 1.2, 3.0, 6.0});
    BOOST_TEST(layer.negative_slope() == 0.5);
    BOOST_TEST(*layer.max_value() == 6.0);
    BOOST_TEST(layer.threshold() == 1.0);
    // relu6 and the functional form.
    check_close(ReLU().max_value(6.0)(tensor({-1.0, 3.0, 9.0})), {0.0, 3.0, 6.0});
    check_close(relu(tensor({-10.0, 2.0, 8.0}), 0.1, 6.0), {-1.0, 2.0, 6.0});
    // slope without max or threshold is a leaky relu.
    check_close(relu(tensor({-10.0, 2.0}), 0.1), {-1.0, 2.0});
    // Options are validated (Keras rejects negatives).
    CHECK_THROWS_WITH(ReLU().negative_slope(-0.1), ValueError, "(ReLU): negative_slope must be >= 0, got -0.1");
    CHECK_THROWS_WITH(ReLU().max_value(-1.0), ValueError, "(ReLU): max_value must be >= 0");
    CHECK_THROWS_WITH(ReLU().threshold(-2.0), ValueError, "(ReLU): threshold must be >= 0");
}

BOOST_AUTO_TEST_CASE(leaky_relu_layer) {
    // Keras' layer default is 0.3 (the function's is 0.2).
    LeakyReLU keras_default;
    BOOST_TEST(keras_default.negative_slope() == 0.3);
    check_close(keras_default(tensor({-1.0, 2.0})), {-0.3, 2.0});
    // keras.layers.LeakyReLU(negative_slope=0.5) docstring: [-3, -1, 0, 2] → [-1.5, -0.5, 0, 2].
    check_close(LeakyReLU(0.5)(tensor({-3.0, -1.0, 0.0, 2.0})), {-1.5, -0.5, 0.0, 2.0});
    check_close(LeakyReLU(0.2)(tensor({{-5.0, 5.0}})), {-1.0, 5.0});
    CHECK_THROWS_WITH(LeakyReLU(-0.2), ValueError, "(LeakyReLU): negative_slope must be >= 0");
}

BOOST_AUTO_TEST_CASE(prelu_parameter) {
    PReLU layer;
    BOOST_TEST(!layer.built());
    const Tensor x = tensor({{-1.0, -2.0, -3.0}, {1.0, 2.0, 3.0}});
    // Starts as a plain relu: alpha = 0, one per unit.
    check_close(layer(x), {0.0, 0.0, 0.0, 1.0, 2.0, 3.0});
    BOOST_TEST(layer.built());
    const Tensor alpha = layer.weight("alpha");
    BOOST_TEST((alpha.shape() == Shape{3}));
    check_close(alpha, {0.0, 0.0, 0.0}, 0, 0);
    BOOST_TEST(alpha.requires_grad());
    BOOST_TEST(layer.trainable_parameters().size() == 1u);
    BOOST_TEST(layer.count_params() == 3);
    const auto named = layer.named_parameters();
    BOOST_TEST_REQUIRE(named.size() == 1u);
    BOOST_TEST(named[0].name == "alpha");  // keys are registration paths; a root adds nothing
    BOOST_TEST(layer.name() == "p_re_lu");
    // With alpha = [0.1, 0.2, 0.3]: negative row → -alpha·|x| = [-0.1, -0.4, -0.9].
    layer.set_weights({tensor({0.1, 0.2, 0.3})});
    check_close(layer(x), {-0.1, -0.4, -0.9, 1.0, 2.0, 3.0});
}

BOOST_AUTO_TEST_CASE(prelu_alpha_gets_gradient_and_trains) {
    PReLU layer;
    const Tensor x = tensor({{-1.0, -2.0, -3.0}, {1.0, 2.0, 3.0}});
    layer(x).sum().backward();
    // d/dalpha Σ(relu(x) − alpha·relu(−x)) = −Σ_batch relu(−x) = [-1, -2, -3].
    check_close(layer.weight("alpha").grad(), {-1.0, -2.0, -3.0});

    // Gradient descent on the MSE to a leaky relu of slope 0.25 recovers alpha = 0.25.
    Generator gen(21);
    const Tensor inputs = randn({64, 3}, float32, gen);
    const Tensor target = leaky_relu(inputs, 0.25);
    PReLU learner;
    learner(inputs);
    for (int step = 0; step < 100; ++step) {
        Tensor& a = learner.weight("alpha");
        a.zero_grad();
        const Tensor diff = learner(inputs) - target;
        (diff * diff).mean().backward();
        NoGradGuard no_grad;
        a.add_(a.grad(), -1.0);
    }
    check_close(learner.weight("alpha"), {0.25, 0.25, 0.25}, 1e-3);
}

BOOST_AUTO_TEST_CASE(prelu_shapes_and_shared_axes) {
    // One alpha per unit of [H, W, C]; shared over H and W → one per channel.
    PReLU per_unit;
    per_unit(zeros({2, 4, 5, 3}));
    BOOST_TEST((per_unit.weight("alpha").shape() == Shape{4, 5, 3}));
    PReLU per_channel;
    per_channel.shared_axes({1, 2});
    per_channel(zeros({2, 4, 5, 3}));
    BOOST_TEST((per_channel.weight("alpha").shape() == Shape{1, 1, 3}));
    // PyTorch's nn.PReLU(): one shared alpha initialized to 0.25.
    PReLU torch_like;
    torch_like.alpha_initializer(Constant(0.25)).shared_axes({1});
    check_close(torch_like(tensor({{-4.0, -8.0, 2.0}})), {-1.0, -2.0, 2.0});
    BOOST_TEST((torch_like.weight("alpha").shape() == Shape{1}));
    // Declared input shape builds without a call; a mismatching input is reported.
    Sequential model{PReLU().input_shape({6}), Dense(2)};
    BOOST_TEST((model.layer<PReLU>(0)->weight("alpha").shape() == Shape{6}));
    Sequential after_dense{Dense(5).input_shape({4}), PReLU()};
    BOOST_TEST((after_dense.layer<PReLU>(1)->weight("alpha").shape() == Shape{5}));
    CHECK_THROWS_WITH(per_unit(zeros({2, 4, 5, 2})), ShapeError, "(PReLU): alpha [4,5,3] does not fit input [2,4,5,2]");
    PReLU bad_axis;
    bad_axis.shared_axes({0});
    CHECK_THROWS_WITH(bad_axis(zeros({2, 3})), ValueError, "(PReLU): shared axis 0 out of range");
}

BOOST_AUTO_TEST_CASE(prelu_clone_is_independent) {
    PReLU layer;
    layer(zeros({1, 2}));
    layer.set_weights({tensor({0.5, 0.5})});
    const auto copy = std::dynamic_pointer_cast<PReLU>(layer.clone());
    BOOST_TEST_REQUIRE(copy);
    copy->set_weights({tensor({0.1, 0.1})});
    check_close(layer(tensor({{-2.0, -2.0}})), {-1.0, -1.0});
    check_close((*copy)(tensor({{-2.0, -2.0}})), {-0.2, -0.2});
}

BOOST_AUTO_TEST_CASE(elu_layer) {
    // alpha·(e^x − 1): e^-1 − 1 = -0.6321205588285577; saturates at -alpha.
    check_close(ELU()(tensor({-1.0, 0.0, 3.0}, float64)), {-0.6321205588285577, 0.0, 3.0}, 1e-14);
    check_close(ELU(0.5)(tensor({-100.0, -1e4, 2.0})), {-0.5, -0.5, 2.0});
    BOOST_TEST(ELU().alpha() == 1.0);
}

BOOST_AUTO_TEST_CASE(rrelu_training_vs_inference) {
    RReLU layer;
    BOOST_TEST(layer.lower() == 1.0 / 8);
    BOOST_TEST(layer.upper() == 1.0 / 3);
    const Tensor x = full({1000}, -1.0, float64);
    // Training (the default mode of a new layer): each element its own slope in [1/8, 1/3).
    BOOST_TEST(layer.is_training());
    const std::vector<double> y = values(layer(x));
    double lo = 1, hi = 0;
    for (const double v : y) lo = std::min(lo, -v), hi = std::max(hi, -v);
    BOOST_TEST(lo >= 1.0 / 8);
    BOOST_TEST(hi < 1.0 / 3);
    BOOST_TEST(hi - lo > 0.15);
    // A new draw on every call.
    BOOST_TEST((values(layer(x)) != y));
    // Inference: exactly the mean slope (1/8 + 1/3)/2 = 11/48.
    layer.eval();
    for (const double v : values(layer(x))) BOOST_TEST(v == -11.0 / 48);
    check_close(layer(tensor({-48.0, 5.0}, float64)), {-11.0, 5.0}, 1e-15);
    // Forced on at inference (model(x, true), as MC Dropout).
    const std::vector<double> forced = values(layer(x, true));
    BOOST_TEST(*std::min_element(forced.begin(), forced.end()) != *std::max_element(forced.begin(), forced.end()));
    // And back in training mode.
    layer.train();
    BOOST_TEST((values(layer(x)) != values(layer(x))));
    // Positive inputs are untouched in both modes.
    check_close(layer(tensor({0.5, 2.0})), {0.5, 2.0}, 0, 0);
    CHECK_THROWS_WITH(RReLU(0.4, 0.2), ValueError, "(RReLU): need 0 <= lower <= upper, got lower 0.4, upper 0.2");
}

BOOST_AUTO_TEST_CASE(rrelu_own_generator) {
    Generator g1(17), g2(17);
    RReLU a, b;
    a.generator(g1);
    b.generator(g2);
    const Tensor x = full({50}, -1.0);
    check_close(a(x), values(b(x)), 0, 0);
}

BOOST_AUTO_TEST_CASE(activation_layer) {
    const Tensor x = tensor({{-1.0, 0.5, 2.0}});
    check_close(Activation("relu")(x), {0.0, 0.5, 2.0});
    check_close(Activation("sigmoid")(tensor({0.0})), {0.5});
    Activation leaky([](const Tensor& t) { return leaky_relu(t, 0.2); });
    check_close(leaky(x), {-0.2, 0.5, 2.0});
    BOOST_TEST(Activation("selu").activation().name() == "selu");
    CHECK_THROWS_WITH(Activation("rleu"), ValueError, "unknown activation 'rleu'");
}

BOOST_AUTO_TEST_CASE(softmax_layer) {
    // [1, 2, 3] → e^k / (e + e² + e³) = [0.09003057317038046, 0.24472847105479764, 0.6652409557748219].
    check_close(Softmax()(tensor({{1.0, 2.0, 3.0}})), {0.09003057317038046, 0.24472847105479764, 0.6652409557748219});
    // axis 0: each column sums to 1; equal entries share equally.
    check_close(Softmax(0)(tensor({{1.0, 5.0}, {1.0, 5.0}})), {0.5, 0.5, 0.5, 0.5});
    // Large logits do not overflow.
    check_close(Softmax()(tensor({{1000.0, 1000.0}})), {0.5, 0.5});
    BOOST_TEST(Softmax().axis() == -1);
    CHECK_THROWS_WITH(Softmax(2)(zeros({2, 3})), ShapeError, "(Softmax): axis 2 out of range for input [2,3]");
}

BOOST_AUTO_TEST_CASE(output_shapes_are_the_input_shape) {
    const Shape in{-1, 7, 3};
    ReLU relu_layer;
    LeakyReLU leaky;
    PReLU prelu_layer;
    ELU elu_layer;
    RReLU rrelu_layer;
    Activation act("tanh");
    Softmax softmax_layer;
    const std::vector<Module*> layers = {&relu_layer, &leaky, &prelu_layer, &elu_layer,
                                         &rrelu_layer, &act, &softmax_layer};
    for (Module* m : layers) {
        BOOST_TEST((m->output_shape(in) == in), m->type_name());
        // Cheap: nothing is built or run.
        BOOST_TEST(!m->built(), m->type_name());
    }
    BOOST_TEST(relu_layer.type_name() == "ReLU");
    BOOST_TEST(leaky.type_name() == "LeakyReLU");
    BOOST_TEST(rrelu_layer.type_name() == "RReLU");
}

BOOST_AUTO_TEST_CASE(gradchecks_training_and_inference) {
    const Tensor x = smooth_batch();
    ReLU relu_layer;
    gradcheck_both_modes("ReLU", relu_layer, x);
    ReLU relu_all;
    relu_all.negative_slope(0.3).max_value(6.0).threshold(1.0);
    gradcheck_both_modes("ReLU", relu_all, x);
    LeakyReLU leaky(0.2);
    gradcheck_both_modes("LeakyReLU", leaky, x);
    ELU elu_layer(0.8);
    gradcheck_both_modes("ELU", elu_layer, x);
    Activation act("mish");
    gradcheck_both_modes("Activation", act, x);
    Softmax softmax_layer;
    gradcheck_both_modes("Softmax", softmax_layer, x);
    Softmax softmax_cols(0);
    gradcheck_both_modes("Softmax", softmax_cols, x);

    // PReLU with non-zero alpha so that both branches carry gradient.
    PReLU prelu_layer;
    prelu_layer.to(float64);
    prelu_layer(x);
    prelu_layer.set_weights({tensor({0.1, -0.3, 0.25, 0.7}, float64)});
    BOOST_TEST((prelu_layer.weight("alpha").dtype() == float64));
    gradcheck_both_modes("PReLU", prelu_layer, x);

    // RReLU: inference is deterministic; in training the generator is reseeded
    // in the function so that every evaluation draws the same slopes.
    Generator gen;
    RReLU rrelu_layer;
    rrelu_layer.generator(gen).to(float64);
    CHECK_GRADCHECK("RReLU", [&](const Fn& v) { return rrelu_layer(v[0], false); }, {x});
    CHECK_GRADCHECK("RReLU", [&](const Fn& v) {
        gen.manual_seed(8);
        return rrelu_layer(v[0], true);
    }, {x});
}

BOOST_AUTO_TEST_CASE(dense_with_leaky_activation_equals_dense_then_layer) {
    // Notebook cells: Dense(10, leaky_relu with slope 0.2, he_normal) versus
    // Dense(10, he_normal) followed by a LeakyReLU(0.2) layer, same weights.
    manual_seed(42);
    Sequential fused{Dense(10, [](const Tensor& t) { return leaky_relu(t, 0.2); }, "he_normal").input_shape({8})};
    Sequential split{Dense(10, {}, "he_normal").input_shape({8}), LeakyReLU(0.2)};
    split.set_weights(fused.get_weights());
    const Tensor x = randn({16, 8});
    const Tensor a = fused(x), b = split(x);
    BOOST_TEST((a.shape() == Shape{16, 10}));
    BOOST_TEST(xgrad_test::allclose(a, b, 0, 0));
    // Some outputs are negative, so the slope matters.
    BOOST_TEST((a < 0.0).sum().item() > 0);
    // And the layer form differs from Keras' LeakyReLU default (0.3).
    Sequential keras_default{Dense(10, {}, "he_normal").input_shape({8}), LeakyReLU()};
    keras_default.set_weights(fused.get_weights());
    BOOST_TEST(!xgrad_test::allclose(keras_default(x), a));
}

BOOST_AUTO_TEST_SUITE_END()
