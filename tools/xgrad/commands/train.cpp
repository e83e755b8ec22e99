// xgrad train: train a model on Fashion-MNIST or --data-npz arrays, data-parallel under mpirun.
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

#include <xgrad/core/random.hpp>
#include <xgrad/distributed/collectives.hpp>
#include <xgrad/io/model.hpp>
#include <xgrad/onnx/export.hpp>
#include <xgrad/optim/optimizer.hpp>
#include <xgrad/train/fit.hpp>
#include <xgrad/train/gradient_monitor.hpp>

#include "../commands.hpp"
#include "../fit_or_fail.hpp"
#include "../model_flags.hpp"
#include "../optimizer_flags.hpp"
#include "../output_files.hpp"
#include "../run_flags.hpp"
#include "../usage_error.hpp"
#include "train_data.hpp"

namespace xgrad::cli {

namespace {

FlagGroup train_flags() {
    return {"train options",
            {
                {.name = "epochs", .kind = FlagKind::integer, .value_name = "N", .fallback = "2", .min = 1,
                 .max = max_epochs, .help = "training epochs"},
                {.name = "batch-size", .kind = FlagKind::integer, .value_name = "N", .fallback = "32", .min = 1,
                 .help = "samples per step (per rank under mpirun)"},
                seed_flag(),
                {.name = "limit", .kind = FlagKind::integer, .value_name = "N", .fallback = "0",
                 .help = "train on the first N training images only, for quick runs (0: all)"},
                data_flag(),
                {.name = "data-npz", .kind = FlagKind::text, .value_name = "FILE",
                 .help = "train on your own arrays instead: an .npz (np.savez) holding x_train [N, ...] (at most "
                         "1,048,576 features per row) and y_train [N] (integer class labels 0 to 65,535: at most "
                         "65,536 classes), optionally x_test and y_test (rows shaped as x_train's); the last 10% of "
                         "the training rows validate. The model is the 300-100 Dense MLP (--model mlp) sized to the "
                         "arrays, with one output per class up to the largest label."},
                {.name = "save", .kind = FlagKind::output_file, .value_name = "FILE",
                 .help = "save the trained model (architecture and weights, safetensors; xgrad export reads it)"},
                {.name = "onnx", .kind = FlagKind::output_file, .value_name = "FILE",
                 .help = "also write the trained model as ONNX"},
                {.name = "history", .kind = FlagKind::output_file, .value_name = "FILE",
                 .help = "write the per-epoch history as CSV"},
                {.name = "plot", .kind = FlagKind::output_file, .value_name = "FILE",
                 .help = "write the learning curves as SVG"},
                {.name = "diagnose", .kind = FlagKind::optional_output, .value_name = "FILE",
                 .help = "watch gradient health (train::GradientMonitor): a per-layer table and diagnosis after "
                         "each epoch, and with FILE an SVG heatmap of gradient norms per layer and step; shown "
                         "also when training diverges"},
                {.name = "diagnose-every", .kind = FlagKind::integer, .value_name = "N", .fallback = "100",
                 .min = 1, .help = "--diagnose records every N-th step"},
                verbose_flag(1),
            }};
}

constexpr const char* train_notes =
    R"(  Under mpirun (e.g. mpirun -np 4 xgrad train …) training is data-parallel:
  each rank takes --batch-size samples of every global batch of
  batch size × ranks, only rank 0 prints and writes files, and a rank that
  fails ends the job (XGRAD_DISTRIBUTED_TIMEOUT bounds waiting, default 600 s).

  Flags are checked before the dataset is loaded (exit code 2 on a bad one),
  output files too: their folder must accept a new file, and no output may
  be an input file (--data-npz, the dataset's files) or another output.
  A run whose loss becomes NaN or infinite stops with an error (exit code 1).
)";

int run_train(const Arguments& a) {
    const bool npz = a.has("data-npz");
    if (npz && a.has("data")) throw UsageError("--data and --data-npz cannot be combined");
    if (npz && a.has("model") && a.text("model") != "mlp")
        throw UsageError("--data-npz trains the Dense MLP (--model mlp), not --model " + a.text("model"));
    // Every flag is checked before the dataset is loaded.
    const auto seed = static_cast<std::uint64_t>(a.integer("seed"));
    const std::int64_t batch_size = a.integer("batch-size");
    const std::int64_t verbose = a.integer("verbose");
    const std::string diagnosis_svg = a.text("diagnose");
    check_outputs(a, npz ? std::vector<InputFile>{{"--data-npz", a.text("data-npz")}} : dataset_files(a));
    const bool data_parallel = distributed::initialized() && distributed::size() > 1;
    const bool writer = !data_parallel || distributed::rank() == 0;  // prints and writes files
    if (data_parallel && writer && verbose > 0)
        std::printf("data-parallel on %d ranks: %lld samples per rank per step (global batch %lld)\n",
                    distributed::size(), static_cast<long long>(batch_size),
                    static_cast<long long>(batch_size * distributed::size()));
    const models::ModelEntry model_entry = chosen_model(a);
    const models::ModelOptions model_options = cli::model_options(a);
    const std::shared_ptr<optim::Optimizer> optimizer = make_optimizer(a, model_entry.learning_rate);
    // The built-in models are built before the data loads; the --data-npz model needs the arrays' shapes.
    std::optional<TrainingData> data;
    if (npz) data = npz_data(a.text("data-npz"));
    manual_seed(seed);
    nn::Sequential model = npz ? dense_model(data->train.x(), data->classes, model_options.activation, model_options.init)
                               : model_entry.make(model_options);
    if (!data) data = fashion_mnist_data(a.text("data"), model_entry.standardized_inputs);
    if (data_parallel) {
        // Checked before training, not found after it: a rank without a test set would end while the
        // others wait for it in evaluate, and only rank 0 writes, so an output given to another rank
        // alone would silently not be written.
        std::vector<distributed::NamedValue> agreed = {
            {"the test set", data->test.empty() ? "none" : "x_test " + to_string(data->test.x().shape())}};
        for (const std::string flag : {"save", "onnx", "history", "plot", "diagnose"})
            agreed.push_back({"--" + flag, a.has(flag) ? "'" + a.text(flag) + "'" : "none"});
        distributed::check_same_across_ranks(agreed);
    }
    optimizer->add_param_group(optim::ParamGroup(model));

    train::FitOptions fit;
    fit.loss = "sparse_categorical_crossentropy";
    fit.metrics = {"accuracy"};
    fit.optimizer = optimizer;
    fit.epochs = static_cast<int>(a.integer("epochs"));
    fit.batch_size = batch_size;
    fit.seed = seed;
    fit.limit_samples = a.integer("limit");
    fit.verbose = static_cast<int>(verbose);
    fit.validation_data = {{data->valid.x(), data->valid.y()}};
    fit.distributed = data_parallel;
    std::shared_ptr<train::GradientMonitor> monitor;
    if (a.has("diagnose")) {
        monitor = std::make_shared<train::GradientMonitor>(train::GradientMonitorOptions{
            .every = a.integer("diagnose-every"), .print_each_epoch = verbose > 0 && writer});
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
    if (writer && a.has("save")) io::save(model, a.text("save"));
    if (writer && a.has("onnx")) {
        Shape example = *model.build_input_shape();
        example[0] = 1;
        io::export_onnx(model, a.text("onnx"), example);
    }
    if (writer && a.has("history")) history.write_csv(a.text("history"));
    if (writer && a.has("plot")) history.write_svg(a.text("plot"));

    if (data->test.empty()) return 0;
    train::EvaluateOptions eval;
    eval.loss = fit.loss;
    eval.metrics = fit.metrics;
    eval.distributed = data_parallel;
    const train::Logs test = train::evaluate(model, data->test.x(), data->test.y(), eval);
    if (writer) std::printf("test accuracy: %.4f  test loss: %.4f\n", test.at("accuracy"), test.at("loss"));
    return 0;
}

}  // namespace

Command train_command() {
    return {.name = "train",
            .summary = "train a model on Fashion-MNIST (first 55,000 images for training, the last 5,000 for "
                       "validation), then print the test accuracy",
            .groups = {model_flags(), optimizer_flags(), train_flags()},
            .notes = train_notes,
            .data_parallel = true,
            .run = run_train};
}

}  // namespace xgrad::cli
