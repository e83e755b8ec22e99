// xgrad transfer: the notebook's transfer-learning experiment (see examples/transfer_learning.cpp).
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <memory>

#include <xgrad/core/random.hpp>
#include <xgrad/data/dataset.hpp>
#include <xgrad/data/fashion_mnist.hpp>
#include <xgrad/io/model.hpp>
#include <xgrad/nn/dense.hpp>
#include <xgrad/nn/flatten.hpp>
#include <xgrad/nn/sequential.hpp>
#include <xgrad/ops/shape_ops.hpp>
#include <xgrad/optim/sgd.hpp>
#include <xgrad/train/fit.hpp>

#include "../commands.hpp"
#include "../fit_or_fail.hpp"
#include "../output_files.hpp"
#include "../run_flags.hpp"
#include "../usage_error.hpp"

namespace xgrad::cli {

namespace {

FlagGroup transfer_flags() {
    const auto epochs = [](std::string name, std::string fallback, std::int64_t min, std::string help) {
        return Flag{.name = std::move(name), .kind = FlagKind::integer, .value_name = "N",
                    .fallback = std::move(fallback), .min = min, .max = max_epochs, .help = std::move(help)};
    };
    return {"transfer options",
            {
                epochs("epochs-a", "20", 1, "epochs of model A"),
                epochs("epochs-frozen", "4", 0, "epochs of model B on A with A's layers frozen"),
                epochs("epochs-unfrozen", "16", 0, "epochs of model B on A after unfreezing"),
                {.name = "limit", .kind = FlagKind::integer, .value_name = "N", .fallback = "0",
                 .help = "use the first N task-A training images (0: all)"},
                {.name = "save", .kind = FlagKind::output_file, .value_name = "FILE",
                 .help = "where model A is saved (default: a temporary file; not one of the dataset's files)"},
                seed_flag(),
                data_flag(),
                verbose_flag(0),
            }};
}

constexpr const char* transfer_notes =
    R"(  transfer: task A = 8 classes (all but T-shirt/top and Pullover), task B =
  Pullover vs T-shirt/top on the first 200 training images; model A (3 x
  Dense(100) + 8-way softmax, SGD lr 0.001) is saved, loaded, and a clone of
  its hidden layers gets a new sigmoid output, trained frozen then unfrozen;
  compared with model B trained from scratch on the same 200 images.
)";

std::shared_ptr<nn::Sequential> transfer_mlp(std::int64_t outputs, const char* activation) {
    auto m = std::make_shared<nn::Sequential>(std::initializer_list<nn::AnyModule>{
        nn::Flatten({28, 28}), nn::Dense(100, "relu", "he_normal"), nn::Dense(100, "relu", "he_normal"),
        nn::Dense(100, "relu", "he_normal")});
    m->add(nn::Dense(outputs, activation));
    return m;
}

int run_transfer(const Arguments& a) {
    const auto seed = static_cast<std::uint64_t>(a.integer("seed"));
    const auto epochs_a = static_cast<int>(a.integer("epochs-a"));
    const auto frozen = static_cast<int>(a.integer("epochs-frozen"));
    const auto unfrozen = static_cast<int>(a.integer("epochs-unfrozen"));
    if (frozen + unfrozen == 0) throw UsageError("--epochs-frozen and --epochs-unfrozen cannot both be 0");
    const std::int64_t limit = a.integer("limit");
    const auto verbose = static_cast<int>(a.integer("verbose"));
    check_outputs(a, dataset_files(a));
    const auto fm = a.has("data") ? data::fashion_mnist::load(a.text("data")) : data::fashion_mnist::load();
    auto [train_full, valid_full] = data::split_at(fm.train(), -5000);
    auto binary = [](const data::Dataset& d) {
        return data::Dataset(d.x(), reshape(d.y().to(float32), {d.size(), 1}));
    };
    const std::initializer_list<std::int64_t> classes_a = {1, 3, 4, 5, 6, 7, 8, 9};
    data::Dataset train_a = data::filter_classes(train_full, classes_a);
    if (limit > 0 && limit < train_a.size()) train_a = train_a.range(0, limit);
    const data::Dataset valid_a = data::filter_classes(valid_full, classes_a);
    const data::Dataset train_b = binary(data::filter_classes(train_full, {0, 2}).range(0, 200));
    const data::Dataset valid_b = binary(data::filter_classes(valid_full, {0, 2}));
    const data::Dataset test_b = binary(data::filter_classes(fm.test(), {0, 2}));

    auto fit_options = [&](nn::Module& m, const char* loss, int epochs, int initial, const data::Dataset& valid) {
        train::FitOptions f;
        f.loss = loss;
        f.metrics = {"accuracy"};
        f.optimizer = std::make_shared<optim::SGD>(optim::ParamGroup(m), optim::SGDOptions().learning_rate(0.001));
        f.epochs = epochs;
        f.initial_epoch = initial;
        f.seed = seed;
        f.verbose = verbose;
        f.validation_data = {{valid.x(), valid.y()}};
        return f;
    };
    auto accuracy_b = [&](nn::Module& m) {
        train::EvaluateOptions e;
        e.loss = "binary_crossentropy";
        e.metrics = {"accuracy"};
        return train::evaluate(m, test_b.x(), test_b.y(), e).at("accuracy");
    };

    manual_seed(seed);
    auto model_a = transfer_mlp(8, "softmax");
    const auto ha = fit_or_fail(*model_a, train_a.x(), train_a.y(),
                                fit_options(*model_a, "sparse_categorical_crossentropy", epochs_a, 0, valid_a),
                                "transfer (model A)");
    const bool temp = !a.has("save");
    const std::string path = temp ? (std::filesystem::temp_directory_path() /
                                     ("xgrad_transfer_A_" + std::to_string(seed) + ".safetensors")).string()
                                  : a.text("save");
    io::save(*model_a, path);
    nn::ModulePtr loaded = io::load(path);
    if (temp) std::filesystem::remove(path);

    manual_seed(seed);
    nn::ModulePtr clone = loaded->clone();
    auto b_on_a = std::make_shared<nn::Sequential>(clone->children().begin(), clone->children().end() - 1);
    b_on_a->add(nn::Dense(1, "sigmoid"));
    for (std::size_t i = 0; i + 1 < b_on_a->size(); ++i) (*b_on_a)[static_cast<std::int64_t>(i)]->set_trainable(false);
    fit_or_fail(*b_on_a, train_b.x(), train_b.y(), fit_options(*b_on_a, "binary_crossentropy", frozen, 0, valid_b),
                "transfer (model B on A, frozen)");
    b_on_a->set_trainable(true);
    fit_or_fail(*b_on_a, train_b.x(), train_b.y(),
                fit_options(*b_on_a, "binary_crossentropy", frozen + unfrozen, frozen, valid_b),
                "transfer (model B on A, unfrozen)");

    manual_seed(seed);
    auto model_b = transfer_mlp(1, "sigmoid");
    fit_or_fail(*model_b, train_b.x(), train_b.y(),
                fit_options(*model_b, "binary_crossentropy", frozen + unfrozen, 0, valid_b), "transfer (model B)");

    std::printf("model A validation accuracy: %.4f\n", ha["val_accuracy"].back());
    std::printf("task B test accuracy: model_B_on_A %.4f  model B from scratch %.4f\n", accuracy_b(*b_on_a),
                accuracy_b(*model_b));
    return 0;
}

}  // namespace

Command transfer_command() {
    return {.name = "transfer",
            .summary = "the notebook's transfer-learning experiment (see examples/transfer_learning.cpp)",
            .groups = {transfer_flags()},
            .notes = transfer_notes,
            .run = run_transfer};
}

}  // namespace xgrad::cli
