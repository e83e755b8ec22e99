#include "optimizer_flags.hpp"

#include <array>

#include <xgrad/core/config.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/optim/registry.hpp>

#include "usage_error.hpp"

namespace xgrad::cli {

namespace {

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

}  // namespace

FlagGroup optimizer_flags() {
    const Choices optimizers{"optimizer", [] {
                                 std::vector<Choice> choices;
                                 for (const auto& [name, factory] : optim::optimizer_registry().entries())
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
            config_set(config, f.key, a.number(f.flag));
            clips += std::string(f.flag) != "lr";
        }
    if (clips > 1) throw UsageError("use at most one of --clipvalue, --clipnorm, --global-clipnorm");
    if (!a.has("lr") && default_lr) config_set(config, "learning_rate", *default_lr);
    try {
        return optim::optimizer_registry().get(name)(config);
    } catch (const ValueError& e) {
        throw UsageError("--optimizer " + a.text("optimizer") + ": " + e.what());
    }
}

}  // namespace xgrad::cli
