#include "commands.hpp"

#include "suggest.hpp"
#include "usage_error.hpp"

namespace xgrad::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> all = {train_command(), summary_command(), export_command(),
                                             transfer_command()};
    return all;
}

const Command& find_command(const std::string& name) {
    std::vector<std::string> names;
    for (const Command& command : commands()) {
        if (command.name == name) return command;
        names.push_back(command.name);
    }
    throw UsageError("unknown command '" + name + "'" + did_you_mean(name, names));
}

}  // namespace xgrad::cli
