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
#include <iosfwd>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "xgrad/train/data_parallel.hpp"
#include "xgrad/losses/losses.hpp"
#include "xgrad/losses/metrics.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/train/callbacks.hpp"
#include "xgrad/train/history.hpp"

namespace xgrad::train {

/// Options of fit(), named after Keras' Model.compile() and Model.fit() arguments.
struct FitOptions {
    /// Loss function or its Keras name.
    losses::Loss loss = "mean_squared_error";
    std::shared_ptr<optim::Optimizer> optimizer;  ///< Required.
    /// Metrics reported in the logs under their names (and "val_" + name).
    std::vector<metrics::Metric> metrics;
    int epochs = 1;                ///< Number of epochs (the last epoch + 1 when resuming, as Keras).
    std::int64_t batch_size = 32;  ///< Samples per batch (per rank when `distributed`).
    /// (x, y) evaluated after each epoch, giving "val_*" entries.
    std::optional<std::pair<Tensor, Tensor>> validation_data;
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

/// Trains `model` on (x, y); returns the per-epoch History.
History fit(nn::Module& model, const Tensor& x, const Tensor& y, FitOptions options);

/// Options of evaluate() (Keras' Model.evaluate() arguments).
struct EvaluateOptions {
    losses::Loss loss = "mean_squared_error";  ///< Loss function or its Keras name.
    std::vector<metrics::Metric> metrics;       ///< Metrics reported under their names.
    std::int64_t batch_size = 32;               ///< Samples per batch (per rank when `distributed`).
    int verbose = 0;                            ///< 0 silent, else as FitOptions::verbose.
    std::ostream* out = nullptr;                ///< Where progress goes (stdout when null).
    /// Each rank evaluates its shard and the sums are combined: every rank
    /// gets the values over all of (x, y). Only rank 0 prints.
    bool distributed = false;
};

/// Loss (without regularization terms, as Keras reports it) and metrics over
/// all of (x, y) in inference mode, averaged over samples: {"loss": …, "accuracy": …}.
Logs evaluate(nn::Module& model, const Tensor& x, const Tensor& y, const EvaluateOptions& options);

/// The model's outputs for x in inference mode, in batches, concatenated.
Tensor predict(nn::Module& model, const Tensor& x, std::int64_t batch_size = 32);

}  // namespace xgrad::train
