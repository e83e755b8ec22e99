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

void detail::throw_name_mismatch(const std::string& what, const std::vector<std::string>& names,
                                 const std::vector<std::string>& keys) {
    if (names.empty()) {
        throw ValueError(what + " is given by name, but the model has a single unnamed one: pass the tensor itself");
    }
    std::string missing, unexpected;
    for (const std::string& n : names)
        if (std::find(keys.begin(), keys.end(), n) == keys.end()) missing += (missing.empty() ? "'" : ", '") + n + "'";
    for (const std::string& k : keys)
        if (std::find(names.begin(), names.end(), k) == names.end())
            unexpected += (unexpected.empty() ? "'" : ", '") + k + "'";
    std::string known;
    for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
    throw ValueError(what + " does not match the model's names (" + known + "):" +
                     (missing.empty() ? "" : " missing " + missing) + (unexpected.empty() ? "" : " unexpected " + unexpected));
}

void detail::throw_count_mismatch(const std::string& what, std::size_t expected, std::size_t given) {
    throw ValueError(what + " has " + std::to_string(given) + " value(s) for a model with " + std::to_string(expected));
}

namespace {

/// How a model is fed and scored: its input and output names (empty for one
/// unnamed) and, per output, the loss, its weight and the metrics.
struct Plan {
    std::vector<std::string> input_names, output_names;
    std::vector<losses::Loss> losses;
    std::vector<double> weights;
    std::vector<std::vector<metrics::Metric>> metrics;

    std::size_t inputs() const { return std::max<std::size_t>(1, input_names.size()); }
    std::size_t outputs() const { return losses.size(); }
    /// One input and one output: called as model(x), logged without output names.
    bool single() const { return inputs() == 1 && outputs() == 1; }
    /// What output i's logs start with: "" or "<name>_".
    std::string prefix(std::size_t i) const { return outputs() > 1 ? output_names[i] + "_" : ""; }
    /// How input or target i is named in errors.
    std::string label(const char* what, std::size_t i) const {
        const std::vector<std::string>& names = std::string_view(what) == "x" ? input_names : output_names;
        return names.size() > 1 ? std::string(what) + " '" + names[i] + "'" : std::string(what);
    }
};

Plan plan_for(const nn::Module& model, const PerOutput<losses::Loss>& loss, const PerOutput<double>& weights,
              const std::vector<metrics::Metric>& metrics,
              const std::map<std::string, std::vector<metrics::Metric>>& output_metrics, const char* op) {
    Plan p;
    p.input_names = model.input_names();
    p.output_names = model.output_names();
    const std::string where = std::string(op) + ": ";
    p.losses = loss.in_order(p.output_names, where + "loss");
    p.weights = weights.in_order(p.output_names, where + "loss_weights");
    p.metrics.assign(p.outputs(), metrics);
    for (const auto& [name, extra] : output_metrics) {
        const auto it = std::find(p.output_names.begin(), p.output_names.end(), name);
        if (it == p.output_names.end()) {
            std::string known;
            for (const std::string& n : p.output_names) known += (known.empty() ? "" : ", ") + n;
            throw ValueError(where + "output_metrics names '" + name + "', which is not an output of the model (" +
                             (known.empty() ? "one unnamed output" : known) + ")");
        }
        auto& list = p.metrics[static_cast<std::size_t>(it - p.output_names.begin())];
        list.insert(list.end(), extra.begin(), extra.end());
    }
    return p;
}

/// The samples of (x, y) as a Dataset in the model's order; ShapeError
/// naming the two tensors whose sample counts differ.
data::Dataset dataset_of(const Plan& p, const ModelTensors& x, const ModelTensors& y, const std::string& op,
                         bool with_targets = true) {
    std::vector<Tensor> inputs = x.in_order(p.input_names, op + ": x");
    std::vector<Tensor> targets = with_targets ? y.in_order(p.output_names, op + ": y") : std::vector<Tensor>{};
    const Tensor& first = inputs[0];
    auto check = [&](const Tensor& t, const std::string& label) {
        if (!t.defined()) throw ValueError(op + ": " + label + " is undefined");
        if (first.rank() == 0 || t.rank() == 0 || t.size(0) != first.size(0)) {
            throw ShapeError(op + ": " + p.label("x", 0) + " " + to_string(first.shape()) + " and " + label + " " +
                             to_string(t.shape()) + " must have the same number of samples (first dimension)");
        }
    };
    if (!first.defined()) throw ValueError(op + ": " + p.label("x", 0) + " is undefined");
    for (std::size_t i = 1; i < inputs.size(); ++i) check(inputs[i], p.label("x", i));
    for (std::size_t i = 0; i < targets.size(); ++i) check(targets[i], p.label("y", i));
    if (first.rank() == 0) throw ShapeError(op + ": x must have a batch dimension, got a scalar");
    return data::Dataset(std::move(inputs), std::move(targets));
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
data::DataLoader batches(data::Dataset dataset, std::int64_t batch_size, bool shuffle = false, std::uint64_t seed = 0,
                         Ranks r = {}) {
    return data::DataLoader(std::move(dataset), {.batch_size = batch_size, .shuffle = shuffle, .seed = seed,
                                                 .num_shards = r.size, .shard = r.rank});
}

/// The model's outputs for a batch: model(x) for one input and one output
/// (so forward hooks see the call), the several-tensor call otherwise.
std::vector<Tensor> run(nn::Module& model, const Plan& p, const data::Batch& b, bool training) {
    if (p.single()) return {model(b.x, training)};
    std::vector<Tensor> out = model(b.inputs, training);
    if (out.size() != p.outputs()) {
        throw ValueError("model '" + model.name() + "' returned " + std::to_string(out.size()) +
                         " output(s) but names " + std::to_string(p.outputs()) + " (output_names())");
    }
    return out;
}

/// A batch's losses: each output's (unweighted) and the weighted total.
struct BatchLoss {
    Tensor total;
    std::vector<Tensor> per_output;
};

BatchLoss batch_loss(const Plan& p, const std::vector<Tensor>& targets, const std::vector<Tensor>& preds) {
    BatchLoss out;
    for (std::size_t i = 0; i < p.outputs(); ++i) {
        Tensor l = p.losses[i](targets[i], preds[i]);
        out.per_output.push_back(l);
        // A weight of 1 is not multiplied in: one output trains bit for bit as before.
        const Tensor weighted = p.weights[i] == 1.0 ? l : l * p.weights[i];
        out.total = i == 0 ? weighted : out.total + weighted;
    }
    return out;
}

/// Additive totals over a pass: [samples, total loss·n, each output's loss·n
/// (several outputs), then each metric's Metric::accumulate() totals].
/// Summed over the ranks of a distributed pass, they give every rank the
/// values over all samples.
class Totals {
public:
    explicit Totals(const Plan& plan) : plan_(plan), offsets_{plan.outputs() > 1 ? 2 + plan.outputs() : 2} {
        for (const auto& list : plan.metrics)
            for (const metrics::Metric& m : list) offsets_.push_back(offsets_.back() + m.state_size());
        sums_.resize(offsets_.back());
    }
    /// A batch of n samples with mean losses `total` and `per_output`.
    void add(double total, const std::vector<double>& per_output, const std::vector<Tensor>& y_true,
             const std::vector<Tensor>& y_pred, std::int64_t n) {
        const auto w = static_cast<double>(n);
        sums_[0] += w;
        sums_[1] += total * w;
        if (plan_.outputs() > 1)
            for (std::size_t i = 0; i < per_output.size(); ++i) sums_[2 + i] += per_output[i] * w;
        std::size_t k = 0;
        for (std::size_t o = 0; o < plan_.outputs(); ++o)
            for (const metrics::Metric& m : plan_.metrics[o]) m.accumulate(totals(k++), y_true[o], y_pred[o], w);
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
        auto mean = [n](double sum) { return n > 0 ? sum / n : 0.0; };
        Logs out{{prefix + "loss", mean(sums_[1])}};
        if (plan_.outputs() > 1)
            for (std::size_t i = 0; i < plan_.outputs(); ++i) out[prefix + plan_.prefix(i) + "loss"] = mean(sums_[2 + i]);
        std::size_t k = 0;
        for (std::size_t o = 0; o < plan_.outputs(); ++o) {
            for (const metrics::Metric& m : plan_.metrics[o]) {
                out[prefix + plan_.prefix(o) + m.name()] =
                    m.result(std::span<const double>(sums_).subspan(offsets_[k], m.state_size()));
                ++k;
            }
        }
        return out;
    }

private:
    std::span<double> totals(std::size_t k) {
        return std::span<double>(sums_).subspan(offsets_[k], offsets_[k + 1] - offsets_[k]);
    }

    const Plan& plan_;
    std::vector<std::size_t> offsets_;
    std::vector<double> sums_;
};

std::vector<double> values_of(const std::vector<Tensor>& losses) {
    std::vector<double> out;
    for (const Tensor& l : losses) out.push_back(l.item());
    return out;
}

Logs evaluate_pass(nn::Module& model, const Plan& plan, const data::DataLoader& loader, ProgressBar* bar,
                   bool distributed) {
    NoGradGuard no_grad;
    Totals totals(plan);
    std::int64_t step = 0;
    for (const data::Batch& b : loader.epoch(0)) {
        if (b.size() > 0) {
            const std::vector<Tensor> preds = run(model, plan, b, false);
            const BatchLoss loss = batch_loss(plan, b.targets, preds);
            totals.add(loss.total.item(), values_of(loss.per_output), b.targets, preds, b.size());
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

History fit(nn::Module& model, const ModelTensors& x_all, const ModelTensors& y_all, FitOptions options) {
    if (!options.optimizer) throw ValueError("fit: an optimizer is required (FitOptions::optimizer)");
    if (options.batch_size <= 0) throw ValueError("fit: batch_size must be positive");
    if (options.epochs < options.initial_epoch) throw ValueError("fit: epochs must be >= initial_epoch");
    if (options.validation_split < 0 || options.validation_split >= 1)
        throw ValueError("fit: validation_split must be in [0, 1)");
    const Plan plan =
        plan_for(model, options.loss, options.loss_weights, options.metrics, options.output_metrics, "fit");
    data::Dataset train = dataset_of(plan, x_all, y_all, "fit");
    std::ostream& out = options.out ? *options.out : std::cout;

    if (options.limit_samples > 0 && options.limit_samples < train.size()) train = train.range(0, options.limit_samples);
    std::optional<data::Dataset> validation;
    if (options.validation_data) {
        validation = dataset_of(plan, options.validation_data->first, options.validation_data->second,
                                "fit (validation_data)");
    } else if (options.validation_split > 0) {
        // Keras: the last fraction of the samples, taken before shuffling.
        const auto split_at = static_cast<std::int64_t>(std::floor(static_cast<double>(train.size()) *
                                                                   (1.0 - options.validation_split)));
        validation = train.range(split_at, train.size());
        train = train.range(0, split_at);
    }
    if (train.size() == 0) throw ValueError("fit: no training samples");
    const Ranks r = ranks(options.distributed);
    const int verbose = r.rank == 0 ? options.verbose : 0;
    if (r.distributed) {
        // Every rank builds the same structure, then takes rank 0's weights.
        if (plan.inputs() == 1) {
            Shape input_shape = train.x().shape();
            input_shape[0] = -1;
            model.ensure_built(input_shape);
        } else {
            NoGradGuard no_grad;
            run(model, plan, train.get(std::vector<std::int64_t>{0}), false);
        }
        detail::check_fit_ranks_agree(model, options, train, validation);
        distributed::broadcast_parameters(model);
    }
    // Epoch e's order depends only on (seed, e), as for a hand-written loop
    // over the same DataLoader, so a run resumed at initial_epoch sees what
    // an uninterrupted run saw.
    const data::DataLoader loader = batches(train, options.batch_size, options.shuffle, options.seed, r);
    const std::int64_t steps = loader.num_batches();
    std::optional<data::DataLoader> validation_loader;
    if (validation) validation_loader.emplace(batches(*validation, options.batch_size, false, 0, r));

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
        Totals totals(plan);
        const data::Epoch batches_of_epoch = loader.epoch(epoch);
        for (auto it = batches_of_epoch.begin(); it != batches_of_epoch.end(); ++it) {
            const std::int64_t b = it.index();
            const std::int64_t n = it->size();
            for (const CallbackPtr& cb : options.callbacks) cb->on_batch_begin(b, ctx);
            Totals step_totals(plan);
            optimizer.zero_grad();
            // A rank whose shard of the last global batch is empty still runs
            // forward and backward, for the collectives of synchronized batch
            // normalization; its gradients carry weight 0 in the averaging.
            const std::vector<Tensor> preds = run(model, plan, *it, true);
            BatchLoss loss = batch_loss(plan, it->targets, preds);
            for (const Tensor& penalty : model.losses()) loss.total = loss.total + penalty.to(loss.total.dtype());
            loss.total.backward();
            if (n > 0) {
                NoGradGuard no_grad;
                std::vector<Tensor> detached;
                for (const Tensor& p : preds) detached.push_back(p.detach());
                step_totals.add(loss.total.item(), values_of(loss.per_output), it->targets, detached, n);
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
            for (const auto& [k, v] : evaluate_pass(model, plan, *validation_loader, nullptr, r.distributed))
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

Logs evaluate(nn::Module& model, const ModelTensors& x, const ModelTensors& y, const EvaluateOptions& options) {
    const Plan plan =
        plan_for(model, options.loss, options.loss_weights, options.metrics, options.output_metrics, "evaluate");
    data::Dataset samples = dataset_of(plan, x, y, "evaluate");
    if (options.batch_size <= 0) throw ValueError("evaluate: batch_size must be positive");
    std::ostream& out = options.out ? *options.out : std::cout;
    const Ranks r = ranks(options.distributed);
    if (r.distributed) detail::check_evaluate_ranks_agree(options, samples);
    const int verbose = r.rank == 0 ? options.verbose : 0;
    const data::DataLoader loader = batches(std::move(samples), options.batch_size, false, 0, r);
    ProgressBar bar(out, loader.num_batches(), verbose == 1 && !options.out && stdout_is_terminal());
    const Logs logs = evaluate_pass(model, plan, loader, verbose > 0 ? &bar : nullptr, r.distributed);
    if (verbose > 0) bar.finish(logs);
    return logs;
}

std::vector<Tensor> predict_outputs(nn::Module& model, const ModelTensors& x, std::int64_t batch_size) {
    if (batch_size <= 0) throw ValueError("predict: batch_size must be positive");
    const Plan plan = plan_for(model, losses::Loss("mean_squared_error"), 1.0, {}, {}, "predict");
    const data::Dataset samples = dataset_of(plan, x, ModelTensors(), "predict", false);
    NoGradGuard no_grad;
    std::vector<std::vector<Tensor>> per_output(plan.outputs());
    for (const data::Batch& b : batches(samples, batch_size).epoch(0)) {
        std::vector<Tensor> preds = run(model, plan, b, false);
        for (std::size_t o = 0; o < preds.size(); ++o) per_output[o].push_back(std::move(preds[o]));
    }
    if (per_output[0].empty()) throw ValueError("predict: x has no samples");
    std::vector<Tensor> out;
    for (const std::vector<Tensor>& parts : per_output) out.push_back(parts.size() == 1 ? parts[0] : concat(parts, 0));
    return out;
}

Tensor predict(nn::Module& model, const Tensor& x, std::int64_t batch_size) {
    if (const std::size_t outputs = model.output_names().size(); outputs > 1) {
        throw ValueError("predict: model '" + model.name() + "' has " + std::to_string(outputs) +
                         " outputs; use predict_outputs()");
    }
    return predict_outputs(model, x, batch_size)[0];
}

}  // namespace xgrad::train
