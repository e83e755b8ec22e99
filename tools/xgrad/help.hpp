#pragma once
// The help texts, generated from the commands' flag declarations: `xgrad
// --help` (every command) and `xgrad COMMAND --help` (one command).
#include <string>
#include <vector>

#include "command.hpp"

namespace xgrad::cli {

/// The help column's width: flag help wraps to it.
constexpr std::size_t help_width = 80;

/// One flag's lines: "  --name VALUE", its help, its choices, range and default.
std::string render_flag(const Flag& flag);

/// `xgrad COMMAND --help`: usage, summary, the command's flag groups and notes.
std::string render_help(const Command& command);

/// `xgrad --help`: the commands, then each flag group once (titled with the
/// commands that take it) and each command's notes.
std::string render_help(const std::vector<Command>& commands);

}  // namespace xgrad::cli
