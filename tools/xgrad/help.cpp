#include "help.hpp"

#include <algorithm>
#include <sstream>

namespace xgrad::cli {

namespace {

constexpr std::size_t flag_column = 24;    // where flag help starts
constexpr std::size_t command_column = 13;  // where a command's summary starts

/// `text`'s words in lines from column `column` up to help_width; the first
/// line continues `line` (already `line.size()` wide), the others are indented.
std::string wrap(std::string line, const std::string& text, std::size_t column) {
    std::string out;
    line.resize(std::max(line.size(), column), ' ');
    bool empty = true;  // no word on this line yet
    std::istringstream words(text);
    for (std::string word; words >> word;) {
        if (!empty && line.size() + 1 + word.size() > help_width) {
            out += line + "\n";
            line.assign(column, ' ');
            empty = true;
        }
        line += (empty ? "" : " ") + word;
        empty = false;
    }
    return out + line + "\n";
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
    std::string out;
    for (const std::string& part : parts) out += (out.empty() ? "" : separator) + part;
    return out;
}

/// What the help says about a flag's value beyond its help: range, default.
std::string value_facts(const Flag& flag) {
    std::vector<std::string> facts;
    if (flag.kind == FlagKind::integer)
        facts.push_back(flag.max == no_limit ? "at least " + std::to_string(flag.min)
                                             : std::to_string(flag.min) + " to " + std::to_string(flag.max));
    if (flag.kind == FlagKind::number) facts.push_back("a number > 0");
    if (flag.fallback) facts.push_back("default " + *flag.fallback);
    return facts.empty() ? "" : " (" + join(facts, "; ") + ")";
}

std::string render_groups(const Command& command) {
    std::string out;
    for (const FlagGroup& group : command.groups) {
        out += "\n" + group.title + ":\n";
        for (const Flag& flag : group.flags) out += render_flag(flag);
    }
    return out;
}

}  // namespace

std::string render_flag(const Flag& flag) {
    std::string text = flag.help;
    if (flag.kind == FlagKind::choice) {
        std::vector<std::string> names;
        for (const Choice& choice : flag.choices.list())
            names.push_back(choice.description.empty() ? choice.name : choice.name + " (" + choice.description + ")");
        text += ": " + join(names, ", ");
    }
    text += value_facts(flag);
    std::string head = "  --" + flag.name + (flag.value_name.empty() ? "" : " " + flag.value_name);
    if (flag.kind == FlagKind::optional_output) head = "  --" + flag.name + " [" + flag.value_name + "]";
    if (head.size() + 2 > flag_column) return head + "\n" + wrap("", text, flag_column);
    return wrap(head, text, flag_column);
}

std::string render_help(const Command& command) {
    std::string out = "usage: xgrad " + command.name + " [options]\n\n" + wrap("", command.summary, 0);
    out += render_groups(command);
    if (!command.notes.empty()) out += "\n" + command.notes;
    return out;
}

std::string render_help(const std::vector<Command>& commands) {
    std::string out = "usage: xgrad <command> [options]\n"
                      "       xgrad <command> --help    the command's options alone\n\ncommands:\n";
    for (const Command& command : commands) out += wrap("  " + command.name, command.summary, command_column);
    std::vector<std::string> shown;  // group titles printed already
    for (const Command& command : commands) {
        for (const FlagGroup& group : command.groups) {
            if (std::find(shown.begin(), shown.end(), group.title) != shown.end()) continue;
            shown.push_back(group.title);
            std::vector<std::string> takers;
            for (const Command& other : commands)
                for (const FlagGroup& g : other.groups)
                    if (g.title == group.title) takers.push_back(other.name);
            out += "\n" + group.title + (takers.size() > 1 ? " (" + join(takers, ", ") + ")" : "") + ":\n";
            for (const Flag& flag : group.flags) out += render_flag(flag);
        }
        if (!command.notes.empty()) out += "\n" + command.notes;
    }
    return out;
}

}  // namespace xgrad::cli
