#pragma once
// "Did you mean …?" for a mistyped flag, command or name.
#include <string>
#include <vector>

namespace xgrad::cli {

/// " (did you mean X?)" for the candidate X nearest to `word` in edits
/// (insert, delete, replace, swap two neighbours), when at most a third of
/// `word` (and at least one edit) must change; "" when none is that close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates,
                         const std::string& prefix = "");

}  // namespace xgrad::cli
