#include "options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>

namespace xgrad::cli {

Options Options::parse(int argc, char** argv) {
    Options o;
    int i = 1;
    if (i < argc && std::string(argv[i]).rfind("--", 0) != 0) o.command = argv[i++];
    for (; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            o.values.emplace("help", "yes");
            continue;
        }
        if (arg.rfind("--", 0) != 0) throw UsageError("unexpected argument '" + arg + "'");
        const auto eq = arg.find('=');
        if (eq != std::string::npos) {
            o.values[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
        } else if (arg == "--diagnose" && (i + 1 >= argc || std::string(argv[i + 1]).rfind("--", 0) == 0)) {
            o.values["diagnose"] = "";  // its file name is optional
        } else {
            if (i + 1 >= argc) throw UsageError("flag " + arg + " needs a value");
            o.values[arg.substr(2)] = argv[++i];
        }
    }
    return o;
}

std::string Options::get(const std::string& key, const std::string& fallback) const {
    const auto it = values.find(key);
    return it == values.end() ? fallback : it->second;
}

namespace {

// Whether all of `text` is one integer in [min, max] (stored in v).
bool parse_int(std::string_view text, std::int64_t min, std::int64_t max, std::int64_t& v) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    return !text.empty() && ec == std::errc() && end == text.data() + text.size() && v >= min && v <= max;
}

}  // namespace

std::int64_t Options::get_int(const std::string& key, std::int64_t fallback, std::int64_t min,
                              std::int64_t max) const {
    if (!has(key)) return fallback;
    const std::string& text = values.at(key);
    std::int64_t v = 0;
    if (!parse_int(text, min, max, v))
        throw UsageError("--" + key + " expects an integer from " + std::to_string(min) + " to " +
                         std::to_string(max) + ", got '" + text + "'");
    return v;
}

std::vector<std::int64_t> Options::get_dims(const std::string& key) const {
    const std::string& text = values.at(key);
    std::vector<std::int64_t> dims;
    for (std::size_t start = 0; start <= text.size();) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        std::int64_t d = 0;
        if (!parse_int(std::string_view(text).substr(start, comma - start), 1,
                       std::numeric_limits<std::int64_t>::max(), d))
            throw UsageError("--" + key + " '" + text + "': expected positive integers separated by commas");
        dims.push_back(d);
        start = comma + 1;
    }
    return dims;
}

double Options::get_double(const std::string& key, double fallback, bool zero_ok) const {
    if (!has(key)) return fallback;
    const std::string& text = values.at(key);
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || v < 0 ||
        (v == 0 && !zero_ok))
        throw UsageError("--" + key + " expects a finite number " + (zero_ok ? ">= 0" : "> 0") + ", got '" + text +
                         "'");
    return v;
}

void Options::check_known(std::initializer_list<const char*> known) const {
    for (const auto& [key, value] : values) {
        bool ok = key == "help";
        for (const char* k : known) ok = ok || key == k;
        if (!ok) throw UsageError("unknown flag --" + key + " for '" + command + "'");
    }
}

}  // namespace xgrad::cli

#include <type_traits>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/adagrad.hpp>
#include <xgrad/optim/adam.hpp>
#include <xgrad/optim/rmsprop.hpp>
#include <xgrad/optim/sgd.hpp>

namespace xgrad::cli {

namespace {

/// Learning rate and clipping flags on any Keras-style options object.
template <class Opts> Opts with_common(const Options& o, Opts opts, double default_lr) {
    if (o.has("lr")) opts.learning_rate(o.get_double("lr", 0.0));
    else if (default_lr > 0) opts.learning_rate(default_lr);
    int clips = 0;
    if (o.has("clipvalue")) opts.clipvalue(o.get_double("clipvalue", 0.0)), ++clips;
    if (o.has("clipnorm")) opts.clipnorm(o.get_double("clipnorm", 0.0)), ++clips;
    if (o.has("global-clipnorm")) opts.global_clipnorm(o.get_double("global-clipnorm", 0.0)), ++clips;
    if (clips > 1) throw UsageError("use at most one of --clipvalue, --clipnorm, --global-clipnorm");
    return opts;
}

}  // namespace

OptimizerFactory optimizer_factory(const Options& o, double default_lr) {
    const std::string name = o.get("optimizer", "sgd");
    // Each options object is made (and its flags checked) now; the optimizer when the model exists.
    const auto make = [](auto opts, auto tag) -> OptimizerFactory {
        using Optimizer = typename decltype(tag)::type;
        return [opts](nn::Module& model) { return std::make_shared<Optimizer>(optim::ParamGroup(model), opts); };
    };
    if (name == "sgd") return make(with_common(o, optim::SGDOptions(), default_lr), std::type_identity<optim::SGD>());
    if (name == "momentum")
        return make(with_common(o, optim::SGDOptions().momentum(0.9), default_lr), std::type_identity<optim::SGD>());
    if (name == "nesterov")
        return make(with_common(o, optim::SGDOptions().momentum(0.9).nesterov(true), default_lr),
                    std::type_identity<optim::SGD>());
    if (name == "adagrad")
        return make(with_common(o, optim::AdagradOptions(), default_lr), std::type_identity<optim::Adagrad>());
    if (name == "rmsprop")
        return make(with_common(o, optim::RMSpropOptions(), default_lr), std::type_identity<optim::RMSprop>());
    if (name == "adam") return make(with_common(o, optim::AdamOptions(), default_lr), std::type_identity<optim::Adam>());
    if (name == "adamw")
        return make(with_common(o, optim::AdamWOptions(), default_lr), std::type_identity<optim::AdamW>());
    if (name == "adamax")
        return make(with_common(o, optim::AdamaxOptions(), default_lr), std::type_identity<optim::Adamax>());
    if (name == "nadam")
        return make(with_common(o, optim::NadamOptions(), default_lr), std::type_identity<optim::Nadam>());
    throw UsageError("unknown optimizer '" + name +
                     "' (choose sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, adamax, nadam)");
}

nn::ActivationFn activation(const Options& o) {
    try {
        return nn::get_activation(o.get("activation", "relu"));
    } catch (const ValueError& e) {
        throw UsageError(std::string("--activation: ") + e.what());
    }
}

nn::InitializerRef initializer(const Options& o) {
    try {
        return nn::InitializerRef(o.get("init", "he_normal"));
    } catch (const ValueError& e) {
        throw UsageError(std::string("--init: ") + e.what());
    }
}

}  // namespace xgrad::cli
