#pragma once
// A command's flags as given on the command line, checked against its
// declarations: an unknown flag or a bad value is a UsageError naming it
// before the command does any work.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "command.hpp"

namespace xgrad::cli {

class Arguments {
public:
    /// `args` follow the command's name: `--flag value`, `--flag=value`,
    /// `--help`/`-h`; an optional_output flag may come without its value. A
    /// flag given twice keeps the last value; every value given is checked.
    static Arguments parse(const Command& command, std::span<const std::string> args);

    const Command& command() const { return *command_; }
    /// Whether --help was given.
    bool help() const { return help_; }
    /// Whether --name was given.
    bool has(const std::string& name) const;
    /// The value given, else the default, else "".
    std::string text(const std::string& name) const;
    /// The integer given or the default.
    std::int64_t integer(const std::string& name) const;
    /// The number given or the default.
    double number(const std::string& name) const;
    /// The positive integers given ("28,28").
    std::vector<std::int64_t> dims(const std::string& name) const;

private:
    /// The declaration of --name; std::logic_error when the command declares no such flag (a bug in the CLI).
    const Flag& flag(const std::string& name) const;
    /// The value given, else the default; std::logic_error when there is neither.
    const std::string& value(const std::string& name) const;

    const Command* command_ = nullptr;
    std::map<std::string, std::string> given_;
    bool help_ = false;
};

}  // namespace xgrad::cli
