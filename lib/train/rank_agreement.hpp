#pragma once
// The start of a distributed fit or evaluate: every rank must have been set
// up alike (same model, optimizer, data and options), else the ranks would
// train apart or cover the data unevenly without a word. Each check throws
// the same ValueError on every rank naming what differs (see
// distributed::check_same_across_ranks).
#include <optional>
#include <utility>

#include "xgrad/data/dataset.hpp"

#include "xgrad/train/fit.hpp"

namespace xgrad::train::detail {

/// For fit(), after the model is built and before rank 0's weights are
/// broadcast: `train` and `validation` as fit will use them (limited and split).
void check_fit_ranks_agree(const nn::Module& model, const FitOptions& options, const data::Dataset& train,
                           const std::optional<data::Dataset>& validation);

/// For evaluate(): the data, batch size, loss and metrics.
void check_evaluate_ranks_agree(const EvaluateOptions& options, const data::Dataset& samples);

}  // namespace xgrad::train::detail
