#include "xgrad/core/tensor.hpp"

#include <memory>
#include <utility>

#include "xgrad/autograd/engine.hpp"
#include "xgrad/autograd/node.hpp"

// The Tensor members that reach into the graph (a non-leaf's hooks and
// retained gradients live on its grad_fn; backward runs the engine), kept
// here so that lib/core knows no graph.
namespace xgrad {

void Tensor::retain_grad() {
    const auto& impl = checked();
    if (!impl.requires_grad) throw AutogradError("retain_grad: the tensor does not require grad");
    if (!impl.grad_fn || impl_->retains_grad) return;  // leaves keep their grad anyway
    impl_->retains_grad = true;
    auto& observers = impl.grad_fn->observers_;
    if (!observers) observers = std::make_unique<detail::OutputObservers>();
    observers->retained.emplace_back(impl.output_nr, impl_);
}

HookHandle Tensor::register_hook(GradHook hook) {
    const auto& impl = checked();
    if (!impl.requires_grad) throw AutogradError("register_hook: the tensor does not require grad");
    if (!hook) throw ValueError("register_hook: the hook is empty");
    if (!impl.grad_fn) return detail::add_hook(impl_->hooks, std::move(hook));
    auto& observers = impl.grad_fn->observers_;
    if (!observers) observers = std::make_unique<detail::OutputObservers>();
    for (auto& [nr, hooks] : observers->hooks)
        if (nr == impl.output_nr) return detail::add_hook(hooks, std::move(hook));
    observers->hooks.emplace_back(impl.output_nr, nullptr);
    return detail::add_hook(observers->hooks.back().second, std::move(hook));
}

void Tensor::backward(const Tensor& gradient, bool retain_graph, bool create_graph) const {
    xgrad::backward({*this}, {gradient}, retain_graph, create_graph);
}

}  // namespace xgrad
