#pragma once
// nlohmann-json helpers shared by the loaders (kept out of public headers).
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "xgrad/core/error.hpp"

namespace xgrad::io::detail {

/// json::parse's DOM builder plus the checks of parse_json_bounded(), fed by
/// json::sax_parse. (json::parse with a callback rescans the enclosing
/// array or object after each value it keeps: quadratic in its size, so a
/// header of 200k layers or tensors took minutes.)
class BoundedDomParser : public nlohmann::detail::json_sax_dom_parser<nlohmann::json> {
public:
    BoundedDomParser(nlohmann::json& result, const std::string& what, int max_depth)
        : json_sax_dom_parser(result), what_(what), max_depth_(max_depth) {}
    bool start_object(std::size_t size) {
        open();
        open_objects_.emplace_back();
        return json_sax_dom_parser::start_object(size);
    }
    bool key(std::string& name) {
        if (!open_objects_.back().insert(name).second)
            throw IoError(what_ + ": key \"" + name + "\" appears twice in one object");
        return json_sax_dom_parser::key(name);
    }
    bool end_object() {
        open_objects_.pop_back();
        --depth_;
        return json_sax_dom_parser::end_object();
    }
    bool start_array(std::size_t size) {
        open();
        return json_sax_dom_parser::start_array(size);
    }
    bool end_array() {
        --depth_;
        return json_sax_dom_parser::end_array();
    }

private:
    void open() {
        if (++depth_ > max_depth_) throw IoError(what_ + ": JSON nested deeper than " + std::to_string(max_depth_));
    }
    const std::string& what_;
    int max_depth_;
    int depth_ = 0;
    std::vector<std::set<std::string, std::less<>>> open_objects_;  // the keys seen in each enclosing object
};

/// Parses untrusted JSON in time linear in its size: IoError ("<what>: …") on
/// a syntax error, on a key that appears twice in one object (JSON parsers
/// disagree on which one wins, so a file with two tensors of one name is
/// ambiguous, not "last wins"), or when nesting exceeds `max_depth` (the
/// parser is iterative, but deep documents are never legitimate here).
inline nlohmann::json parse_json_bounded(std::string_view text, const std::string& what, int max_depth = 64) {
    nlohmann::json result;
    BoundedDomParser builder(result, what, max_depth);
    try {
        nlohmann::json::sax_parse(text.begin(), text.end(), &builder);
    } catch (const nlohmann::json::exception& e) {
        throw IoError(what + ": invalid JSON: " + e.what());
    }
    return result;
}

}  // namespace xgrad::io::detail
