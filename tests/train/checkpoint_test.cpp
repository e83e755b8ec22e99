#include "../io/io_test_util.hpp"
#include "../test_helpers.hpp"
#include "xgrad/io/model.hpp"
#include "xgrad/optim/sgd.hpp"
#include "xgrad/train/checkpoint.hpp"
#include "xgrad/train/fit.hpp"

using namespace xgrad;
using namespace xgrad::nn;
using xgrad_test::TempDir;

namespace {

/// Two Gaussian blobs in 2-D labelled 0/1.
std::pair<Tensor, Tensor> blobs(std::int64_t n, std::uint64_t seed) {
    Generator g(seed);
    Tensor labels = randint({n}, 0, 2, g);
    Tensor x = normal({n, 2}, 0.0, 1.0, float32, g) + reshape(labels.to(float32) * 4.0 - 2.0, {n, 1});
    return {x, labels};
}

/// Dropout draws from default_generator(), so its state must be checkpointed;
/// momentum makes the optimizer state matter.
std::shared_ptr<Sequential> make_model(std::uint64_t init_seed) {
    manual_seed(init_seed);
    return std::make_shared<Sequential>(std::initializer_list<AnyModule>{
        Dense(8, "relu").input_shape({2}), Dropout(0.3), Dense(2, "softmax")});
}

std::shared_ptr<optim::SGD> make_sgd(Module& m) {
    return std::make_shared<optim::SGD>(optim::ParamGroup(m), optim::SGDOptions().learning_rate(0.05).momentum(0.9));
}

train::FitOptions options(std::shared_ptr<optim::Optimizer> opt, int epochs, int initial_epoch = 0) {
    train::FitOptions o;
    o.loss = "sparse_categorical_crossentropy";
    o.optimizer = std::move(opt);
    o.epochs = epochs;
    o.initial_epoch = initial_epoch;
    o.batch_size = 16;
    o.verbose = 0;
    return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(train_checkpoint)

BOOST_AUTO_TEST_CASE(interrupted_fit_resumes_bit_identically) {
    const auto [x, y] = blobs(100, 3);
    // Uninterrupted: 4 epochs.
    auto a = make_model(1);
    auto opt_a = make_sgd(*a);
    train::fit(*a, x, y, options(opt_a, 4));

    // Interrupted after 2 epochs, checkpointed, restored into a fresh model
    // (different initial weights, different RNG state), resumed to epoch 4.
    TempDir dir;
    const std::string path = dir.file("ckpt.safetensors");
    {
        auto b = make_model(1);
        auto opt_b = make_sgd(*b);
        train::fit(*b, x, y, options(opt_b, 2));
        train::save_checkpoint(path, *b, *opt_b, 2);
    }
    auto c = make_model(99);
    manual_seed(12345);
    auto opt_c = make_sgd(*c);
    const int epoch = train::load_checkpoint(path, *c, *opt_c);
    BOOST_TEST(epoch == 2);
    BOOST_TEST(opt_c->iterations() == 2 * 7);  // ceil(100 / 16) = 7 steps per epoch
    train::fit(*c, x, y, options(opt_c, 4, epoch));

    const auto wa = a->get_weights(), wc = c->get_weights();
    BOOST_REQUIRE(wa.size() == wc.size());
    for (std::size_t i = 0; i < wa.size(); ++i)
        BOOST_TEST(wa[i].to_vector<float>() == wc[i].to_vector<float>(), boost::test_tools::per_element());
    BOOST_TEST(opt_c->iterations() == opt_a->iterations());
}

BOOST_AUTO_TEST_CASE(checkpoint_errors_name_the_file) {
    TempDir dir;
    auto m = make_model(1);
    auto opt = make_sgd(*m);
    io::save_weights(*m, dir.file("w"));
    try {
        train::load_checkpoint(dir.file("w"), *m, *opt);
        BOOST_FAIL("expected IoError");
    } catch (const IoError& e) {
        BOOST_TEST(std::string(e.what()).find(dir.file("w")) != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(model_checkpoint_saves_every_epoch_or_only_the_best) {
    const auto [x, y] = blobs(64, 5);
    const auto [xv, yv] = blobs(32, 6);
    TempDir dir;
    auto m = make_model(2);
    auto every = std::make_shared<train::ModelCheckpoint>(dir.file("e{epoch}.safetensors"));
    auto best = std::make_shared<train::ModelCheckpoint>(dir.file("best.safetensors"));
    best->save_best_only(true).save_weights_only(true);
    auto o = options(make_sgd(*m), 3);
    o.validation_data = {{xv, yv}};
    o.callbacks = {every, best};
    const train::History h = train::fit(*m, x, y, o);

    BOOST_TEST(every->saved().size() == 3u);
    BOOST_TEST(every->saved().back() == dir.file("e3.safetensors"));
    ModulePtr last = io::load(dir.file("e3.safetensors"));
    m->eval();
    last->eval();
    BOOST_TEST((*last)(xv).to_vector<float>() == (*m)(xv).to_vector<float>(), boost::test_tools::per_element());

    const auto& vl = h["val_loss"];
    BOOST_TEST(best->best() == *std::min_element(vl.begin(), vl.end()));
    BOOST_TEST(best->saved().size() >= 1u);
    BOOST_TEST(best->saved().size() <= 3u);
    BOOST_CHECK_THROW(io::load(dir.file("best.safetensors")), IoError);  // weights only
}

BOOST_AUTO_TEST_SUITE_END()
