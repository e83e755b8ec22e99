// xgrad: command-line front end for the chapter's experiments.
//   xgrad train   [options]   train on Fashion-MNIST, print progress and test accuracy
//   xgrad summary [options]   print a model's summary
//   xgrad --help
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <string>

#include <xgrad/xgrad.hpp>

#include "options.hpp"

using namespace xgrad;

namespace {

const char* usage = R"(usage: xgrad <command> [options]

commands:
  train      train a model on Fashion-MNIST (first 55,000 images for training,
             the last 5,000 for validation), then print the test accuracy
  summary    print the model's layers and parameter counts

model options (train and summary):
  --model NAME          bn-mlp (default: the notebook's batch-norm MLP),
                        mlp (300-100 MLP), selu100 (100 SELU layers,
                        standardized inputs)
  --activation NAME     hidden activation (default relu; selu100 ignores it)
  --init NAME           kernel initializer (default he_normal)

train options:
  --optimizer NAME      sgd (default), momentum, nesterov, adagrad, rmsprop,
                        adam, adamw, adamax, nadam
  --lr X                learning rate (default: the optimizer's Keras default;
                        selu100 uses 0.001)
  --clipvalue X | --clipnorm X | --global-clipnorm X
                        gradient clipping (one at most)
  --epochs N            default 2
  --batch-size N        default 32
  --seed N              default 42 (weights, shuffling, dropout)
  --limit N             train on the first N training images only (quick runs)
  --data DIR            dataset folder (default $XGRAD_DATA or
                        /usr/share/datasets/fashion-mnist)
  --history FILE        write the per-epoch history as CSV
  --plot FILE           write the learning curves as SVG
  --verbose N           0 silent, 1 progress bar (default), 2 one line per epoch
)";

nn::Sequential build_model(const cli::Options& o) {
    const std::string name = o.get("model", "bn-mlp");
    const std::string activation = o.get("activation", "relu");
    const std::string init = o.get("init", "he_normal");
    if (name == "bn-mlp") return models::batch_norm_mlp(activation, init);
    if (name == "mlp") return models::mlp(activation, init);
    if (name == "selu100") return models::selu_deep(100, 100);
    throw cli::UsageError("unknown model '" + name + "' (choose bn-mlp, mlp or selu100)");
}

int run_summary(const cli::Options& o) {
    o.check_known({"model", "activation", "init"});
    std::cout << build_model(o).summary();
    return 0;
}

int run_train(const cli::Options& o) {
    o.check_known({"model", "activation", "init", "optimizer", "lr", "clipvalue", "clipnorm", "global-clipnorm",
                   "epochs", "batch-size", "seed", "limit", "data", "history", "plot", "verbose"});
    const auto seed = static_cast<std::uint64_t>(o.get_int("seed", 42));
    manual_seed(seed);
    nn::Sequential model = build_model(o);
    const bool selu = o.get("model", "bn-mlp") == "selu100";

    const auto data = o.has("data") ? data::fashion_mnist::load(o.get("data", "")) : data::fashion_mnist::load();
    auto [train, valid] = data::split_at(data.train(), 55000);
    Tensor x_train = train.x(), x_valid = valid.x(), x_test = data.x_test;
    if (selu) {
        // The notebook standardizes inputs for the self-normalizing net (statistics from training data only).
        const data::Standardizer standardize(x_train);
        x_train = standardize(x_train);
        x_valid = standardize(x_valid);
        x_test = standardize(x_test);
    }

    train::FitOptions fit;
    fit.loss = "sparse_categorical_crossentropy";
    fit.metrics = {"accuracy"};
    fit.optimizer = cli::make_optimizer(o, model, selu ? 0.001 : -1.0);
    fit.epochs = static_cast<int>(o.get_int("epochs", 2));
    fit.batch_size = o.get_int("batch-size", 32);
    fit.seed = seed;
    fit.limit_samples = o.get_int("limit", 0);
    fit.verbose = static_cast<int>(o.get_int("verbose", 1));
    fit.validation_data = {{x_valid, valid.y()}};
    const train::History history = train::fit(model, x_train, train.y(), fit);
    if (o.has("history")) history.write_csv(o.get("history", ""));
    if (o.has("plot")) history.write_svg(o.get("plot", ""));

    train::EvaluateOptions eval;
    eval.loss = fit.loss;
    eval.metrics = fit.metrics;
    const train::Logs test = train::evaluate(model, x_test, data.y_test, eval);
    std::printf("test accuracy: %.4f  test loss: %.4f\n", test.at("accuracy"), test.at("loss"));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const cli::Options o = cli::Options::parse(argc, argv);
        if (o.command == "help" || o.has("help")) {
            std::cout << usage;
            return 0;
        }
        if (o.command.empty()) {
            std::cerr << usage;
            return 2;
        }
        if (o.command == "train") return run_train(o);
        if (o.command == "summary") return run_summary(o);
        throw cli::UsageError("unknown command '" + o.command + "'");
    } catch (const cli::UsageError& e) {
        std::cerr << "xgrad: " << e.what() << "\n(run `xgrad --help` for the options)\n";
        return 2;
    } catch (const xgrad::Error& e) {
        std::cerr << "xgrad: " << e.what() << "\n";
        return 1;
    }
}
