// The notebook's self-normalizing net: 100 Dense(100, selu, lecun_normal)
// layers on standardized Fashion-MNIST, SGD with learning rate 0.001. First
// shows that activations keep mean ≈ 0 and std ≈ 1 through the depth, then
// trains for 5 epochs.
//   selu_100_layers [--short]   (--short: 2,000 images, 1 epoch)
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

int main(int argc, char** argv) {
    const bool short_run = argc > 1 && std::strcmp(argv[1], "--short") == 0;
    manual_seed(42);
    nn::Sequential model = models::selu_deep(100, 100);

    const auto data = data::fashion_mnist::load();
    auto [train_set, valid_set] = data::split_at(data.train(), 55000);
    const data::Standardizer standardize(train_set.x());  // statistics of the training set only
    const Tensor x_train = standardize(train_set.x()), x_valid = standardize(valid_set.x());

    // Self-normalization: the activations' statistics after every 10th layer
    // for a batch of 1,000 training images, before any training.
    {
        NoGradGuard no_grad;
        Tensor h = model[0]->call(slice(x_train, 0, 0, 1000), false);
        std::printf("layer   mean     std\n");
        double worst = 0;
        for (std::size_t i = 1; i + 1 < model.size(); ++i) {
            h = model[static_cast<std::int64_t>(i)]->call(h, false);
            const double m = mean(h).item(), s = xgrad::std(h).item();
            worst = std::max({worst, std::abs(m), std::abs(s - 1)});
            if (i % 10 == 0) std::printf("%5zu  %+.4f  %.4f\n", i, m, s);
        }
        std::printf("largest deviation from mean 0 / std 1 over 100 layers: %.3f\n\n", worst);
        if (worst > 0.35) return 1;
    }

    // Before training, for comparison: the loss on the validation set.
    train::EvaluateOptions eval;
    eval.loss = "sparse_categorical_crossentropy";
    eval.verbose = 0;
    const double val_loss_before = train::evaluate(model, x_valid, valid_set.y(), eval).at("loss");

    train::FitOptions fit;
    fit.loss = "sparse_categorical_crossentropy";
    fit.metrics = {"accuracy"};
    fit.optimizer = std::make_shared<optim::SGD>(optim::ParamGroup(model), optim::SGDOptions().learning_rate(0.001));
    fit.epochs = short_run ? 1 : 5;
    fit.limit_samples = short_run ? 2000 : 0;
    fit.validation_data = {{x_valid, valid_set.y()}};
    fit.callbacks = {std::make_shared<train::TerminateOnNaN>()};
    const train::History h = train::fit(model, x_train, train_set.y(), fit);
    const double val = h["val_accuracy"].back(), val_loss = h["val_loss"].back();
    std::printf("validation accuracy after %d epoch(s): %.4f (chance: 0.10)\n", fit.epochs, val);
    std::printf("validation loss: %.4f before training, %.4f after\n", val_loss_before, val_loss);
    // The short run (63 steps at lr 0.001 through 100 layers) is too short for
    // a stable accuracy: how far it gets depends on float rounding (0.29 in a
    // release build, 0.18 under AddressSanitizer). That it learns does not:
    // the validation loss must fall by at least 10%.
    const bool learned = std::isfinite(val_loss) && val_loss < 0.9 * val_loss_before;
    return learned && (short_run || val > 0.5) ? 0 : 1;
}
