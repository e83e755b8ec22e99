// Gradient clipping as in the chapter: clipvalue can change the gradient's
// direction, clipnorm cannot; then the same MLP trained with each kind of
// clipping on Fashion-MNIST.
//   gradient_clipping [--short]   (--short: 2,000 images, 1 epoch)
#include <cmath>
#include <cstdio>
#include <cstring>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

namespace {

/// One SGD(lr = 1) step on w = 0 with gradient g gives −clip(g): the update shows the clipping.
std::vector<double> clipped(const Tensor& g, optim::SGDOptions options) {
    Tensor w = zeros(g.shape()).requires_grad_();
    w.set_grad(g.clone());
    optim::SGD opt(optim::ParamGroup({w}), options.learning_rate(1.0));
    opt.step();
    auto v = (-w.detach()).to_vector<double>();
    return v;
}

void print(const char* label, const std::vector<double>& v) {
    const double angle = std::atan2(v[1], v[0]) * 180 / 3.14159265358979;
    std::printf("  %-18s [%.4f, %.4f]  direction %.1f deg\n", label, v[0], v[1], angle);
}

}  // namespace

int main(int argc, char** argv) {
    const bool short_run = argc > 1 && std::strcmp(argv[1], "--short") == 0;
    const Tensor g = tensor({0.9, 100.0});
    std::printf("gradient [0.9, 100.0]:\n");
    print("unclipped", clipped(g, {}));
    print("clipvalue=1.0", clipped(g, optim::SGDOptions().clipvalue(1.0)));
    print("clipnorm=1.0", clipped(g, optim::SGDOptions().clipnorm(1.0)));
    std::printf("\n");

    const auto data = data::fashion_mnist::load();
    auto [train_set, valid_set] = data::split_at(data.train(), 55000);
    std::printf("%-16s %10s %10s\n", "clipping", "loss", "val_acc");
    for (const char* kind : {"none", "clipvalue=1.0", "clipnorm=1.0", "global_clipnorm"}) {
        manual_seed(42);
        nn::Sequential model = models::mlp("relu", "he_normal");
        optim::SGDOptions o;
        if (std::strcmp(kind, "clipvalue=1.0") == 0) o.clipvalue(1.0);
        if (std::strcmp(kind, "clipnorm=1.0") == 0) o.clipnorm(1.0);
        if (std::strcmp(kind, "global_clipnorm") == 0) o.global_clipnorm(1.0);
        train::FitOptions fit;
        fit.loss = "sparse_categorical_crossentropy";
        fit.metrics = {"accuracy"};
        fit.optimizer = std::make_shared<optim::SGD>(optim::ParamGroup(model), o);
        fit.epochs = 1;
        fit.verbose = 0;
        fit.limit_samples = short_run ? 2000 : 0;
        fit.validation_data = {{valid_set.x(), valid_set.y()}};
        const auto h = train::fit(model, train_set.x(), train_set.y(), fit);
        std::printf("%-16s %10.4f %10.4f\n", kind, h["loss"].back(), h["val_accuracy"].back());
    }
    return 0;
}
