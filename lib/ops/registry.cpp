#include "xgrad/ops/registry.hpp"

namespace xgrad {

Registry<OpKind>& op_registry() {
    static Registry<OpKind> registry("op");
    return registry;
}

std::vector<OpInfo> registered_ops() {
    std::vector<OpInfo> ops;
    for (auto& [name, kind] : op_registry().entries()) ops.push_back({std::move(name), kind});
    return ops;
}

// Two ops of one name would share one gradcheck entry: stop at program start.
detail::OpRegistrar::OpRegistrar(std::string_view name, OpKind kind) {
    if (!op_registry().insert(std::string(name), kind))
        throw ValueError("op '" + std::string(name) + "' is registered twice");
}

}  // namespace xgrad
