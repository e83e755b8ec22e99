#pragma once
/// \file
/// Keras-like training: fit() / evaluate() / predict() over tensors.
///
///     auto opt = std::make_shared<optim::SGD>(optim::ParamGroup(model));  // follows freezing, applies constraints
///     History h = train::fit(model, x_train, y_train, {
///         .loss = "sparse_categorical_crossentropy",
///         .optimizer = opt,
///         .metrics = {"accuracy"},
///         .epochs = 2,
///         .validation_data = {{x_valid, y_valid}},
///     });
///
/// Each step: y = model(x, training=true); loss = loss_fn(y_true, y) + Σ
/// model.losses(); backward; optimizer step (which applies constraints).
/// A lower-level loop is just as easy: see examples/autodiff_demo.cpp.
///
/// Several inputs and outputs (a model whose input_names() / output_names()
/// list them, e.g. a functional nn::Model): x and y are lists in the
/// model's order or maps by name, with one loss for all outputs or one per
/// output and Keras' loss_weights:
///
///     train::fit(wide_deep, {{"wide", x_wide}, {"deep", x_deep}}, {y, y}, {
///         .loss = {"mse", "mse"},
///         .loss_weights = {0.9, 0.1},
///         .optimizer = opt,
///         .metrics = {"mae"},                     // for every output
///     });                                          // logs: loss, main_output_loss, aux_output_mae, …
///
/// The loss is Σ loss_weight[i] · loss[i](y[i], output[i]) + Σ model.losses();
/// the logs add each output's unweighted loss and metrics under
/// "<output>_loss", "<output>_<metric>" (and "val_" + those), as Keras 2
/// names them. A model with one input and one output logs "loss" and the
/// metrics' names alone, as before.
///
/// Data-parallel across MPI ranks (xgrad/distributed), every rank runs the
/// same program on the same data with `.distributed = true`:
///
///     distributed::Session session(&argc, &argv);            // mpirun -np 4 ./train
///     History h = train::fit(model, x, y, {.optimizer = opt, .batch_size = 32, .distributed = true});
///
/// Rank 0's weights and buffers are broadcast first; each step every rank
/// takes its shard of a global batch of batch_size × size() samples (the
/// epoch's seeded order split as data::DataLoaderOptions::num_shards does),
/// the gradients are averaged weighted by the ranks' sample counts before
/// the optimizer step (clipping sees the averaged gradient), and the loss
/// and metrics are summed over ranks, so every rank gets the same logs and
/// History, which equal one process's on batches of batch_size × size()
/// (to float rounding) for models without batch statistics or with
/// synchronized batch normalization. Only rank 0 prints; callbacks run on
/// every rank (see TrainContext::rank). Every rank must load the same
/// checkpoint when resuming; a checkpoint holds no rank count, so it
/// resumes on any number of ranks.
#include <concepts>
#include <initializer_list>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "xgrad/train/data_parallel.hpp"
#include "xgrad/losses/losses.hpp"
#include "xgrad/losses/metrics.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/train/callbacks.hpp"
#include "xgrad/train/history.hpp"

namespace xgrad::train {

namespace detail {

/// ValueError: the keys of `what` are not the model's `names` (names the missing and unexpected ones).
[[noreturn]] void throw_name_mismatch(const std::string& what, const std::vector<std::string>& names,
                                      const std::vector<std::string>& keys);
/// ValueError: `what` has `given` values for a model with `expected`.
[[noreturn]] void throw_count_mismatch(const std::string& what, std::size_t expected, std::size_t given);

/// The values of a list (in order) or of a map (by `names`), checked
/// against the model's `names` (empty: one unnamed).
template <class T>
std::vector<T> in_name_order(const std::vector<T>& list, const std::map<std::string, T>& by_name, bool named,
                             const std::vector<std::string>& names, const std::string& what) {
    if (!named) {
        const std::size_t expected = names.empty() ? 1 : names.size();
        if (list.size() != expected) throw_count_mismatch(what, expected, list.size());
        return list;
    }
    std::vector<std::string> keys;
    for (const auto& entry : by_name) keys.push_back(entry.first);
    if (names.empty() || by_name.size() != names.size()) throw_name_mismatch(what, names, keys);
    std::vector<T> out;
    for (const std::string& name : names) {
        const auto it = by_name.find(name);
        if (it == by_name.end()) throw_name_mismatch(what, names, keys);
        out.push_back(it->second);
    }
    return out;
}

}  // namespace detail

/// What fit(), evaluate() and predict() feed to a model's inputs or compare
/// with its outputs (Keras' x and y): one tensor, a list in the model's
/// order, or a map by the model's input_names() / output_names().
class ModelTensors {
public:
    /// Nothing (an undefined y: predict's data).
    ModelTensors() = default;
    /// One tensor, for a model with one input (or output).
    ModelTensors(Tensor tensor) : list_{std::move(tensor)} {}
    /// One tensor per input (or output), in the model's order.
    ModelTensors(std::vector<Tensor> list) : list_(std::move(list)) {}
    /// One tensor per input (or output), in the model's order.
    ModelTensors(std::initializer_list<Tensor> list) : list_(list) {}
    /// One tensor per input (or output) name.
    ModelTensors(std::map<std::string, Tensor> by_name) : by_name_(std::move(by_name)), named_(true) {}
    /// One tensor per name, braced: `{{"wide", x_wide}, {"deep", x_deep}}`.
    ModelTensors(std::initializer_list<std::pair<const std::string, Tensor>> by_name)
        : by_name_(by_name), named_(true) {}

    /// The tensors in the order of `names` (empty `names`: the model has one
    /// unnamed input or output). ValueError naming `what` ("x", "y") and
    /// the missing and unexpected keys of a map, or the expected and given
    /// counts of a list.
    std::vector<Tensor> in_order(const std::vector<std::string>& names, const std::string& what) const {
        return detail::in_name_order(list_, by_name_, named_, names, what);
    }

private:
    std::vector<Tensor> list_;
    std::map<std::string, Tensor> by_name_;
    bool named_ = false;
};

/// A setting given once for every output of a model, once per output in
/// order, or by output name (Keras' loss and loss_weights).
template <class T> class PerOutput {
public:
    /// The same value for every output.
    template <class U>
        requires std::constructible_from<T, U&&> && (!std::same_as<std::decay_t<U>, PerOutput>)
    PerOutput(U&& value) : list_{T(std::forward<U>(value))}, for_all_(true) {}
    /// One value per output, in the model's order.
    PerOutput(std::initializer_list<T> list) : list_(list) {}
    /// One value per output, in the model's order.
    PerOutput(std::vector<T> list) : list_(std::move(list)) {}
    /// One value per output name; every output must be named.
    PerOutput(std::map<std::string, T> by_name) : by_name_(std::move(by_name)), named_(true) {}
    /// One value per output name, braced: `{{"main_output", 0.9}, {"aux_output", 0.1}}`.
    PerOutput(std::initializer_list<std::pair<const std::string, T>> by_name) : by_name_(by_name), named_(true) {}

    /// The value for each of `outputs` (their names; empty for one unnamed
    /// output). ValueError naming `what` and the missing or unexpected
    /// names, or the expected and given counts.
    std::vector<T> in_order(const std::vector<std::string>& outputs, const std::string& what) const {
        if (for_all_) return std::vector<T>(outputs.empty() ? 1 : outputs.size(), list_.front());
        return detail::in_name_order(list_, by_name_, named_, outputs, what);
    }
    /// The values given: one (for all outputs), a list, or by name (the keys).
    std::vector<T> values() const {
        if (!named_) return list_;
        std::vector<T> out;
        for (const auto& entry : by_name_) out.push_back(entry.second);
        return out;
    }

private:
    std::vector<T> list_;
    std::map<std::string, T> by_name_;
    bool for_all_ = false;
    bool named_ = false;
};

/// Options of fit(), named after Keras' Model.compile() and Model.fit() arguments.
struct FitOptions {
    /// Loss function or its Keras name; one for all outputs, or one per output.
    PerOutput<losses::Loss> loss = "mean_squared_error";
    /// Each output's weight in the total loss (Keras' loss_weights): one for
    /// all, one per output in order, or by output name.
    PerOutput<double> loss_weights = 1.0;
    std::shared_ptr<optim::Optimizer> optimizer;  ///< Required.
    /// Metrics of every output, reported under their names (and "val_" +
    /// name); with several outputs under "<output>_<name>".
    std::vector<metrics::Metric> metrics;
    /// More metrics for some outputs, by output name.
    std::map<std::string, std::vector<metrics::Metric>> output_metrics;
    int epochs = 1;                ///< Number of epochs (the last epoch + 1 when resuming, as Keras).
    std::int64_t batch_size = 32;  ///< Samples per batch (per rank when `distributed`).
    /// (x, y) evaluated after each epoch, giving "val_*" entries.
    std::optional<std::pair<ModelTensors, ModelTensors>> validation_data;
    /// Fraction of the samples held out for validation: the last ones, before
    /// shuffling (Keras). Ignored when validation_data is given.
    double validation_split = 0.0;
    /// Reshuffle the training samples every epoch (seeded: reproducible).
    /// fit batches through data::DataLoader, so epoch e's batches are those
    /// of DataLoader(Dataset(x, y), {batch_size, shuffle, seed}).epoch(e),
    /// the order a hand-written loop over that loader sees.
    bool shuffle = true;
    std::uint64_t seed = 42;  ///< Seed of the shuffling order.
    /// 0 silent, 1 progress bar (a live bar on a terminal, else a line per
    /// epoch), 2 one line per epoch.
    int verbose = 1;
    /// Called in order at each hook (see Callback).
    std::vector<CallbackPtr> callbacks;
    /// Epoch to start from (resuming); epochs is the last epoch + 1, as Keras.
    int initial_epoch = 0;
    /// Use only the first `limit_samples` training samples (0 = all): quick runs.
    std::int64_t limit_samples = 0;
    /// Where progress goes (stdout when null; rank 0 only when distributed).
    std::ostream* out = nullptr;
    /// How gradients travel between ranks when `distributed`.
    xgrad::distributed::GradientAveraging gradient_averaging{};
    /// Data-parallel over all ranks (see above); distributed::init() first.
    /// batch_size is then per rank, validation is sharded the same way.
    bool distributed = false;
};

/// Trains `model` on (x, y); returns the per-epoch History. x and y hold
/// one tensor per model input and output (see ModelTensors), all with the
/// same number of samples (ShapeError naming the two that differ).
History fit(nn::Module& model, const ModelTensors& x, const ModelTensors& y, FitOptions options);

/// Options of evaluate() (Keras' Model.evaluate() arguments).
struct EvaluateOptions {
    /// Loss function or its Keras name; one for all outputs, or one per output.
    PerOutput<losses::Loss> loss = "mean_squared_error";
    PerOutput<double> loss_weights = 1.0;               ///< As FitOptions::loss_weights.
    std::vector<metrics::Metric> metrics;                ///< Metrics of every output, as FitOptions::metrics.
    std::map<std::string, std::vector<metrics::Metric>> output_metrics;  ///< As FitOptions::output_metrics.
    std::int64_t batch_size = 32;               ///< Samples per batch (per rank when `distributed`).
    int verbose = 0;                            ///< 0 silent, else as FitOptions::verbose.
    std::ostream* out = nullptr;                ///< Where progress goes (stdout when null).
    /// Each rank evaluates its shard and the sums are combined: every rank
    /// gets the values over all of (x, y). Only rank 0 prints.
    bool distributed = false;
};

/// Loss (without regularization terms, as Keras reports it) and metrics over
/// all of (x, y) in inference mode, averaged over samples: {"loss": …, "accuracy": …}.
/// With several outputs, also each output's loss and metrics, named as fit() names them.
Logs evaluate(nn::Module& model, const ModelTensors& x, const ModelTensors& y, const EvaluateOptions& options);

/// The model's output for x in inference mode, in batches, concatenated
/// (a model with one input and one output).
Tensor predict(nn::Module& model, const Tensor& x, std::int64_t batch_size = 32);

/// Every output of the model for its inputs x (one tensor, a list or a map
/// by input name), in inference mode, in batches, each concatenated.
std::vector<Tensor> predict_outputs(nn::Module& model, const ModelTensors& x, std::int64_t batch_size = 32);

}  // namespace xgrad::train
