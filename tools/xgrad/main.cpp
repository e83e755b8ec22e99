// xgrad: command-line front end for the chapter's experiments.
//   xgrad train   [options]   train on Fashion-MNIST, print progress and test accuracy
//   xgrad summary [options]   print a model's summary
//   xgrad transfer [options]  the notebook's transfer-learning experiment
//   xgrad --help
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <xgrad/xgrad.hpp>

#include "options.hpp"
#include "output_files.hpp"

using namespace xgrad;

namespace {

const char* usage = R"(usage: xgrad <command> [options]

commands:
  train      train a model on Fashion-MNIST (first 55,000 images for training,
             the last 5,000 for validation), then print the test accuracy
  summary    print the model's layers and parameter counts
  export     write a saved model (train --save) as ONNX for other runtimes

model options (train and summary):
  --model NAME          bn-mlp (default: the notebook's batch-norm MLP),
                        mlp (300-100 MLP), selu100 (100 SELU layers,
                        standardized inputs), cnn (2 conv + 2 pool layers),
                        book-cnn (the book's 5-conv CNN; slow on a CPU)
  --activation NAME     hidden activation (default relu; selu100 and the CNNs ignore it)
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
  --data-npz FILE       train on your own arrays instead: an .npz (np.savez)
                        holding x_train [N, ...] (at most 1,048,576
                        features per row) and y_train [N] (integer
                        class labels 0 to 65,535: at most 65,536 classes),
                        optionally x_test and y_test (rows shaped as
                        x_train's); the last 10% of the training rows
                        validate. The model is the 300-100 Dense MLP
                        (--model mlp) sized to the arrays, with one output
                        per class up to the largest label.
  --save FILE           save the trained model (architecture and weights,
                        safetensors; xgrad export reads it)
  --onnx FILE           also write the trained model as ONNX
  --history FILE        write the per-epoch history as CSV
  --plot FILE           write the learning curves as SVG
  --diagnose [FILE]     watch gradient health (train::GradientMonitor): a
                        per-layer table and diagnosis after each epoch, and
                        with FILE an SVG heatmap of gradient norms per layer
                        and step; shown also when training diverges
  --diagnose-every N    record every N-th step (default 100)
  --verbose N           0 silent, 1 progress bar (default), 2 one line per epoch

  Under mpirun (e.g. mpirun -np 4 xgrad train …) training is data-parallel:
  each rank takes --batch-size samples of every global batch of
  batch size × ranks, only rank 0 prints and writes files, and a rank that
  fails ends the job (XGRAD_DISTRIBUTED_TIMEOUT bounds waiting, default 600 s).

  Flags are checked before the dataset is loaded (exit code 2 on a bad one),
  output files too: their folder must accept a new file, and no output may
  be an input file (--data-npz, the dataset's files) or another output.
  A run whose loss becomes NaN or infinite stops with an error (exit code 1).

export (io::export_onnx: opset 13, batch dimension symbolic, inference form):
  --model-file FILE     a model saved by `xgrad train --save` or io::save()
  --onnx FILE           the ONNX file to write (not the --model-file itself)
  --input-shape D,D,..  one input's shape without the batch (default: the
                        shape the saved model was built for)

transfer (the notebook's transfer learning; see examples/transfer_learning.cpp):
  task A = 8 classes (all but T-shirt/top and Pullover), task B = Pullover vs
  T-shirt/top on the first 200 training images; model A (3 x Dense(100) + 8-way
  softmax, SGD lr 0.001) is saved, loaded, and a clone of its hidden layers
  gets a new sigmoid output, trained frozen then unfrozen; compared with model
  B trained from scratch on the same 200 images.
  --epochs-a N          default 20
  --epochs-frozen N     default 4
  --epochs-unfrozen N   default 16
  --limit N             use the first N task-A training images (0 = all)
  --save FILE           where model A is saved (default: a temporary file;
                        not one of the dataset's files)
  --seed N, --data DIR, --verbose N (default 0)
)";

nn::Sequential build_model(const cli::Options& o) {
    const std::string name = o.get("model", "bn-mlp");
    const nn::ActivationFn activation = cli::activation(o);
    const nn::InitializerRef init = cli::initializer(o);
    if (name == "bn-mlp") return models::batch_norm_mlp(activation, init);
    if (name == "mlp") return models::mlp(activation, init);
    if (name == "selu100") return models::selu_deep(100, 100);
    if (name == "cnn") return models::small_cnn();
    if (name == "book-cnn") return models::book_cnn();
    throw cli::UsageError("unknown model '" + name + "' (choose bn-mlp, mlp, selu100, cnn or book-cnn)");
}

/// What run_train trains on, validates with and tests on.
struct TrainingData {
    data::Dataset train, valid, test;
    std::int64_t classes = 10;
};

/// Fashion-MNIST: the first 55,000 training images train, the last 5,000 validate.
TrainingData fashion_mnist_data(const cli::Options& o, bool standardize) {
    const auto fm = o.has("data") ? data::fashion_mnist::load(o.get("data", "")) : data::fashion_mnist::load();
    auto [train, valid] = data::split_at(fm.train(), 55000);
    TrainingData d{train, valid, fm.test()};
    if (standardize) {
        // The notebook standardizes inputs for the self-normalizing net (statistics from training data only).
        const data::Standardizer standardizer(train.x());
        d.train = data::Dataset(standardizer(train.x()), train.y());
        d.valid = data::Dataset(standardizer(valid.x()), valid.y());
        d.test = data::Dataset(standardizer(fm.test().x()), fm.test().y());
    }
    return d;
}

/// The most classes --data-npz takes (labels 0 … 65,535): the output layer
/// has one unit per class up to the largest label, so one stray label must not
/// ask for gigabytes (2,000,000 would make a 3.6 GB Dense layer).
constexpr std::int64_t max_npz_classes = 65'536;

/// The most features per row --data-npz takes (2^20): the first Dense layer
/// has 300 weights per feature, so 4,000,000 features (an 8 KB compressed
/// file) would ask for a 4.8 GB kernel before its gradients and moments.
constexpr std::int64_t max_npz_features = 1 << 20;

/// One row's shape: `x`'s without the first dimension.
Shape row_shape(const Tensor& x) { return Shape(std::span(x.shape().begin() + 1, x.shape().end())); }

/// --data-npz FILE: x_train and y_train, optionally x_test and y_test; the
/// last 10% of the training rows validate. Features become float32.
TrainingData npz_data(const std::string& path) {
    const auto arrays = data::read_npz(path);
    const auto array = [&](const std::string& key) {
        const auto found = arrays.find(key);
        if (found != arrays.end()) return found->second;
        std::string keys;
        for (const auto& [name, t] : arrays) keys += (keys.empty() ? "" : ", ") + name;
        throw ValueError(path + ": no array '" + key + "' (it holds: " + (keys.empty() ? "none" : keys) + ")");
    };
    std::int64_t classes = 0;
    const auto dataset = [&](const std::string& x_key, const std::string& y_key) {
        const Tensor x = array(x_key), y = array(y_key);
        if (x.rank() < 2)
            throw ShapeError(path + ": " + x_key + " must be [samples, features...], got " + to_string(x.shape()));
        const Shape row = row_shape(x);
        if (row.numel() > max_npz_features)
            throw ShapeError(path + ": " + x_key + " is " + to_string(x.shape()) + ", " + std::to_string(row.numel()) +
                             " features per row; at most " + std::to_string(max_npz_features) +
                             " features per row (the first Dense layer has 300 weights per feature)");
        if (y.rank() != 1 || y.size(0) != x.size(0))
            throw ShapeError(path + ": " + y_key + " must be [" + std::to_string(x.size(0)) + "] (one label per row of " +
                             x_key + "), got " + to_string(y.shape()));
        if (y.dtype() != int64 && y.dtype() != uint8)
            throw DtypeError(path + ": " + y_key + " must hold integer class labels, got " +
                             std::string(dtype_name(y.dtype())));
        const Tensor labels = y.to(int64);
        const std::vector<std::int64_t> values = labels.to_vector<std::int64_t>();
        for (std::size_t row = 0; row < values.size(); ++row) {
            const std::int64_t v = values[row];
            const auto bad = [&](const std::string& what) {
                throw ValueError(path + ": " + y_key + " holds the " + what + " " + std::to_string(v) + " at row " +
                                 std::to_string(row) + "; labels are class indices from 0 to " +
                                 std::to_string(max_npz_classes - 1) + " (at most " +
                                 std::to_string(max_npz_classes) + " classes)");
            };
            if (v < 0) bad("negative label");
            if (v >= max_npz_classes) bad("label");
            classes = std::max(classes, v + 1);
        }
        return data::Dataset(x.to(float32), labels);
    };
    const data::Dataset full = dataset("x_train", "y_train");
    if (full.size() < 2) throw ValueError(path + ": x_train needs at least 2 rows (one to train, one to validate)");
    auto [train, valid] = data::split_at(full, full.size() - std::max<std::int64_t>(1, full.size() / 10));
    const bool has_test = arrays.contains("x_test") || arrays.contains("y_test");
    const data::Dataset test = has_test ? dataset("x_test", "y_test") : data::Dataset();
    if (has_test && row_shape(test.x()) != row_shape(full.x()))
        throw ShapeError(path + ": x_test rows are " + to_string(row_shape(test.x())) + ", x_train rows " +
                         to_string(row_shape(full.x())) + " (the model takes x_train's)");
    if (classes < 2) throw ValueError(path + ": the labels name fewer than 2 classes");
    return {train, valid, test, classes};
}

/// The 300-100 MLP for inputs shaped like one row of `x` and `classes` outputs.
nn::Sequential dense_model(const Tensor& x, std::int64_t classes, const nn::ActivationFn& activation,
                           const nn::InitializerRef& init) {
    return nn::Sequential{nn::Flatten(row_shape(x)), nn::Dense(300, activation, init),
                          nn::Dense(100, activation, init), nn::Dense(classes, "softmax")};
}

constexpr std::int64_t max_epochs = 1'000'000;
constexpr std::int64_t max_count = std::numeric_limits<std::int64_t>::max();

/// The dataset files train and transfer read: outputs must not replace them.
std::vector<cli::InputFile> dataset_files(const cli::Options& o) {
    if (o.has("data")) return cli::folder_files("--data's file", o.get("data", ""));
    return cli::folder_files("the dataset's file", data::fashion_mnist::default_dir());
}

/// fit() with TerminateOnNaN: a run whose loss stops being finite ends with
/// an error (exit code 1), never with a report of NaN metrics.
train::History fit_or_fail(nn::Module& model, const Tensor& x, const Tensor& y, train::FitOptions fit,
                           const std::string& what) {
    auto nan_guard = std::make_shared<train::TerminateOnNaN>();
    fit.callbacks.push_back(nan_guard);
    train::History history = train::fit(model, x, y, std::move(fit));
    if (nan_guard->terminated())
        throw ValueError(what + ": training diverged (the loss became NaN or infinite); try a lower --lr or "
                                "gradient clipping (--clipnorm)");
    return history;
}

int run_summary(const cli::Options& o) {
    o.check_known({"model", "activation", "init"});
    std::cout << build_model(o).summary();
    return 0;
}

int run_train(const cli::Options& o) {
    o.check_known({"model", "activation", "init", "optimizer", "lr", "clipvalue", "clipnorm", "global-clipnorm",
                   "epochs", "batch-size", "seed", "limit", "data", "data-npz", "save", "onnx", "history", "plot", "verbose",
                   "diagnose", "diagnose-every"});
    const bool npz = o.has("data-npz");
    if (npz && o.has("data")) throw cli::UsageError("--data and --data-npz cannot be combined");
    if (npz && o.get("model", "mlp") != "mlp")
        throw cli::UsageError("--data-npz trains the Dense MLP (--model mlp), not --model " + o.get("model", ""));
    // Every flag is checked before the dataset is loaded.
    const auto seed = static_cast<std::uint64_t>(o.get_int("seed", 42, 0, max_count));
    const std::int64_t epochs = o.get_int("epochs", 2, 1, max_epochs);
    const std::int64_t batch_size = o.get_int("batch-size", 32, 1, max_count);
    const std::int64_t limit = o.get_int("limit", 0, 0, max_count);
    const std::int64_t verbose = o.get_int("verbose", 1, 0, 2);
    const std::int64_t diagnose_every = o.get_int("diagnose-every", 100, 1, max_count);
    const std::string diagnosis_svg = o.get("diagnose", "");
    std::vector<std::string> outputs = {"history", "plot", "save", "onnx"};
    if (!diagnosis_svg.empty()) outputs.push_back("diagnose");
    cli::check_outputs(o, outputs, npz ? std::vector<cli::InputFile>{{"--data-npz", o.get("data-npz", "")}}
                                       : dataset_files(o));
    const bool data_parallel = distributed::initialized() && distributed::size() > 1;
    const bool writer = !data_parallel || distributed::rank() == 0;  // prints and writes files
    if (data_parallel && writer && verbose > 0)
        std::printf("data-parallel on %d ranks: %lld samples per rank per step (global batch %lld)\n",
                    distributed::size(), static_cast<long long>(batch_size),
                    static_cast<long long>(batch_size * distributed::size()));
    const bool selu = o.get("model", "bn-mlp") == "selu100";
    const cli::OptimizerFactory make_optimizer = cli::optimizer_factory(o, selu ? 0.001 : -1.0);
    // The built-in models are built before the data loads (a bad --model, --activation or --init
    // costs nothing); the --data-npz model needs the arrays' shapes first, so its activation and
    // initializer are looked up before them.
    std::optional<TrainingData> data;
    const auto npz_model = [&] {
        const nn::ActivationFn activation = cli::activation(o);
        const nn::InitializerRef init = cli::initializer(o);
        data = npz_data(o.get("data-npz", ""));
        return dense_model(data->train.x(), data->classes, activation, init);
    };
    manual_seed(seed);
    nn::Sequential model = npz ? npz_model() : build_model(o);
    if (!data) data = fashion_mnist_data(o, selu);
    if (data_parallel) {
        // Checked before training, not found after it: a rank without a test set would end while the
        // others wait for it in evaluate, and only rank 0 writes, so an output given to another rank
        // alone would silently not be written.
        std::vector<distributed::NamedValue> agreed = {
            {"the test set", data->test.empty() ? "none" : "x_test " + to_string(data->test.x().shape())}};
        for (const std::string flag : {"save", "onnx", "history", "plot", "diagnose"})
            agreed.push_back({"--" + flag, o.has(flag) ? "'" + o.get(flag, "") + "'" : "none"});
        distributed::check_same_across_ranks(agreed);
    }
    const std::shared_ptr<optim::Optimizer> optimizer = make_optimizer(model);

    train::FitOptions fit;
    fit.loss = "sparse_categorical_crossentropy";
    fit.metrics = {"accuracy"};
    fit.optimizer = optimizer;
    fit.epochs = static_cast<int>(epochs);
    fit.batch_size = batch_size;
    fit.seed = seed;
    fit.limit_samples = limit;
    fit.verbose = static_cast<int>(verbose);
    fit.validation_data = {{data->valid.x(), data->valid.y()}};
    fit.distributed = data_parallel;
    std::shared_ptr<train::GradientMonitor> monitor;
    if (o.has("diagnose")) {
        monitor = std::make_shared<train::GradientMonitor>(
            train::GradientMonitorOptions{.every = diagnose_every, .print_each_epoch = verbose > 0 && writer});
        fit.callbacks.push_back(monitor);
    }
    const auto report = [&] {
        if (monitor && !diagnosis_svg.empty() && writer) monitor->write_svg(diagnosis_svg);
    };
    train::History history;
    try {
        history = fit_or_fail(model, data->train.x(), data->train.y(), fit, "train");
    } catch (const Error&) {
        // A run that diverged is when the diagnosis matters most.
        if (monitor && writer) {
            monitor->print(std::cerr);
            report();
        }
        throw;
    }
    report();
    if (writer && o.has("save")) io::save(model, o.get("save", ""));
    if (writer && o.has("onnx")) {
        Shape example = *model.build_input_shape();
        example[0] = 1;
        io::export_onnx(model, o.get("onnx", ""), example);
    }
    if (writer && o.has("history")) history.write_csv(o.get("history", ""));
    if (writer && o.has("plot")) history.write_svg(o.get("plot", ""));

    if (data->test.empty()) return 0;
    train::EvaluateOptions eval;
    eval.loss = fit.loss;
    eval.metrics = fit.metrics;
    eval.distributed = data_parallel;
    const train::Logs test = train::evaluate(model, data->test.x(), data->test.y(), eval);
    if (writer) std::printf("test accuracy: %.4f  test loss: %.4f\n", test.at("accuracy"), test.at("loss"));
    return 0;
}

int run_export(const cli::Options& o) {
    o.check_known({"model-file", "onnx", "input-shape"});
    if (!o.has("model-file")) throw cli::UsageError("export needs --model-file FILE (a model saved by train --save)");
    if (!o.has("onnx")) throw cli::UsageError("export needs --onnx FILE (the ONNX file to write)");
    cli::check_outputs(o, {"onnx"}, {{"--model-file", o.get("model-file", "")}});
    Shape example{1};
    if (o.has("input-shape"))
        for (const std::int64_t d : o.get_dims("input-shape")) example.push_back(d);
    const nn::ModulePtr model = io::load(o.get("model-file", ""));
    if (!o.has("input-shape")) {
        if (!model->build_input_shape())
            throw cli::UsageError("--model-file '" + o.get("model-file", "") +
                                  "' was saved unbuilt: give --input-shape");
        example = *model->build_input_shape();
        example[0] = 1;
    }
    io::export_onnx(*model, o.get("onnx", ""), example);
    std::printf("wrote %s (example input %s; the batch dimension is symbolic)\n", o.get("onnx", "").c_str(),
                to_string(example).c_str());
    return 0;
}

std::shared_ptr<nn::Sequential> transfer_mlp(std::int64_t outputs, const char* activation) {
    auto m = std::make_shared<nn::Sequential>(std::initializer_list<nn::AnyModule>{
        nn::Flatten({28, 28}), nn::Dense(100, "relu", "he_normal"), nn::Dense(100, "relu", "he_normal"),
        nn::Dense(100, "relu", "he_normal")});
    m->add(nn::Dense(outputs, activation));
    return m;
}

int run_transfer(const cli::Options& o) {
    o.check_known({"epochs-a", "epochs-frozen", "epochs-unfrozen", "limit", "save", "seed", "data", "verbose"});
    const auto seed = static_cast<std::uint64_t>(o.get_int("seed", 42, 0, max_count));
    const auto epochs_a = static_cast<int>(o.get_int("epochs-a", 20, 1, max_epochs));
    const auto frozen = static_cast<int>(o.get_int("epochs-frozen", 4, 0, max_epochs));
    const auto unfrozen = static_cast<int>(o.get_int("epochs-unfrozen", 16, 0, max_epochs));
    if (frozen + unfrozen == 0) throw cli::UsageError("--epochs-frozen and --epochs-unfrozen cannot both be 0");
    const std::int64_t limit = o.get_int("limit", 0, 0, max_count);
    const auto verbose = static_cast<int>(o.get_int("verbose", 0, 0, 2));
    cli::check_outputs(o, {"save"}, dataset_files(o));
    const auto fm = o.has("data") ? data::fashion_mnist::load(o.get("data", "")) : data::fashion_mnist::load();
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
    const bool temp = !o.has("save");
    const std::string path = temp ? (std::filesystem::temp_directory_path() /
                                     ("xgrad_transfer_A_" + std::to_string(seed) + ".safetensors")).string()
                                  : o.get("save", "");
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

int main(int argc, char** argv) {
    std::optional<distributed::Session> session;
    try {
        const cli::Options o = cli::Options::parse(argc, argv);
        if (o.command == "train" && distributed::launched_by_mpirun()) session.emplace(&argc, &argv);
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
        if (o.command == "export") return run_export(o);
        if (o.command == "transfer") return run_transfer(o);
        throw cli::UsageError("unknown command '" + o.command + "'");
    } catch (const cli::UsageError& e) {
        // The other ranks may already wait in a collective for this one (their
        // flags were fine): end the job now rather than after the timeout.
        if (session && distributed::size() > 1)
            distributed::abort(std::string(e.what()) + " (run `xgrad --help` for the options)", 2);
        std::cerr << "xgrad: " << e.what() << "\n(run `xgrad --help` for the options)\n";
        return 2;
    } catch (const std::exception& e) {  // xgrad::Error, and e.g. std::bad_alloc from a huge --batch-size
        // Another rank may be waiting in a collective for this one: end the job.
        if (session && distributed::size() > 1) distributed::abort(e.what());
        std::cerr << "xgrad: " << e.what() << "\n";
        return 1;
    }
}
