#pragma once
// The subcommands of `xgrad`, one file each under commands/.
#include <string>
#include <vector>

#include "command.hpp"

namespace xgrad::cli {

Command train_command();
Command summary_command();
Command export_command();
Command transfer_command();

/// Every command, in the order `xgrad --help` lists them.
const std::vector<Command>& commands();

/// The command called `name`; UsageError naming it (and the nearest command) otherwise.
const Command& find_command(const std::string& name);

}  // namespace xgrad::cli
