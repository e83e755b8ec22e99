#include "optimizer_flags.hpp"

#include <array>
#include <charconv>

#include <map>

#include <xgrad/core/error.hpp>
#include <xgrad/core/registry.hpp>
#include <xgrad/optim/adagrad.hpp>
#include <xgrad/optim/adam.hpp>
#include <xgrad/optim/rmsprop.hpp>
#include <xgrad/optim/sgd.hpp>

#include "usage_error.hpp"

namespace xgrad::cli {

namespace {

using Config = std::map<std::string, std::string>;
using OptimizerFactory = std::function<std::unique_ptr<optim::Optimizer>(const Config&)>;

/// Makes an optimizer from Keras config keys (learning_rate, the clipping keys, momentum, nesterov).
template <class Options> OptimizerFactory factory() {
    return [](const Config& config) {
        Options options;
        for (const auto& [key, text] : config) {
            const double v = text == "true" ? 1.0 : std::stod(text);
            if (key == "learning_rate") options.learning_rate(v);
            else if (key == "clipvalue") options.clipvalue(v);
            else if (key == "clipnorm") options.clipnorm(v);
            else if (key == "global_clipnorm") options.global_clipnorm(v);
            else if constexpr (std::is_same_v<Options, optim::SGDOptions>) {
                if (key == "momentum") options.momentum(v);
                if (key == "nesterov") options.nesterov(v != 0);
            }
        }
        return std::make_unique<optim::NamedOptimizer<Options>>(options);
    };
}

Registry<OptimizerFactory>& optimizer_registry() {
    static Registry<OptimizerFactory> registry(
        "optimizer", {{"sgd", factory<optim::SGDOptions>()},
                      {"adagrad", factory<optim::AdagradOptions>()},
                      {"rmsprop", factory<optim::RMSpropOptions>()},
                      {"adam", factory<optim::AdamOptions>()},
                      {"adamw", factory<optim::AdamWOptions>()},
                      {"adamax", factory<optim::AdamaxOptions>()},
                      {"nadam", factory<optim::NadamOptions>()}});
    return registry;
}

/// A name --optimizer takes besides the registered ones: a registered
/// optimizer with some options set.
struct Preset {
    std::string name, description, optimizer;
    Config config;
};

const std::vector<Preset>& presets() {
    static const std::vector<Preset> table = {
        {"momentum", "SGD with momentum 0.9", "sgd", {{"momentum", "0.9"}}},
        {"nesterov", "SGD with Nesterov momentum 0.9", "sgd", {{"momentum", "0.9"}, {"nesterov", "true"}}},
    };
    return table;
}

/// The flags that become optimizer options, and their Keras config keys.
struct ConfigFlag {
    const char* flag;
    const char* key;
};
constexpr std::array<ConfigFlag, 4> config_flags = {{{"lr", "learning_rate"},
                                                    {"clipvalue", "clipvalue"},
                                                    {"clipnorm", "clipnorm"},
                                                    {"global-clipnorm", "global_clipnorm"}}};

std::string shortest_text(double v) {
    std::array<char, 32> buffer{};
    const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v).ptr;
    return std::string(buffer.data(), end);
}

}  // namespace

FlagGroup optimizer_flags() {
    const Choices optimizers{"optimizer", [] {
                                 std::vector<Choice> choices;
                                 for (const auto& [name, factory] : optimizer_registry().entries())
                                     choices.push_back({name, ""});
                                 for (const Preset& preset : presets())
                                     choices.push_back({preset.name, preset.description});
                                 return choices;
                             }};
    const auto clipping = [](std::string name, std::string help) {
        return Flag{.name = std::move(name), .kind = FlagKind::number, .value_name = "X",
                    .help = std::move(help) + " (at most one clipping flag)"};
    };
    return {"optimizer options",
            {
                {.name = "optimizer", .kind = FlagKind::choice, .value_name = "NAME", .fallback = "sgd",
                 .choices = optimizers, .help = "the optimizer"},
                {.name = "lr", .kind = FlagKind::number, .value_name = "X",
                 .help = "learning rate (default: the model's, else the optimizer's Keras default)"},
                clipping("clipvalue", "clip each gradient element to [-X, X]"),
                clipping("clipnorm", "clip each gradient to norm X"),
                clipping("global-clipnorm", "clip all gradients together to norm X"),
            }};
}

std::unique_ptr<optim::Optimizer> make_optimizer(const Arguments& a, std::optional<double> default_lr) {
    std::string name = a.text("optimizer");
    Config config;
    for (const Preset& preset : presets())
        if (preset.name == name) {
            name = preset.optimizer;
            config = preset.config;
        }
    int clips = 0;
    for (const ConfigFlag& f : config_flags)
        if (a.has(f.flag)) {
            config[f.key] = shortest_text(a.number(f.flag));
            clips += std::string(f.flag) != "lr";
        }
    if (clips > 1) throw UsageError("use at most one of --clipvalue, --clipnorm, --global-clipnorm");
    if (!a.has("lr") && default_lr) config["learning_rate"] = shortest_text(*default_lr);
    try {
        return optimizer_registry().get(name)(config);
    } catch (const ValueError& e) {
        throw UsageError("--optimizer " + a.text("optimizer") + ": " + e.what());
    }
}

}  // namespace xgrad::cli
