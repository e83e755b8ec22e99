#pragma once
// The node whose backward is running on this thread (set by the engine), so
// SavedTensor::output() can reattach an op's output to its own node.
namespace xgrad {
class Node;
namespace detail {
Node*& current_node() noexcept;
}
}  // namespace xgrad
