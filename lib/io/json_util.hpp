#pragma once
// nlohmann-json helpers shared by the loaders (kept out of public headers).
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "xgrad/core/error.hpp"

namespace xgrad::io::detail {

/// Parses untrusted JSON: IoError ("<what>: …") on a syntax error, on a key
/// that appears twice in one object (JSON parsers disagree on which one wins,
/// so a file with two tensors of one name is ambiguous, not "last wins"), or
/// when nesting exceeds `max_depth` (the parser is iterative, but deep
/// documents are never legitimate here).
inline nlohmann::json parse_json_bounded(std::string_view text, const std::string& what, int max_depth = 64) {
    using Event = nlohmann::json::parse_event_t;
    std::vector<std::set<std::string, std::less<>>> open_objects;  // the keys seen in each enclosing object
    try {
        return nlohmann::json::parse(
            text.begin(), text.end(),
            [&](int depth, Event event, nlohmann::json& parsed) {
                if (depth > max_depth) throw IoError(what + ": JSON nested deeper than " + std::to_string(max_depth));
                if (event == Event::object_start) {
                    open_objects.emplace_back();
                } else if (event == Event::object_end) {
                    open_objects.pop_back();
                } else if (event == Event::key && !open_objects.back().insert(parsed.get<std::string>()).second) {
                    throw IoError(what + ": key \"" + parsed.get<std::string>() + "\" appears twice in one object");
                }
                return true;
            });
    } catch (const nlohmann::json::exception& e) {
        throw IoError(what + ": invalid JSON: " + e.what());
    }
}

}  // namespace xgrad::io::detail
