#pragma once
// One subcommand of `xgrad`: its name, help texts, flags and what it runs.
#include <functional>
#include <string>
#include <vector>

#include "flag.hpp"

namespace xgrad::cli {

class Arguments;

struct Command {
    std::string name;
    std::string summary;  ///< a sentence for `xgrad --help`'s command list
    std::vector<FlagGroup> groups;
    std::string notes;  ///< paragraphs shown after its flags, as written (indented two spaces, lines under 80 columns)
    /// Under mpirun it joins the MPI session before its flags are read, so
    /// that one rank's bad flag ends the whole job at once.
    bool data_parallel = false;
    std::function<int(const Arguments&)> run;

    /// The flag called `name` (without "--"), or null.
    const Flag* find(const std::string& name) const;
    /// All its flags' names, in the order the help shows them.
    std::vector<std::string> flag_names() const;
};

}  // namespace xgrad::cli
