#pragma once
/// \file
/// Training checkpoints and the ModelCheckpoint callback.
///
/// A checkpoint is one safetensors file (io/safetensors.hpp) holding
///   "model/<name>"      the model's weights and buffers (Module::state_dict),
///   "optimizer/<key>"   the optimizer's state (Optimizer::state_dict: iterations, moments, …),
///   "rng/state"         the generator's xoshiro state (4 × uint64 stored as I64),
///   "rng/spare"         [has_spare, spare] as F64 (the cached Box–Muller normal),
/// and __metadata__ {"xgrad.checkpoint.epoch": epochs completed, "xgrad.checkpoint.step": optimizer iterations}.
/// Restoring all of them and calling fit() with initial_epoch = epoch (same
/// seed) ends with weights bit-identical to an uninterrupted run:
///
///     train::save_checkpoint("ckpt.safetensors", model, *opt, /*epoch=*/2);
///     …                                             // later, in a fresh process
///     int epoch = train::load_checkpoint("ckpt.safetensors", model, *opt);
///     train::fit(model, x, y, {.optimizer = opt, .epochs = 4, .initial_epoch = epoch});
#include <limits>
#include <string>
#include <vector>

#include "xgrad/core/random.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/optim/optimizer.hpp"
#include "xgrad/train/callbacks.hpp"

namespace xgrad::train {

/// Writes model weights, optimizer state, `epoch` (epochs completed) and
/// `gen`'s state to `path`, atomically (IoError on failure).
void save_checkpoint(const std::string& path, const nn::Module& model, const optim::Optimizer& optimizer, int epoch,
                     const Generator& gen = default_generator());
/// Restores what save_checkpoint() wrote into `model` (built, same
/// architecture), `optimizer` and `gen`; returns the epoch to resume from.
/// IoError naming the file for a malformed or mismatched checkpoint.
int load_checkpoint(const std::string& path, nn::Module& model, optim::Optimizer& optimizer,
                    Generator& gen = default_generator());

/// Keras' ModelCheckpoint: saves after each epoch to `filepath`, in which
/// "{epoch}" is replaced by the 1-based epoch number. save_best_only: only
/// when `monitor` improved (mode automatic: max for names containing "acc",
/// else min). save_weights_only: io::save_weights, else the full model
/// (io::save). A missing monitored value with save_best_only skips the save.
class ModelCheckpoint : public Callback {
public:
    /// `filepath` may contain "{epoch}"; the options below are set by chaining.
    explicit ModelCheckpoint(std::string filepath) : filepath_(std::move(filepath)) {}
    /// Logged value to compare; default "val_loss".
    ModelCheckpoint& monitor(std::string name) { return monitor_ = std::move(name), *this; }
    /// Save only on improvement; default false.
    ModelCheckpoint& save_best_only(bool on) { return save_best_only_ = on, *this; }
    /// Weights only, not the full model; default false.
    ModelCheckpoint& save_weights_only(bool on) { return save_weights_only_ = on, *this; }
    /// Whether lower or higher is better; default automatic.
    ModelCheckpoint& mode(MonitorMode m) { return mode_ = m, *this; }

    void on_epoch_end(int epoch, Logs& logs, TrainContext& ctx) override;
    /// The best monitored value so far (NaN before the first).
    double best() const noexcept { return best_; }
    /// Files written, in order (none on ranks other than 0).
    const std::vector<std::string>& saved() const noexcept { return saved_; }

private:
    std::string filepath_;
    std::string monitor_ = "val_loss";
    bool save_best_only_ = false;
    bool save_weights_only_ = false;
    MonitorMode mode_ = MonitorMode::automatic;
    double best_ = std::numeric_limits<double>::quiet_NaN();
    std::vector<std::string> saved_;
};

}  // namespace xgrad::train
