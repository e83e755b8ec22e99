#pragma once
/// \file
/// PlateauController: Keras' ReduceLROnPlateau as a controller (train::ReduceLROnPlateau
/// is the callback that drives it from fit()): the caller passes the monitored value
/// (e.g. the validation loss) once per epoch; when it has not improved for
/// `patience` epochs the optimizer's learning rate is multiplied by `factor`.
/// Keras semantics and defaults (keras/src/callbacks/reduce_lr_on_plateau.py):
/// factor 0.1, patience 10, min_delta 1e-4 (absolute), cooldown 0, min_lr 0.
///
///     optim::PlateauController plateau(opt, optim::PlateauOptions().patience(5));
///     for (int epoch = 0; epoch < epochs; ++epoch) {
///         train_one_epoch();
///         plateau.step(validation_loss());   // true when it just reduced the learning rate
///     }
///
/// Each call: while cooling down, count down and reset the wait; an
/// improvement (min: value < best − min_delta; max: value > best + min_delta)
/// becomes the new best and resets the wait; otherwise, when not cooling down,
/// wait + 1 and once wait ≥ patience and lr > min_lr: lr ← max(lr·factor,
/// min_lr), start the cooldown, reset the wait. The optimizer's learning rate
/// must be a number (a Schedule cannot be rescaled: ValueError from the optimizer).
/// PyTorch's ReduceLROnPlateau: same defaults except min_delta ("threshold")
/// 1e-4 relative by default, eps 1e-8 (skips tiny changes); it scales each group's lr.
#include <cstdint>

namespace xgrad::optim {

class Optimizer;

/// Options of PlateauController (and train::ReduceLROnPlateau), with Keras' defaults.
class PlateauOptions {
public:
    /// Whether the monitored value improves by going down (min: losses) or up (max: accuracies).
    enum class Mode { min, max };
    /// The learning rate's multiplier at each reduction, in (0, 1) (default 0.1).
    PlateauOptions& factor(double f) { return factor_ = f, *this; }
    /// The multiplier at each reduction (default 0.1).
    double factor() const noexcept { return factor_; }
    /// Epochs without improvement before a reduction, ≥ 0 (default 10).
    PlateauOptions& patience(int p) { return patience_ = p, *this; }
    /// Epochs without improvement before a reduction (default 10).
    int patience() const noexcept { return patience_; }
    /// The absolute change that counts as an improvement (default 1e-4).
    PlateauOptions& min_delta(double d) { return min_delta_ = d, *this; }
    /// The smallest improvement, absolute (default 1e-4).
    double min_delta() const noexcept { return min_delta_; }
    /// Epochs to wait after a reduction before counting again, ≥ 0 (default 0).
    PlateauOptions& cooldown(int c) { return cooldown_ = c, *this; }
    /// Epochs of cooldown after a reduction (default 0).
    int cooldown() const noexcept { return cooldown_; }
    /// The floor below which the learning rate is never reduced (default 0).
    PlateauOptions& min_lr(double lr) { return min_lr_ = lr, *this; }
    /// The learning rate's floor (default 0).
    double min_lr() const noexcept { return min_lr_; }
    /// min for losses (default), max for accuracies.
    PlateauOptions& mode(Mode m) { return mode_ = m, *this; }
    /// Whether lower (min, the default) or higher (max) values are better.
    Mode mode() const noexcept { return mode_; }

private:
    double factor_ = 0.1;
    int patience_ = 10;
    double min_delta_ = 1e-4;
    int cooldown_ = 0;
    double min_lr_ = 0.0;
    Mode mode_ = Mode::min;
};

/// Keras' ReduceLROnPlateau logic for one optimizer, stepped once per epoch
/// (see the file comment).
class PlateauController {
public:
    /// Controls `optimizer`'s learning rate (the optimizer must outlive this).
    /// ValueError unless 0 < factor < 1, patience ≥ 0, cooldown ≥ 0.
    explicit PlateauController(Optimizer& optimizer, PlateauOptions options = {});
    /// Feeds one epoch's monitored value; returns true when it reduced the learning rate.
    bool step(double value);
    /// Forgets the best value, the wait and the cooldown (Keras' on_train_begin).
    void reset();

    /// The best monitored value so far (+∞ for min, −∞ for max until the first step).
    double best() const noexcept { return best_; }
    /// Epochs without improvement counted toward patience (reset by an
    /// improvement, a reduction and the cooldown).
    int wait() const noexcept { return wait_; }
    /// Epochs of cooldown left; no reduction while it is > 0.
    int cooldown_counter() const noexcept { return cooldown_counter_; }
    /// The options it was built with.
    const PlateauOptions& options() const noexcept { return options_; }

private:
    Optimizer* optimizer_;
    PlateauOptions options_;
    double best_ = 0.0;
    int wait_ = 0;
    int cooldown_counter_ = 0;
};

}  // namespace xgrad::optim
