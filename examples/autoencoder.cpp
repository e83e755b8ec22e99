// A convolutional autoencoder on Fashion-MNIST and unsupervised pretraining
// (Hands-On ML, ch. 17), with the functional API:
//   1. the book's encoder (Conv2D + MaxPooling2D down to 3×3×64, a Conv2D of
//      30 filters and global average pooling: a code of 30 numbers) and
//      decoder (Dense, Reshape, three Conv2DTranspose with strides 2 back to
//      28×28, sigmoid), trained to reproduce the images (MSE, Nadam), the
//      last 5,000 training images for validation;
//   2. the first 20 test images above their reconstructions, written as a PNG
//      grid (DIR/autoencoder.png), checked by reading its size back;
//   3. the trained encoder (a clone) under a Dense softmax head, trained on
//      only a few labelled images (frozen, then unfrozen), against the same
//      classifier trained from scratch on the same labels.
//   autoencoder [--short] [--epochs N] [--labels N] [--seed N] [--out DIR]
//   (--short: two epochs on 5,000 images, 1,000 for validation and test,
//   the PNG in the temp folder and removed after the check: the mechanics
//   in seconds)
// The claim the full run checks: test reconstruction MSE below 0.02 and the
// pretrained classifier's test accuracy above the scratch one. The short run
// checks that the autoencoder beats the mean training image.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

namespace {

/// The book's convolutional encoder: [N, 28, 28] → a code [N, 30].
std::shared_ptr<nn::Model> make_encoder() {
    const nn::SymbolicTensor image = nn::Input({28, 28}, "image");
    nn::SymbolicTensor x = nn::Reshape({28, 28, 1})(image);
    x = nn::MaxPooling2D()(nn::Conv2D(16, 3, "relu").padding("same")(x));  // 14×14×16
    x = nn::MaxPooling2D()(nn::Conv2D(32, 3, "relu").padding("same")(x));  // 7×7×32
    x = nn::MaxPooling2D()(nn::Conv2D(64, 3, "relu").padding("same")(x));  // 3×3×64
    x = nn::Conv2D(30, 3, "relu").padding("same")(x);                      // 3×3×30
    const nn::SymbolicTensor code = nn::GlobalAveragePooling2D()(x);        // 30
    return std::make_shared<nn::Model>(image, code, "encoder");
}

/// The book's decoder, with a sigmoid output: a code [N, 30] → images [N, 28, 28] in (0, 1).
std::shared_ptr<nn::Model> make_decoder() {
    const nn::SymbolicTensor code = nn::Input({30}, "code");
    nn::SymbolicTensor x = nn::Reshape({3, 3, 16})(nn::Dense(3 * 3 * 16)(code));
    x = nn::Conv2DTranspose(32, 3, "relu").strides({2, 2})(x);                     // 7×7×32
    x = nn::Conv2DTranspose(16, 3, "relu").strides({2, 2}).padding("same")(x);     // 14×14×16
    x = nn::Conv2DTranspose(1, 3, "sigmoid").strides({2, 2}).padding("same")(x);   // 28×28×1
    return std::make_shared<nn::Model>(code, nn::Reshape({28, 28})(x), "decoder");
}

/// `encoder` under a Dense(10, softmax) head.
nn::Model make_classifier(const std::shared_ptr<nn::Model>& encoder, const std::string& name) {
    const nn::SymbolicTensor image = nn::Input({28, 28}, "image");
    return nn::Model(image, nn::Dense(10, "softmax").set_name("head")((*encoder)(image)), name);
}

/// Training a classifier on integer labels with Nadam at `learning_rate`, silently.
train::FitOptions classifier_options(nn::Module& model, double learning_rate, int epochs, std::uint64_t seed) {
    train::FitOptions o;
    o.loss = "sparse_categorical_crossentropy";
    o.metrics = {"accuracy"};
    o.optimizer =
        std::make_shared<optim::Nadam>(optim::ParamGroup(model), optim::NadamOptions().learning_rate(learning_rate));
    o.epochs = epochs;
    o.seed = seed;
    o.verbose = 0;
    return o;
}

/// `model`'s accuracy on `test`.
double test_accuracy(nn::Module& model, const data::Dataset& test) {
    train::EvaluateOptions e;
    e.loss = "sparse_categorical_crossentropy";
    e.metrics = {"accuracy"};
    return train::evaluate(model, test.x(), test.y(), e).at("accuracy");
}

/// The width and height a PNG file's IHDR chunk declares (bytes 16-23, big-endian), or {0, 0}.
std::pair<std::int64_t, std::int64_t> png_size(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    unsigned char header[24] = {};
    if (!in.read(reinterpret_cast<char*>(header), sizeof header) || std::memcmp(header + 12, "IHDR", 4) != 0)
        return {0, 0};
    auto be32 = [&](int at) {
        return (std::int64_t{header[at]} << 24) | (header[at + 1] << 16) | (header[at + 2] << 8) | header[at + 3];
    };
    return {be32(16), be32(20)};
}

}  // namespace

int main(int argc, char** argv) {
    bool short_run = false;
    int epochs = 10;
    std::int64_t labels = 500;
    std::uint64_t seed = 42;
    std::string out_dir;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--short") == 0) short_run = true;
        else if (std::strcmp(argv[i], "--epochs") == 0 && i + 1 < argc) epochs = std::stoi(argv[++i]);
        else if (std::strcmp(argv[i], "--labels") == 0 && i + 1 < argc) labels = std::stoll(argv[++i]);
        else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) seed = std::stoull(argv[++i]);
        else if (std::strcmp(argv[i], "--out") == 0 && i + 1 < argc) out_dir = argv[++i];
    }
    if (short_run) epochs = 2;
    // The suite's run leaves nothing behind: its PNG goes to the temp folder and is removed.
    const bool keep_png = !short_run || !out_dir.empty();
    if (out_dir.empty()) out_dir = short_run ? std::filesystem::temp_directory_path().string() : ".";

    const auto fm = data::fashion_mnist::load();
    auto [train, valid] = data::split_at(fm.train(), -5000);
    data::Dataset test = fm.test();
    if (short_run) {
        train = train.range(0, 5000);
        valid = valid.range(0, 1000);
        test = test.range(0, 1000);
    }

    // ---- 1. the autoencoder ---------------------------------------------------------------
    manual_seed(seed);
    const auto encoder = make_encoder();
    const auto decoder = make_decoder();
    const nn::SymbolicTensor image = nn::Input({28, 28}, "image");
    nn::Model autoencoder(image, (*decoder)((*encoder)(image)), "autoencoder");
    std::printf("%s\n%s\n%s\n", encoder->summary().c_str(), decoder->summary().c_str(),
                autoencoder.summary().c_str());

    train::FitOptions fit;
    fit.loss = "mse";
    fit.optimizer = std::make_shared<optim::Nadam>(optim::ParamGroup(autoencoder));
    fit.epochs = epochs;
    fit.seed = seed;
    fit.validation_data = {{valid.x(), valid.x()}};
    fit.verbose = 2;
    const auto start = std::chrono::steady_clock::now();
    train::fit(autoencoder, train.x(), train.x(), fit);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    train::EvaluateOptions evaluate;
    evaluate.loss = "mse";
    const double test_mse = train::evaluate(autoencoder, test.x(), test.x(), evaluate).at("loss");
    // What a model that ignores its input does at best: the mean training image.
    const double mean_image_mse = mean(square(test.x() - mean(train.x(), {0}))).item();
    std::printf("%d epochs, %.1f s per epoch; test reconstruction MSE %.4f (the mean training image: %.4f)\n", epochs,
                seconds / epochs, test_mse, mean_image_mse);

    // ---- 2. originals above their reconstructions -------------------------------------------
    const std::int64_t columns = 10, blocks = 2;
    const Tensor originals = slice(test.x(), 0, 0, columns * blocks);
    const Tensor reconstructions = train::predict(autoencoder, originals);
    std::vector<Tensor> rows;
    for (std::int64_t b = 0; b < blocks; ++b) {
        rows.push_back(slice(originals, 0, b * columns, (b + 1) * columns));
        rows.push_back(slice(reconstructions, 0, b * columns, (b + 1) * columns));
    }
    const Tensor grid = io::image_grid(concat(rows, 0), columns);
    const std::filesystem::path png = std::filesystem::path(out_dir) / "autoencoder.png";
    io::write_png(png.string(), grid);
    const auto [png_width, png_height] = png_size(png);
    // 4 rows and 10 columns of 28×28 images with 1-pixel lines between and around them.
    const std::int64_t expected_width = columns * 29 + 1, expected_height = 2 * blocks * 29 + 1;
    const bool png_ok = png_width == expected_width && png_height == expected_height;
    std::printf("%s: %lld × %lld pixels (%s)\n", png.string().c_str(), static_cast<long long>(png_width),
                static_cast<long long>(png_height), png_ok ? "as written" : "WRONG SIZE");
    if (!keep_png) std::filesystem::remove(png);

    // ---- 3. unsupervised pretraining: few labels, the encoder reused ----------------------------
    const data::Dataset labelled = train.range(0, std::min(labels, train.size()));
    const int frozen_epochs = short_run ? 2 : 10, unfrozen_epochs = short_run ? 2 : 20;

    manual_seed(seed);
    const auto reused = std::static_pointer_cast<nn::Model>(encoder->clone());
    nn::Model pretrained = make_classifier(reused, "pretrained");
    reused->set_trainable(false);  // first the head alone, on the encoder's codes
    train::fit(pretrained, labelled.x(), labelled.y(), classifier_options(pretrained, 1e-2, frozen_epochs, seed));
    const double frozen_accuracy = test_accuracy(pretrained, test);
    // Then all layers, with a new optimizer (the book's recompile) at the scratch model's rate.
    reused->set_trainable(true);
    auto fine_tune = classifier_options(pretrained, 1e-3, frozen_epochs + unfrozen_epochs, seed);
    fine_tune.initial_epoch = frozen_epochs;
    train::fit(pretrained, labelled.x(), labelled.y(), fine_tune);
    const double pretrained_accuracy = test_accuracy(pretrained, test);

    manual_seed(seed);
    nn::Model scratch = make_classifier(make_encoder(), "scratch");
    train::fit(scratch, labelled.x(), labelled.y(),
               classifier_options(scratch, 1e-3, frozen_epochs + unfrozen_epochs, seed));
    const double scratch_accuracy = test_accuracy(scratch, test);

    std::printf("%lld labelled images, %d epochs: test accuracy pretrained encoder %.4f (%.4f after the %d frozen "
                "epochs), from scratch %.4f\n",
                static_cast<long long>(labelled.size()), frozen_epochs + unfrozen_epochs, pretrained_accuracy,
                frozen_accuracy, frozen_epochs, scratch_accuracy);
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("wall time %.1f s\n", total);

    const bool claim = short_run ? test_mse < mean_image_mse : test_mse < 0.02 && pretrained_accuracy > scratch_accuracy;
    return png_ok && claim ? 0 : 1;
}
