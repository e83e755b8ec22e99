// Separate models trained at the same time in separate threads: each thread
// seeds its own default generator, so the runs are correct and bit-for-bit
// the same as when they run one after the other. The test also runs on a
// ThreadSanitizer build (tools/sanitize), which fails it on any data race.
#include <thread>

#include "../test_helpers.hpp"

using namespace xgrad;
using namespace xgrad::nn;

namespace {

using Weights = std::vector<std::vector<double>>;

/// Trains `model` on `samples` random rows of `features` inputs and
/// `classes` labels drawn from `seed`, and returns its final weights.
Weights train_on_random_data(Sequential& model, std::shared_ptr<optim::Optimizer> optimizer, std::uint64_t seed,
                             std::int64_t samples, std::int64_t features, std::int64_t classes, int epochs,
                             std::int64_t batch_size) {
    Generator data_gen(seed + 100);
    const Tensor x = normal({samples, features}, 0.0, 1.0, float32, data_gen);
    const Tensor y = randint({samples}, 0, classes, data_gen);
    train::FitOptions fit;
    fit.loss = "sparse_categorical_crossentropy";
    fit.optimizer = std::move(optimizer);
    fit.epochs = epochs;
    fit.batch_size = batch_size;
    fit.seed = seed;
    fit.verbose = 0;
    train::fit(model, x, y, fit);
    Weights weights;
    for (const Tensor& w : model.get_weights()) weights.push_back(xgrad_test::values(w));
    return weights;
}

/// A small model with everything that draws random numbers or keeps state
/// (initializers, Dropout, BatchNormalization, clipped Adam, shuffling).
Weights train_one(std::uint64_t seed) {
    manual_seed(seed);
    Sequential model{Dense(16, "relu").input_shape({8}), Dropout(0.3), BatchNormalization(), Dense(3, "softmax")};
    auto adam = std::make_shared<optim::Adam>(optim::ParamGroup(model), optim::AdamOptions().clipnorm(1.0));
    return train_on_random_data(model, adam, seed, 256, 8, 3, 3, 32);
}

/// A model whose products are large enough to be split over xgrad's pool
/// (batch 64 x 128 x 256 multiply-adds), trained for one epoch.
Weights train_wide(std::uint64_t seed) {
    manual_seed(seed);
    Sequential model{Dense(256, "relu").input_shape({128}), Dense(256, "selu"), Dense(4, "softmax")};
    auto sgd = std::make_shared<optim::SGD>(optim::ParamGroup(model), optim::SGDOptions().learning_rate(0.01));
    return train_on_random_data(model, sgd, seed, 512, 128, 4, 1, 64);
}

/// A convolutional model: its float32 convolutions run on oneDNN primitives
/// that both threads share from one cache, each batch split in two chunks.
Weights train_conv(std::uint64_t seed) {
    manual_seed(seed);
    Sequential model{Reshape({6, 6, 2}).input_shape({72}), Conv2D(8, 3, "relu").padding("same"), MaxPooling2D(),
                     Flatten(), Dense(3, "softmax")};
    auto adam = std::make_shared<optim::Adam>(optim::ParamGroup(model));
    return train_on_random_data(model, adam, seed, 256, 72, 3, 2, 32);
}

/// train(1) and train(2) run at the same time, in two threads.
std::pair<Weights, Weights> in_two_threads(Weights (*train)(std::uint64_t)) {
    Weights a, b;
    std::thread ta([&] { a = train(1); });
    std::thread tb([&] { b = train(2); });
    ta.join();
    tb.join();
    return {a, b};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(train_threads)

BOOST_AUTO_TEST_CASE(two_convolutional_models_in_two_threads) {
    const int previous = num_threads();
    set_num_threads(2);
    const auto expected_a = train_conv(1), expected_b = train_conv(2);
    const auto [got_a, got_b] = in_two_threads(train_conv);
    set_num_threads(previous);
    BOOST_TEST_REQUIRE(got_a.size() == 4u);  // Conv2D 2 + Dense 2
    BOOST_TEST(expected_a[0] != expected_b[0]);
    for (std::size_t i = 0; i < expected_a.size(); ++i) {
        BOOST_TEST(got_a[i] == expected_a[i], boost::test_tools::tolerance(1e-5) << boost::test_tools::per_element());
        BOOST_TEST(got_b[i] == expected_b[i], boost::test_tools::tolerance(1e-5) << boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(two_threads_share_the_pool) {
    // Both training threads ask xgrad's 2-thread pool to split their products:
    // one holds it at a time, the other computes alone. Same weights as runs
    // one after the other (to rounding: a product computed whole or in
    // blocks may round differently).
    const int previous = num_threads();
    set_num_threads(2);
    const auto expected_a = train_wide(1), expected_b = train_wide(2);
    const auto [got_a, got_b] = in_two_threads(train_wide);
    set_num_threads(previous);
    BOOST_TEST_REQUIRE(got_a.size() == 6u);
    for (std::size_t i = 0; i < expected_a.size(); ++i) {
        BOOST_TEST(got_a[i] == expected_a[i], boost::test_tools::tolerance(1e-4) << boost::test_tools::per_element());
        BOOST_TEST(got_b[i] == expected_b[i], boost::test_tools::tolerance(1e-4) << boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(two_models_in_two_threads_match_sequential_runs) {
    const auto expected_a = train_one(1), expected_b = train_one(2);
    BOOST_TEST_REQUIRE(expected_a.size() == 8u);  // Dense 2 + BatchNormalization 4 + Dense 2
    BOOST_TEST(expected_a[0] != expected_b[0]);  // different seeds, different models
    for (int round = 0; round < 3; ++round) {
        const auto [got_a, got_b] = in_two_threads(train_one);
        BOOST_TEST_CONTEXT("round " << round) {
            for (std::size_t i = 0; i < expected_a.size(); ++i) {
                BOOST_TEST(got_a[i] == expected_a[i], boost::test_tools::per_element());
                BOOST_TEST(got_b[i] == expected_b[i], boost::test_tools::per_element());
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(each_thread_has_its_own_default_generator) {
    manual_seed(7);
    const double here = default_generator().uniform();
    double there = 0;
    std::thread([&] {
        manual_seed(7);
        there = default_generator().uniform();
    }).join();
    BOOST_TEST(here == there);
    // A thread that never seeds starts from 42.
    std::uint64_t fresh = 0;
    std::thread([&] { fresh = default_generator().next_u64(); }).join();
    BOOST_TEST(fresh == Generator(42).next_u64());
}

BOOST_AUTO_TEST_SUITE_END()
