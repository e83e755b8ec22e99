// The image layers: Conv2D, the pooling layers and Reshape: weights and
// Keras' parameter counts, output shapes, values against the ops, options,
// saving, errors, and a small CNN that learns.
#include <tuple>

#include "../io/io_test_util.hpp"
#include "../test_helpers.hpp"
#include "xgrad/io/model.hpp"
#include "xgrad/io/safetensors.hpp"
#include "xgrad/models/cnn.hpp"
#include "xgrad/nn/batch_norm.hpp"
#include "xgrad/nn/conv.hpp"
#include "xgrad/nn/dense.hpp"
#include "xgrad/nn/flatten.hpp"
#include "xgrad/nn/pooling.hpp"
#include "xgrad/nn/reshape.hpp"
#include "xgrad/nn/sequential.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"
#include "xgrad/optim/adam.hpp"
#include "xgrad/train/fit.hpp"

using namespace xgrad;
using namespace xgrad::nn;
using xgrad_test::allclose;
using xgrad_test::values;
namespace tt = boost::test_tools;


BOOST_AUTO_TEST_SUITE(nn_conv)

BOOST_AUTO_TEST_CASE(conv2d_layer_weights_and_forward) {
    manual_seed(1);
    Conv2D conv(4, {3, 2}, "relu");
    conv.strides({2, 1}).padding("same");
    conv.ensure_built({-1, 7, 5, 3});
    BOOST_TEST(conv.weight("kernel").shape() == Shape({3, 2, 3, 4}));
    BOOST_TEST(conv.weight("bias").shape() == Shape({4}));
    BOOST_TEST(conv.count_params() == 3 * 2 * 3 * 4 + 4);
    BOOST_TEST(conv.output_shape({-1, 7, 5, 3}) == Shape({-1, 4, 5, 4}));
    const Tensor x = normal({2, 7, 5, 3});
    const Tensor expected = relu(conv2d(x, conv.weight("kernel"), conv.weight("bias"), conv.conv_options()));
    BOOST_TEST(allclose(conv(x, false), expected, 0, 0));
    BOOST_TEST(conv(x, false).shape() == Shape({2, 4, 5, 4}));
    // groups and channels_first: the kernel holds C / groups input channels.
    Conv2D grouped(6, 3);
    grouped.groups(3).data_format("channels_first").use_bias(false);
    grouped.ensure_built({-1, 6, 8, 8});
    BOOST_TEST(grouped.weight("kernel").shape() == Shape({3, 3, 2, 6}));
    BOOST_TEST(grouped.count_params() == 108);
    BOOST_TEST(grouped.output_shape({-1, 6, 8, 8}) == Shape({-1, 6, 6, 6}));
}

// Keras' summary of the book's CNN: 1,413,834 parameters.
BOOST_AUTO_TEST_CASE(book_cnn_parameter_counts) {
    Sequential model = models::book_cnn();  // Hands-On ML, ch. 14
    model.ensure_built({-1, 28, 28});
    BOOST_TEST(model.count_params() == 1413834);
    const std::string summary = model.summary();
    for (const char* count : {"3,200", "73,856", "147,584", "295,168", "590,080", "295,040", "8,256", "650"})
        BOOST_TEST(summary.find(count) != std::string::npos, "summary lacks " << count << ":\n" << summary);
    BOOST_TEST(model.output_shape({-1, 28, 28}) == Shape({-1, 10}));
    BOOST_TEST(model[8]->output_shape({-1, 7, 7, 256}) == Shape({-1, 3, 3, 256}));
}

BOOST_AUTO_TEST_CASE(pooling_layers) {
    const Tensor x = reshape(arange(1.0, 17.0, 1.0, float64), {1, 4, 4, 1});
    MaxPooling2D max_pool;
    BOOST_TEST(values(max_pool(x, false)) == std::vector<double>({6, 8, 14, 16}), tt::per_element());
    BOOST_TEST(max_pool.count_params() == 0);
    AveragePooling2D avg({3, 3});
    avg.strides({1, 1}).padding("same");
    BOOST_TEST(avg(x, false).shape() == Shape({1, 4, 4, 1}));
    BOOST_TEST(values(avg(x, false))[0] == 3.5);  // (1 + 2 + 5 + 6) / 4
    BOOST_TEST(avg.output_shape({-1, 4, 4, 1}) == Shape({-1, 4, 4, 1}));
    GlobalAveragePooling2D gap;
    BOOST_TEST(values(gap(x, false)) == std::vector<double>({8.5}), tt::per_element());
    BOOST_TEST(gap.output_shape({-1, 4, 4, 3}) == Shape({-1, 3}));
    GlobalMaxPooling2D gmp;
    gmp.keepdims(true).data_format("channels_first");
    BOOST_TEST(gmp.output_shape({-1, 3, 4, 4}) == Shape({-1, 3, 1, 1}));
    BOOST_TEST(max_pool.output_shape({-1, 5, 5, 2}) == Shape({-1, 2, 2, 2}));
}

// Batch normalization of images: statistics per channel over batch, rows
// and columns (axis −1 channels-last, axis 1 channels-first), as Keras.
BOOST_AUTO_TEST_CASE(batch_norm_over_image_channels) {
    Generator g(8);
    const Tensor x = normal({4, 3, 5, 2}, 1.0, 2.0, float64, g);
    BatchNormalization last;
    last.epsilon(0.0);
    last.to(float64);
    const Tensor y = last(x, true);
    const Tensor expected = (x - mean(x, {0, 1, 2}, true)) / sqrt(var(x, {0, 1, 2}, true));
    BOOST_TEST(allclose(y, expected, 1e-12, 1e-12));
    BatchNormalization first;
    first.axis(1).epsilon(0.0);
    first.to(float64);
    BOOST_TEST(allclose(first(permute(x, {0, 3, 1, 2}), true), permute(expected, {0, 3, 1, 2}), 1e-12, 1e-12));
    BOOST_TEST(first.weight("moving_mean").shape() == Shape({2}));
}

BOOST_AUTO_TEST_CASE(reshape_layer) {
    Reshape r({-1, 2});
    BOOST_TEST(r(zeros({3, 4, 2}), false).shape() == Shape({3, 4, 2}));
    BOOST_TEST(r.output_shape({-1, 8}) == Shape({-1, 4, 2}));
    CHECK_THROWS_WITH(Reshape({3, 3})(zeros({2, 8}), false), ShapeError,
                      "cannot reshape input [2,8] (8 values per sample) to [3,3]");
}

// A CNN with every image layer and option saves and loads bit for bit.
BOOST_AUTO_TEST_CASE(save_and_load_round_trip) {
    manual_seed(2);
    Sequential model{Reshape({1, 8, 8}).input_shape({64}),
                     Conv2D(4, {3, 3}, "elu").data_format("channels_first").padding("same"),
                     AveragePooling2D().data_format("channels_first"),
                     Conv2D(4, 2).data_format("channels_first").groups(2).strides({1, 2}).dilation_rate({1, 1}),
                     GlobalMaxPooling2D().data_format("channels_first"),
                     Dense(3)};
    model.ensure_built({-1, 64});
    const Tensor x = normal({5, 64});
    xgrad_test::TempDir dir;
    io::save(model, dir.file("cnn"));
    const ModulePtr loaded = io::load(dir.file("cnn"));
    BOOST_TEST(allclose((*loaded)(x, false), model(x, false), 0, 0));
    BOOST_TEST(loaded->count_params() == model.count_params());
    const auto config = static_cast<const Sequential&>(*loaded)[3]->config();
    BOOST_TEST(config.at("groups") == "2");
    BOOST_TEST(config.at("strides") == "[1,2]");
}

BOOST_AUTO_TEST_CASE(options_errors_name_the_layer) {
    CHECK_THROWS_WITH(Conv2D(8, {3, 3, 3}).ensure_built({-1, 5, 5, 1}), ValueError,
                      "kernel_size must be one or two positive numbers, got [3,3,3]");
    CHECK_THROWS_WITH(Conv2D(8, 3).padding("full").ensure_built({-1, 5, 5, 1}), ValueError,
                      "padding must be \"valid\" or \"same\", got \"full\"");
    CHECK_THROWS_WITH(Conv2D(8, 3).groups(3).ensure_built({-1, 5, 5, 4}), ShapeError,
                      "input channels (4) and filters (8) must be positive and divide by groups (3)");
    CHECK_THROWS_WITH(Conv2D(8, 3).data_format("NHWC").ensure_built({-1, 5, 5, 4}), ValueError,
                      "data_format must be \"channels_last\" or \"channels_first\", got \"NHWC\"");
    CHECK_THROWS_WITH(Conv2D(8, 3).ensure_built({-1, 5, 5}), ShapeError, "expected images [batch, H, W, C]");
    CHECK_THROWS_WITH(Conv2D(0, 3), ValueError, "filters must be positive");
    CHECK_THROWS_WITH(MaxPooling2D({2, 2}).strides({0}), ValueError,
                      "max_pooling2d (MaxPooling2D): strides entries must be in [1, 65536], got [0]");
    CHECK_THROWS_WITH(MaxPooling2D({2, 2}).strides({1, 2, 3})(zeros({1, 4, 4, 1}), false), ValueError,
                      "strides must be one or two positive numbers, got [1,2,3]");
}

// Window options are bounded when they are set (or read from a file): each
// entry in [1, 2^16], and Conv2D's dilated window too once the kernel and the
// dilation meet. A Reshape whose target overflows is a ShapeError naming it.
BOOST_AUTO_TEST_CASE(absurd_windows_are_refused_naming_the_layer) {
    const std::int64_t t62 = std::int64_t{1} << 62;
    CHECK_THROWS_WITH(Conv2D(8, 3).dilation_rate({1000000000}), ValueError,
                      "conv2d (Conv2D): dilation_rate entries must be in [1, 65536], got [1000000000]");
    CHECK_THROWS_WITH(Conv2D(8, {3, 65537}), ValueError, "kernel_size entries must be in [1, 65536], got [3,65537]");
    CHECK_THROWS_WITH(Conv2D(8, 3).strides({1, 0}), ValueError, "strides entries must be in [1, 65536], got [1,0]");
    CHECK_THROWS_WITH(AveragePooling2D({t62, 2}), ValueError,
                      "average_pooling2d (AveragePooling2D): pool_size entries must be in [1, 65536], got "
                      "[4611686018427387904,2]");
    CHECK_THROWS_WITH(MaxPooling2D().strides({t62}), ValueError, "strides entries must be in [1, 65536]");
    CHECK_THROWS_WITH(Conv2D(8, 3).dilation_rate({40000}).output_shape({-1, 28, 28, 1}), ValueError,
                      "conv2d (Conv2D): the dilated window, dilation·(size − 1) + 1, must be at most 65536, got a 3x3 "
                      "window (strides 1,1, dilation 40000,40000)");
    // At the bounds: a 65536-wide "same" max pool and a 3x3 kernel dilated 32767 (extent 65535) work.
    BOOST_TEST(MaxPooling2D({1, 65536}).strides({1}).padding("same").output_shape({-1, 5, 7, 2}) == Shape({-1, 5, 7, 2}));
    BOOST_TEST(Conv2D(4, 3).dilation_rate({1, 32767}).padding("same").output_shape({-1, 5, 7, 2}) == Shape({-1, 5, 7, 4}));
    const std::int64_t t32 = std::int64_t{1} << 32;
    CHECK_THROWS_WITH(Reshape({-1, t32, t32}).output_shape({-1, 3 * 1024}), ShapeError,
                      "reshape (Reshape): target_shape [-1,4294967296,4294967296] has more than 2^63 values per sample");
}

// 8x8 noise images with one half brighter, the class saying which: a small
// CNN learns it in a few epochs.
BOOST_AUTO_TEST_CASE(a_small_cnn_learns) {
    manual_seed(3);
    Generator g(4);
    const Tensor y = randint({256}, 0, 2, g);
    const Tensor left_half = reshape(concat({ones({4}), zeros({4})}, 0), {1, 1, 8, 1});
    const Tensor class_one = reshape(y.to(float32), {256, 1, 1, 1});
    const Tensor bright = class_one * left_half + (1.0 - class_one) * (1.0 - left_half);
    const Tensor x = uniform({256, 8, 8, 1}, 0.0, 1.0, float32, g) * 0.5 + bright * 0.5;
    Sequential model{Conv2D(8, 3, "relu").padding("same"), MaxPooling2D(), Conv2D(8, 3, "relu"), Flatten(),
                     Dense(2, "softmax")};
    train::FitOptions options;
    options.loss = "sparse_categorical_crossentropy";
    options.optimizer = std::make_shared<optim::Adam>(model, 0.01);
    options.metrics = {"accuracy"};
    options.epochs = 8;
    options.verbose = 0;
    const train::History h = train::fit(model, x, y, options);
    BOOST_TEST(h["loss"].back() < 0.5 * h["loss"].front());
    BOOST_TEST(h["accuracy"].back() > 0.85);
}

// Model files that loaded and then crashed or hung (SIGFPE in Reshape, a heap
// overflow in AveragePooling2D's first forward pass, a 2^62-row max pool, a
// dilation oneDNN hangs on) now fail in io::load, naming the file and the layer.
BOOST_AUTO_TEST_CASE(hostile_window_files_fail_to_load) {
    Sequential model{Reshape({8, 8, 1}).input_shape({64}), Conv2D(2, 5).dilation_rate({1, 2}).padding("same"),
                     AveragePooling2D({2, 2}), MaxPooling2D({3, 3}).padding("same"), Flatten(), Dense(2)};
    model(zeros({1, 64}), false);
    xgrad_test::TempDir dir;
    io::save(model, dir.file("good"));
    const io::TensorFile good = io::load_safetensors(dir.file("good"));
    const std::string arch = good.metadata.at("xgrad.architecture");
    const auto load_edited = [&](const std::string& from, const std::string& to) -> std::string {
        std::string a = arch;
        const auto pos = a.find(from);
        BOOST_REQUIRE(pos != std::string::npos);
        a.replace(pos, from.size(), to);
        auto metadata = good.metadata;
        metadata["xgrad.architecture"] = a;
        io::save_safetensors(dir.file("bad"), good.tensors, metadata);
        try {
            io::load(dir.file("bad"));
        } catch (const IoError& e) {
            return e.what();
        }
        return "no error";
    };
    const std::string t32 = "4294967296", t62 = "4611686018427387904";
    const std::vector<std::tuple<std::string, std::string, std::vector<std::string>>> cases{
        {R"("target_shape":"[8,8,1]")", R"("target_shape":"[-1,)" + t32 + "," + t32 + "]\"",
         {"reshape (Reshape)", "target_shape [-1,4294967296,4294967296] has more than 2^63 values per sample"}},
        {R"("pool_size":"[2,2]")", R"("pool_size":"[)" + t32 + "," + t32 + "]\"",
         {"'AveragePooling2D'", "pool_size entries must be in [1, 65536], got [4294967296,4294967296]"}},
        {R"("pool_size":"[3,3]")", R"("pool_size":"[)" + t62 + "," + t62 + "]\"",
         {"'MaxPooling2D'", "pool_size entries must be in [1, 65536], got [" + t62 + "," + t62 + "]"}},
        {R"("dilation_rate":"[1,2]")", R"("dilation_rate":"[1000000000,1000000000]")",
         {"'Conv2D'", "dilation_rate entries must be in [1, 65536], got [1000000000,1000000000]"}},
        {R"("dilation_rate":"[1,2]")", R"("dilation_rate":"[1,40000]")",
         {"'Conv2D'", "the dilated window, dilation·(size − 1) + 1, must be at most 65536, got a 5x5 window"}},
    };
    for (const auto& [from, to, expected] : cases) {
        const std::string message = load_edited(from, to);
        BOOST_TEST_INFO("edit: " << to);
        BOOST_TEST(message.find(dir.file("bad")) != std::string::npos, message);
        for (const std::string& part : expected) BOOST_TEST(message.find(part) != std::string::npos, message);
    }
}

BOOST_AUTO_TEST_SUITE_END()
