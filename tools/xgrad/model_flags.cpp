#include "model_flags.hpp"

#include <xgrad/nn/activations.hpp>
#include <xgrad/nn/init.hpp>

namespace xgrad::cli {

namespace {

/// A registry's names as choices without descriptions.
template <class Registry> Choices names_of(std::string what, Registry& (*registry)()) {
    return {std::move(what), [registry] {
                std::vector<Choice> choices;
                for (std::string& name : registry().names()) choices.push_back({std::move(name), ""});
                return choices;
            }};
}

}  // namespace

FlagGroup model_flags() {
    const Choices models{"model", [] {
                             std::vector<Choice> choices;
                             for (auto& [name, entry] : models::model_registry().entries())
                                 choices.push_back({name, entry.description});
                             return choices;
                         }};
    return {"model options",
            {
                {.name = "model", .kind = FlagKind::choice, .value_name = "NAME", .fallback = "bn-mlp",
                 .choices = models, .help = "the model to build"},
                {.name = "activation", .kind = FlagKind::choice, .value_name = "NAME", .fallback = "relu",
                 .choices = names_of("activation", &nn::activation_registry),
                 .help = "the hidden layers' activation (selu100 and the CNNs keep their own)"},
                {.name = "init", .kind = FlagKind::choice, .value_name = "NAME", .fallback = "he_normal",
                 .choices = names_of("initializer", &nn::initializer_registry),
                 .help = "the hidden layers' kernel initializer (selu100 and the CNNs keep their own)"},
            }};
}

models::ModelEntry chosen_model(const Arguments& a) { return models::model_registry().get(a.text("model")); }

models::ModelOptions model_options(const Arguments& a) {
    return {nn::get_activation(a.text("activation")), nn::InitializerRef(a.text("init"))};
}

nn::Sequential build_model(const Arguments& a) { return chosen_model(a).make(model_options(a)); }

}  // namespace xgrad::cli
