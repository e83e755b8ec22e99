#pragma once
// Flags that train and transfer share: --seed, --data and --verbose, and
// the dataset files --data names (which no output may replace).
#include <cstdint>
#include <string>
#include <vector>

#include "arguments.hpp"
#include "output_files.hpp"

namespace xgrad::cli {

/// The most epochs a run takes.
constexpr std::int64_t max_epochs = 1'000'000;

/// --seed N: weights, shuffling and dropout.
Flag seed_flag();
/// --data DIR: the Fashion-MNIST folder.
Flag data_flag();
/// --verbose N (0 to 2) with the command's default.
Flag verbose_flag(std::int64_t fallback);

/// The dataset files the command reads: --data's folder, else the default one.
std::vector<InputFile> dataset_files(const Arguments& a);

}  // namespace xgrad::cli
