// Faster Optimizers, the chapter's comparison: the same MLP, from the same
// initial weights, trained with each optimizer for the same short budget,
// then a table of final training loss, validation loss/accuracy and time per
// epoch. Settings follow the chapter's notebook (learning rate 0.001 for
// every optimizer, momentum 0.9, Adam's β1 0.9 / β2 0.999, AdamW weight
// decay 1e-5) plus the Keras default SGD (η = 0.01) and Lion as an extra.
//
// Data: Fashion-MNIST (the first 55,000 training images, the last 5,000 for
// validation), trained through train::fit.
//
//     faster_optimizers            # all 55,000 images, 2 epochs per optimizer
//     faster_optimizers --short    # 2,000 images, 2 epochs (used by the test suite)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <xgrad/xgrad.hpp>

using namespace xgrad;
using namespace xgrad::nn;

namespace {

constexpr double classes = 10;

struct Result {
    std::string name;
    double train_loss, val_loss, val_accuracy, ms_per_epoch;
};

struct Run {
    std::string name;
    std::function<std::unique_ptr<optim::Optimizer>(Sequential&)> make;
};

}  // namespace

int main(int argc, char** argv) {
    const bool short_run = argc > 1 && std::strcmp(argv[1], "--short") == 0;
    const std::int64_t n_train = short_run ? 2000 : 55000;
    const int epochs = short_run ? 2 : 2;

    const auto data = data::fashion_mnist::load();
    auto [train_set, valid_set] = data::split_at(data.train(), 55000);
    const Tensor x_train = slice(train_set.x(), 0, 0, n_train), y_train = slice(train_set.y(), 0, 0, n_train);
    const Tensor x_valid = valid_set.x(), y_valid = valid_set.y();

    manual_seed(42);
    Sequential initial = models::mlp("relu", "he_normal");

    using namespace xgrad::optim;
    const std::vector<Run> runs = {
        {"SGD (Keras default, lr 0.01)", [](Sequential& m) { return std::make_unique<SGD>(m); }},
        {"SGD lr 0.001", [](Sequential& m) { return std::make_unique<SGD>(m, 0.001); }},
        {"Momentum 0.9", [](Sequential& m) { return std::make_unique<SGD>(m, SGDOptions().learning_rate(0.001).momentum(0.9)); }},
        {"Nesterov 0.9",
         [](Sequential& m) {
             return std::make_unique<SGD>(m, SGDOptions().learning_rate(0.001).momentum(0.9).nesterov(true));
         }},
        {"Adagrad", [](Sequential& m) { return std::make_unique<Adagrad>(m, 0.001); }},
        {"RMSprop", [](Sequential& m) { return std::make_unique<RMSprop>(m, RMSpropOptions().learning_rate(0.001).rho(0.9)); }},
        {"Adam", [](Sequential& m) { return std::make_unique<Adam>(m, 0.001); }},
        {"Adamax", [](Sequential& m) { return std::make_unique<Adamax>(m, 0.001); }},
        {"Nadam", [](Sequential& m) { return std::make_unique<Nadam>(m, 0.001); }},
        {"AdamW (wd 1e-5)",
         [](Sequential& m) { return std::make_unique<AdamW>(m, AdamWOptions().learning_rate(0.001).weight_decay(1e-5)); }},
        {"Lion (lr 1e-4)", [](Sequential& m) { return std::make_unique<Lion>(m, 1e-4); }},
    };

    std::printf("Fashion-MNIST: %lld training images, 5,000 validation; MLP 300-100 (relu, he_normal), "
                "batch 32, %d epochs, the same initial weights for every optimizer\n\n",
                static_cast<long long>(n_train), epochs);

    std::vector<Result> results;
    for (const Run& run : runs) {
        auto model = std::dynamic_pointer_cast<Sequential>(initial.clone());  // same initial weights
        train::FitOptions fit;
        fit.loss = "sparse_categorical_crossentropy";
        fit.metrics = {"accuracy"};
        fit.optimizer = std::shared_ptr<Optimizer>(run.make(*model));
        fit.epochs = epochs;
        fit.verbose = 0;
        fit.seed = 1;
        fit.validation_data = {{x_valid, y_valid}};
        const auto start = std::chrono::steady_clock::now();
        const train::History h = train::fit(*model, x_train, y_train, fit);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        results.push_back({run.name, h["loss"].back(), h["val_loss"].back(), h["val_accuracy"].back(),
                           1000.0 * seconds / epochs});
    }

    std::printf("%-30s %12s %10s %10s %10s\n", "Optimizer", "train loss", "val loss", "val acc", "ms/epoch");
    std::printf("%s\n", std::string(76, '-').c_str());
    for (const Result& r : results)
        std::printf("%-30s %12.4f %10.4f %10.4f %10.1f\n", r.name.c_str(), r.train_loss, r.val_loss, r.val_accuracy,
                    r.ms_per_epoch);

    // The chapter's point, as checks: adaptive and momentum methods beat plain
    // SGD at the same learning rate within the same budget.
    const auto find = [&](const std::string& name) {
        for (const Result& r : results)
            if (r.name == name) return r;
        return results.front();
    };
    const double sgd = find("SGD lr 0.001").train_loss;
    const bool ok = find("Momentum 0.9").train_loss < sgd && find("Adam").train_loss < sgd &&
                    find("Nadam").train_loss < sgd && find("RMSprop").train_loss < sgd &&
                    find("Adam").val_accuracy > 1.5 / classes;
    std::printf("\n%s\n", ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
