// Gradient health on the chapter's own cases, diagnosed by train::GradientMonitor
// while each net trains on Fashion-MNIST (standardized inputs, SGD lr 0.01):
//   - 50 sigmoid layers of 32 units with N(0, 1) weights: vanishing gradients,
//     saturation (at 100 units the larger fan-in offsets the small sigmoid
//     slope on the way back: saturation and tiny updates, but no vanishing);
//   - 50 layers of 100 units with ReLU + He init, and SELU + LeCun init:
//     healthy at first (over a full epoch the ReLU net loses most units of a
//     few deep layers, which the monitor reports; the SELU net stays healthy);
//   - ReLU layers whose biases start at −5: dead units; LeakyReLU instead: healthy.
//   gradient_health [--short] [--svg DIR]   (--short: 1,024 images; --svg: one SVG per case)
#include <cstdio>
#include <cstring>
#include <string>

#include <xgrad/xgrad.hpp>

using namespace xgrad;
using namespace xgrad::nn;

namespace {

Sequential deep_net(int depth, std::int64_t width, const char* activation, InitializerRef init, double bias = 0.0) {
    Sequential model{Flatten({28, 28})};
    for (int i = 0; i < depth; ++i) model.add(Dense(width, activation, init).bias_initializer(Constant(bias)));
    model.add(Dense(10, "softmax"));
    return model;
}

Sequential leaky_net(int depth) {
    Sequential model{Flatten({28, 28})};
    for (int i = 0; i < depth; ++i) {
        model.add(Dense(32, "linear", "he_normal").bias_initializer(Constant(-5.0)));
        model.add(LeakyReLU());
    }
    model.add(Dense(10, "softmax"));
    return model;
}

void diagnose(const char* title, Sequential model, const Tensor& x, const Tensor& y, const std::string& svg_dir,
              const char* svg_name) {
    manual_seed(42);
    model.ensure_built({-1, 28, 28});
    auto monitor = std::make_shared<train::GradientMonitor>(
        train::GradientMonitorOptions{.every = 8, .print_each_epoch = false});
    train::FitOptions fit;
    fit.loss = "sparse_categorical_crossentropy";
    fit.metrics = {"accuracy"};
    fit.optimizer = std::make_shared<optim::SGD>(model, optim::SGDOptions().learning_rate(0.01));
    fit.epochs = 1;
    fit.verbose = 0;
    fit.callbacks = {monitor};
    const train::History history = train::fit(model, x, y, fit);
    std::printf("%s: accuracy after one epoch %.3f\n", title, history["accuracy"].back());
    for (const train::Finding& f : monitor->diagnose()) std::printf("  - %s\n", f.message.c_str());
    if (!svg_dir.empty()) monitor->write_svg(svg_dir + "/" + svg_name);
}

}  // namespace

int main(int argc, char** argv) {
    bool short_run = false;
    std::string svg_dir;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--short") == 0) short_run = true;
        else if (std::strcmp(argv[i], "--svg") == 0 && i + 1 < argc) svg_dir = argv[++i];
    }
    const auto data = data::fashion_mnist::load();
    const std::int64_t n = short_run ? 1024 : 10000;
    Tensor x = slice(data.x_train, 0, 0, n);
    const Tensor y = slice(data.y_train, 0, 0, n);
    x = data::Standardizer(x)(x);

    diagnose("50 x Dense(32, sigmoid), N(0, 1) init", deep_net(50, 32, "sigmoid", RandomNormal(0.0, 1.0)), x, y,
             svg_dir, "sigmoid_normal_32.svg");
    diagnose("50 x Dense(100, sigmoid), N(0, 1) init", deep_net(50, 100, "sigmoid", RandomNormal(0.0, 1.0)), x, y,
             svg_dir, "sigmoid_normal_100.svg");
    diagnose("50 x Dense(100, relu), He init", deep_net(50, 100, "relu", "he_normal"), x, y, svg_dir, "relu_he.svg");
    diagnose("50 x Dense(100, selu), LeCun init", deep_net(50, 100, "selu", "lecun_normal"), x, y, svg_dir,
             "selu_lecun.svg");
    diagnose("4 x Dense(32, relu), biases -5", deep_net(4, 32, "relu", "he_normal", -5.0), x, y, svg_dir,
             "relu_dead.svg");
    diagnose("4 x (Dense(32), LeakyReLU), biases -5", leaky_net(4), x, y, svg_dir, "leaky_relu.svg");
    return 0;
}
