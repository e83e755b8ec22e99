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
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "xgrad/xgrad.hpp"

using namespace xgrad;

namespace {

double peak_rss_mib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

int usage() {
    std::fprintf(stderr, "usage: xgrad_workloads bn_mlp|mlp_b256|selu100 [--limit N]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const std::string workload = argv[1];
    std::int64_t limit = 55000;
    for (int i = 2; i + 1 < argc; i += 2)
        if (std::strcmp(argv[i], "--limit") == 0) limit = std::atoll(argv[i + 1]);

    manual_seed(42);
    const data::TrainTestData fm = data::fashion_mnist::load();
    Tensor x = slice(fm.x_train, 0, 0, limit);
    const Tensor y = slice(fm.y_train, 0, 0, limit);

    auto make = [&]() -> std::pair<std::shared_ptr<nn::Sequential>, std::int64_t> {
        if (workload == "bn_mlp") return {std::make_shared<nn::Sequential>(models::batch_norm_mlp()), 32};
        if (workload == "mlp_b256") return {std::make_shared<nn::Sequential>(models::mlp()), 256};
        if (workload == "selu100") {
            x = data::Standardizer(x)(x);
            return {std::make_shared<nn::Sequential>(models::selu_deep()), 32};
        }
        return {nullptr, 0};
    };
    const auto [model, batch_size] = make();
    if (!model) return usage();
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
    const char* threads = std::getenv("OMP_NUM_THREADS");
    std::printf("workload=%s engine=xgrad seconds=%.3f peak_rss_mib=%.0f loss=%.4f threads=%s\n", workload.c_str(),
                seconds, peak_rss_mib(), history["loss"].back(), threads ? threads : "default");
    return 0;
}
