#pragma once
// --model, --activation and --init: the model a command builds, named in the
// model registry, with the hidden layers' activation and initializer.
#include <xgrad/models/registry.hpp>
#include <xgrad/nn/sequential.hpp>

#include "arguments.hpp"

namespace xgrad::cli {

/// The flag group "model options".
FlagGroup model_flags();

/// The registry entry --model names.
models::ModelEntry chosen_model(const Arguments& a);

/// --activation and --init.
models::ModelOptions model_options(const Arguments& a);

/// The model --model names, built with model_options().
nn::Sequential build_model(const Arguments& a);

}  // namespace xgrad::cli
