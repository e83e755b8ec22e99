#include "flag.hpp"

#include <charconv>
#include <cmath>
#include <string_view>

#include "suggest.hpp"
#include "usage_error.hpp"

namespace xgrad::cli {

namespace {

/// Whether all of `text` is one integer in [min, max] (stored in v).
bool parse_int(std::string_view text, std::int64_t min, std::int64_t max, std::int64_t& v) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    return !text.empty() && ec == std::errc() && end == text.data() + text.size() && v >= min && v <= max;
}

}  // namespace

std::int64_t parse_integer(const Flag& flag, const std::string& text) {
    std::int64_t v = 0;
    if (!parse_int(text, flag.min, flag.max, v))
        throw UsageError("--" + flag.name + " expects an integer from " + std::to_string(flag.min) + " to " +
                         std::to_string(flag.max) + ", got '" + text + "'");
    return v;
}

double parse_number(const Flag& flag, const std::string& text) {
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || v <= 0)
        throw UsageError("--" + flag.name + " expects a finite number > 0, got '" + text + "'");
    return v;
}

std::vector<std::int64_t> parse_dims(const Flag& flag, const std::string& text) {
    std::vector<std::int64_t> dims;
    for (std::size_t start = 0; start <= text.size();) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        std::int64_t d = 0;
        if (!parse_int(std::string_view(text).substr(start, comma - start), 1, no_limit, d))
            throw UsageError("--" + flag.name + " '" + text + "': expected positive integers separated by commas");
        dims.push_back(d);
        start = comma + 1;
    }
    return dims;
}

void check_value(const Flag& flag, const std::string& value) {
    switch (flag.kind) {
    case FlagKind::integer: parse_integer(flag, value); return;
    case FlagKind::number: parse_number(flag, value); return;
    case FlagKind::dims: parse_dims(flag, value); return;
    case FlagKind::choice: {
        std::vector<std::string> names;
        for (const Choice& choice : flag.choices.list()) {
            if (choice.name == value) return;
            names.push_back(choice.name);
        }
        std::string known;
        for (const std::string& name : names) known += (known.empty() ? "" : ", ") + name;
        throw UsageError("--" + flag.name + ": unknown " + flag.choices.what + " '" + value + "'" +
                         did_you_mean(value, names) + " (known: " + known + ")");
    }
    // Output files are checked together, against the inputs and each other (check_outputs).
    case FlagKind::text:
    case FlagKind::output_file:
    case FlagKind::optional_output: return;
    }
}

}  // namespace xgrad::cli
