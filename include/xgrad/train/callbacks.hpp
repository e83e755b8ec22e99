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

using Logs = std::map<std::string, double>;

/// What a callback can see and change while fit() runs.
struct TrainContext {
    nn::Module& model;
    optim::Optimizer& optimizer;
    int epochs;                  // total requested
    std::int64_t steps_per_epoch;
    bool stop_training = false;  // set to end fit() after the current epoch (or batch)
    /// This process's rank and the number of ranks in a distributed fit()
    /// (0 and 1 otherwise). Every rank runs the callbacks with the same logs;
    /// those that write files or print (ModelCheckpoint, CSVLogger,
    /// TerminateOnNaN) do so on rank 0 only, and a stop asked for on any
    /// rank stops them all.
    int rank = 0;
    int world_size = 1;
};

class Callback {
public:
    virtual ~Callback() = default;
    virtual void on_train_begin(TrainContext&) {}
    virtual void on_train_end(TrainContext&) {}
    virtual void on_epoch_begin(int /*epoch*/, TrainContext&) {}
    /// `logs` holds the epoch's training and validation values; a callback
    /// may add entries (e.g. "learning_rate") that History records.
    virtual void on_epoch_end(int /*epoch*/, Logs& /*logs*/, TrainContext&) {}
    /// Before the batch's forward pass (`batch` counts from 0 in each epoch).
    virtual void on_batch_begin(std::int64_t /*batch*/, TrainContext&) {}
    /// After the optimizer step; the gradients are still in .grad().
    virtual void on_batch_end(std::int64_t /*batch*/, const Logs& /*logs*/, TrainContext&) {}
};

using CallbackPtr = std::shared_ptr<Callback>;

/// "min" for losses, "max" for accuracies; "auto" decides by the name.
enum class MonitorMode { automatic, min, max };

/// Stops when `monitor` has not improved by more than min_delta for
/// `patience` epochs (Keras: monitor val_loss, min_delta 0, patience 0,
/// restore_best_weights false).
class EarlyStopping : public Callback {
public:
    explicit EarlyStopping(std::string monitor = "val_loss", double min_delta = 0.0, int patience = 0,
                           bool restore_best_weights = false, MonitorMode mode = MonitorMode::automatic);
    void on_train_begin(TrainContext& ctx) override;
    void on_epoch_end(int epoch, Logs& logs, TrainContext& ctx) override;
    void on_train_end(TrainContext& ctx) override;
    /// The epoch training stopped at (−1 when it ran to the end).
    int stopped_epoch() const noexcept { return stopped_epoch_; }
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
    explicit LearningRateScheduler(std::function<double(int epoch, double lr)> schedule);
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
    explicit ReduceLROnPlateau(std::string monitor = "val_loss", optim::PlateauOptions options = {},
                               MonitorMode mode = MonitorMode::automatic);
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
    explicit CSVLogger(std::string path, bool append = false);
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
    bool terminated() const noexcept { return terminated_; }

private:
    bool terminated_ = false;
};

/// A callback from lambdas (any may be empty).
class LambdaCallback : public Callback {
public:
    std::function<void(int, TrainContext&)> epoch_begin;
    std::function<void(int, Logs&, TrainContext&)> epoch_end;
    std::function<void(std::int64_t, TrainContext&)> batch_begin;
    std::function<void(std::int64_t, const Logs&, TrainContext&)> batch_end;
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
