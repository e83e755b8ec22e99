#include "xgrad/train/fit.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <span>

#include "train/rank_agreement.hpp"
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

/// This process's place in a distributed pass (0 of 1 otherwise).
struct Ranks {
    int rank = 0;
    int size = 1;
    bool distributed = false;
};

Ranks ranks(bool distributed) {
    if (!distributed) return {};
    return {distributed::rank(), distributed::size(), true};
}

/// The one batching path of fit, evaluate and predict: whole batches, or
/// when distributed this rank's shard of every global batch.
data::DataLoader batches(const Tensor& x, const Tensor& y, std::int64_t batch_size, bool shuffle = false,
                         std::uint64_t seed = 0, Ranks r = {}) {
    return data::DataLoader(data::Dataset(x, y), {.batch_size = batch_size, .shuffle = shuffle, .seed = seed,
                                                  .num_shards = r.size, .shard = r.rank});
}

/// Additive totals over a pass: [samples, loss·n, then each metric's
/// Metric::accumulate() totals]. Summed over the ranks of a distributed pass,
/// they give every rank the values over all samples.
class Totals {
public:
    explicit Totals(const std::vector<metrics::Metric>& metrics) : metrics_(metrics), offsets_{2} {
        for (const metrics::Metric& m : metrics) offsets_.push_back(offsets_.back() + m.state_size());
        sums_.resize(offsets_.back());
    }
    /// A batch of n samples whose mean loss is `loss`.
    void add(double loss, const Tensor& y_true, const Tensor& y_pred, std::int64_t n) {
        const auto w = static_cast<double>(n);
        sums_[0] += w;
        sums_[1] += loss * w;
        for (std::size_t i = 0; i < metrics_.size(); ++i) metrics_[i].accumulate(totals(i), y_true, y_pred, w);
    }
    void add(const Totals& other) {
        for (std::size_t i = 0; i < sums_.size(); ++i) sums_[i] += other.sums_[i];
    }
    /// Replaces the sums by their totals over all ranks (every rank calls it).
    void all_reduce() {
        Tensor t = from_vector(sums_, {static_cast<std::int64_t>(sums_.size())});
        distributed::all_reduce(t);
        std::copy_n(t.data<double>(), sums_.size(), sums_.begin());
    }
    Logs logs(const std::string& prefix = "") const {
        const double n = sums_[0];
        Logs out{{prefix + "loss", n > 0 ? sums_[1] / n : 0.0}};
        for (std::size_t i = 0; i < metrics_.size(); ++i) {
            out[prefix + metrics_[i].name()] =
                metrics_[i].result(std::span<const double>(sums_).subspan(offsets_[i], metrics_[i].state_size()));
        }
        return out;
    }

private:
    std::span<double> totals(std::size_t i) {
        return std::span<double>(sums_).subspan(offsets_[i], metrics_[i].state_size());
    }

    const std::vector<metrics::Metric>& metrics_;
    std::vector<std::size_t> offsets_;
    std::vector<double> sums_;
};

Logs evaluate_pass(nn::Module& model, const data::DataLoader& loader, const losses::Loss& loss,
                   const std::vector<metrics::Metric>& metrics, ProgressBar* bar, bool distributed) {
    NoGradGuard no_grad;
    Totals totals(metrics);
    std::int64_t step = 0;
    for (const data::Batch& b : loader.epoch(0)) {
        if (b.size() > 0) {
            const Tensor pred = model(b.x, false);
            totals.add(loss(b.y, pred).item(), b.y, pred, b.size());
        }
        if (bar) bar->update(++step, totals.logs());
    }
    if (distributed) totals.all_reduce();
    return totals.logs();
}

/// Whether any rank asked to stop (every rank calls it when distributed).
bool any_rank(bool stop, bool distributed) {
    if (!distributed) return stop;
    Tensor flag = scalar(stop ? 1.0 : 0.0, float64);
    distributed::all_reduce(flag);
    return flag.item() > 0;
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
    const Ranks r = ranks(options.distributed);
    const int verbose = r.rank == 0 ? options.verbose : 0;
    if (r.distributed) {
        // Every rank builds the same structure, then takes rank 0's weights.
        Shape input_shape = x.shape();
        input_shape[0] = -1;
        model.ensure_built(input_shape);
        detail::check_fit_ranks_agree(model, options, x, y, validation);
        distributed::broadcast_parameters(model);
    }
    // Epoch e's order depends only on (seed, e), as for a hand-written loop
    // over the same DataLoader, so a run resumed at initial_epoch sees what
    // an uninterrupted run saw.
    const data::DataLoader loader = batches(x, y, options.batch_size, options.shuffle, options.seed, r);
    const std::int64_t steps = loader.num_batches();
    std::optional<data::DataLoader> validation_loader;
    if (validation)
        validation_loader.emplace(batches(validation->first, validation->second, options.batch_size, false, 0, r));

    optim::Optimizer& optimizer = *options.optimizer;
    TrainContext ctx{model, optimizer, options.epochs, steps};
    ctx.rank = r.rank;
    ctx.world_size = r.size;
    History history;
    for (const CallbackPtr& cb : options.callbacks) cb->on_train_begin(ctx);
    for (int epoch = options.initial_epoch; epoch < options.epochs && !ctx.stop_training; ++epoch) {
        for (const CallbackPtr& cb : options.callbacks) cb->on_epoch_begin(epoch, ctx);
        if (verbose > 0) out << "Epoch " << epoch + 1 << "/" << options.epochs << "\n";
        ProgressBar bar(out, steps, verbose == 1 && !options.out && stdout_is_terminal());
        model.train();
        Totals totals(options.metrics);
        const data::Epoch batches_of_epoch = loader.epoch(epoch);
        for (auto it = batches_of_epoch.begin(); it != batches_of_epoch.end(); ++it) {
            const std::int64_t b = it.index();
            const std::int64_t n = it->size();
            for (const CallbackPtr& cb : options.callbacks) cb->on_batch_begin(b, ctx);
            Totals step_totals(options.metrics);
            optimizer.zero_grad();
            // A rank whose shard of the last global batch is empty still runs
            // forward and backward, for the collectives of synchronized batch
            // normalization; its gradients carry weight 0 in the averaging.
            const Tensor pred = model(it->x, true);
            Tensor loss = options.loss(it->y, pred);
            for (const Tensor& penalty : model.losses()) loss = loss + penalty.to(loss.dtype());
            loss.backward();
            if (n > 0) {
                NoGradGuard no_grad;
                step_totals.add(loss.item(), it->y, pred.detach(), n);
            }
            if (r.distributed) {
                distributed::average_gradients(model, n, options.gradient_averaging);
                step_totals.all_reduce();
            }
            optimizer.step();
            totals.add(step_totals);
            const Logs running = totals.logs();
            if (verbose == 1) bar.update(b + 1, running);
            for (const CallbackPtr& cb : options.callbacks) cb->on_batch_end(b, running, ctx);
            ctx.stop_training = any_rank(ctx.stop_training, r.distributed);
            if (ctx.stop_training) break;
        }
        Logs logs = totals.logs();
        if (validation) {
            for (const auto& [k, v] :
                 evaluate_pass(model, *validation_loader, options.loss, options.metrics, nullptr, r.distributed))
                logs["val_" + k] = v;
        }
        for (const CallbackPtr& cb : options.callbacks) cb->on_epoch_end(epoch, logs, ctx);
        ctx.stop_training = any_rank(ctx.stop_training, r.distributed);
        if (verbose > 0) bar.finish(logs);
        history.append(epoch, logs);
    }
    for (const CallbackPtr& cb : options.callbacks) cb->on_train_end(ctx);
    return history;
}

Logs evaluate(nn::Module& model, const Tensor& x, const Tensor& y, const EvaluateOptions& options) {
    check_pair("evaluate", x, y);
    if (options.batch_size <= 0) throw ValueError("evaluate: batch_size must be positive");
    std::ostream& out = options.out ? *options.out : std::cout;
    const Ranks r = ranks(options.distributed);
    if (r.distributed) detail::check_evaluate_ranks_agree(options, x, y);
    const int verbose = r.rank == 0 ? options.verbose : 0;
    const data::DataLoader loader = batches(x, y, options.batch_size, false, 0, r);
    ProgressBar bar(out, loader.num_batches(), verbose == 1 && !options.out && stdout_is_terminal());
    const Logs logs =
        evaluate_pass(model, loader, options.loss, options.metrics, verbose > 0 ? &bar : nullptr, r.distributed);
    if (verbose > 0) bar.finish(logs);
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
