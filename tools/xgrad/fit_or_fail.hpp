#pragma once
// fit() for the commands: a run whose loss stops being finite is an error.
#include <string>

#include <xgrad/nn/module.hpp>
#include <xgrad/train/fit.hpp>

namespace xgrad::cli {

/// fit() with TerminateOnNaN: a run whose loss stops being finite ends with
/// an error naming `what` (exit code 1), never with a report of NaN metrics.
train::History fit_or_fail(nn::Module& model, const Tensor& x, const Tensor& y, train::FitOptions fit,
                           const std::string& what);

}  // namespace xgrad::cli
