// Data-parallel training by hand across ranks (see mpi_session.hpp for how
// the test runs): the ranks' averaged steps equal one process's steps on
// the global batch.
#include "../test_helpers.hpp"
#include "mpi_session.hpp"
#include "xgrad/data/loader.hpp"
#include "xgrad/distributed/data_parallel.hpp"  // the deprecated path still compiles and forwards
#include "xgrad/train/data_parallel.hpp"
#include "xgrad/optim/sgd.hpp"

using namespace xgrad;
using namespace xgrad::nn;
namespace dist = xgrad::distributed;
using xgrad_test::values;

using xgrad_test::MpiSession;
BOOST_TEST_GLOBAL_FIXTURE(MpiSession);

namespace {

Sequential small_mlp() {
    manual_seed(5);
    Sequential model{Dense(8, "tanh"), Dense(3)};
    model.to(float64);
    model.ensure_built({-1, 4});
    return model;
}

/// `epochs` passes over (x, y), SGD with global-norm clipping, in global
/// batches of `per_rank` · size() samples: alone, one process takes whole
/// global batches; `distributed`, each rank takes its shard of them
/// (DataLoader's num_shards / shard) and the ranks average gradients.
void train_sgd(Sequential& model, const Tensor& x, const Tensor& y, std::int64_t per_rank, bool distributed,
               int epochs = 2) {
    optim::SGD sgd(model, optim::SGDOptions().learning_rate(0.1).global_clipnorm(0.5));
    const data::DataLoader loader(
        data::Dataset(x, y),
        distributed ? data::DataLoaderOptions{.batch_size = per_rank, .shuffle = true, .seed = 9,
                                              .num_shards = dist::size(), .shard = dist::rank()}
                    : data::DataLoaderOptions{.batch_size = per_rank * dist::size(), .shuffle = true, .seed = 9});
    const losses::Loss mse("mse");
    for (int e = 0; e < epochs; ++e) {
        for (const data::Batch& b : loader.epoch(e)) {
            sgd.zero_grad();
            if (b.size() > 0) mse(b.y, model(b.x, true)).backward();
            if (distributed) dist::average_gradients(model, b.size(), {.bucket_bytes = 64});  // several buckets
            sgd.step();
        }
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(distributed_data_parallel)

BOOST_AUTO_TEST_CASE(broadcast_parameters_makes_every_rank_start_alike) {
    Sequential model = small_mlp();
    model[0]->weight("kernel").fill_(static_cast<double>(dist::rank()));  // ranks now differ
    dist::broadcast_parameters(model);
    BOOST_TEST(values(model[0]->weight("kernel")) == std::vector<double>(32, 0.0), boost::test_tools::per_element());
}

// 69 samples in global batches of 16 per rank: on two ranks two full steps
// and one of 5 rows (3 and 2) per epoch; float64, so only rounding differs.
BOOST_AUTO_TEST_CASE(ranks_together_take_the_steps_of_one_process_on_the_global_batch) {
    Generator g(11);
    const Tensor x = normal({69, 4}, 0.0, 1.0, float64, g);
    const Tensor y = normal({69, 3}, 0.0, 1.0, float64, g);
    Sequential alone = small_mlp();
    train_sgd(alone, x, y, 16, false);
    Sequential together = small_mlp();
    dist::broadcast_parameters(together);
    train_sgd(together, x, y, 16, true);
    const auto a = alone.get_weights(), b = together.get_weights();
    BOOST_TEST_REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) BOOST_TEST(xgrad_test::allclose(b[i], a[i], 1e-12, 1e-12));
    // And the training moved the weights at all.
    BOOST_TEST(!xgrad_test::allclose(together.get_weights()[0], small_mlp().get_weights()[0], 1e-6, 1e-6));
}

BOOST_AUTO_TEST_CASE(frozen_layers_are_skipped) {
    Generator g(12);
    const Tensor x = normal({40, 4}, 0.0, 1.0, float64, g);
    const Tensor y = normal({40, 3}, 0.0, 1.0, float64, g);
    Sequential alone = small_mlp(), together = small_mlp();
    alone[0]->set_trainable(false);
    together[0]->set_trainable(false);
    train_sgd(alone, x, y, 8, false, 1);
    train_sgd(together, x, y, 8, true, 1);
    BOOST_TEST(xgrad_test::allclose(together[1]->weight("kernel"), alone[1]->weight("kernel"), 1e-12, 1e-12));
    BOOST_TEST(xgrad_test::allclose(together[0]->weight("kernel"), small_mlp()[0]->weight("kernel"), 0, 0));
    BOOST_TEST(!together[0]->weight("kernel").grad().defined());
}

BOOST_AUTO_TEST_CASE(bad_sample_counts) {
    Sequential model = small_mlp();
    CHECK_THROWS_WITH(dist::average_gradients(model, -1), ValueError, "local_samples must be >= 0, got -1");
    CHECK_THROWS_WITH(dist::average_gradients(model, 0), ValueError, "no rank had samples this step");
}

// Without a module: a ParameterSource over two plain tensors. Rank r has
// gradient r+1 everywhere from r+1 samples, so the weighted average is
// Σ(r+1)² / Σ(r+1): 5/3 on two ranks, 1 alone.
BOOST_AUTO_TEST_CASE(gradients_of_any_parameter_source_are_averaged) {
    Tensor w = zeros({3}, float64).requires_grad_(), b = zeros({2}, float32).requires_grad_();
    const double mine = dist::rank() + 1.0;
    w.set_grad(full({3}, mine, float64));
    b.set_grad(full({2}, mine, float32));
    ParameterSource source;
    source.parameters = [&] { return std::vector<Tensor>{w, b}; };
    dist::average_gradients(source, dist::rank() + 1);
    double squares = 0, counts = 0;
    for (int r = 1; r <= dist::size(); ++r) squares += r * r, counts += r;
    BOOST_TEST(xgrad_test::allclose(w.grad(), full({3}, squares / counts, float64), 1e-15, 1e-15));
    BOOST_TEST(xgrad_test::allclose(b.grad(), full({2}, squares / counts, float32), 1e-6, 1e-6));
    CHECK_THROWS_WITH(dist::average_gradients(ParameterSource{}, 1), ValueError, "the parameter source is empty");
}

BOOST_AUTO_TEST_CASE(any_state_map_is_broadcast) {
    Tensor w = full({2, 2}, static_cast<double>(dist::rank()) + 7.0, float64);
    dist::broadcast_parameters(std::map<std::string, Tensor>{{"w", w}});
    BOOST_TEST(values(w) == std::vector<double>(4, 7.0), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
