#pragma once
// --optimizer, --lr and the clipping flags: an optimizer from the optimizer
// registry (any registered name) or one of the CLI's presets.
#include <memory>
#include <optional>

#include <xgrad/optim/optimizer.hpp>

#include "arguments.hpp"

namespace xgrad::cli {

/// The flag group "optimizer options".
FlagGroup optimizer_flags();

/// The optimizer the flags name, with no parameters yet (add_param_group
/// gives it the model's), so that its options are checked before any data
/// loads. The learning rate is --lr, else `default_lr`, else the
/// optimizer's own default. UsageError naming the flags for more than one
/// clipping flag or for a value the optimizer refuses.
std::unique_ptr<optim::Optimizer> make_optimizer(const Arguments& a, std::optional<double> default_lr);

}  // namespace xgrad::cli
