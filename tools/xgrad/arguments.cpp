#include "arguments.hpp"

#include <stdexcept>

#include "suggest.hpp"
#include "usage_error.hpp"

namespace xgrad::cli {

Arguments Arguments::parse(const Command& command, std::span<const std::string> args) {
    Arguments a;
    a.command_ = &command;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            a.help_ = true;
            continue;
        }
        if (arg.rfind("--", 0) != 0) throw UsageError("unexpected argument '" + arg + "'");
        const auto eq = arg.find('=');
        const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        const Flag* flag = command.find(name);
        if (!flag)
            throw UsageError("unknown flag --" + name + " for '" + command.name + "'" +
                             did_you_mean(name, command.flag_names(), "--"));
        std::string value;
        if (eq != std::string::npos) value = arg.substr(eq + 1);
        else if (flag->kind == FlagKind::optional_output && (i + 1 == args.size() || args[i + 1].rfind("--", 0) == 0))
            value = "";  // its file name is optional
        else if (i + 1 == args.size()) throw UsageError("flag " + arg + " needs a value");
        else value = args[++i];
        check_value(*flag, value);
        a.given_[name] = std::move(value);
    }
    return a;
}

const Flag& Arguments::flag(const std::string& name) const {
    const Flag* flag = command_->find(name);
    if (!flag) throw std::logic_error("xgrad " + command_->name + " reads --" + name + ", which it does not declare");
    return *flag;
}

const std::string& Arguments::value(const std::string& name) const {
    const Flag& f = flag(name);
    if (const auto it = given_.find(name); it != given_.end()) return it->second;
    if (!f.fallback) throw std::logic_error("xgrad " + command_->name + " reads --" + name + ", which has no default");
    return *f.fallback;
}

bool Arguments::has(const std::string& name) const {
    flag(name);
    return given_.contains(name);
}

std::string Arguments::text(const std::string& name) const {
    const Flag& f = flag(name);
    if (const auto it = given_.find(name); it != given_.end()) return it->second;
    return f.fallback.value_or("");
}

std::int64_t Arguments::integer(const std::string& name) const { return parse_integer(flag(name), value(name)); }

double Arguments::number(const std::string& name) const { return parse_number(flag(name), value(name)); }

std::vector<std::int64_t> Arguments::dims(const std::string& name) const { return parse_dims(flag(name), value(name)); }

}  // namespace xgrad::cli
