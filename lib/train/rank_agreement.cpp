#include "train/rank_agreement.hpp"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "xgrad/distributed/collectives.hpp"
#include "xgrad/optim/optimizer.hpp"

namespace xgrad::train::detail {

namespace {

using distributed::NamedValue;

/// A fingerprint of a tensor's bytes, 8 at a time (a run's data is hashed
/// once at its start: 170 MB of Fashion-MNIST in a few tens of milliseconds).
std::string fingerprint(const Tensor& t) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    const auto* bytes = static_cast<const unsigned char*>(t.raw_data());
    const std::size_t n = static_cast<std::size_t>(t.numel()) * itemsize(t.dtype());
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, bytes + i, 8);
        h = (h ^ word) * 0x100000001b3ULL;
        h ^= h >> 29;
    }
    for (; i < n; ++i) h = (h ^ bytes[i]) * 0x100000001b3ULL;
    char text[19];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
    return text;
}

std::string tensor_text(const Tensor& t) {
    return std::string(dtype_name(t.dtype())) + " " + to_string(t.shape()) + " (contents " + fingerprint(t) + ")";
}

std::string samples_text(const data::Dataset& d) {
    std::string out = std::to_string(d.size()) + " samples:";
    for (std::size_t i = 0; i < d.inputs().size(); ++i)
        out += (i == 0 ? " x " : ", x[" + std::to_string(i) + "] ") + tensor_text(d.inputs()[i]);
    for (std::size_t i = 0; i < d.targets().size(); ++i)
        out += (i == 0 ? ", y " : ", y[" + std::to_string(i) + "] ") + tensor_text(d.targets()[i]);
    return out;
}

/// One line per module, depth first: its place ("1.0": child 0 of child 1),
/// type, flags and options. Names are left out: they number modules in
/// creation order, which may differ between ranks without changing the model.
void describe(const nn::Module& m, const std::string& place, std::string& out) {
    out += "[" + place + "] " + m.type_name() + (m.trainable() ? "" : " frozen") + " " +
           std::string(dtype_name(m.dtype()));
    if (m.declared_input_shape()) (out += " input ") += to_string(*m.declared_input_shape());
    std::string options;
    try {
        for (const auto& [key, value] : m.config()) options += (options.empty() ? "" : ", ") + key + "=" + value;
    } catch (const ValueError& e) {
        options = e.what();  // e.g. an unnamed activation: the same text on every rank that has it
    }
    out += " {" + options + "}; ";
    for (std::size_t i = 0; i < m.children().size(); ++i)
        describe(*m.children()[i], place.empty() ? std::to_string(i) : place + "." + std::to_string(i), out);
}

std::string model_text(const nn::Module& model) {
    std::string out;
    describe(model, "", out);
    out += "weights";
    for (const auto& [name, t] : model.state_dict()) {
        // Appended piece by piece: g++ 12 misreports " " + std::string as -Wrestrict.
        out += ' ';
        out += dtype_name(t.dtype());
        out += ' ';
        out += to_string(t.shape());
    }
    return out;
}

std::string optimizer_text(const optim::Optimizer& o) {
    return o.name() + " " + o.transform()->name() + "(" + o.transform()->config() + "), " +
           std::to_string(o.num_param_groups()) + " parameter group(s)";
}

/// The shortest text that reads back to `v` ("0.05").
std::string number(double v) {
    char text[32];
    const auto r = std::to_chars(text, text + sizeof text, v);
    return std::string(text, r.ptr);
}

std::string learning_rate_text(const optim::Optimizer& o) {
    std::string out = o.has_schedule() ? "a schedule, now " : "";
    out += number(o.learning_rate());
    if (o.num_param_groups() > 1) {
        out += " (lr_scale per group:";
        for (std::size_t g = 0; g < o.num_param_groups(); ++g) (out += ' ') += number(o.param_group(g).lr_scale());
        out += ")";
    }
    return out;
}

std::string optimizer_state_text(const optim::Optimizer& o) {
    std::string out = std::to_string(o.iterations()) + " iterations";
    for (const auto& [key, t] : o.state_dict())
        if (key != "iterations" && key != "learning_rate") out += ", " + key + " " + fingerprint(t);  // shown apart
    return out;
}

std::string names_text(const std::vector<metrics::Metric>& metrics,
                       const std::map<std::string, std::vector<metrics::Metric>>& output_metrics) {
    std::string out;
    for (const metrics::Metric& m : metrics) out += (out.empty() ? "" : ", ") + m.name();
    for (const auto& [output, list] : output_metrics)
        for (const metrics::Metric& m : list) out += (out.empty() ? "" : ", ") + output + ":" + m.name();
    return "[" + out + "]";
}

/// The losses and their weights as given (one for all, a list, or by output name).
std::string loss_text(const PerOutput<losses::Loss>& loss, const PerOutput<double>& weights) {
    std::string out;
    for (const losses::Loss& l : loss.values()) out += (out.empty() ? "" : ", ") + l.name();
    out += " weighted";
    for (double w : weights.values()) (out += ' ') += number(w);
    return out;
}

}  // namespace

void check_fit_ranks_agree(const nn::Module& model, const FitOptions& options, const data::Dataset& train,
                           const std::optional<data::Dataset>& validation) {
    const optim::Optimizer& optimizer = *options.optimizer;
    // Rank 0's weights are broadcast after this check, so differing initial
    // weights (another init seed) are harmless and not compared.
    distributed::check_same_across_ranks({
        {"the model", model_text(model)},
        {"the optimizer", optimizer_text(optimizer)},
        {"the learning rate", learning_rate_text(optimizer)},
        {"the optimizer's state (a resumed run must load the same checkpoint everywhere)",
         optimizer_state_text(optimizer)},
        {"the training data", samples_text(train)},
        {"the validation data", validation ? samples_text(*validation) : "none"},
        {"the batch size", std::to_string(options.batch_size)},
        {"the epochs", std::to_string(options.initial_epoch) + " to " + std::to_string(options.epochs)},
        {"the shuffle flag", options.shuffle ? "true" : "false"},
        {"the seed", std::to_string(options.seed)},
        {"the loss", loss_text(options.loss, options.loss_weights)},
        {"the metrics", names_text(options.metrics, options.output_metrics)},
        {"the gradient bucket size", std::to_string(options.gradient_averaging.bucket_bytes) + " bytes"},
    });
}

void check_evaluate_ranks_agree(const EvaluateOptions& options, const data::Dataset& samples) {
    distributed::check_same_across_ranks({
        {"the evaluation data", samples_text(samples)},
        {"the batch size", std::to_string(options.batch_size)},
        {"the loss", loss_text(options.loss, options.loss_weights)},
        {"the metrics", names_text(options.metrics, options.output_metrics)},
    });
}

}  // namespace xgrad::train::detail
