#pragma once
// UsageError: a bad command line (exit code 2), told apart from a failed run (exit code 1).
#include <stdexcept>

namespace xgrad::cli {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace xgrad::cli
