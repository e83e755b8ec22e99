#pragma once
/// \file
/// The registry of ops: every op registers its name and whether it has a
/// gradient, and a test fails when a differentiable op has no gradcheck case.
/// User ops can register themselves the same way.
#include <string>
#include <string_view>
#include <vector>

#include "xgrad/core/registry.hpp"

namespace xgrad {

/// Whether an op has a gradient; every differentiable op needs a gradcheck case.
enum class OpKind { differentiable, not_differentiable };

/// One registered op, as registered_ops() lists it.
struct OpInfo {
    std::string name;  ///< The op's name ("conv2d"), its key in op_registry().
    OpKind kind;       ///< Whether it has a gradient.
};

/// Every op by name.
Registry<OpKind>& op_registry();
/// All registered ops, in registration order (a snapshot).
std::vector<OpInfo> registered_ops();

namespace detail {
struct OpRegistrar {
    OpRegistrar(std::string_view name, OpKind kind);
};
}  // namespace detail

}  // namespace xgrad

/// Registers op `name` (an identifier) as `xgrad::OpKind::kind`, at load time.
#define XGRAD_REGISTER_OP(name, kind) \
    static const ::xgrad::detail::OpRegistrar xgrad_op_registrar_##name(#name, ::xgrad::OpKind::kind)
