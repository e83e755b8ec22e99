// xgrad_workloads: one epoch of one of the chapter's training workloads on
// Fashion-MNIST (the first 55,000 training images), timed without the data
// loading, for the side-by-side comparison with libtorch (tools/bench/against_libtorch;
// libtorch_workloads.cpp runs the same recipes). Prints one line:
//
//     workload=bn_mlp engine=xgrad seconds=9.81 peak_rss_mib=421 loss=0.5432 threads=1
//
// Workloads (the notebook's recipes, Keras initializers and defaults):
//   bn_mlp    [uint8 images → Rescaling(1/255)] Flatten → BN → Dense(300, relu, he_normal) → BN → Dense(100) → BN → Dense(10, softmax);
//             SGD lr 0.01, batch 32
//   mlp_b256  [uint8 images → Rescaling(1/255)] Flatten → Dense(300, relu, he_normal) → Dense(100) → Dense(10, softmax); Adam, batch 256
//   selu100   Flatten → 100 × Dense(100, selu, lecun_normal) → Dense(10, softmax), standardized
//             inputs; SGD lr 0.001, batch 32
//   cnn       [uint8 images → Rescaling(1/255)] models::small_cnn (2 × Conv2D 3x3 same + max
//             pooling, Dense(128), Dropout(0.5), Dense(10, softmax)); Adam, batch 32
//   book_cnn  [uint8 images → Rescaling(1/255)] models::book_cnn (Conv2D 7x7 64 and 4 × Conv2D
//             3x3 128-256, 3 max poolings, Dense 128 and 64 with Dropout(0.5)); Adam, batch 32
//
//   xgrad_workloads bn_mlp|mlp_b256|selu100|cnn|book_cnn [--limit N] [--epochs N] [--monitor N]
//
// With --epochs N > 1 it trains N epochs (seconds and loss are the whole
// run's) and prints `epoch=E rss_mib=R` after each. With --monitor N a
// train::GradientMonitor records every N steps (its cost, for the README).
// Under mpirun it trains data-parallel with the recipe's global batch split
// over the ranks (batch 32 on 2 ranks: 16 each; batch normalization
// synchronized, so the recipe is unchanged), and rank 0 prints the line
// with ` ranks=N` (tools/bench/distributed).
#include <chrono>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>

#include "workload_cli.hpp"
#include "xgrad/xgrad.hpp"

using namespace xgrad;

int main(int argc, char** argv) {
    const auto args = bench::parse_args(argc, argv);
    if (!args) return 2;
    std::optional<distributed::Session> session;
    if (distributed::launched_by_mpirun()) session.emplace(&argc, &argv);
    const int ranks = session ? distributed::size() : 1;
    const std::string& workload = args->workload;
    const std::int64_t limit = args->limit;

    manual_seed(42);
    // bn_mlp and mlp_b256 keep the images as uint8 (47 MB instead of 188) and
    // convert each batch in a Rescaling(1/255) layer in front of the
    // notebook's model: the same float32 values as the / 255 loader, bit for
    // bit. selu100 trains on standardized float inputs.
    const bool uint8_pixels = workload != "selu100";
    const data::TrainTestData fm =
        data::fashion_mnist::load(uint8_pixels ? data::Pixels::uint8 : data::Pixels::scaled);
    const data::Dataset train = fm.train().range(0, limit);  // shares the rows
    Tensor x = train.x();
    const Tensor y = train.y();

    const auto rescaled = [](nn::Sequential notebook_model) {
        auto model = std::make_shared<nn::Sequential>();
        model->add(nn::Rescaling(1.0 / 255).input_shape({28, 28}));
        model->add(std::move(notebook_model));
        return model;
    };
    auto make = [&]() -> std::pair<std::shared_ptr<nn::Sequential>, std::int64_t> {
        if (workload == "bn_mlp") return {rescaled(models::batch_norm_mlp()), 32};
        if (workload == "cnn") return {rescaled(models::small_cnn()), 32};
        if (workload == "book_cnn") return {rescaled(models::book_cnn()), 32};
        if (workload == "selu100") {
            x = data::Standardizer(x)(x);
            return {std::make_shared<nn::Sequential>(models::selu_deep()), 32};
        }
        return {rescaled(models::mlp()), 256};  // mlp_b256
    };
    const auto [model, batch_size] = make();
    if (ranks > 1) {
        // Batch statistics over the global batch, as on one process.
        const std::function<void(nn::Module&)> synchronize = [&](nn::Module& m) {
            if (auto* bn = dynamic_cast<nn::BatchNormalization*>(&m)) bn->synchronized(true);
            for (const nn::ModulePtr& child : m.children()) synchronize(*child);
        };
        synchronize(*model);
    }
    std::shared_ptr<optim::Optimizer> optimizer;
    if (workload == "mlp_b256" || workload == "cnn" || workload == "book_cnn")
        optimizer = std::make_shared<optim::Adam>(*model);
    else optimizer = std::make_shared<optim::SGD>(*model, workload == "selu100" ? 0.001 : 0.01);

    train::FitOptions options;
    options.loss = "sparse_categorical_crossentropy";
    options.optimizer = optimizer;
    options.batch_size = batch_size / ranks;
    options.distributed = ranks > 1;
    options.epochs = args->epochs;
    options.verbose = 0;
    if (args->epochs > 1) {  // memory over a longer run: RSS after each epoch
        auto rss_log = std::make_shared<train::LambdaCallback>();
        rss_log->epoch_end = [](int epoch, train::Logs&, train::TrainContext&) {
            std::printf("epoch=%d rss_mib=%.0f\n", epoch + 1, bench::current_rss_mib());
        };
        options.callbacks.push_back(rss_log);
    }
    if (args->monitor > 0) {
        options.callbacks.push_back(std::make_shared<train::GradientMonitor>(
            train::GradientMonitorOptions{.every = args->monitor, .print_each_epoch = false}));
    }
    const auto start = std::chrono::steady_clock::now();
    const train::History history = train::fit(*model, x, y, options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string threads = std::to_string(num_threads());
    if (session && distributed::rank() != 0) return 0;
    bench::report(*args, "xgrad", seconds, history["loss"].back(), threads,
                  session ? " ranks=" + std::to_string(ranks) : std::string());
    return 0;
}
