#include "xgrad/ops/registry.hpp"

namespace xgrad {
namespace {
std::vector<OpInfo>& registry() {
    static std::vector<OpInfo> ops;
    return ops;
}
}  // namespace

const std::vector<OpInfo>& registered_ops() { return registry(); }

detail::OpRegistrar::OpRegistrar(std::string_view name, OpKind kind) { registry().push_back({name, kind}); }

}  // namespace xgrad
