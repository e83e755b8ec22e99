// xgrad summary: a model's layers and parameter counts.
#include <iostream>

#include "../commands.hpp"
#include "../model_flags.hpp"

namespace xgrad::cli {

Command summary_command() {
    return {.name = "summary",
            .summary = "print the model's layers and parameter counts",
            .groups = {model_flags()},
            .run = [](const Arguments& a) {
                std::cout << build_model(a).summary();
                return 0;
            }};
}

}  // namespace xgrad::cli
