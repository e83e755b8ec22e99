#include "xgrad/train/callbacks.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>

#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/optim/optimizer.hpp"

namespace xgrad::train {

namespace {

bool maximizes(const std::string& monitor, MonitorMode mode) {
    if (mode != MonitorMode::automatic) return mode == MonitorMode::max;
    // Keras' "auto": accuracies and AUCs go up, everything else down.
    return monitor.find("acc") != std::string::npos || monitor.find("auc") != std::string::npos;
}

double monitored(const Logs& logs, const std::string& monitor, const char* who) {
    const auto it = logs.find(monitor);
    if (it == logs.end()) {
        std::string known;
        for (const auto& [k, v] : logs) known += (known.empty() ? "" : ", ") + k;
        throw ValueError(std::string(who) + ": monitored value '" + monitor + "' is not in the logs (available: " +
                         known + ")");
    }
    return it->second;
}

}  // namespace

EarlyStopping::EarlyStopping(std::string monitor, double min_delta, int patience, bool restore_best_weights,
                             MonitorMode mode)
    : monitor_(std::move(monitor)), min_delta_(std::abs(min_delta)), patience_(patience),
      restore_best_weights_(restore_best_weights), maximize_(maximizes(monitor_, mode)),
      best_(maximize_ ? -INFINITY : INFINITY) {
    if (patience < 0) throw ValueError("EarlyStopping: patience must be >= 0");
}

void EarlyStopping::on_train_begin(TrainContext&) {
    wait_ = 0;
    best_ = maximize_ ? -INFINITY : INFINITY;
    best_epoch_ = stopped_epoch_ = -1;
    best_weights_.clear();
}

void EarlyStopping::on_epoch_end(int epoch, Logs& logs, TrainContext& ctx) {
    const double value = monitored(logs, monitor_, "EarlyStopping");
    const bool improved = maximize_ ? value - min_delta_ > best_ : value + min_delta_ < best_;
    if (improved) {
        best_ = value;
        best_epoch_ = epoch;
        wait_ = 0;
        if (restore_best_weights_) {
            NoGradGuard no_grad;
            best_weights_.clear();
            for (const Tensor& w : ctx.model.get_weights()) best_weights_.push_back(w.clone());
        }
        return;
    }
    // Keras counts the epoch first, then stops once wait reaches patience.
    if (++wait_ >= patience_ && epoch > 0) {
        stopped_epoch_ = epoch;
        ctx.stop_training = true;
    }
}

void EarlyStopping::on_train_end(TrainContext& ctx) {
    if (restore_best_weights_ && stopped_epoch_ >= 0 && !best_weights_.empty()) ctx.model.set_weights(best_weights_);
}

LearningRateScheduler::LearningRateScheduler(std::function<double(int, double)> schedule)
    : schedule_(std::move(schedule)) {
    if (!schedule_) throw ValueError("LearningRateScheduler: empty schedule");
}

void LearningRateScheduler::on_epoch_begin(int epoch, TrainContext& ctx) {
    const double lr = schedule_(epoch, ctx.optimizer.learning_rate());
    if (!std::isfinite(lr) || lr < 0)
        throw ValueError("LearningRateScheduler: the schedule returned " + std::to_string(lr) + " at epoch " +
                         std::to_string(epoch));
    ctx.optimizer.set_learning_rate(lr);
}

void LearningRateScheduler::on_epoch_end(int, Logs& logs, TrainContext& ctx) {
    logs["learning_rate"] = ctx.optimizer.learning_rate();
}

ReduceLROnPlateau::ReduceLROnPlateau(std::string monitor, optim::PlateauOptions options, MonitorMode mode)
    : monitor_(std::move(monitor)), options_(options) {
    options_.mode(maximizes(monitor_, mode) ? optim::PlateauOptions::Mode::max : optim::PlateauOptions::Mode::min);
}

void ReduceLROnPlateau::on_train_begin(TrainContext& ctx) {
    controller_ = std::make_unique<optim::PlateauController>(ctx.optimizer, options_);
}

void ReduceLROnPlateau::on_epoch_end(int, Logs& logs, TrainContext& ctx) {
    if (!controller_) on_train_begin(ctx);
    logs["learning_rate"] = ctx.optimizer.learning_rate();
    controller_->step(monitored(logs, monitor_, "ReduceLROnPlateau"));
}

CSVLogger::CSVLogger(std::string path, bool append) : path_(std::move(path)), append_(append) {}

void CSVLogger::on_train_begin(TrainContext& ctx) {
    if (ctx.rank != 0) return;
    header_written_ = append_ && std::ifstream(path_).good();
    if (!append_) {
        std::ofstream truncate(path_, std::ios::trunc);
        if (!truncate) throw IoError(path_ + ": cannot open for writing");
    }
}

void CSVLogger::on_epoch_end(int epoch, Logs& logs, TrainContext& ctx) {
    if (ctx.rank != 0) return;
    std::ofstream out(path_, std::ios::app);
    if (!out) throw IoError(path_ + ": cannot open for writing");
    if (!header_written_) {
        out << "epoch";
        for (const auto& [k, v] : logs) out << ',' << k;
        out << '\n';
        header_written_ = true;
    }
    out << epoch;
    char buf[64];
    for (const auto& [k, v] : logs) {
        std::snprintf(buf, sizeof buf, "%.17g", v);
        out << ',' << buf;
    }
    out << '\n';
    if (!out.flush()) throw IoError(path_ + ": write failed");
}

void TerminateOnNaN::on_batch_end(std::int64_t batch, const Logs& logs, TrainContext& ctx) {
    const auto it = logs.find("loss");
    if (it != logs.end() && !std::isfinite(it->second)) {
        if (ctx.rank == 0)
            std::fprintf(stderr, "Batch %lld: invalid loss, terminating training\n", static_cast<long long>(batch));
        terminated_ = true;
        ctx.stop_training = true;
    }
}

}  // namespace xgrad::train
