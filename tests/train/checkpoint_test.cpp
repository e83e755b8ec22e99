#include <cmath>
#include <functional>
#include <limits>

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

/// Every value of `m`'s weights, `opt`'s state and `gen`'s state, to compare bit for bit.
struct Snapshot {
    std::map<std::string, std::vector<double>> tensors;
    Generator::State rng;

    Snapshot(const Module& m, const optim::Optimizer& opt, const Generator& gen) : rng(gen.state()) {
        for (const auto& [k, t] : m.state_dict()) tensors.emplace("model/" + k, xgrad_test::values(t));
        for (const auto& [k, t] : opt.state_dict()) tensors.emplace("optimizer/" + k, xgrad_test::values(t));
    }
    void check_equal(const Snapshot& other) const {
        BOOST_TEST(rng.s == other.rng.s, boost::test_tools::per_element());
        BOOST_TEST(rng.has_spare == other.rng.has_spare);
        BOOST_TEST(rng.spare == other.rng.spare);
        BOOST_REQUIRE(tensors.size() == other.tensors.size());
        for (const auto& [k, v] : tensors) {
            BOOST_TEST_INFO(k);
            BOOST_TEST(v == other.tensors.at(k), boost::test_tools::per_element());
        }
    }
};

/// A trained model and optimizer (momentum state) saved to `path`.
void write_checkpoint(const std::string& path) {
    const auto [x, y] = blobs(32, 3);
    auto m = make_model(1);
    auto opt = make_sgd(*m);
    train::fit(*m, x, y, options(opt, 1));
    Generator gen(17);
    gen.normal();  // a cached spare
    train::save_checkpoint(path, *m, *opt, 1, gen);
}

/// `path`'s checkpoint with `edit` applied to its tensors, written to `out`.
void edit_checkpoint(const std::string& path, const std::string& out,
                     const std::function<void(std::map<std::string, Tensor>&)>& edit) {
    io::TensorFile f = io::load_safetensors(path);
    edit(f.tensors);
    io::save_safetensors(out, f.tensors, f.metadata);
}

/// A good checkpoint, a path for edited copies of it, and a fresh model,
/// optimizer and generator to load into, with their values before any load.
struct FreshResume {
    TempDir dir;
    const std::string good = dir.file("good"), bad = dir.file("bad");
    std::shared_ptr<Sequential> m = make_model(42);
    std::shared_ptr<optim::SGD> opt = make_sgd(*m);
    Generator gen{99};
    const Snapshot before{*m, *opt, gen};
    FreshResume() { write_checkpoint(good); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(train_checkpoint)

// Step 13, finding 7: the weights were copied before the optimizer state was
// checked, so a checkpoint with mismatched optimizer state replaced every
// weight and then threw. Now nothing changes unless everything fits.
BOOST_AUTO_TEST_CASE(failed_load_changes_no_weight_optimizer_or_generator_state) {
    TempDir dir;
    const std::string good = dir.file("good"), bad = dir.file("bad");
    write_checkpoint(good);
    // A trained model and optimizer of their own, to see that they keep their values.
    const auto [x, y] = blobs(32, 8);
    auto m = make_model(42);
    auto opt = make_sgd(*m);
    train::fit(*m, x, y, options(opt, 1));
    Generator gen(99);
    const Snapshot before(*m, *opt, gen);

    std::string momentum_key;
    edit_checkpoint(good, bad, [&](std::map<std::string, Tensor>& t) {
        for (auto& [k, v] : t)
            if (k.rfind("optimizer/", 0) == 0 && k.find("momentum") != std::string::npos) momentum_key = k;
        BOOST_REQUIRE(!momentum_key.empty());
        t[momentum_key] = zeros({7});
    });
    CHECK_THROWS_WITH(train::load_checkpoint(bad, *m, *opt, gen), IoError,
                      bad + ": SGD: load_state_dict: '" + momentum_key.substr(10) + "' has shape [7]");
    before.check_equal(Snapshot(*m, *opt, gen));

    // A model weight that does not fit: also nothing changes.
    edit_checkpoint(good, bad, [](std::map<std::string, Tensor>& t) { t["model/dense_1.bias"] = zeros({3}); });
    CHECK_THROWS_WITH(train::load_checkpoint(bad, *m, *opt, gen), IoError,
                      "'dense_1.bias' has shape [2] but the value has [3]");
    before.check_equal(Snapshot(*m, *opt, gen));

    // The intact checkpoint restores all three.
    BOOST_TEST(train::load_checkpoint(good, *m, *opt, gen) == 1);
    auto saved = make_model(7);
    auto saved_opt = make_sgd(*saved);
    Generator saved_gen(5);
    train::load_checkpoint(good, *saved, *saved_opt, saved_gen);
    Snapshot(*saved, *saved_opt, saved_gen).check_equal(Snapshot(*m, *opt, gen));
}

// Step 13 second look, finding 2: a fresh optimizer (the usual resume) kept
// the state of parameters it had not updated yet unchecked, so a transposed
// moment replaced the weights and the generator and failed at the first step,
// and state of a parameter the model lacks was kept silently.
BOOST_FIXTURE_TEST_CASE(fresh_optimizer_checks_state_against_its_parameters, FreshResume) {

    std::string kernel_key;  // the first Dense's kernel momentum, [2, 8]
    edit_checkpoint(good, bad, [&](std::map<std::string, Tensor>& t) {
        for (const auto& [k, v] : t)
            if (k.rfind("optimizer/", 0) == 0 && (v.shape() == Shape{2, 8})) kernel_key = k;
        BOOST_REQUIRE(!kernel_key.empty());
        t[kernel_key] = zeros({8, 2});
    });
    const std::string state_name = kernel_key.substr(kernel_key.rfind('/') + 1);
    CHECK_THROWS_WITH(train::load_checkpoint(bad, *m, *opt, gen), IoError,
                      bad + ": SGD: load_state_dict: '" + kernel_key.substr(10) +
                          "' has shape [8,2], the parameter's state [2,8]");
    before.check_equal(Snapshot(*m, *opt, gen));

    edit_checkpoint(good, bad, [&](std::map<std::string, Tensor>& t) {
        t["optimizer/nosuch.kernel/" + state_name] = zeros({2, 8});
    });
    CHECK_THROWS_WITH(train::load_checkpoint(bad, *m, *opt, gen), IoError,
                      bad + ": SGD: load_state_dict: 'nosuch.kernel/" + state_name +
                          "' is state of 'nosuch.kernel', which is not a parameter of this optimizer");
    before.check_equal(Snapshot(*m, *opt, gen));

    // A frozen layer's state is still this optimizer's: kept for when it trains again.
    m->children()[0]->set_trainable(false);
    BOOST_TEST(train::load_checkpoint(good, *m, *opt, gen) == 1);
    BOOST_TEST(opt->state_dict().count(kernel_key.substr(10)) == 1u);
}

// Step 13, finding 11: an all-zero xoshiro state was restored (then rand()
// returned 0 forever and randint never returned), and so was a NaN spare.
BOOST_FIXTURE_TEST_CASE(invalid_generator_state_is_an_io_error_naming_file_and_field, FreshResume) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<std::pair<std::function<void(std::map<std::string, Tensor>&)>, std::string>> cases{
        {[](auto& t) { t["rng/state"] = zeros({4}, int64); },
         "'rng/state' and 'rng/spare': generator state: the four xoshiro256** words are all zero"},
        {[&](auto& t) { t["rng/spare"] = from_vector<double>(std::vector<double>{1.0, nan}, {2}); },
         "'rng/state' and 'rng/spare': generator state: the cached normal value (spare) is nan, not finite"},
        {[](auto& t) { t["rng/spare"] = from_vector<double>(std::vector<double>{1.0, INFINITY}, {2}); },
         "'rng/state' and 'rng/spare': generator state: the cached normal value (spare) is inf, not finite"},
        {[&](auto& t) { t["rng/spare"] = from_vector<double>(std::vector<double>{nan, 0.0}, {2}); },
         "'rng/spare'[0] (whether a spare normal is cached) is nan, not 0 or 1"},
        {[](auto& t) { t["rng/state"] = zeros({3}, int64); }, "'rng/state' is int64[3], expected int64[4]"},
        {[](auto& t) { t["rng/state"] = zeros({4}); }, "'rng/state' is float32[4], expected int64[4]"},
        {[](auto& t) { t["rng/spare"] = zeros({2, 1}, float64); }, "'rng/spare' is float64[2,1], expected float64[2]"},
        {[](auto& t) { t.erase("rng/spare"); }, "not an xgrad checkpoint: no 'rng/spare' (float64[2])"},
        {[](auto& t) { t["rng/extra"] = zeros({1}); }, "unexpected tensor 'rng/extra'"},
    };
    for (const auto& [edit, expected] : cases) {
        BOOST_TEST_INFO("expected: " << expected);
        edit_checkpoint(good, bad, edit);
        CHECK_THROWS_WITH(train::load_checkpoint(bad, *m, *opt, gen), IoError, bad + ": " + expected);
        before.check_equal(Snapshot(*m, *opt, gen));
    }
}

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
