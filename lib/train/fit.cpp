#include "xgrad/train/fit.hpp"

#include <cmath>
#include <iostream>

#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/data/loader.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/shape_ops.hpp"
#include "xgrad/optim/optimizer.hpp"
#include "xgrad/train/progress.hpp"

namespace xgrad::train {

namespace {

void check_pair(const char* op, const Tensor& x, const Tensor& y) {
    if (x.rank() == 0 || y.rank() == 0 || x.size(0) != y.size(0)) {
        throw ShapeError(std::string(op) + ": x " + to_string(x.shape()) + " and y " + to_string(y.shape()) +
                         " must have the same number of samples (first dimension)");
    }
}

/// The one batching path of fit, evaluate and predict.
data::DataLoader batches(const Tensor& x, const Tensor& y, std::int64_t batch_size, bool shuffle = false,
                         std::uint64_t seed = 0) {
    return data::DataLoader(data::Dataset(x, y), {.batch_size = batch_size, .shuffle = shuffle, .seed = seed});
}

/// Running per-sample averages of the loss and each metric over one pass.
class Averages {
public:
    explicit Averages(const std::vector<metrics::Metric>& metrics) : metrics_(metrics), means_(metrics.size()) {}
    void add(double loss, const Tensor& y_true, const Tensor& y_pred, std::int64_t n) {
        loss_.update(loss, static_cast<double>(n));
        for (std::size_t i = 0; i < metrics_.size(); ++i)
            means_[i].update(metrics_[i](y_true, y_pred).item(), static_cast<double>(n));
    }
    Logs logs(const std::string& prefix = "") const {
        Logs out{{prefix + "loss", loss_.result()}};
        for (std::size_t i = 0; i < metrics_.size(); ++i) out[prefix + metrics_[i].name()] = means_[i].result();
        return out;
    }

private:
    const std::vector<metrics::Metric>& metrics_;
    metrics::Mean loss_;
    std::vector<metrics::Mean> means_;
};

Logs evaluate_pass(nn::Module& model, const data::DataLoader& loader, const losses::Loss& loss,
                   const std::vector<metrics::Metric>& metrics, ProgressBar* bar) {
    NoGradGuard no_grad;
    Averages avg(metrics);
    std::int64_t step = 0;
    for (const data::Batch& b : loader.epoch(0)) {
        const Tensor pred = model(b.x, false);
        avg.add(loss(b.y, pred).item(), b.y, pred, b.size());
        if (bar) bar->update(++step, avg.logs());
    }
    return avg.logs();
}

}  // namespace

History fit(nn::Module& model, const Tensor& x_all, const Tensor& y_all, FitOptions options) {
    if (!options.optimizer) throw ValueError("fit: an optimizer is required (FitOptions::optimizer)");
    if (options.batch_size <= 0) throw ValueError("fit: batch_size must be positive");
    if (options.epochs < options.initial_epoch) throw ValueError("fit: epochs must be >= initial_epoch");
    if (options.validation_split < 0 || options.validation_split >= 1)
        throw ValueError("fit: validation_split must be in [0, 1)");
    check_pair("fit", x_all, y_all);
    std::ostream& out = options.out ? *options.out : std::cout;

    Tensor x = x_all, y = y_all;
    if (options.limit_samples > 0 && options.limit_samples < x.size(0)) {
        x = slice(x, 0, 0, options.limit_samples);
        y = slice(y, 0, 0, options.limit_samples);
    }
    std::optional<std::pair<Tensor, Tensor>> validation = options.validation_data;
    if (validation) {
        check_pair("fit (validation_data)", validation->first, validation->second);
    } else if (options.validation_split > 0) {
        // Keras: the last fraction of the samples, taken before shuffling.
        const auto split_at = static_cast<std::int64_t>(std::floor(static_cast<double>(x.size(0)) *
                                                                   (1.0 - options.validation_split)));
        validation = {{slice(x, 0, split_at, x.size(0)), slice(y, 0, split_at, y.size(0))}};
        x = slice(x, 0, 0, split_at);
        y = slice(y, 0, 0, split_at);
    }
    if (x.size(0) == 0) throw ValueError("fit: no training samples");
    // Epoch e's order depends only on (seed, e), as for a hand-written loop
    // over the same DataLoader, so a run resumed at initial_epoch sees what
    // an uninterrupted run saw.
    const data::DataLoader loader = batches(x, y, options.batch_size, options.shuffle, options.seed);
    const std::int64_t steps = loader.num_batches();
    std::optional<data::DataLoader> validation_loader;
    if (validation) validation_loader.emplace(batches(validation->first, validation->second, options.batch_size));

    optim::Optimizer& optimizer = *options.optimizer;
    TrainContext ctx{model, optimizer, options.epochs, steps};
    History history;
    for (const CallbackPtr& cb : options.callbacks) cb->on_train_begin(ctx);
    for (int epoch = options.initial_epoch; epoch < options.epochs && !ctx.stop_training; ++epoch) {
        for (const CallbackPtr& cb : options.callbacks) cb->on_epoch_begin(epoch, ctx);
        if (options.verbose > 0) out << "Epoch " << epoch + 1 << "/" << options.epochs << "\n";
        ProgressBar bar(out, steps, options.verbose == 1 && !options.out && stdout_is_terminal());
        model.train();
        Averages avg(options.metrics);
        const data::Epoch batches_of_epoch = loader.epoch(epoch);
        for (auto it = batches_of_epoch.begin(); it != batches_of_epoch.end(); ++it) {
            const std::int64_t b = it.index();
            const Tensor& xb = it->x;
            const Tensor& yb = it->y;
            for (const CallbackPtr& cb : options.callbacks) cb->on_batch_begin(b, ctx);
            const Tensor pred = model(xb, true);
            Tensor loss = options.loss(yb, pred);
            for (const Tensor& penalty : model.losses()) loss = loss + penalty.to(loss.dtype());
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            {
                NoGradGuard no_grad;
                avg.add(loss.item(), yb, pred.detach(), it->size());
            }
            const Logs running = avg.logs();
            if (options.verbose == 1) bar.update(b + 1, running);
            for (const CallbackPtr& cb : options.callbacks) cb->on_batch_end(b, running, ctx);
            if (ctx.stop_training) break;
        }
        Logs logs = avg.logs();
        if (validation) {
            for (const auto& [k, v] : evaluate_pass(model, *validation_loader, options.loss, options.metrics, nullptr))
                logs["val_" + k] = v;
        }
        for (const CallbackPtr& cb : options.callbacks) cb->on_epoch_end(epoch, logs, ctx);
        if (options.verbose > 0) bar.finish(logs);
        history.append(epoch, logs);
    }
    for (const CallbackPtr& cb : options.callbacks) cb->on_train_end(ctx);
    return history;
}

Logs evaluate(nn::Module& model, const Tensor& x, const Tensor& y, const EvaluateOptions& options) {
    check_pair("evaluate", x, y);
    if (options.batch_size <= 0) throw ValueError("evaluate: batch_size must be positive");
    std::ostream& out = options.out ? *options.out : std::cout;
    const data::DataLoader loader = batches(x, y, options.batch_size);
    ProgressBar bar(out, loader.num_batches(), options.verbose == 1 && !options.out && stdout_is_terminal());
    const Logs logs = evaluate_pass(model, loader, options.loss, options.metrics, options.verbose > 0 ? &bar : nullptr);
    if (options.verbose > 0) bar.finish(logs);
    return logs;
}

Tensor predict(nn::Module& model, const Tensor& x, std::int64_t batch_size) {
    if (batch_size <= 0) throw ValueError("predict: batch_size must be positive");
    if (x.rank() == 0) throw ShapeError("predict: x must have a batch dimension, got a scalar");
    NoGradGuard no_grad;
    std::vector<Tensor> outputs;
    for (const data::Batch& b : batches(x, Tensor(), batch_size).epoch(0)) outputs.push_back(model(b.x, false));
    if (outputs.empty()) throw ValueError("predict: x has no samples");
    return outputs.size() == 1 ? outputs[0] : concat(outputs, 0);
}

}  // namespace xgrad::train
