// A small ResNet on Fashion-MNIST (Hands-On ML, ch. 14) with the functional
// API: models::small_resnet's residual units (conv → BN → ReLU → conv → BN,
// added to the skip connection, ReLU), Adam with a cosine learning-rate
// decay, the last 5,000 training images for validation. Prints each epoch,
// the time per epoch and the test accuracy; then saves the model, loads it
// and checks that the loaded one predicts the same numbers bit for bit, and
// exports it to ONNX purely by tracing (no layer exporters).
//   resnet_fashion_mnist [--short] [--epochs N] [--seed N] [--onnx-cases DIR]
//   (--short: one epoch on 4,000 training images in batches of 16, so that
//   batch norm's moving statistics, momentum 0.99, settle within its 250
//   steps; 1,000 validation and 1,000 test images: the mechanics in
//   seconds. --onnx-cases DIR: also writes the exported model, a test batch
//   and the model's predictions for it to DIR in the format
//   tests/onnx/check_onnx.py reads)
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

namespace {

std::string shape_text(const Shape& s) {
    std::string out;
    for (const std::int64_t d : s) {
        if (!out.empty()) out += ',';
        out += std::to_string(d);
    }
    return out;
}

/// Raw float32 values, as check_onnx.py reads them.
void write_raw(const std::filesystem::path& path, const Tensor& t) {
    const Tensor f = t.to(float32).contiguous();
    std::ofstream(path, std::ios::binary)
        .write(static_cast<const char*>(f.raw_data()), static_cast<std::streamsize>(f.numel() * sizeof(float)));
}

}  // namespace

int main(int argc, char** argv) {
    bool short_run = false;
    int epochs = 8;
    std::uint64_t seed = 42;
    std::string onnx_cases;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--short") == 0) short_run = true;
        else if (std::strcmp(argv[i], "--epochs") == 0 && i + 1 < argc) epochs = std::stoi(argv[++i]);
        else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) seed = std::stoull(argv[++i]);
        else if (std::strcmp(argv[i], "--onnx-cases") == 0 && i + 1 < argc) onnx_cases = argv[++i];
        else {
            std::fprintf(stderr, "usage: resnet_fashion_mnist [--short] [--epochs N] [--seed N] [--onnx-cases DIR]\n");
            return 2;
        }
    }
    if (short_run) epochs = 1;

    const auto fm = data::fashion_mnist::load();
    auto [train, valid] = data::split_at(fm.train(), -5000);
    data::Dataset test = fm.test();
    if (short_run) {
        train = train.range(0, 4000);
        valid = valid.range(0, 1000);
        test = test.range(0, 1000);
    }

    manual_seed(seed);
    nn::Model model = models::small_resnet();
    if (!short_run) std::printf("%s\n", model.summary().c_str());
    std::printf("small ResNet: %lld parameters, %lld training images\n", static_cast<long long>(model.count_params()),
                static_cast<long long>(train.size()));

    train::FitOptions options;
    options.loss = "sparse_categorical_crossentropy";
    options.metrics = {"accuracy"};
    options.batch_size = short_run ? 16 : 64;
    const std::int64_t steps_per_epoch = (train.size() + options.batch_size - 1) / options.batch_size;
    options.optimizer = std::make_shared<optim::Adam>(
        model, optim::AdamOptions().learning_rate(optim::CosineDecay(2e-3, static_cast<double>(epochs * steps_per_epoch))));
    options.epochs = epochs;
    options.seed = seed;
    options.validation_data = {{valid.x(), valid.y()}};
    options.verbose = short_run ? 0 : 2;
    std::vector<double> epoch_seconds;
    auto timer = std::make_shared<train::LambdaCallback>();
    std::chrono::steady_clock::time_point epoch_start;
    timer->epoch_begin = [&](int, train::TrainContext&) { epoch_start = std::chrono::steady_clock::now(); };
    timer->epoch_end = [&](int, train::Logs&, train::TrainContext&) {
        epoch_seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count());
    };
    options.callbacks = {timer};
    const auto start = std::chrono::steady_clock::now();
    const train::History history = train::fit(model, train.x(), train.y(), options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (int e = 0; e < epochs; ++e)
        std::printf("epoch %2d: %.1f s, loss %.4f, accuracy %.4f, val_loss %.4f, val_accuracy %.4f\n", e + 1,
                    epoch_seconds[static_cast<std::size_t>(e)], history["loss"][static_cast<std::size_t>(e)],
                    history["accuracy"][static_cast<std::size_t>(e)], history["val_loss"][static_cast<std::size_t>(e)],
                    history["val_accuracy"][static_cast<std::size_t>(e)]);

    train::EvaluateOptions evaluate;
    evaluate.loss = options.loss;
    evaluate.metrics = options.metrics;
    const double test_accuracy = train::evaluate(model, test.x(), test.y(), evaluate).at("accuracy");
    std::printf("%d epochs, %.1f s per epoch; validation accuracy %.4f, test accuracy %.4f\n", epochs, seconds / epochs,
                history["val_accuracy"].back(), test_accuracy);

    // Saved and loaded, the model predicts the same numbers.
    const auto dir = std::filesystem::temp_directory_path();
    const auto path = dir / ("xgrad_resnet_" + std::to_string(seed) + ".safetensors");
    io::save(model, path.string());
    const nn::ModulePtr loaded = io::load(path.string());
    std::filesystem::remove(path);
    const Tensor images = slice(test.x(), 0, 0, 256);
    const Tensor predictions = model(images, false);
    const bool same = (*loaded)(images, false).to_vector<float>() == predictions.to_vector<float>();
    std::printf("saved and loaded: %s predictions\n", same ? "identical" : "DIFFERENT");

    // Exported purely by tracing: every layer, Add included, written op by op.
    const std::filesystem::path onnx_path =
        onnx_cases.empty() ? dir / ("xgrad_resnet_" + std::to_string(seed) + ".onnx")
                           : std::filesystem::path(onnx_cases) / "resnet_fashion_mnist.onnx";
    io::export_onnx(model, onnx_path.string(), {1, 28, 28}, {.layer_exporters = false});
    std::printf("exported by tracing: %s (%lld bytes)\n", onnx_path.c_str(),
                static_cast<long long>(std::filesystem::file_size(onnx_path)));
    if (onnx_cases.empty()) {
        std::filesystem::remove(onnx_path);
    } else {
        const Tensor batch = slice(test.x(), 0, 0, 64);
        const Tensor expected = model(batch, false);
        write_raw(std::filesystem::path(onnx_cases) / "resnet_fashion_mnist.input", batch);
        write_raw(std::filesystem::path(onnx_cases) / "resnet_fashion_mnist.expected", expected);
        std::ofstream(std::filesystem::path(onnx_cases) / "cases.txt")
            << "resnet_fashion_mnist " << shape_text(batch.shape()) << ' ' << shape_text(expected.shape()) << '\n';
    }
    // The short run checks the mechanics and that a short epoch learned
    // something; the full run must reach 93%.
    return same && (short_run ? test_accuracy > 0.5 : test_accuracy >= 0.93) ? 0 : 1;
}
