// A deep convolutional GAN on Fashion-MNIST (Hands-On ML, ch. 17), trained
// with a hand-written loop: two models, two RMSprop optimizers, and the
// book's two phases per batch:
//   (a) the discriminator learns real images (label 1) from the generator's
//       fakes (label 0), the fakes computed without a graph (detached);
//   (b) the generator learns to make the frozen discriminator say 1.
// Images are rescaled to [-1, 1] (the generator ends in tanh); codings are
// 100 standard-normal numbers. Each epoch prints the mean discriminator and
// generator losses (binary crossentropy) and the discriminator's accuracy on
// the real and fake images it trained on, and writes the generator's images
// for one fixed batch of noise as an 8 × 8 grid, DIR/gan_epoch_NN.png.
//   gan [--short] [--epochs N] [--images N] [--width N] [--seed N] [--out DIR]
//   (--width: the generator's Dense reshapes to 7 × 7 × width and the
//   discriminator's second Conv2D has width filters, the first layers half
//   that; the book's 128 is the default. --images: training images per epoch,
//   the first N of the 60,000; 10,000 by default to keep an epoch near a
//   minute on 2 cores. Defaults: 8 epochs.)
//
// The claim: the generator learned the data's pixel statistics. After
// training, 2,000 fresh fakes have a pixel mean and standard deviation within
// 0.1 of the training images' (-0.43 and 0.71 in [-1, 1]; the untrained
// generator gives about 0 and 0.1), the mean fake image is within RMS 0.15 of
// the mean real image, and no loss was NaN. The default run (8 epochs of
// 10,000 images, seed 42) gives mean -0.459, std 0.660, mean-image RMS 0.061;
// about 60 s of CPU per epoch on 2 cores.
// --short (one epoch of 256 images): the mechanics: finite losses, a PNG per
// epoch of the grid's width and height (read from its IHDR chunk), and each
// optimizer changed only its own model's weights; the files go to a
// temporary folder that is removed afterwards unless --out is given.
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

namespace {

constexpr std::int64_t codings_size = 100;
constexpr std::int64_t grid_columns = 8, grid_images = 64, grid_padding = 1;

/// The book's generator: codings → 7 × 7 × width → 14 × 14 × width/2 → 28 × 28 × 1 in [-1, 1].
nn::Sequential make_generator(std::int64_t width) {
    return nn::Sequential{nn::Dense(7 * 7 * width).input_shape({codings_size}),
                          nn::Reshape({7, 7, width}),
                          nn::BatchNormalization(),
                          nn::Conv2DTranspose(width / 2, 5, "selu").strides({2, 2}).padding("same"),
                          nn::BatchNormalization(),
                          nn::Conv2DTranspose(1, 5, "tanh").strides({2, 2}).padding("same")};
}

/// The book's discriminator: 28 × 28 × 1 → 14 × 14 × width/2 → 7 × 7 × width → P(real).
nn::Sequential make_discriminator(std::int64_t width) {
    return nn::Sequential{nn::Conv2D(width / 2, 5, "leaky_relu").strides({2, 2}).padding("same").input_shape({28, 28, 1}),
                          nn::Dropout(0.4),
                          nn::Conv2D(width, 5, "leaky_relu").strides({2, 2}).padding("same"),
                          nn::Dropout(0.4),
                          nn::Flatten(),
                          nn::Dense(1, "sigmoid")};
}

/// Copies of a model's trainable weights, to tell later which ones an optimizer changed.
std::vector<Tensor> snapshot(const nn::Module& model) {
    std::vector<Tensor> copies;
    for (const Tensor& w : model.trainable_parameters()) copies.push_back(w.clone());
    return copies;
}

/// Whether every trainable weight of `model` still equals its snapshot.
bool unchanged(const nn::Module& model, const std::vector<Tensor>& before) {
    const std::vector<Tensor> now = model.trainable_parameters();
    for (std::size_t i = 0; i < now.size(); ++i)
        if (max(abs(now[i] - before[i])).item() != 0.0) return false;
    return true;
}

/// The images the generator makes from `noise`, in inference mode (BatchNormalization's moving statistics).
Tensor generate(nn::Sequential& generator, const Tensor& noise) {
    NoGradGuard no_grad;
    return generator(noise, false);
}

/// Fakes for the discriminator's phase: training mode, as in the generator's
/// phase, but without a graph (the discriminator's loss must not reach the generator).
Tensor generate_detached(nn::Sequential& generator, const Tensor& noise) {
    NoGradGuard no_grad;
    return generator(noise, true);
}

/// Width and height from a PNG's IHDR chunk (bytes 16-23, big-endian); {0, 0} when unreadable.
std::array<std::uint32_t, 2> png_size(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    unsigned char header[24] = {};
    if (!in.read(reinterpret_cast<char*>(header), sizeof header)) return {0, 0};
    auto be32 = [&](int at) {
        return std::uint32_t{header[at]} << 24 | std::uint32_t{header[at + 1]} << 16 |
               std::uint32_t{header[at + 2]} << 8 | std::uint32_t{header[at + 3]};
    };
    return {be32(16), be32(20)};
}

/// Pixel mean and standard deviation, and the RMS distance of the mean image from `reference_mean_image`.
struct ImageStats {
    double mean, std, mean_image_rms;
};

ImageStats image_stats(const Tensor& images, const Tensor& reference_mean_image) {
    const Tensor mean_image = mean(images, {0});
    return {mean(images).item(), xgrad::std(images).item(),
            std::sqrt(mean(square(mean_image - reference_mean_image)).item())};
}

}  // namespace

int main(int argc, char** argv) {
    bool short_run = false;
    int epochs = 8;
    std::int64_t images_per_epoch = 10000, width = 128;
    std::uint64_t seed = 42;
    std::filesystem::path out_dir;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--short") == 0) short_run = true;
        else if (std::strcmp(argv[i], "--epochs") == 0 && i + 1 < argc) epochs = std::stoi(argv[++i]);
        else if (std::strcmp(argv[i], "--images") == 0 && i + 1 < argc) images_per_epoch = std::stoll(argv[++i]);
        else if (std::strcmp(argv[i], "--width") == 0 && i + 1 < argc) width = std::stoll(argv[++i]);
        else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) seed = std::stoull(argv[++i]);
        else if (std::strcmp(argv[i], "--out") == 0 && i + 1 < argc) out_dir = argv[++i];
    }
    if (short_run) epochs = 1, images_per_epoch = 256;
    const bool temporary_out = out_dir.empty() && short_run;
    if (temporary_out) out_dir = std::filesystem::temp_directory_path() / ("xgrad_gan_" + std::to_string(seed));
    if (out_dir.empty()) out_dir = ".";
    std::filesystem::create_directories(out_dir);

    // The training images as the book's X_train.reshape(-1, 28, 28, 1) * 2. - 1.
    const auto fm = data::fashion_mnist::load();
    const std::int64_t n = std::min(images_per_epoch, fm.x_train.shape()[0]);
    const Tensor real_images = reshape(slice(fm.x_train, 0, 0, n), {n, 28, 28, 1}) * 2.0 - 1.0;
    const Tensor real_mean_image = mean(real_images, {0});
    const ImageStats real_stats = image_stats(real_images, real_mean_image);

    manual_seed(seed);
    nn::Sequential generator = make_generator(width), discriminator = make_discriminator(width);
    generator.ensure_built({-1, codings_size});
    discriminator.ensure_built({-1, 28, 28, 1});
    std::printf("generator: %lld parameters; discriminator: %lld parameters; %lld images per epoch\n",
                static_cast<long long>(generator.count_params()), static_cast<long long>(discriminator.count_params()),
                static_cast<long long>(n));
    optim::RMSprop generator_optimizer(generator), discriminator_optimizer(discriminator);

    Generator noise_gen(seed + 1);
    const Tensor grid_noise = normal({grid_images, codings_size}, 0.0, 1.0, float32, noise_gen);
    const ImageStats untrained = image_stats(generate(generator, normal({2000, codings_size}, 0.0, 1.0, float32, noise_gen)), real_mean_image);

    constexpr std::int64_t batch_size = 32;
    data::DataLoader loader(real_images, zeros({n}), {.batch_size = batch_size, .shuffle = true, .drop_last = true, .seed = seed});
    const Tensor fake_and_real_labels = concat({zeros({batch_size, 1}), ones({batch_size, 1})});
    const Tensor generator_labels = ones({batch_size, 1});

    bool finite = true, own_weights_only = true, files_ok = true;
    for (int epoch = 1; epoch <= epochs; ++epoch) {
        const auto start = std::chrono::steady_clock::now();
        double d_loss_sum = 0, g_loss_sum = 0, real_correct = 0, fake_correct = 0;
        std::int64_t batches = 0;
        for (const data::Batch& batch : loader) {
            // The weight check costs two copies of each model: once per epoch.
            const bool check = batches == 0;
            std::vector<Tensor> generator_before, discriminator_before;

            // Phase (a): the discriminator, on fakes (0) then real images (1).
            const Tensor fakes = generate_detached(generator, normal({batch_size, codings_size}));
            discriminator.set_trainable(true);
            const Tensor p = discriminator(concat({fakes, batch.x}), true);
            const Tensor d_loss = losses::binary_crossentropy(fake_and_real_labels, p);
            discriminator_optimizer.zero_grad();
            d_loss.backward();
            if (check) generator_before = snapshot(generator), discriminator_before = snapshot(discriminator);
            discriminator_optimizer.step();
            if (check) own_weights_only = own_weights_only && unchanged(generator, generator_before) && !unchanged(discriminator, discriminator_before);

            // Phase (b): the generator, through the frozen discriminator, labelled real.
            discriminator.set_trainable(false);
            const Tensor g_loss =
                losses::binary_crossentropy(generator_labels, discriminator(generator(normal({batch_size, codings_size}), true), true));
            generator_optimizer.zero_grad();
            g_loss.backward();
            if (check) generator_before = snapshot(generator), discriminator_before = snapshot(discriminator);
            generator_optimizer.step();
            if (check) own_weights_only = own_weights_only && !unchanged(generator, generator_before) && unchanged(discriminator, discriminator_before);

            const std::vector<float> probabilities = p.to_vector<float>();
            for (std::int64_t i = 0; i < batch_size; ++i) {
                fake_correct += probabilities[i] < 0.5f;
                real_correct += probabilities[batch_size + i] >= 0.5f;
            }
            d_loss_sum += d_loss.item();
            g_loss_sum += g_loss.item();
            ++batches;
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const double d_loss = d_loss_sum / batches, g_loss = g_loss_sum / batches;
        if (!std::isfinite(d_loss) || !std::isfinite(g_loss)) {
            // A diverged generator's images hold NaN, which write_png rightly refuses.
            std::printf("epoch %2d  d_loss %g  g_loss %g: not finite, training stopped\n", epoch, d_loss, g_loss);
            finite = false;
            break;
        }

        char name[32];
        std::snprintf(name, sizeof name, "gan_epoch_%02d.png", epoch);
        const Tensor grid = io::image_grid((generate(generator, grid_noise) + 1.0) * 0.5, grid_columns, grid_padding);
        io::write_png((out_dir / name).string(), grid);
        constexpr std::uint32_t grid_side = grid_columns * 28 + (grid_columns + 1) * grid_padding;
        files_ok = files_ok && png_size(out_dir / name) == std::array<std::uint32_t, 2>{grid_side, grid_side};
        std::printf("epoch %2d  d_loss %.4f  g_loss %.4f  D accuracy real %.3f fake %.3f  %.1f s  %s\n", epoch, d_loss,
                    g_loss, real_correct / (batches * batch_size), fake_correct / (batches * batch_size), seconds,
                    (out_dir / name).c_str());
    }

    // Fresh fakes against the training images' statistics, and D's judgement of them.
    const Tensor fresh = generate(generator, normal({2000, codings_size}, 0.0, 1.0, float32, noise_gen));
    const ImageStats fake_stats = image_stats(fresh, real_mean_image);
    double fooled = 0;
    {
        NoGradGuard no_grad;
        fooled = mean((discriminator(fresh, false) >= 0.5).to(float32)).item();
    }
    std::printf("pixel mean/std: real %.3f/%.3f, untrained generator %.3f/%.3f, trained %.3f/%.3f; "
                "mean image RMS from real: untrained %.3f, trained %.3f; D says real for %.1f%% of fresh fakes\n",
                real_stats.mean, real_stats.std, untrained.mean, untrained.std, fake_stats.mean, fake_stats.std,
                untrained.mean_image_rms, fake_stats.mean_image_rms, 100 * fooled);
    std::printf("losses finite: %s; each optimizer changed only its own model: %s; PNG files %s\n",
                finite ? "yes" : "NO", own_weights_only ? "yes" : "NO", files_ok ? "written, size right" : "WRONG");
    if (temporary_out) std::filesystem::remove_all(out_dir);

    const bool mechanics = finite && own_weights_only && files_ok;
    if (short_run) return mechanics ? 0 : 1;
    const bool learned = std::abs(fake_stats.mean - real_stats.mean) < 0.1 && std::abs(fake_stats.std - real_stats.std) < 0.1 &&
                         fake_stats.mean_image_rms < 0.15;
    return mechanics && learned ? 0 : 1;
}
