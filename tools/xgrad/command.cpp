#include "command.hpp"

namespace xgrad::cli {

const Flag* Command::find(const std::string& name) const {
    for (const FlagGroup& group : groups)
        for (const Flag& flag : group.flags)
            if (flag.name == name) return &flag;
    return nullptr;
}

std::vector<std::string> Command::flag_names() const {
    std::vector<std::string> names;
    for (const FlagGroup& group : groups)
        for (const Flag& flag : group.flags) names.push_back(flag.name);
    return names;
}

}  // namespace xgrad::cli
