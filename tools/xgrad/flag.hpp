#pragma once
// One command-line flag, declared once: its name, kind, default, range or
// choices and help text. The parser, the value checks and the help text are
// all generated from these declarations.
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace xgrad::cli {

/// What a flag's value is, which decides how it is checked and read.
enum class FlagKind {
    integer,         ///< an integer in [min, max]
    number,          ///< a finite number > 0
    choice,          ///< one of the names `choices` lists
    dims,            ///< positive integers separated by commas ("28,28")
    text,            ///< any text (a folder, an input file)
    output_file,     ///< a file the command writes (checked before any work, see check_outputs)
    optional_output  ///< an output file whose name may be left out (`--diagnose` alone)
};

/// One name a choice flag takes, with a few words on it for the help text.
struct Choice {
    std::string name;
    std::string description;
};

/// The names a choice flag takes, read when needed (from registries, so that
/// a registered optimizer or model is a choice without editing the CLI).
struct Choices {
    std::string what;  ///< the kind of name in messages: "unknown optimizer 'x'"
    std::function<std::vector<Choice>()> list;
};

constexpr std::int64_t no_limit = std::numeric_limits<std::int64_t>::max();

/// A flag's declaration.
struct Flag {
    std::string name;        ///< without the leading "--"
    FlagKind kind = FlagKind::text;
    std::string value_name;  ///< in the help text: "N", "FILE"
    std::optional<std::string> fallback;  ///< the default, as it would be written; checked like a given value
    std::int64_t min = 0, max = no_limit;  ///< an integer flag's range
    Choices choices;                      ///< a choice flag's names
    std::string help;
};

/// Flags shown together in the help text under one title ("model options").
/// Commands share a group by including it, and the help shows it once.
struct FlagGroup {
    std::string title;
    std::vector<Flag> flags;
};

/// UsageError naming the flag, the value and what it takes, unless `value` suits `flag`.
void check_value(const Flag& flag, const std::string& value);

/// `text` as an integer in the flag's range; UsageError as check_value otherwise.
std::int64_t parse_integer(const Flag& flag, const std::string& text);
/// `text` as a finite number > 0; UsageError as check_value otherwise.
double parse_number(const Flag& flag, const std::string& text);
/// `text` as positive integers separated by commas; UsageError as check_value otherwise.
std::vector<std::int64_t> parse_dims(const Flag& flag, const std::string& text);

}  // namespace xgrad::cli
