// Conv2DTranspose: weights in Keras' layout and Keras' parameter counts and
// output shapes, values against the op, options, saving, errors.
#include "../io/io_test_util.hpp"
#include "../test_helpers.hpp"
#include "xgrad/io/model.hpp"
#include "xgrad/io/safetensors.hpp"
#include "xgrad/nn/conv.hpp"
#include "xgrad/nn/conv_transpose.hpp"
#include "xgrad/nn/dense.hpp"
#include "xgrad/nn/reshape.hpp"
#include "xgrad/nn/sequential.hpp"
#include "xgrad/ops/activation.hpp"

using namespace xgrad;
using namespace xgrad::nn;
using xgrad_test::allclose;
using xgrad_test::values;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(nn_conv_transpose)

BOOST_AUTO_TEST_CASE(weights_shapes_and_forward) {
    manual_seed(1);
    Conv2DTranspose up(4, {3, 2}, "relu");
    up.strides({2, 1}).padding("same");
    up.ensure_built({-1, 7, 5, 3});
    BOOST_TEST(up.name() == "conv2d_transpose");
    BOOST_TEST(up.weight("kernel").shape() == Shape({3, 2, 4, 3}));  // [kh, kw, filters, C]
    BOOST_TEST(up.weight("bias").shape() == Shape({4}));
    BOOST_TEST(up.count_params() == 3 * 2 * 4 * 3 + 4);
    BOOST_TEST(up.output_shape({-1, 7, 5, 3}) == Shape({-1, 14, 5, 4}));
    const Tensor x = normal({2, 7, 5, 3});
    const Tensor expected = relu(conv2d_transpose(x, up.weight("kernel"), up.weight("bias"), up.conv_options()));
    BOOST_TEST(allclose(up(x, false), expected, 0, 0));
    BOOST_TEST(up(x, false).shape() == Shape({2, 14, 5, 4}));
    // output_padding, dilation and channels_first; an unknown size stays unknown.
    Conv2DTranspose first(2, 3);
    first.strides({2, 2}).output_padding({1}).data_format("channels_first").dilation_rate({1, 2}).use_bias(false);
    BOOST_TEST(first.output_shape({-1, 5, 7, -1}) == Shape({-1, 2, 16, -1}));  // (7 − 1)·2 + 3 + 1; W unknown
    first.ensure_built({-1, 5, 7, 6});
    BOOST_TEST(first.count_params() == 3 * 3 * 2 * 5);
    BOOST_TEST(first.output_shape({-1, 5, 7, 6}) == Shape({-1, 2, 16, 16}));  // columns (6 − 1)·2 + 5 + 1: dilation 2
    BOOST_TEST(first(normal({1, 5, 7, 6}), false).shape() == Shape({1, 2, 16, 16}));
}

// Keras: Conv2DTranspose(32, 3, strides=2, padding="same") on (7, 7, 64)
// gives (None, 14, 14, 32) with 18,464 parameters; "valid" gives (None, 15, 15, 32).
BOOST_AUTO_TEST_CASE(keras_summary_numbers) {
    Sequential model{Reshape({7, 7, 64}).input_shape({7 * 7 * 64}),
                     Conv2DTranspose(32, 3, "relu").strides({2, 2}).padding("same"),
                     Conv2DTranspose(1, 3).strides({2, 2})};
    model.ensure_built({-1, 7 * 7 * 64});
    const std::string summary = model.summary();
    for (const char* text : {"(None, 14, 14, 32)", "18,464", "(None, 29, 29, 1)", "289", "Total params: 18,753"})
        BOOST_TEST(summary.find(text) != std::string::npos, "summary lacks " << text << ":\n" << summary);
    BOOST_TEST(Conv2DTranspose(32, 3).strides({2, 2}).output_shape({-1, 7, 7, 64}) == Shape({-1, 15, 15, 32}));
}

BOOST_AUTO_TEST_CASE(save_and_load_round_trip) {
    manual_seed(2);
    Sequential model{Reshape({4, 4, 2}).input_shape({32}),
                     Conv2DTranspose(3, {3, 2}, "elu").strides({2, 3}).padding("same").output_padding({1, 2}),
                     Conv2DTranspose(2, 2).data_format("channels_first").dilation_rate({2, 1}).use_bias(false)};
    model.ensure_built({-1, 32});
    const Tensor x = normal({3, 32});
    xgrad_test::TempDir dir;
    io::save(model, dir.file("decoder"));
    const ModulePtr loaded = io::load(dir.file("decoder"));
    BOOST_TEST(allclose((*loaded)(x, false), model(x, false), 0, 0));
    BOOST_TEST(loaded->count_params() == model.count_params());
    const auto config = static_cast<const Sequential&>(*loaded)[1]->config();
    BOOST_TEST(config.at("output_padding") == "[1,2]");
    BOOST_TEST(config.at("strides") == "[2,3]");
}

BOOST_AUTO_TEST_CASE(options_errors_name_the_layer) {
    CHECK_THROWS_WITH(Conv2DTranspose(4, 3).strides({2, 2}).output_padding({2}).output_shape({-1, 5, 5, 1}), ValueError,
                      "conv2d_transpose (Conv2DTranspose): output_padding must be below the strides, got output_padding "
                      "2,2 with strides 2,2");
    CHECK_THROWS_WITH(Conv2DTranspose(4, 3).output_padding({-1}), ValueError,
                      "output_padding entries must be in [0, 65536], got [-1]");
    CHECK_THROWS_WITH(Conv2DTranspose(4, 3).output_padding({0, 0, 0}).output_shape({-1, 5, 5, 1}), ValueError,
                      "output_padding must be empty (None) or one or two numbers, got 3 numbers");
    CHECK_THROWS_WITH(Conv2DTranspose(4, 3).padding("full").ensure_built({-1, 5, 5, 1}), ValueError,
                      "conv2d_transpose (Conv2DTranspose): padding must be \"valid\" or \"same\", got \"full\"");
    CHECK_THROWS_WITH(Conv2DTranspose(4, 3).ensure_built({-1, 5, 5}), ShapeError, "expected images [batch, H, W, C]");
    CHECK_THROWS_WITH(Conv2DTranspose(0, 3), ValueError, "filters must be positive");
    CHECK_THROWS_WITH(Conv2DTranspose(4, 3).dilation_rate({1000000}), ValueError,
                      "dilation_rate entries must be in [1, 65536], got [1000000]");
    // A layer built for 3 channels, called on 2: the op names both shapes.
    Conv2DTranspose built(4, 3);
    built.ensure_built({-1, 5, 5, 3});
    CHECK_THROWS_WITH(built(zeros({1, 5, 5, 2}), false), ShapeError,
                      "kernel [3,3,4,3] [kh, kw, filters, C] does not fit input [1,5,5,2]");
}

// A model file whose output_padding is absurd fails in io::load, naming the file and the layer.
BOOST_AUTO_TEST_CASE(hostile_file_fails_to_load) {
    Sequential model{Reshape({4, 4, 1}).input_shape({16}), Conv2DTranspose(2, 3).strides({2, 2}).output_padding({1, 1})};
    model(zeros({1, 16}), false);
    xgrad_test::TempDir dir;
    io::save(model, dir.file("good"));
    const io::TensorFile good = io::load_safetensors(dir.file("good"));
    auto metadata = good.metadata;
    std::string& arch = metadata["xgrad.architecture"];
    const std::string from = R"("output_padding":"[1,1]")";
    const auto pos = arch.find(from);
    BOOST_REQUIRE(pos != std::string::npos);
    arch.replace(pos, from.size(), R"("output_padding":"[4611686018427387904,1]")");
    io::save_safetensors(dir.file("bad"), good.tensors, metadata);
    CHECK_THROWS_WITH(io::load(dir.file("bad")), IoError, "output_padding entries must be in [0, 65536]");
}

BOOST_AUTO_TEST_SUITE_END()
