#pragma once
// nlohmann-json helpers shared by the loaders (kept out of public headers).
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "xgrad/core/error.hpp"

namespace xgrad::io::detail {

/// Parses untrusted JSON: IoError ("<what>: …") on a syntax error or when
/// nesting exceeds `max_depth` (the parser is iterative, but deep documents
/// are never legitimate here).
inline nlohmann::json parse_json_bounded(std::string_view text, const std::string& what, int max_depth = 64) {
    try {
        return nlohmann::json::parse(
            text.begin(), text.end(),
            [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
                if (depth > max_depth) throw IoError(what + ": JSON nested deeper than " + std::to_string(max_depth));
                return true;
            });
    } catch (const nlohmann::json::exception& e) {
        throw IoError(what + ": invalid JSON: " + e.what());
    }
}

}  // namespace xgrad::io::detail
