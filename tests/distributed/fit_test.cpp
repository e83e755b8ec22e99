// fit(…, {.distributed = true}) across ranks (see mpi_session.hpp for how
// the test runs): every rank ends with the weights, logs and History of one
// process training on the global batches.
#include <filesystem>
#include <sstream>
#include <unistd.h>

#include "../test_helpers.hpp"
#include "mpi_session.hpp"
#include "xgrad/nn/batch_norm.hpp"
#include "xgrad/nn/dense.hpp"
#include "xgrad/nn/regularizers.hpp"
#include "xgrad/nn/sequential.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"
#include "xgrad/optim/adam.hpp"
#include "xgrad/optim/sgd.hpp"
#include "xgrad/train/checkpoint.hpp"
#include "xgrad/train/fit.hpp"

using namespace xgrad;
using namespace xgrad::nn;
namespace dist = xgrad::distributed;

using xgrad_test::MpiSession;
BOOST_TEST_GLOBAL_FIXTURE(MpiSession);

namespace {

/// A float64 classifier with an L2 penalty (its gradient is added on every
/// rank and must not count twice); rank-dependent initial weights, so only
/// fit's broadcast makes the ranks agree.
Sequential classifier(std::uint64_t seed) {
    manual_seed(seed + static_cast<std::uint64_t>(dist::rank()));
    Sequential model{Dense(8, "tanh").kernel_regularizer(L2(0.01)), Dense(3, "softmax")};
    model.to(float64);
    model.ensure_built({-1, 4});
    return model;
}

/// 69 samples: with 16 per rank on two ranks, global batches of 32, 32, 5 (3 + 2).
std::pair<Tensor, Tensor> samples(std::int64_t n, std::uint64_t seed) {
    Generator g(seed);
    const Tensor x = normal({n, 4}, 0.0, 1.0, float64, g);
    const Tensor y = argmax(slice(x, 1, 0, 3), 1);  // learnable labels
    return {x, y};
}

train::FitOptions options(std::shared_ptr<optim::Optimizer> opt, int epochs, std::int64_t batch_size,
                          bool distributed) {
    train::FitOptions o;
    o.loss = "sparse_categorical_crossentropy";
    o.optimizer = std::move(opt);
    o.metrics = {"accuracy"};
    o.epochs = epochs;
    o.batch_size = batch_size;
    o.verbose = 0;
    o.distributed = distributed;
    o.gradient_averaging.bucket_bytes = 256;  // several buckets
    return o;
}

std::shared_ptr<optim::SGD> sgd(Sequential& model) {
    return std::make_shared<optim::SGD>(model, optim::SGDOptions().learning_rate(0.2).momentum(0.9).global_clipnorm(1.0));
}

void check_same_weights(const Sequential& a, const Sequential& b) {
    const auto wa = a.get_weights(), wb = b.get_weights();
    BOOST_TEST_REQUIRE(wa.size() == wb.size());
    for (std::size_t i = 0; i < wa.size(); ++i) BOOST_TEST(xgrad_test::allclose(wb[i], wa[i], 1e-12, 1e-12));
}

/// A folder every rank sees (rank 0 names it after its pid), removed by rank 0.
struct SharedDir {
    std::filesystem::path path;
    SharedDir() {
        Tensor pid = scalar(static_cast<double>(::getpid()), int64);
        dist::broadcast(pid);
        path = std::filesystem::temp_directory_path() / ("xgrad_dist_" + std::to_string(static_cast<std::int64_t>(pid.item())));
        if (dist::rank() == 0) std::filesystem::create_directories(path);
        dist::barrier();
    }
    ~SharedDir() {
        dist::barrier();
        std::error_code ec;
        if (dist::rank() == 0) std::filesystem::remove_all(path, ec);
    }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(distributed_fit)

BOOST_AUTO_TEST_CASE(ranks_end_with_the_weights_logs_and_history_of_one_process) {
    const auto [x, y] = samples(69, 3);
    const auto [xv, yv] = samples(21, 4);
    Sequential alone = classifier(7);
    dist::broadcast_parameters(alone);  // rank 0's initial weights, as fit broadcasts them
    auto opt_alone = sgd(alone);
    train::FitOptions a = options(opt_alone, 3, 16 * dist::size(), false);
    a.validation_data = {{xv, yv}};
    const train::History h_alone = train::fit(alone, x, y, a);

    Sequential together = classifier(7);
    auto opt_together = sgd(together);
    train::FitOptions t = options(opt_together, 3, 16, true);
    t.validation_data = {{xv, yv}};
    const train::History h_together = train::fit(together, x, y, t);

    check_same_weights(alone, together);
    BOOST_TEST(opt_together->iterations() == opt_alone->iterations());
    // Losses to float64 rounding; accuracy is a float32 mean per batch, so
    // other batch splits round it differently.
    for (const auto& [key, tolerance] : {std::pair{"loss", 1e-12}, {"val_loss", 1e-12}, {"accuracy", 1e-6},
                                         {"val_accuracy", 1e-6}}) {
        BOOST_TEST_CONTEXT(key) {
            BOOST_TEST(h_together[key] == h_alone[key],
                       boost::test_tools::tolerance(tolerance) << boost::test_tools::per_element());
        }
    }
    // The labels are learnable: training got somewhere.
    BOOST_TEST(h_together["accuracy"].back() > 0.6);
    // evaluate(distributed) agrees with evaluate on one process.
    const train::Logs e_alone =
        train::evaluate(alone, xv, yv, {.loss = "sparse_categorical_crossentropy", .metrics = {"accuracy"}});
    const train::Logs e_together = train::evaluate(
        together, xv, yv,
        {.loss = "sparse_categorical_crossentropy", .metrics = {"accuracy"}, .batch_size = 4, .distributed = true});
    BOOST_TEST(e_together.at("loss") == e_alone.at("loss"), boost::test_tools::tolerance(1e-12));
    BOOST_TEST(e_together.at("accuracy") == e_alone.at("accuracy"), boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(only_rank_0_prints_and_writes_checkpoints) {
    const auto [x, y] = samples(40, 5);
    SharedDir dir;
    Sequential model = classifier(8);
    train::FitOptions o = options(sgd(model), 2, 8, true);
    std::ostringstream out;
    o.out = &out;
    o.verbose = 2;
    auto checkpoint = std::make_shared<train::ModelCheckpoint>(dir.file("model_{epoch}.xgrad"));
    o.callbacks = {checkpoint};
    train::fit(model, x, y, o);
    if (dist::rank() == 0) {
        BOOST_TEST(out.str().find("Epoch 2/2") != std::string::npos);
        BOOST_TEST(checkpoint->saved().size() == 2u);
    } else {
        BOOST_TEST(out.str().empty());
        BOOST_TEST(checkpoint->saved().empty());
    }
    dist::barrier();
    BOOST_TEST(std::filesystem::exists(dir.file("model_2.xgrad")));
}

BOOST_AUTO_TEST_CASE(a_stop_asked_for_on_one_rank_stops_every_rank) {
    const auto [x, y] = samples(64, 6);
    Sequential model = classifier(9);
    auto opt = sgd(model);
    train::FitOptions o = options(opt, 3, 8, true);
    auto stop_on_last_rank = std::make_shared<train::LambdaCallback>();
    stop_on_last_rank->batch_end = [](std::int64_t batch, const train::Logs&, train::TrainContext& ctx) {
        if (batch == 1 && ctx.rank == ctx.world_size - 1) ctx.stop_training = true;
    };
    o.callbacks = {stop_on_last_rank};
    const train::History h = train::fit(model, x, y, o);
    BOOST_TEST(opt->iterations() == 2);  // batches 0 and 1 of the first epoch
    BOOST_TEST(h.size() == 1u);
}

// Two parameter groups (the first layer at a tenth of the learning rate)
// with global-norm clipping over both: clipped after averaging, as alone.
BOOST_AUTO_TEST_CASE(parameter_groups_and_global_clipping_as_on_one_process) {
    const auto [x, y] = samples(69, 15);
    const auto grouped_sgd = [](Sequential& m) {
        auto opt = std::make_shared<optim::SGD>(optim::ParamGroup(m[1]),
                                                optim::SGDOptions().learning_rate(0.5).global_clipnorm(0.3));
        opt->add_param_group(optim::ParamGroup(m[0]).lr_scale(0.1));
        return opt;
    };
    Sequential alone = classifier(16);
    dist::broadcast_parameters(alone);
    train::fit(alone, x, y, options(grouped_sgd(alone), 2, 16 * dist::size(), false));
    Sequential together = classifier(16);
    train::fit(together, x, y, options(grouped_sgd(together), 2, 16, true));
    check_same_weights(alone, together);
}

/// Dense → BatchNormalization → Dense in float64, the same initial weights on every rank.
Sequential bn_classifier(bool synchronized) {
    manual_seed(13);
    Sequential model{Dense(8), BatchNormalization().synchronized(synchronized).momentum(0.9), Dense(3, "softmax")};
    model.to(float64);
    model.ensure_built({-1, 4});
    return model;
}

// 65 samples, 16 per rank: global batches 32, 32 and 1, so on two ranks the
// last step has one row on rank 0 and none on rank 1 (which still joins the
// statistics' all-reduces).
BOOST_AUTO_TEST_CASE(synchronized_batch_norm_trains_as_one_process) {
    const auto [x, y] = samples(65, 14);
    Sequential alone = bn_classifier(false);
    train::fit(alone, x, y, options(sgd(alone), 2, 16 * dist::size(), false));
    Sequential together = bn_classifier(true);
    train::fit(together, x, y, options(sgd(together), 2, 16, true));
    check_same_weights(alone, together);  // moving statistics included
    BOOST_TEST(!xgrad_test::allclose(together[1]->weight("moving_mean"), bn_classifier(true)[1]->weight("moving_mean"),
                                     1e-3, 1e-3));
    if (dist::size() < 2) return;
    // Local statistics (each rank its own rows) are a different computation.
    Sequential local = bn_classifier(false);
    train::fit(local, x, y, options(sgd(local), 2, 16, true));
    BOOST_TEST(!xgrad_test::allclose(local[1]->weight("moving_mean"), alone[1]->weight("moving_mean"), 1e-6, 1e-6));
}

// A checkpoint written by a distributed run holds no rank count: here each
// rank resumes it alone, on batches of the old global size, and ends where
// one process training throughout ends.
BOOST_AUTO_TEST_CASE(checkpoints_resume_on_another_number_of_ranks) {
    const auto [x, y] = samples(69, 10);
    const std::int64_t global_batch = 16 * dist::size();
    Sequential alone = classifier(11);
    dist::broadcast_parameters(alone);
    train::fit(alone, x, y, options(sgd(alone), 3, global_batch, false));

    SharedDir dir;
    const std::string path = dir.file("ckpt.safetensors");
    {
        Sequential together = classifier(11);
        auto opt = sgd(together);
        train::fit(together, x, y, options(opt, 2, 16, true));
        if (dist::rank() == 0) train::save_checkpoint(path, together, *opt, 2);
        dist::barrier();
    }
    Sequential resumed = classifier(12);
    auto opt = sgd(resumed);
    const int epoch = train::load_checkpoint(path, resumed, *opt);
    BOOST_TEST(epoch == 2);
    train::FitOptions o = options(opt, 3, global_batch, false);
    o.initial_epoch = epoch;
    train::fit(resumed, x, y, o);
    check_same_weights(alone, resumed);
}

// Ranks set up differently (another seed, learning rate, optimizer,
// activation, data) would train apart without a word: fit fails at its start
// on every rank, naming what differs and each rank's value, before any step.
BOOST_AUTO_TEST_CASE(ranks_that_disagree_on_the_run_fail_at_once_naming_the_difference) {
    const int r = dist::rank();
    const auto [x, y] = samples(69, 17);
    // Fails on every rank before any step; `xs` with as many rows of y.
    const auto fit_fails_with = [&](Sequential& model, train::FitOptions o, const Tensor& xs, const std::string& text) {
        auto& opt = *o.optimizer;
        const auto weights = model.get_weights();
        CHECK_THROWS_WITH(train::fit(model, xs, slice(y, 0, 0, xs.size(0)), o), ValueError, text);
        BOOST_TEST(opt.iterations() == 0);  // not a step taken
        BOOST_TEST(xgrad_test::allclose(model.get_weights()[0], weights[0], 0.0, 0.0));
    };
    Sequential model = classifier(18);
    if (dist::size() < 2) {
        train::fit(model, x, y, options(sgd(model), 1, 16, true));  // one rank always agrees with itself
        return;
    }
    train::FitOptions seeded = options(sgd(model), 1, 16, true);
    seeded.seed = 42 + static_cast<std::uint64_t>(r);
    fit_fails_with(model, seeded, x, "ranks disagree on the seed: rank 0 has 42, rank 1 has 43");

    const auto lr = std::make_shared<optim::SGD>(model, optim::SGDOptions().learning_rate(r == 1 ? 0.3 : 0.2));
    fit_fails_with(model, options(lr, 1, 16, true), x, "ranks disagree on the learning rate: rank 0 has 0.2, rank 1 has 0.3");

    std::shared_ptr<optim::Optimizer> mixed = std::make_shared<optim::SGD>(model, 0.01);
    if (r == 1) mixed = std::make_shared<optim::Adam>(model, 0.01);
    fit_fails_with(model, options(mixed, 1, 16, true), x,
                   "ranks disagree on the optimizer: rank 0 has SGD chain(learning_rate()), 1 parameter group(s), "
                   "rank 1 has Adam chain(adam(beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=false), learning_rate())");

    const auto momentum = std::make_shared<optim::SGD>(model, optim::SGDOptions().momentum(r == 1 ? 0.5 : 0.9));
    fit_fails_with(model, options(momentum, 1, 16, true), x, "rank 1 has SGD chain(learning_rate(), momentum(momentum=0.5");

    // Another activation: the same weights (rank 0's would be broadcast), another model.
    manual_seed(19);
    Sequential activated{Dense(8, r == 1 ? "relu" : "tanh"), Dense(3, "softmax")};
    activated.to(float64);
    activated.ensure_built({-1, 4});
    fit_fails_with(activated, options(sgd(activated), 1, 16, true), x,
                   "ranks disagree on the model: rank 0 has [] Sequential float64 {}; [0] Dense float64 {activation=tanh");
    fit_fails_with(activated, options(sgd(activated), 1, 16, true), x,
                   "rank 1 has [] Sequential float64 {}; [0] Dense float64 {activation=relu");

    // Fewer samples on rank 1 (the ranks would cover the data unevenly), and several differences at once.
    train::FitOptions uneven = options(sgd(model), 1, r == 1 ? 8 : 16, true);
    const Tensor fewer = r == 1 ? slice(x, 0, 0, 60) : x;
    fit_fails_with(model, uneven, fewer, "ranks disagree on the training data: rank 0 has 69 samples: x float64 [69,4]");
    fit_fails_with(model, uneven, fewer, "; on the batch size: rank 0 has 16, rank 1 has 8");
    fit_fails_with(model, options(sgd(model), 1, 16, true), fewer, "rank 1 has 60 samples: x float64 [60,4]");
    // Same shapes, other values.
    Tensor changed = x.clone();
    if (r == 1) changed.data<double>()[5] += 1.0;
    fit_fails_with(model, options(sgd(model), 1, 16, true), changed, "ranks disagree on the training data: rank 0 has 69 samples");

    // evaluate() too; and the ranks still work together afterwards.
    CHECK_THROWS_WITH(train::evaluate(model, x, y,
                                      {.loss = "sparse_categorical_crossentropy",
                                       .metrics = {},
                                       .batch_size = r == 1 ? 4 : 8,
                                       .distributed = true}), ValueError,
                      "ranks disagree on the batch size: rank 0 has 8, rank 1 has 4");
    const train::History h = train::fit(model, x, y, options(sgd(model), 1, 16, true));
    BOOST_TEST(h.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
