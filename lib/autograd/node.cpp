#include "xgrad/autograd/node.hpp"

#include <string>

#include "current_node.hpp"

namespace xgrad {

namespace detail {
Node*& current_node() noexcept {
    thread_local Node* node = nullptr;
    return node;
}
}  // namespace detail

Node::~Node() {
    thread_local std::vector<std::shared_ptr<Node>> pending;
    thread_local bool draining = false;
    for (Edge& e : next_edges_)
        if (e.node) pending.push_back(std::move(e.node));
    if (draining) return;  // an outer ~Node is draining: it will release these
    draining = true;
    while (!pending.empty()) {
        std::shared_ptr<Node> n = std::move(pending.back());
        pending.pop_back();
        n.reset();  // may run ~Node, which only appends to `pending`
    }
    draining = false;
}

std::shared_ptr<Node> attach_inputs(const std::shared_ptr<Node>& node,
                                    std::span<const Tensor* const> inputs) {
    node->next_edges_.assign(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const Tensor* t = inputs[i];
        if (!t->defined() || !t->impl()->requires_grad) continue;
        Edge& e = node->next_edges_[i];
        const auto& impl = t->impl();
        if (impl->grad_fn) {
            e.node = impl->grad_fn;
            e.input_nr = impl->output_nr;
        } else {
            e.leaf = impl;
        }
    }
    return node;
}

void set_history(std::span<Tensor> outputs, const std::shared_ptr<Node>& node) {
    node->num_outputs_ = static_cast<std::uint32_t>(outputs.size());
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        auto& impl = *outputs[i].impl();
        impl.requires_grad = is_floating(impl.dtype);
        impl.grad_fn = impl.requires_grad ? node : nullptr;
        impl.output_nr = static_cast<std::uint32_t>(i);
    }
}

SavedTensor SavedTensor::output(const Tensor& out, std::uint32_t output_nr) {
    SavedTensor s(out.detach());
    s.output_nr_ = output_nr;
    s.is_output_ = true;
    return s;
}

Tensor SavedTensor::get() const {
    if (!tensor_.defined()) {
        throw AutogradError(
            "a tensor saved for backward is gone: the graph was already freed by an earlier "
            "backward (pass retain_graph=true to backward the same graph twice)");
    }
    if (tensor_.version() != version_) {
        throw AutogradError("a tensor saved for backward was modified in place (version " +
                            std::to_string(tensor_.version()) + ", saved at version " +
                            std::to_string(version_) +
                            "); clone it before the in-place update");
    }
    Node* running = detail::current_node();
    if (!is_output_ || !is_grad_enabled() || !running) return tensor_;
    // Reattach to the running node so a graph built from this backward can be
    // differentiated again (create_graph).
    const auto& src = *tensor_.impl();
    auto impl = detail::make_pooled<detail::TensorImpl>();
    impl->storage = src.storage;
    impl->shape = src.shape;
    impl->numel = src.numel;
    impl->dtype = src.dtype;
    impl->requires_grad = true;
    impl->grad_fn = running->shared_from_this();
    impl->output_nr = output_nr_;
    return Tensor(std::move(impl));
}

}  // namespace xgrad
