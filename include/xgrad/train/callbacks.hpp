#pragma once
/// \file
/// Callbacks hook into fit(): at the start and end of training, of each epoch
/// and of each batch. `logs` maps "loss", metric names and "val_*" to values.
/// Derive from Callback for your own; the built-ins follow Keras' defaults.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "xgrad/core/tensor.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/optim/plateau.hpp"

namespace xgrad::train {

/// Named values of an epoch or batch: "loss", metric names and "val_*".
using Logs = std::map<std::string, double>;

/// What a callback can see and change while fit() runs.
struct TrainContext {
    nn::Module& model;            ///< The model being trained.
    optim::Optimizer& optimizer;  ///< The optimizer stepping the model's parameters.
    int epochs;                   ///< Total requested.
    std::int64_t steps_per_epoch; ///< Batches per epoch.
    bool stop_training = false;   ///< Set to end fit() after the current epoch (or batch).
    /// This process's rank and the number of ranks in a distributed fit()
    /// (0 and 1 otherwise). Every rank runs the callbacks with the same logs;
    /// those that write files or print (ModelCheckpoint, CSVLogger,
    /// TerminateOnNaN) do so on rank 0 only, and a stop asked for on any
    /// rank stops them all.
    int rank = 0;
    int world_size = 1;  ///< Number of ranks (1 outside a distributed fit()).
};

/// Base class of fit()'s callbacks (Keras' keras.callbacks.Callback); every
/// hook does nothing unless overridden.
class Callback {
public:
    virtual ~Callback() = default;
    /// Once, before the first epoch.
    virtual void on_train_begin(TrainContext&) {}
    /// Once, after the last epoch (or after training was stopped).
    virtual void on_train_end(TrainContext&) {}
    /// At the start of each epoch (`epoch` is 0-based).
    virtual void on_epoch_begin(int /*epoch*/, TrainContext&) {}
    /// `logs` holds the epoch's training and validation values; a callback
    /// may add entries (e.g. "learning_rate") that History records.
    virtual void on_epoch_end(int /*epoch*/, Logs& /*logs*/, TrainContext&) {}
    /// Before the batch's forward pass (`batch` counts from 0 in each epoch).
    virtual void on_batch_begin(std::int64_t /*batch*/, TrainContext&) {}
    /// After the optimizer step; the gradients are still in .grad().
    virtual void on_batch_end(std::int64_t /*batch*/, const Logs& /*logs*/, TrainContext&) {}
};

/// How FitOptions holds callbacks: shared, so the caller can keep one and
/// inspect it after fit().
using CallbackPtr = std::shared_ptr<Callback>;

/// "min" for losses, "max" for accuracies; "auto" decides by the name.
enum class MonitorMode { automatic, min, max };

/// Stops when `monitor` has not improved by more than min_delta for
/// `patience` epochs (Keras: monitor val_loss, min_delta 0, patience 0,
/// restore_best_weights false).
class EarlyStopping : public Callback {
public:
    /// Throws ValueError if patience is negative; the sign of min_delta is ignored.
    explicit EarlyStopping(std::string monitor = "val_loss", double min_delta = 0.0, int patience = 0,
                           bool restore_best_weights = false, MonitorMode mode = MonitorMode::automatic);
    /// Resets the wait count, the best value and the saved weights.
    void on_train_begin(TrainContext& ctx) override;
    void on_epoch_end(int epoch, Logs& logs, TrainContext& ctx) override;
    /// Restores the best epoch's weights if restore_best_weights is set and training was stopped early.
    void on_train_end(TrainContext& ctx) override;
    /// The epoch training stopped at (−1 when it ran to the end).
    int stopped_epoch() const noexcept { return stopped_epoch_; }
    /// The epoch with the best monitored value so far (−1 before any).
    int best_epoch() const noexcept { return best_epoch_; }

private:
    std::string monitor_;
    double min_delta_;
    int patience_;
    bool restore_best_weights_;
    bool maximize_;
    double best_;
    int wait_ = 0;
    int best_epoch_ = -1;
    int stopped_epoch_ = -1;
    std::vector<Tensor> best_weights_;
};

/// Sets the learning rate at each epoch start to schedule(epoch, current lr)
/// and records "learning_rate" in the logs.
class LearningRateScheduler : public Callback {
public:
    /// Throws ValueError if `schedule` is empty.
    explicit LearningRateScheduler(std::function<double(int epoch, double lr)> schedule);
    /// Sets the optimizer's learning rate; throws ValueError if the schedule returns a negative or non-finite rate.
    void on_epoch_begin(int epoch, TrainContext& ctx) override;
    void on_epoch_end(int epoch, Logs& logs, TrainContext& ctx) override;

private:
    std::function<double(int, double)> schedule_;
};

/// Keras' ReduceLROnPlateau: the optimizer's PlateauController driven by `monitor` each
/// epoch (Keras: val_loss, factor 0.1, patience 10, min_delta 1e-4, cooldown
/// 0, min_lr 0; mode from the name unless set: "acc" → max). Records
/// "learning_rate" in the logs.
class ReduceLROnPlateau : public Callback {
public:
    /// `options` gives factor, patience etc.; its mode is replaced by `mode`.
    explicit ReduceLROnPlateau(std::string monitor = "val_loss", optim::PlateauOptions options = {},
                               MonitorMode mode = MonitorMode::automatic);
    /// Starts a fresh PlateauController on the context's optimizer.
    void on_train_begin(TrainContext& ctx) override;
    void on_epoch_end(int epoch, Logs& logs, TrainContext& ctx) override;

private:
    std::string monitor_;
    optim::PlateauOptions options_;
    std::unique_ptr<optim::PlateauController> controller_;
};

/// Appends one CSV row per epoch to `path` (header first), as Keras' CSVLogger.
class CSVLogger : public Callback {
public:
    /// With `append`, adds to an existing file (without repeating its header) instead of truncating it.
    explicit CSVLogger(std::string path, bool append = false);
    /// Truncates the file unless appending (rank 0 only); throws IoError if it cannot be opened.
    void on_train_begin(TrainContext& ctx) override;
    void on_epoch_end(int epoch, Logs& logs, TrainContext& ctx) override;

private:
    std::string path_;
    bool append_;
    bool header_written_ = false;
};

/// Stops training at the first batch whose loss is NaN or infinite.
class TerminateOnNaN : public Callback {
public:
    void on_batch_end(std::int64_t batch, const Logs& logs, TrainContext& ctx) override;
    /// Whether this callback stopped training because of a NaN or infinite loss.
    bool terminated() const noexcept { return terminated_; }

private:
    bool terminated_ = false;
};

/// A callback from lambdas (any may be empty).
class LambdaCallback : public Callback {
public:
    std::function<void(int, TrainContext&)> epoch_begin;                      ///< Called by on_epoch_begin().
    std::function<void(int, Logs&, TrainContext&)> epoch_end;                 ///< Called by on_epoch_end().
    std::function<void(std::int64_t, TrainContext&)> batch_begin;             ///< Called by on_batch_begin().
    std::function<void(std::int64_t, const Logs&, TrainContext&)> batch_end;  ///< Called by on_batch_end().
    /// Calls epoch_begin if set (likewise for the other hooks).
    void on_epoch_begin(int epoch, TrainContext& ctx) override {
        if (epoch_begin) epoch_begin(epoch, ctx);
    }
    void on_epoch_end(int epoch, Logs& logs, TrainContext& ctx) override {
        if (epoch_end) epoch_end(epoch, logs, ctx);
    }
    void on_batch_begin(std::int64_t batch, TrainContext& ctx) override {
        if (batch_begin) batch_begin(batch, ctx);
    }
    void on_batch_end(std::int64_t batch, const Logs& logs, TrainContext& ctx) override {
        if (batch_end) batch_end(batch, logs, ctx);
    }
};

}  // namespace xgrad::train
