#include "run_flags.hpp"

#include <xgrad/data/fashion_mnist.hpp>

namespace xgrad::cli {

Flag seed_flag() {
    return {.name = "seed", .kind = FlagKind::integer, .value_name = "N", .fallback = "42",
            .help = "seed of the weights, the shuffling and dropout"};
}

Flag data_flag() {
    return {.name = "data", .kind = FlagKind::text, .value_name = "DIR",
            .help = "the Fashion-MNIST folder (default $XGRAD_DATA or /usr/share/datasets/fashion-mnist)"};
}

Flag verbose_flag(std::int64_t fallback) {
    return {.name = "verbose", .kind = FlagKind::integer, .value_name = "N", .fallback = std::to_string(fallback),
            .min = 0, .max = 2, .help = "0 silent, 1 progress bar, 2 one line per epoch"};
}

std::vector<InputFile> dataset_files(const Arguments& a) {
    if (a.has("data")) return folder_files("--data's file", a.text("data"));
    return folder_files("the dataset's file", data::fashion_mnist::default_dir());
}

}  // namespace xgrad::cli
