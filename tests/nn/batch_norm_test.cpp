#include "../test_helpers.hpp"

using namespace xgrad;
using namespace xgrad::nn;
using xgrad_test::allclose;
using xgrad_test::values;
using Fn = std::vector<Tensor>;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(nn_batch_norm)

// A 2-sample, 2-channel batch used by several cases:
//   channel 0: [1, 3] → mean 2, biased variance ((1−2)² + (3−2)²)/2 = 1
//   channel 1: [2, 6] → mean 4, biased variance ((2−4)² + (6−4)²)/2 = 4
const Tensor& batch() {
    static const Tensor x = tensor({{1, 2}, {3, 6}});
    return x;
}

BOOST_AUTO_TEST_CASE(defaults_and_weights) {
    BatchNormalization bn;
    BOOST_TEST(bn.axis() == -1);
    BOOST_TEST(bn.momentum() == 0.99);
    BOOST_TEST(bn.epsilon() == 1e-3);
    BOOST_TEST(bn.center());
    BOOST_TEST(bn.scale());
    bn.ensure_built({-1, 3});
    // Keras' order and initial values: gamma ones, beta zeros, moving_mean zeros, moving_variance ones.
    const auto w = bn.get_weights();
    BOOST_TEST_REQUIRE(w.size() == 4u);
    BOOST_TEST(values(w[0]) == std::vector<double>({1, 1, 1}), tt::per_element());
    BOOST_TEST(values(w[1]) == std::vector<double>({0, 0, 0}), tt::per_element());
    BOOST_TEST(values(w[2]) == std::vector<double>({0, 0, 0}), tt::per_element());
    BOOST_TEST(values(w[3]) == std::vector<double>({1, 1, 1}), tt::per_element());
    BOOST_TEST(bn.weight("gamma").requires_grad());
    BOOST_TEST(bn.weight("beta").requires_grad());
    BOOST_TEST(!bn.weight("moving_mean").requires_grad());
    BOOST_TEST(!bn.weight("moving_variance").requires_grad());
    BOOST_TEST(bn.trainable_parameters().size() == 2u);
    BOOST_TEST(bn.non_trainable_parameters().size() == 2u);
    BOOST_TEST(bn.count_params() == 12);  // 4·C
    // Names as Keras: gamma, beta (parameters), moving_mean, moving_variance (buffers).
    const auto named = bn.named_parameters();
    BOOST_TEST_REQUIRE(named.size() == 2u);
    BOOST_TEST(named[0].name == "gamma");
    BOOST_TEST(named[1].name == "beta");
    const auto buffers = bn.named_buffers();
    BOOST_TEST_REQUIRE(buffers.size() == 2u);
    BOOST_TEST(buffers[0].name == "moving_mean");
    BOOST_TEST(buffers[1].name == "moving_variance");
    BOOST_TEST((bn.output_shape({-1, 3}) == Shape{-1, 3}));
}

BOOST_AUTO_TEST_CASE(options_center_scale_axis) {
    BatchNormalization bn;
    bn.center(false).scale(false).momentum(0.9).epsilon(1e-5);
    bn.ensure_built({-1, 4});
    BOOST_TEST(bn.get_weights().size() == 2u);  // moving_mean, moving_variance only
    BOOST_TEST(bn.count_params() == 8);
    CHECK_THROWS_WITH(bn.center(true), ValueError, "must be set before the layer is built");
    CHECK_THROWS_WITH(BatchNormalization().momentum(1.5), ValueError, "momentum must be in [0, 1]");

    BatchNormalization channels_first;
    channels_first.axis(1);
    channels_first.ensure_built({-1, 3, 5});
    BOOST_TEST((channels_first.weight("gamma").shape() == Shape{3}));
}

BOOST_AUTO_TEST_CASE(training_forward_hand_computed) {
    BatchNormalization bn;
    const Tensor y = bn(batch(), true);
    // y = (x − μ)/√(σ² + ε) with ε = 1e-3, gamma 1, beta 0
    const double a = 1 / std::sqrt(1.001), b = 2 / std::sqrt(4.001);
    BOOST_TEST(values(y) == std::vector<double>({-a, -b, a, b}), tt::tolerance(1e-6) << tt::per_element());

    // With gamma = [2, 0.5], beta = [1, −1]: y = gamma·x̂ + beta.
    BatchNormalization bn2;
    bn2.ensure_built({-1, 2});
    bn2.set_weights({tensor({2, 0.5}), tensor({1, -1}), zeros({2}), ones({2})});
    const Tensor y2 = bn2(batch(), true);
    BOOST_TEST(values(y2) == std::vector<double>({1 - 2 * a, -1 - 0.5 * b, 1 + 2 * a, -1 + 0.5 * b}),
               tt::tolerance(1e-6) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(moving_statistics_one_and_two_steps) {
    BatchNormalization bn;
    bn(batch(), true);
    // step 1: moving = moving·0.99 + batch·0.01
    //   mean: [0, 0]·0.99 + [2, 4]·0.01 = [0.02, 0.04]
    //   var:  [1, 1]·0.99 + [1, 4]·0.01 = [1.0, 1.03]   (biased batch variance)
    BOOST_TEST(values(bn.weight("moving_mean")) == std::vector<double>({0.02, 0.04}),
               tt::tolerance(1e-6) << tt::per_element());
    BOOST_TEST(values(bn.weight("moving_variance")) == std::vector<double>({1.0, 1.03}),
               tt::tolerance(1e-6) << tt::per_element());

    // step 2 with [[0, 0], [2, 2]]: batch mean [1, 1], biased variance [1, 1]
    //   mean: [0.02, 0.04]·0.99 + [1, 1]·0.01 = [0.0298, 0.0496]
    //   var:  [1.0, 1.03]·0.99 + [1, 1]·0.01 = [1.0, 1.0297]
    bn(tensor({{0, 0}, {2, 2}}), true);
    BOOST_TEST(values(bn.weight("moving_mean")) == std::vector<double>({0.0298, 0.0496}),
               tt::tolerance(1e-5) << tt::per_element());
    BOOST_TEST(values(bn.weight("moving_variance")) == std::vector<double>({1.0, 1.0297}),
               tt::tolerance(1e-5) << tt::per_element());
    // The update is not recorded: the statistics stay gradient-free leaves.
    BOOST_TEST(!bn.weight("moving_mean").requires_grad());
    BOOST_TEST(bn.weight("moving_mean").is_leaf());
}

BOOST_AUTO_TEST_CASE(inference_uses_moving_statistics) {
    BatchNormalization bn;
    bn(batch(), true);  // moving mean [0.02, 0.04], moving variance [1.0, 1.03]
    const auto before = values(bn.weight("moving_mean"));
    const Tensor y = bn(tensor({{1, 2}}), false);
    // y = (x − moving_mean)/√(moving_var + ε): (1 − 0.02)/√1.001, (2 − 0.04)/√1.031
    BOOST_TEST(values(y) == std::vector<double>({0.98 / std::sqrt(1.001), 1.96 / std::sqrt(1.031)}),
               tt::tolerance(1e-6) << tt::per_element());
    BOOST_TEST(values(bn.weight("moving_mean")) == before, tt::per_element());  // no update at inference

    // The module's mode decides when no flag is given.
    bn.eval();
    BOOST_TEST(allclose(bn(tensor({{1, 2}})), y));
}

BOOST_AUTO_TEST_CASE(frozen_layer_runs_in_inference_mode) {
    BatchNormalization bn;
    bn(batch(), true);
    const auto mean_before = values(bn.weight("moving_mean"));
    const auto var_before = values(bn.weight("moving_variance"));
    const Tensor expected = bn(batch(), false);

    bn.set_trainable(false);
    const Tensor y = bn(batch(), true);  // Keras: a frozen BN ignores training=true
    BOOST_TEST(allclose(y, expected));
    BOOST_TEST(values(bn.weight("moving_mean")) == mean_before, tt::per_element());
    BOOST_TEST(values(bn.weight("moving_variance")) == var_before, tt::per_element());
    BOOST_TEST(!bn.weight("gamma").requires_grad());
    BOOST_TEST(bn.trainable_parameters().empty());
    BOOST_TEST(bn.non_trainable_parameters().size() == 4u);

    bn.set_trainable(true);  // back to batch statistics
    const double a = 1 / std::sqrt(1.001);
    BOOST_TEST(values(bn(batch(), true))[0] == -a, tt::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(gradients_hand_computed) {
    // Training mode, L = Σ y: for each channel Σ_n y = N·beta whatever x is, so
    // dL/dx = 0, dL/dgamma = Σ x̂ = 0 and dL/dbeta = N = 2.
    BatchNormalization bn;
    bn.to(float64);
    Tensor x = batch().to(float64).requires_grad_();
    bn(x, true).sum().backward();
    BOOST_TEST(values(x.grad()) == std::vector<double>({0, 0, 0, 0}), tt::tolerance(1e-12) << tt::per_element());
    BOOST_TEST(values(bn.weight("gamma").grad()) == std::vector<double>({0, 0}),
               tt::tolerance(1e-12) << tt::per_element());
    BOOST_TEST(values(bn.weight("beta").grad()) == std::vector<double>({2, 2}), tt::per_element());
    BOOST_TEST(!bn.weight("moving_mean").grad().defined());

    // Inference mode, L = Σ y: dL/dx = gamma/√(moving_var + ε) = 1/√1.001 (initial gamma 1, moving var 1).
    Tensor x2 = batch().to(float64).requires_grad_();
    BatchNormalization fresh;
    fresh.to(float64);
    fresh(x2, false).sum().backward();
    const double g = 1 / std::sqrt(1.001);
    BOOST_TEST(values(x2.grad()) == std::vector<double>({g, g, g, g}), tt::tolerance(1e-12) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    Generator gen(5);
    const Tensor x = randn({4, 3}, float64, gen);
    const Tensor gamma = uniform({3}, 0.5, 2.0, float64, gen), beta = randn({3}, float64, gen);
    // Training: gradient through the batch mean and variance (moving statistics omitted).
    CHECK_GRADCHECK("batch_normalization",
                    [](const Fn& v) { return functional::batch_norm(v[0], v[1], v[2], {}, {}, true); },
                    {x, gamma, beta});
    // Without gamma and beta; and channels last of a rank-3 input (rows folded).
    CHECK_GRADCHECK("batch_normalization", [](const Fn& v) { return functional::batch_norm(v[0], {}, {}, {}, {}, true); },
                    {x});
    const Tensor x3_last = randn({2, 4, 3}, float64, gen);
    CHECK_GRADCHECK("batch_normalization",
                    [](const Fn& v) { return functional::batch_norm(v[0], v[1], v[2], {}, {}, true); },
                    {x3_last, gamma, beta});
    // Channel axis in the middle: [N, C, W] normalized over N and W.
    const Tensor x3 = randn({2, 3, 4}, float64, gen);
    CHECK_GRADCHECK("batch_normalization",
                    [](const Fn& v) {
                        return functional::batch_norm(v[0], v[1], v[2], {}, {}, true, 0.99, 1e-3, /*axis=*/1);
                    },
                    {x3, gamma, beta});
    // Inference: moving statistics are constants.
    const Tensor mm = randn({3}, float64, gen), mv = uniform({3}, 0.5, 2.0, float64, gen);
    CHECK_GRADCHECK("batch_normalization",
                    ([mm, mv](const Fn& v) { return functional::batch_norm(v[0], v[1], v[2], mm, mv, false); }),
                    {x, gamma, beta});
    // Second derivatives through the batch statistics.
    CHECK_GRADGRADCHECK("batch_normalization",
                        [](const Fn& v) { return functional::batch_norm(v[0], v[1], v[2], {}, {}, true); },
                        {x, gamma, beta});
    CHECK_GRADGRADCHECK("batch_normalization",
                        [](const Fn& v) { return functional::batch_norm(v[0], v[1], v[2], {}, {}, true); },
                        {x3_last, gamma, beta});

    // The layer itself, in float64, w.r.t. its input, in both modes.
    auto bn = std::make_shared<BatchNormalization>();
    bn->to(float64);
    bn->ensure_built({-1, 3});
    bn->set_weights({gamma, beta, mm, mv});
    CHECK_GRADCHECK("batch_normalization", [bn](const Fn& v) { return (*bn)(v[0], true); }, {x});
    CHECK_GRADCHECK("batch_normalization", [bn](const Fn& v) { return (*bn)(v[0], false); }, {x});
}

BOOST_AUTO_TEST_CASE(errors_name_the_layer_and_shapes) {
    BatchNormalization bn;
    bn.ensure_built({-1, 3});
    CHECK_THROWS_WITH(bn(zeros({2, 4}), true), ShapeError, "(BatchNormalization): expected input with 3 channels");
    CHECK_THROWS_WITH(bn(zeros({2, 3}, float64), true), DtypeError, "input is float64 but the layer's weights are float32");
    CHECK_THROWS_WITH(functional::batch_norm(zeros({2, 3}), ones({4}), {}, {}, {}, true), ShapeError,
                      "gamma must have shape [3]");
    CHECK_THROWS_WITH(functional::batch_norm(zeros({2, 3}), {}, {}, {}, {}, false), ValueError,
                      "inference mode needs moving_mean and moving_variance");
    CHECK_THROWS_WITH(BatchNormalization().ensure_built({5}), ShapeError, "cannot build for input shape");
}

BOOST_AUTO_TEST_CASE(mlp_with_batch_norm_parameter_counts) {
    // The chapter's model: BN after Flatten and after each hidden Dense.
    Sequential model{
        Flatten({28, 28}),
        BatchNormalization(),
        Dense(300, "relu", "he_normal"),
        BatchNormalization(),
        Dense(100, "relu", "he_normal"),
        BatchNormalization(),
        Dense(10, "softmax"),
    };
    // BN: 4·C (784 → 3,136; 300 → 1,200; 100 → 400); Dense: in·out + out.
    const std::vector<std::int64_t> expected{0, 3136, 235500, 1200, 30100, 400, 1010};
    BOOST_TEST_REQUIRE(model.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
        BOOST_TEST(model[static_cast<std::int64_t>(i)]->count_params() == expected[i], "layer " << i);
    BOOST_TEST(model.count_params() == 271346);
    std::int64_t trainable = 0, non_trainable = 0;
    for (const Tensor& t : model.trainable_parameters()) trainable += t.numel();
    for (const Tensor& t : model.non_trainable_parameters()) non_trainable += t.numel();
    BOOST_TEST(trainable == 268978);
    BOOST_TEST(non_trainable == 2368);  // 2·(784 + 300 + 100) moving statistics

    const std::string text = model.summary();
    for (const char* s : {"batch_normalization (BatchNormalization)", "3,136", "235,500", "1,200", "30,100", "400",
                          "1,010", "Total params: 271,346", "Trainable params: 268,978", "Non-trainable params: 2,368",
                          "(None, 784)"}) {
        BOOST_TEST(text.find(s) != std::string::npos, "summary lacks \"" << s << "\":\n" << text);
    }

    // Keras' weight order for the first BN layer; the model runs in both modes.
    const auto names = model.named_parameters();
    BOOST_TEST_REQUIRE(names.size() == 12u);  // 3 BN · 2 + 3 Dense · 2
    BOOST_TEST(names[0].name == "batch_normalization.gamma");
    BOOST_TEST(names[1].name == "batch_normalization.beta");
    BOOST_TEST(names[2].name == "dense.kernel");
    BOOST_TEST(names[4].name == "batch_normalization_1.gamma");
    const auto buffers = model.named_buffers();
    BOOST_TEST_REQUIRE(buffers.size() == 6u);  // 3 BN · 2
    BOOST_TEST(buffers[0].name == "batch_normalization.moving_mean");
    BOOST_TEST(buffers[1].name == "batch_normalization.moving_variance");
    const auto weights = model.get_weights();  // Keras order: per layer, parameters then buffers
    BOOST_TEST_REQUIRE(weights.size() == 18u);
    BOOST_TEST(weights[2].is_same(model.layer<BatchNormalization>(1)->weight("moving_mean")));
    const Tensor x = rand({4, 28, 28});
    BOOST_TEST((model(x, true).shape() == Shape{4, 10}));
    BOOST_TEST((model(x, false).shape() == Shape{4, 10}));
}

BOOST_AUTO_TEST_CASE(clone_has_independent_statistics) {
    BatchNormalization bn;
    bn(batch(), true);
    const ModulePtr copy = bn.clone();
    BOOST_TEST(copy->type_name() == "BatchNormalization");
    bn(batch(), true);  // moves only the original
    BOOST_TEST(values(copy->weight("moving_mean")) == std::vector<double>({0.02, 0.04}),
               tt::tolerance(1e-6) << tt::per_element());
    // original: 0.02·0.99 + 2·0.01 = 0.0398
    BOOST_TEST(values(bn.weight("moving_mean"))[0] == 0.0398, tt::tolerance(1e-5));
}

// A rank's empty shard in data-parallel training: an empty output, no
// statistics learned, and gradients (zeros) for gamma and beta.
BOOST_AUTO_TEST_CASE(empty_batch_leaves_the_statistics_alone) {
    BatchNormalization bn;
    bn.ensure_built({-1, 2});
    const Tensor x = zeros({0, 2}).requires_grad_();
    const Tensor y = bn(x, true);
    BOOST_TEST(y.shape() == Shape({0, 2}));
    sum(y).backward();
    BOOST_TEST(values(bn.weight("moving_mean")) == std::vector<double>({0, 0}), tt::per_element());
    BOOST_TEST(values(bn.weight("moving_variance")) == std::vector<double>({1, 1}), tt::per_element());
    BOOST_TEST(values(bn.weight("gamma").grad()) == std::vector<double>({0, 0}), tt::per_element());
}

// synchronized is saved with the layer; on one process (no MPI session
// here) the layer computes what the ordinary one does.
BOOST_AUTO_TEST_CASE(synchronized_option) {
    BatchNormalization sync;
    sync.synchronized(true);
    BOOST_TEST(sync.config().at("synchronized") == "true");
    BOOST_TEST(static_cast<const BatchNormalization&>(*BatchNormalization::from_config(sync.config())).synchronized());
    BatchNormalization plain;
    BOOST_TEST(allclose(sync(batch(), true), plain(batch(), true), 0, 0));
    BOOST_TEST(allclose(sync.weight("moving_variance"), plain.weight("moving_variance"), 0, 0));
}

BOOST_AUTO_TEST_SUITE_END()
