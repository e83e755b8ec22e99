// xgrad_workloads: one epoch of one of the chapter's training workloads on
// Fashion-MNIST (the first 55,000 training images), timed without the data
// loading, for the side-by-side comparison with libtorch (tools/bench/against_libtorch;
// libtorch_workloads.cpp runs the same recipes). Prints one line:
//
//     workload=bn_mlp engine=xgrad seconds=9.81 peak_rss_mib=421 loss=0.5432 threads=1
//
// Workloads (the notebook's recipes, Keras initializers and defaults):
//   bn_mlp    Flatten → BN → Dense(300, relu, he_normal) → BN → Dense(100) → BN → Dense(10, softmax);
//             SGD lr 0.01, batch 32
//   mlp_b256  Flatten → Dense(300, relu, he_normal) → Dense(100) → Dense(10, softmax); Adam, batch 256
//   selu100   Flatten → 100 × Dense(100, selu, lecun_normal) → Dense(10, softmax), standardized
//             inputs; SGD lr 0.001, batch 32
//
//   xgrad_workloads bn_mlp|mlp_b256|selu100 [--limit N]
#include <chrono>
#include <cstdlib>
#include <string>

#include "workload_cli.hpp"
#include "xgrad/xgrad.hpp"

using namespace xgrad;

int main(int argc, char** argv) {
    const auto args = bench::parse_args(argc, argv);
    if (!args) return 2;
    const std::string& workload = args->workload;
    const std::int64_t limit = args->limit;

    manual_seed(42);
    const data::TrainTestData fm = data::fashion_mnist::load();
    Tensor x = slice(fm.x_train, 0, 0, limit);
    const Tensor y = slice(fm.y_train, 0, 0, limit);

    auto make = [&]() -> std::pair<std::shared_ptr<nn::Sequential>, std::int64_t> {
        if (workload == "bn_mlp") return {std::make_shared<nn::Sequential>(models::batch_norm_mlp()), 32};
        if (workload == "selu100") {
            x = data::Standardizer(x)(x);
            return {std::make_shared<nn::Sequential>(models::selu_deep()), 32};
        }
        return {std::make_shared<nn::Sequential>(models::mlp()), 256};  // mlp_b256
    };
    const auto [model, batch_size] = make();
    std::shared_ptr<optim::Optimizer> optimizer;
    if (workload == "mlp_b256") optimizer = std::make_shared<optim::Adam>(*model);
    else optimizer = std::make_shared<optim::SGD>(*model, workload == "selu100" ? 0.001 : 0.01);

    train::FitOptions options;
    options.loss = "sparse_categorical_crossentropy";
    options.optimizer = optimizer;
    options.batch_size = batch_size;
    options.epochs = 1;
    options.verbose = 0;
    const auto start = std::chrono::steady_clock::now();
    const train::History history = train::fit(*model, x, y, options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string threads = std::to_string(num_threads());
    bench::report(*args, "xgrad", seconds, history["loss"].back(), threads);
    return 0;
}
