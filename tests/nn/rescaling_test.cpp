// Rescaling: uint8 batches converted in the layer, bit for bit the float32
// pixels the loader's Pixels::scaled gives; floating inputs with gradients.
#include "../test_helpers.hpp"

using namespace xgrad;
using namespace xgrad::nn;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(nn_rescaling)

BOOST_AUTO_TEST_CASE(uint8_pixels_match_the_scaled_loader_exactly) {
    std::vector<std::uint8_t> all(256);
    for (int v = 0; v < 256; ++v) all[static_cast<std::size_t>(v)] = static_cast<std::uint8_t>(v);
    const Tensor pixels = from_vector(all, {16, 16});
    Rescaling rescale(1.0 / 255);
    const Tensor y = rescale(pixels, false);
    BOOST_TEST((y.dtype() == float32));
    BOOST_TEST((y.shape() == Shape{16, 16}));
    std::vector<float> expected;  // read_idx_images' Pixels::scaled: v / 255.0 in double, then float32
    for (int v = 0; v < 256; ++v) expected.push_back(static_cast<float>(v / 255.0));
    BOOST_TEST(y.to_vector<float>() == expected, tt::per_element());
}

BOOST_AUTO_TEST_CASE(offset_integer_inputs_and_the_layer_dtype) {
    // Keras' [-1, 1] scaling: x / 127.5 − 1.
    Rescaling centered(1.0 / 127.5, -1.0);
    BOOST_TEST(centered(tensor({0.0, 255.0}, uint8), false).to_vector<float>() == std::vector<float>({-1.0f, 1.0f}),
               tt::per_element());
    BOOST_TEST(centered.scale() == 1.0 / 127.5);
    BOOST_TEST(centered.offset() == -1.0);
    // int64 inputs convert too; a float64 layer gives float64.
    Rescaling half(0.5);
    half.to(float64);
    const Tensor y = half(tensor({3.0, -4.0}, int64), false);
    BOOST_TEST((y.dtype() == float64));
    BOOST_TEST(y.to_vector<double>() == std::vector<double>({1.5, -2.0}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(floating_inputs_pass_gradients) {
    Rescaling affine(2.0, 1.0);
    Tensor x = tensor({1.0, -3.0}).requires_grad_();
    const Tensor y = affine(x, true);
    BOOST_TEST(y.to_vector<float>() == std::vector<float>({3.0f, -5.0f}), tt::per_element());
    y.sum().backward();
    BOOST_TEST(x.grad().to_vector<float>() == std::vector<float>({2.0f, 2.0f}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(a_uint8_dataset_trains_like_the_float_one) {
    // The same model and data, once as float32 / 255 and once as uint8 with
    // Rescaling(1/255) in front: identical weights after an epoch.
    Generator gen(9);
    const Tensor bytes = randint({64, 6}, 0, 256, gen).to(uint8);
    const Tensor labels = randint({64}, 0, 3, gen);
    const auto train = [&](bool as_uint8) {
        manual_seed(4);
        Sequential model;
        if (as_uint8) model.add(Rescaling(1.0 / 255).input_shape({6}));
        model.add(Dense(5, "relu").input_shape({6}));
        model.add(Dense(3, "softmax"));
        train::FitOptions fit;
        fit.loss = "sparse_categorical_crossentropy";
        fit.optimizer = std::make_shared<optim::SGD>(optim::ParamGroup(model), optim::SGDOptions().learning_rate(0.1));
        fit.batch_size = 16;
        fit.verbose = 0;
        const Tensor x = as_uint8 ? bytes : from_vector(bytes.to(float64).to_vector<double>(), {64, 6}) / 255.0;
        train::fit(model, as_uint8 ? x : x.to(float32), labels, fit);
        std::vector<double> w;
        for (const Tensor& t : model.get_weights())
            for (double v : xgrad_test::values(t)) w.push_back(v);
        return w;
    };
    BOOST_TEST(train(true) == train(false), tt::per_element());
}

BOOST_AUTO_TEST_CASE(scale_is_required_in_a_config) {
    CHECK_THROWS_WITH(layer_registry().get("Rescaling")({{"offset", "1"}}, {}), ValueError, "scale");
}

BOOST_AUTO_TEST_SUITE_END()
