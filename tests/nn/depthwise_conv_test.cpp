// DepthwiseConv2D and SeparableConv2D: Keras' weight names, layouts and
// parameter counts, values by hand and against per-channel conv2d, options,
// regularizers, saving, errors.
#include "../io/io_test_util.hpp"
#include "../test_helpers.hpp"
#include "xgrad/io/model.hpp"
#include "xgrad/nn/depthwise_conv.hpp"
#include "xgrad/nn/reshape.hpp"
#include "xgrad/nn/sequential.hpp"
#include "xgrad/ops/convolution.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"
#include "xgrad/ops/activation.hpp"

using namespace xgrad;
using namespace xgrad::nn;
using xgrad_test::allclose;
using xgrad_test::values;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(nn_depthwise_conv)

// Sums of each 2x2 window of [[1, 2, 3], [4, 5, 6], [7, 8, 9]]: 12 16 / 24 28; twice that for multiplier 1.
BOOST_AUTO_TEST_CASE(depthwise_by_hand) {
    DepthwiseConv2D depthwise(2);
    depthwise.depth_multiplier(2).depthwise_initializer("ones").bias_initializer("ones");
    const Tensor y = depthwise(xgrad_test::counting_image(3, 3).to(float32), false);
    BOOST_TEST(y.shape() == Shape({1, 2, 2, 2}));
    BOOST_TEST(values(y) == std::vector<double>({13, 13, 17, 17, 25, 25, 29, 29}), tt::per_element());
}

// Output channel c·m + k is input channel c convolved with depthwise_kernel[:, :, c, k] (Keras' order).
BOOST_AUTO_TEST_CASE(depthwise_weights_and_channels) {
    manual_seed(3);
    DepthwiseConv2D depthwise(3, "relu");
    depthwise.depth_multiplier(2).strides({2, 1}).padding("same");
    depthwise.ensure_built({-1, 7, 6, 3});
    BOOST_TEST(depthwise.name() == "depthwise_conv2d");
    BOOST_TEST(depthwise.weight("depthwise_kernel").shape() == Shape({3, 3, 3, 2}));
    BOOST_TEST(depthwise.weight("bias").shape() == Shape({6}));
    BOOST_TEST(depthwise.count_params() == 3 * 3 * 3 * 2 + 6);  // Keras: 60
    BOOST_TEST(depthwise.output_shape({-1, 7, 6, 3}) == Shape({-1, 4, 6, 6}));
    const Tensor x = normal({2, 7, 6, 3});
    const Tensor y = depthwise(x, false);
    const Tensor& kernel = depthwise.weight("depthwise_kernel");
    const Tensor& bias = depthwise.weight("bias");
    for (std::int64_t c = 0; c < 3; ++c)
        for (std::int64_t k = 0; k < 2; ++k) {
            const Tensor one = conv2d(slice(x, 3, c, c + 1), slice(slice(kernel, 2, c, c + 1), 3, k, k + 1),
                                      slice(bias, 0, 2 * c + k, 2 * c + k + 1), {.strides = {2, 1}, .padding = "same"});
            BOOST_TEST(allclose(slice(y, 3, 2 * c + k, 2 * c + k + 1), relu(one), 1e-5, 1e-6));
        }
    // channels_first gives the same numbers on permuted images.
    DepthwiseConv2D first(3, "relu");
    first.depth_multiplier(2).strides({2, 1}).padding("same").data_format("channels_first");
    first.ensure_built({-1, 3, 7, 6});
    first.set_weights(depthwise.get_weights());
    BOOST_TEST(first.output_shape({-1, 3, 7, 6}) == Shape({-1, 6, 4, 6}));
    BOOST_TEST(allclose(permute(first(permute(x, {0, 3, 1, 2}), false), {0, 2, 3, 1}), y, 1e-6, 1e-6));
}

// Keras: SeparableConv2D(64, 3) on 32 channels has 32·9 + 32·64 + 64 = 2400
// parameters; with depth_multiplier 2, 32·9·2 + 64·64 + 64 = 4736.
BOOST_AUTO_TEST_CASE(separable_weights_and_forward) {
    manual_seed(4);
    SeparableConv2D separable(64, 3);
    separable.ensure_built({-1, 10, 10, 32});
    BOOST_TEST(separable.name() == "separable_conv2d");
    BOOST_TEST(separable.weight("depthwise_kernel").shape() == Shape({3, 3, 32, 1}));
    BOOST_TEST(separable.weight("pointwise_kernel").shape() == Shape({1, 1, 32, 64}));
    BOOST_TEST(separable.weight("bias").shape() == Shape({64}));
    BOOST_TEST(separable.count_params() == 2400);
    BOOST_TEST(separable.output_shape({-1, 10, 10, 32}) == Shape({-1, 8, 8, 64}));
    SeparableConv2D doubled(64, 3, "relu");
    doubled.depth_multiplier(2).padding("same").strides({2, 2});
    doubled.ensure_built({-1, 10, 10, 32});
    BOOST_TEST(doubled.count_params() == 4736);
    BOOST_TEST(doubled.output_shape({-1, 10, 10, 32}) == Shape({-1, 5, 5, 64}));
    // The depthwise step (no bias), then the 1x1 convolution with the bias.
    const Tensor x = normal({2, 10, 10, 32});
    const Tensor& dk = doubled.weight("depthwise_kernel");
    const Tensor mid = conv2d(x, reshape(dk, {3, 3, 1, 64}), Tensor(), {.strides = {2, 2}, .padding = "same", .groups = 32});
    const Tensor expected = relu(conv2d(mid, doubled.weight("pointwise_kernel"), doubled.weight("bias")));
    BOOST_TEST(allclose(doubled(x, false), expected, 1e-5, 1e-5));
}

BOOST_AUTO_TEST_CASE(regularizers_constraints_and_saving) {
    manual_seed(5);
    SeparableConv2D separable(4, 3);
    separable.depthwise_initializer(Constant(1.0)).depthwise_regularizer(L2(0.5)).pointwise_regularizer(L1(0.01));
    separable.depthwise_constraint(MaxNorm(0.5));
    separable.ensure_built({-1, 6, 6, 2});
    const std::vector<Tensor> losses = separable.losses();
    BOOST_TEST(losses.size() == 2u);
    BOOST_TEST(losses[0].item() == 0.5 * 18, tt::tolerance(1e-6));  // 0.5 · Σ 1² over [3, 3, 2, 1]
    separable.apply_constraints();  // each column along axis 0 (norm √3) scaled to norm 0.5
    BOOST_TEST(max(separable.weight("depthwise_kernel")).item() == 0.5 / std::sqrt(3.0), tt::tolerance(1e-5));
    Sequential model{Reshape({6, 6, 2}).input_shape({72}),
                     DepthwiseConv2D({3, 2}, "tanh").depth_multiplier(3).strides({1, 2}).padding("same"),
                     SeparableConv2D(4, 2).data_format("channels_first").dilation_rate({1, 2}).use_bias(false)};
    model.ensure_built({-1, 72});
    BOOST_TEST(model.count_params() == (3 * 2 * 2 * 3 + 6) + (2 * 2 * 6 + 6 * 4));
    const Tensor x = normal({3, 72});
    xgrad_test::TempDir dir;
    io::save(model, dir.file("separable"));
    const ModulePtr loaded = io::load(dir.file("separable"));
    BOOST_TEST(allclose((*loaded)(x, false), model(x, false), 0, 0));
    const auto config = static_cast<const Sequential&>(*loaded)[1]->config();
    BOOST_TEST(config.at("depth_multiplier") == "3");
}

BOOST_AUTO_TEST_CASE(options_errors_name_the_layer) {
    CHECK_THROWS_WITH(DepthwiseConv2D(3).depth_multiplier(0), ValueError,
                      "depthwise_conv2d (DepthwiseConv2D): depth_multiplier must be positive");
    CHECK_THROWS_WITH(SeparableConv2D(0, 3), ValueError, "filters must be positive");
    CHECK_THROWS_WITH(SeparableConv2D(4, 3).padding("full").output_shape({-1, 5, 5, 2}), ValueError,
                      "separable_conv2d (SeparableConv2D): padding must be \"valid\" or \"same\", got \"full\"");
    CHECK_THROWS_WITH(DepthwiseConv2D(3).ensure_built({-1, 5, 5}), ShapeError,
                      "depthwise_conv2d (DepthwiseConv2D): expected images [batch, H, W, C]");
    CHECK_THROWS_WITH(DepthwiseConv2D(3).ensure_built({-1, 5, 5, 0}), ShapeError,
                      "input channels must be positive, input shape [-1,5,5,0]");
    CHECK_THROWS_WITH(DepthwiseConv2D({3, 70000}), ValueError, "kernel_size entries must be in [1, 65536], got [3,70000]");
    CHECK_THROWS_WITH(DepthwiseConv2D(7)(zeros({1, 5, 5, 2}), false), ShapeError, "does not fit in input [1,5,5,2]");
}

BOOST_AUTO_TEST_SUITE_END()
