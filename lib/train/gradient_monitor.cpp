// GradientMonitor's recording: hooks on a recorded step, figures at its end.
// The diagnosis is in gradient_diagnosis.cpp, the table, CSV and SVG in
// gradient_report.cpp.
#include "xgrad/train/gradient_monitor.hpp"

#include <cmath>
#include <iostream>
#include <map>

#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/core/dtype.hpp"
#include "xgrad/nn/module.hpp"

namespace xgrad::train {

/// What the hooks gathered for one layer during a recorded step.
struct GradientMonitor::Capture {
    nn::Module* module = nullptr;
    std::size_t layer = 0;  // index into layers_
    bool called = false;
    LayerStats stats;
    double output_grad_sq = 0;  // Σ over calls of ‖∂L/∂output‖²
    bool got_grad = false;
};

namespace {

/// Σ f(i)² in double over n terms, in 8 independent partial sums (one
/// running sum would be a chain of dependent adds, ~8× slower).
template <class F> double sum_of_squares(std::int64_t n, F&& f) {
    double partial[8] = {};
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; ++k) partial[k] += f(i + k) * f(i + k);
    for (; i < n; ++i) partial[0] += f(i) * f(i);
    double s = 0;
    for (double p : partial) s += p;
    return s;
}

/// Σ x² in double over a floating tensor.
double sum_squares(const Tensor& t) {
    return visit_floating(t.dtype(), "GradientMonitor", [&](auto tag) {
        using T = decltype(tag);
        const T* p = t.data<T>();
        return sum_of_squares(t.numel(), [p](std::int64_t i) { return static_cast<double>(p[i]); });
    });
}

/// Σ (a − b)² in double over two floating tensors of one shape and dtype.
double sum_squared_difference(const Tensor& a, const Tensor& b) {
    return visit_floating(a.dtype(), "GradientMonitor", [&](auto tag) {
        using T = decltype(tag);
        const T* p = a.data<T>();
        const T* q = b.data<T>();
        return sum_of_squares(a.numel(), [p, q](std::int64_t i) {
            return static_cast<double>(p[i]) - static_cast<double>(q[i]);
        });
    });
}

bool relu_family(const std::string& activation) {
    return activation == "relu" || activation == "leaky_relu" || activation == "prelu" || activation == "rrelu" ||
           activation == "elu" || activation == "selu";
}

/// The activation a layer applies last, from its config or its type.
std::string activation_of(const nn::Module& m) {
    const nn::Config config = m.config();
    if (const auto it = config.find("activation"); it != config.end()) return it->second;
    static const std::map<std::string, std::string> by_type = {
        {"ReLU", "relu"}, {"LeakyReLU", "leaky_relu"}, {"PReLU", "prelu"},
        {"ELU", "elu"},   {"RReLU", "rrelu"},          {"Softmax", "softmax"}};
    const auto it = by_type.find(m.type_name());
    return it == by_type.end() ? std::string() : it->second;
}

/// Activation figures of one output [batch, …] (or a scalar, counted as one sample).
void activation_stats(const Tensor& out, const std::string& activation, double margin, LayerStats& s) {
    visit_floating(out.dtype(), "GradientMonitor", [&](auto tag) {
        using T = decltype(tag);
        const T* p = out.data<T>();
        const std::int64_t n = out.numel();
        if (n == 0) return;
        double sum = 0, sum_sq = 0;
        for (std::int64_t i = 0; i < n; ++i) {
            sum += static_cast<double>(p[i]);
            sum_sq += static_cast<double>(p[i]) * static_cast<double>(p[i]);
        }
        if (!std::isfinite(sum_sq)) s.non_finite = true;
        const double mean = sum / static_cast<double>(n);
        s.activation_mean = mean;
        s.activation_std = std::sqrt(std::max(0.0, sum_sq / static_cast<double>(n) - mean * mean));
        const std::int64_t batch = out.rank() == 0 ? 1 : out.size(0);
        const std::int64_t units = n / batch;
        if (relu_family(activation)) {
            std::int64_t dead = 0;
            for (std::int64_t u = 0; u < units; ++u) {
                bool all_zero = true;
                for (std::int64_t b = 0; b < batch && all_zero; ++b) all_zero = p[b * units + u] == T(0);
                dead += all_zero;
            }
            s.dead_fraction = static_cast<double>(dead) / static_cast<double>(units);
        } else if (activation == "sigmoid" || activation == "tanh") {
            const double low = activation == "sigmoid" ? margin : -1 + margin;
            std::int64_t saturated = 0;
            for (std::int64_t i = 0; i < n; ++i) {
                const double v = static_cast<double>(p[i]);
                saturated += v < low || v > 1 - margin;
            }
            s.saturated_fraction = static_cast<double>(saturated) / static_cast<double>(n);
        } else if (activation == "softmax" && out.rank() > 0) {
            const std::int64_t width = out.size(-1);
            const std::int64_t rows = width == 0 ? 0 : n / width;
            std::int64_t saturated = 0;
            for (std::int64_t r = 0; r < rows; ++r) {
                double top = -INFINITY;
                for (std::int64_t j = 0; j < width; ++j) top = std::max(top, static_cast<double>(p[r * width + j]));
                saturated += top > 1 - margin;
            }
            if (rows > 0) s.saturated_fraction = static_cast<double>(saturated) / static_cast<double>(rows);
        }
    });
}

/// Modules without children, depth first, with their hierarchical names.
void collect_leaves(nn::Module& m, const std::string& path, std::vector<std::pair<nn::Module*, std::string>>& out) {
    if (m.children().empty()) {
        out.emplace_back(&m, path.empty() ? m.name() : path);
        return;
    }
    for (std::size_t i = 0; i < m.children().size(); ++i) {
        const std::string& child = m.child_names()[i];
        collect_leaves(*m.children()[i], path.empty() ? child : path + "." + child, out);
    }
}

/// A module's own trainable weights that take part in training (requires_grad), by short name.
std::vector<std::pair<std::string, Tensor>> trainable_weights(const nn::Module& m) {
    std::vector<std::pair<std::string, Tensor>> out;
    for (const NamedTensor& w : m.named_parameters())
        if (w.tensor.requires_grad()) out.emplace_back(w.name, w.tensor);
    return out;
}

}  // namespace

GradientMonitor::GradientMonitor(GradientMonitorOptions options) : options_(options) {
    if (options_.every < 1) throw ValueError("GradientMonitor: every must be >= 1, got " + std::to_string(options_.every));
    if (!(options_.thresholds.saturation_margin > 0 && options_.thresholds.saturation_margin < 0.5))
        throw ValueError("GradientMonitor: saturation_margin must be in (0, 0.5)");
}

GradientMonitor::~GradientMonitor() { detach(); }

void GradientMonitor::attach(nn::Module& model) {
    std::vector<std::pair<nn::Module*, std::string>> leaves;
    collect_leaves(model, "", leaves);
    captures_.clear();
    captures_.reserve(leaves.size());
    for (auto& [module, name] : leaves) {
        Capture c;
        c.module = module;
        captures_.push_back(std::move(c));
    }
    const double margin = options_.thresholds.saturation_margin;
    for (std::size_t i = 0; i < captures_.size(); ++i) {
        const std::string name = leaves[i].second;
        // The index of a layer in layers_ is fixed at its first call, so
        // layers_ follows the order of the forward pass.
        handles_.push_back(captures_[i].module->register_forward_hook(
            [this, i, name, margin](nn::Module& m, const Tensor&, const Tensor& out) {
                Capture& c = captures_[i];
                if (c.called || !out.defined() || !is_floating(out.dtype())) return;
                c.called = true;
                std::size_t index = layers_.size();
                for (std::size_t k = 0; k < layers_.size(); ++k)
                    if (layers_[k].name == name) index = k;
                if (index == layers_.size()) layers_.push_back({name, m.type_name(), activation_of(m)});
                c.layer = index;
                NoGradGuard no_grad;
                activation_stats(out, layers_[index].activation, margin, c.stats);
            }));
        handles_.push_back(captures_[i].module->register_backward_hook([this, i](nn::Module&, const Tensor& grad) {
            Capture& c = captures_[i];
            c.output_grad_sq += sum_squares(grad);
            c.got_grad = true;
        }));
    }
}

void GradientMonitor::detach() {
    for (HookHandle& h : handles_) h.remove();
    handles_.clear();
}

void GradientMonitor::begin_step(nn::Module& model) {
    recording_ = step_ % options_.every == 0;
    if (!recording_) return;
    attach(model);
    NoGradGuard no_grad;
    weights_before_.clear();
    for (const Capture& c : captures_)
        for (const auto& [name, w] : trainable_weights(*c.module)) weights_before_.emplace(w.impl().get(), w.clone());
}

void GradientMonitor::end_step(nn::Module&, double loss) {
    const std::int64_t step = step_++;
    if (!recording_) return;
    recording_ = false;
    detach();
    StepRecord record;
    record.step = step;
    record.loss = loss;
    record.layers.resize(layers_.size());
    for (Capture& c : captures_) {
        if (!c.called) continue;
        const auto weights = trainable_weights(*c.module);
        LayerStats& s = c.stats;
        if (c.got_grad) s.output_grad_norm = std::sqrt(c.output_grad_sq);
        if (c.got_grad && !std::isfinite(c.output_grad_sq)) s.non_finite = true;
        double grad_sq = 0, delta_sq = 0, weight_sq = 0;
        bool any_grad = false;
        for (std::size_t k = 0; k < weights.size(); ++k) {
            const auto& [name, w] = weights[k];
            WeightStats ws{name};
            const Tensor g = w.grad();
            if (g.defined()) {
                const double sq = sum_squares(g);
                if (!std::isfinite(sq)) s.non_finite = true;
                ws.grad_norm = std::sqrt(sq);
                grad_sq += sq;
                any_grad = true;
            }
            if (!std::isfinite(sum_squares(w))) s.non_finite = true;
            // A weight built during the step (lazy build) has no "before".
            if (const auto old = weights_before_.find(w.impl().get()); old != weights_before_.end()) {
                const double d = sum_squared_difference(w, old->second), o = sum_squares(old->second);
                if (o > 0) ws.update_ratio = std::sqrt(d / o);
                delta_sq += d;
                weight_sq += o;
            }
            s.weights.push_back(std::move(ws));
        }
        if (any_grad) s.grad_norm = std::sqrt(grad_sq);
        if (!weights.empty() && weight_sq > 0) s.update_ratio = std::sqrt(delta_sq / weight_sq);
        record.layers[c.layer] = std::move(s);
    }
    captures_.clear();
    weights_before_.clear();
    records_.push_back(std::move(record));
}

void GradientMonitor::on_batch_begin(std::int64_t, TrainContext& ctx) { begin_step(ctx.model); }

void GradientMonitor::on_batch_end(std::int64_t, const Logs& logs, TrainContext& ctx) {
    const auto it = logs.find("loss");
    end_step(ctx.model, it == logs.end() ? std::numeric_limits<double>::quiet_NaN() : it->second);
}

void GradientMonitor::on_epoch_end(int epoch, Logs&, TrainContext&) {
    if (!options_.print_each_epoch || records_.empty()) return;
    std::ostream& out = options_.out ? *options_.out : std::cout;
    out << "Gradient health after epoch " << epoch + 1 << ":\n";
    print(out);
}

}  // namespace xgrad::train
