// The notebook's transfer-learning experiment (Hands-On ML, ch. 11):
//   task A: Fashion-MNIST without T-shirt/top (0) and Pullover (2), 8 classes;
//   task B: Pullover (1) vs T-shirt/top (0), only the first 200 training images.
// Train model A, save it, load it, reuse a clone of its hidden layers with a new
// sigmoid output (model_B_on_A): 4 epochs with the reused layers frozen, then
// 16 with all layers trainable. Compare with model B trained from scratch on
// the same 200 images.
//   transfer_learning [--short] [--seed N]     (--short: a few seconds)
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

namespace {

/// Flatten → 3 × Dense(100, relu, he_normal) → Dense(outputs, activation).
std::shared_ptr<nn::Sequential> mlp(std::int64_t outputs, const char* activation) {
    auto m = std::make_shared<nn::Sequential>(std::initializer_list<nn::AnyModule>{
        nn::Flatten({28, 28}), nn::Dense(100, "relu", "he_normal"), nn::Dense(100, "relu", "he_normal"),
        nn::Dense(100, "relu", "he_normal")});
    m->add(nn::Dense(outputs, activation));
    return m;
}

/// Task B's labels as float32 [N, 1] (binary_crossentropy targets).
data::Dataset binary(const data::Dataset& d) {
    return data::Dataset(d.x(), reshape(d.y().to(float32), {d.size(), 1}));
}

train::FitOptions options(nn::Module& model, const char* loss, int epochs, const data::Dataset& valid, int verbose) {
    train::FitOptions o;
    o.loss = loss;
    o.metrics = {"accuracy"};
    o.optimizer = std::make_shared<optim::SGD>(optim::ParamGroup(model), optim::SGDOptions().learning_rate(0.001));
    o.epochs = epochs;
    o.validation_data = {{valid.x(), valid.y()}};
    o.verbose = verbose;
    return o;
}

double test_accuracy(nn::Module& model, const data::Dataset& test) {
    train::EvaluateOptions e;
    e.loss = "binary_crossentropy";
    e.metrics = {"accuracy"};
    return train::evaluate(model, test.x(), test.y(), e).at("accuracy");
}

}  // namespace

int main(int argc, char** argv) {
    bool short_run = false;
    std::uint64_t seed = 42;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--short") == 0) short_run = true;
        else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) seed = std::stoull(argv[++i]);
    }
    const int verbose = short_run ? 0 : 2;
    const int epochs_a = short_run ? 3 : 20, frozen = short_run ? 2 : 4, unfrozen = short_run ? 4 : 16;

    const auto fm = data::fashion_mnist::load();
    auto [train_full, valid_full] = data::split_at(fm.train(), -5000);
    const std::initializer_list<std::int64_t> classes_a = {1, 3, 4, 5, 6, 7, 8, 9};  // remapped to 0…7
    data::Dataset train_a = data::filter_classes(train_full, classes_a);
    const data::Dataset valid_a = data::filter_classes(valid_full, classes_a);
    // {0, 2} remaps T-shirt/top → 0, Pullover → 1 (the notebook's positive class).
    const data::Dataset train_b = binary(data::filter_classes(train_full, {0, 2}).range(0, 200));
    const data::Dataset valid_b = binary(data::filter_classes(valid_full, {0, 2}));
    const data::Dataset test_b = binary(data::filter_classes(fm.test(), {0, 2}));
    if (short_run) train_a = train_a.range(0, 5000);
    std::printf("task A: %lld training images (8 classes); task B: %lld training, %lld test images\n",
                static_cast<long long>(train_a.size()), static_cast<long long>(train_b.size()),
                static_cast<long long>(test_b.size()));

    // ---- model A ------------------------------------------------------------------------
    manual_seed(seed);
    auto model_a = mlp(8, "softmax");
    auto ha = train::fit(*model_a, train_a.x(), train_a.y(),
                         options(*model_a, "sparse_categorical_crossentropy", epochs_a, valid_a, verbose));
    std::printf("model A: validation accuracy %.4f after %d epochs\n", ha["val_accuracy"].back(), epochs_a);
    const auto path = std::filesystem::temp_directory_path() / ("xgrad_model_A_" + std::to_string(seed) + ".safetensors");
    io::save(*model_a, path.string());
    nn::ModulePtr loaded_a = io::load(path.string());
    std::filesystem::remove(path);
    const auto weights_a = loaded_a->get_weights();

    // ---- model B on A: a clone of A's hidden layers + a new output ---------------------------
    manual_seed(seed);
    nn::ModulePtr clone_a = loaded_a->clone();
    const auto& layers = clone_a->children();
    auto b_on_a = std::make_shared<nn::Sequential>(layers.begin(), layers.end() - 1);
    b_on_a->add(nn::Dense(1, "sigmoid"));
    for (std::size_t i = 0; i + 1 < b_on_a->size(); ++i) (*b_on_a)[static_cast<std::int64_t>(i)]->set_trainable(false);
    train::fit(*b_on_a, train_b.x(), train_b.y(), options(*b_on_a, "binary_crossentropy", frozen, valid_b, verbose));
    for (const auto& layer : b_on_a->layers()) layer->set_trainable(true);
    auto o = options(*b_on_a, "binary_crossentropy", frozen + unfrozen, valid_b, verbose);
    o.initial_epoch = frozen;  // a new optimizer, as the notebook's recompile
    train::fit(*b_on_a, train_b.x(), train_b.y(), o);
    const double acc_b_on_a = test_accuracy(*b_on_a, test_b);

    // The clone kept model A intact.
    const auto after = loaded_a->get_weights();
    bool a_unchanged = true;
    for (std::size_t i = 0; i < after.size(); ++i)
        a_unchanged = a_unchanged && after[i].to_vector<float>() == weights_a[i].to_vector<float>();

    // ---- model B from scratch on the same 200 images --------------------------------------------
    manual_seed(seed);
    auto model_b = mlp(1, "sigmoid");
    train::fit(*model_b, train_b.x(), train_b.y(),
               options(*model_b, "binary_crossentropy", frozen + unfrozen, valid_b, verbose));
    const double acc_b = test_accuracy(*model_b, test_b);

    std::printf("task B test accuracy: model_B_on_A %.4f, model B from scratch %.4f (seed %llu)\n", acc_b_on_a, acc_b,
                static_cast<unsigned long long>(seed));
    std::printf("model A unchanged by training model_B_on_A: %s\n", a_unchanged ? "yes" : "NO");
    // The short run only checks the mechanics; the full run must beat chance.
    return a_unchanged && (short_run || acc_b_on_a > 0.5) ? 0 : 1;
}
