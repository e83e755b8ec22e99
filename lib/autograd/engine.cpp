#include "xgrad/autograd/engine.hpp"

#include <atomic>
#include <string>
#include <utility>

#include "current_node.hpp"
#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad {

namespace {

std::atomic<std::uint64_t> next_mark{1};

/// Identifies the calling thread (the address of a per-thread object).
const void* this_thread_token() {
    static thread_local const char token = 0;
    return &token;
}

/// Where grad() wants a gradient: a leaf tensor, or output `output_nr` of a node.
struct CaptureTarget {
    const detail::TensorImpl* leaf = nullptr;
    const Node* node = nullptr;
    std::uint32_t output_nr = 0;
};

/// Adds g to slot without touching the tensors either may share data with.
void accumulate(Tensor& slot, Tensor g) {
    slot = slot.defined() ? add(slot, g) : std::move(g);
}

/// Runs gradient hooks in order, each on the previous one's result.
Tensor run_hooks(const detail::HookList<GradHook>& hooks, Tensor grad) {
    for (const GradHook& hook : hooks.snapshot()) {
        Tensor replaced = hook(grad);
        if (!replaced.defined()) continue;
        if (replaced.shape() != grad.shape()) {
            throw ShapeError("gradient hook returned shape " + to_string(replaced.shape()) +
                             " for a gradient of shape " + to_string(grad.shape()));
        }
        grad = replaced.dtype() == grad.dtype() ? std::move(replaced) : replaced.to(grad.dtype());
    }
    return grad;
}

bool exclusively_owned(const Tensor& t) {
    return t.impl().use_count() == 1 && t.impl()->storage.use_count() == 1;
}

}  // namespace

class Engine {
public:
    Engine(bool keep_graph, bool create_graph, const std::vector<CaptureTarget>* captures)
        : keep_graph_(keep_graph), create_graph_(create_graph), captures_(captures) {
        if (captures_) captured_.resize(captures_->size());
    }
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;
    /// Gives the nodes of this pass back, also when it ended in an exception.
    ~Engine() {
        for (Node* n : claimed_) n->owner_.store(nullptr, std::memory_order_release);
    }

    void run(const std::vector<Tensor>& outputs, const std::vector<Tensor>& seeds) {
        GradModeGuard mode(create_graph_);
        const std::uint64_t mark = next_mark.fetch_add(1);
        std::vector<Node*> stack;
        std::vector<std::pair<const Tensor*, Tensor>> roots;
        roots.reserve(outputs.size());

        for (std::size_t i = 0; i < outputs.size(); ++i) {
            const Tensor& out = outputs[i];
            if (!out.defined() || !out.requires_grad()) {
                throw AutogradError("backward: output " + std::to_string(i) +
                                    " does not require grad and has no grad_fn");
            }
            roots.emplace_back(&out, seed_for(out, i < seeds.size() ? seeds[i] : Tensor(), i));
            if (Node* n = out.impl()->grad_fn.get()) discover(n, mark, stack);
        }
        // Count, for every reachable node, the edges that lead into it.
        while (!stack.empty()) {
            Node* n = stack.back();
            stack.pop_back();
            for (const Edge& e : n->next_edges_) {
                if (!e.node) continue;
                discover(e.node.get(), mark, stack);
                ++e.node->pending_;
            }
        }
        std::vector<Node*> ready;
        for (auto& [out, g] : roots) {
            const auto& impl = out->impl();
            if (impl->grad_fn) {
                Node* n = impl->grad_fn.get();
                accumulate(n->grad_buffer_[impl->output_nr], std::move(g));
                if (n->pending_ == 0 && !n->queued_) {
                    n->queued_ = true;
                    ready.push_back(n);
                }
            } else {
                deliver_to_leaf(impl, std::move(g));
            }
        }

        std::vector<Tensor> grad_inputs;
        while (!ready.empty()) {
            Node* n = ready.back();
            ready.pop_back();
            run_node(*n, grad_inputs);
            for (std::size_t i = 0; i < n->next_edges_.size(); ++i) {
                const Edge& e = n->next_edges_[i];
                if (e.leaf) {
                    if (grad_inputs[i].defined()) deliver_to_leaf(e.leaf, std::move(grad_inputs[i]));
                } else if (e.node) {
                    Node* child = e.node.get();
                    if (grad_inputs[i].defined())
                        accumulate(child->grad_buffer_[e.input_nr], std::move(grad_inputs[i]));
                    if (--child->pending_ == 0) ready.push_back(child);
                }
            }
        }
        // Leaves with hooks got their gradient summed over the pass; the hooks see the sum.
        for (auto& [leaf, g] : hooked_leaves_) deliver_to_leaf(leaf, run_hooks(*leaf->hooks, std::move(g)), false);
    }

    std::vector<Tensor> take_captured() { return std::move(captured_); }

private:
    void discover(Node* n, std::uint64_t mark, std::vector<Node*>& stack) {
        const void* owner = nullptr;
        if (n->owner_.compare_exchange_strong(owner, thread_, std::memory_order_acq_rel)) {
            claimed_.push_back(n);
        } else if (owner != thread_) {
            throw AutogradError(std::string("backward: node ") + n->name() +
                                " is in a backward pass running in another thread; a graph (like the module that "
                                "built it) must be differentiated by one thread at a time");
        }
        if (n->visit_mark_ == mark) return;
        n->visit_mark_ = mark;
        n->pending_ = 0;
        n->queued_ = false;
        n->grad_buffer_.assign(n->num_outputs_);
        stack.push_back(n);
    }

    static Tensor seed_for(const Tensor& out, const Tensor& seed, std::size_t i) {
        if (seed.defined()) {
            if (seed.shape() != out.shape()) {
                throw ShapeError("backward: gradient for output " + std::to_string(i) +
                                 " has shape " + to_string(seed.shape()) + " but the output has " +
                                 to_string(out.shape()));
            }
            return seed.dtype() == out.dtype() ? seed : seed.to(out.dtype());
        }
        if (out.numel() != 1) {
            throw AutogradError(
                "backward: a gradient can be implied only for a one-element output; output " +
                std::to_string(i) + " has shape " + to_string(out.shape()) +
                " (pass a gradient of that shape)");
        }
        return ones(out.shape(), out.dtype());
    }

    void run_node(Node& n, std::vector<Tensor>& grad_inputs) {
        std::span<const Tensor> grad_outputs(n.grad_buffer_);
        if (n.observers_) observe_outputs(n);
        if (captures_) {
            for (std::size_t k = 0; k < captures_->size(); ++k) {
                const CaptureTarget& c = (*captures_)[k];
                if (c.node == &n && n.grad_buffer_[c.output_nr].defined())
                    accumulate(captured_[k], n.grad_buffer_[c.output_nr]);
            }
        }
        grad_inputs.assign(n.num_inputs(), Tensor());
        bool any = false;
        for (const Tensor& g : grad_outputs) any = any || g.defined();
        if (any) {
            if (n.released_) {
                throw AutogradError(std::string(n.name()) +
                                    ": backward through the graph a second time, but its saved "
                                    "tensors were already freed; pass retain_graph=true to the "
                                    "first backward() or grad()");
            }
            Node*& current = detail::current_node();
            Node* previous = current;
            current = &n;
            try {
                n.apply(grad_outputs, grad_inputs);
            } catch (const AutogradError& e) {
                current = previous;
                throw AutogradError(std::string("backward of ") + n.name() + ": " + e.what());
            } catch (...) {
                current = previous;
                throw;
            }
            current = previous;
        }
        n.grad_buffer_.clear();
        if (!keep_graph_) {
            n.release_saved();
            n.released_ = true;
        }
    }

    /// Output hooks first, so that retained gradients hold what the hooks made.
    static void observe_outputs(Node& n) {
        for (const auto& [nr, hooks] : n.observers_->hooks)
            if (n.grad_buffer_[nr].defined()) n.grad_buffer_[nr] = run_hooks(*hooks, n.grad_buffer_[nr]);
        for (const auto& [nr, weak] : n.observers_->retained) {
            if (auto impl = weak.lock(); impl && n.grad_buffer_[nr].defined()) {
                Tensor g = n.grad_buffer_[nr].detach();
                impl->grad = impl->grad ? add(Tensor(impl->grad), g).impl() : g.clone().impl();
            }
        }
    }

    void deliver_to_leaf(const std::shared_ptr<detail::TensorImpl>& leaf, Tensor g, bool hooked = true) {
        if (hooked && leaf->hooks) {
            for (auto& [held, sum] : hooked_leaves_) {
                if (held == leaf) {
                    accumulate(sum, std::move(g));
                    return;
                }
            }
            hooked_leaves_.emplace_back(leaf, std::move(g));
            return;
        }
        if (captures_) {
            for (std::size_t k = 0; k < captures_->size(); ++k)
                if ((*captures_)[k].leaf == leaf.get()) accumulate(captured_[k], g);
            return;  // grad() never touches .grad
        }
        if (g.dtype() != leaf->dtype) g = g.to(leaf->dtype);
        if (!leaf->grad) {
            // .grad must not share data with other tensors: optimizers and
            // clipping update it in place.
            leaf->grad = (create_graph_ || exclusively_owned(g)) ? g.impl() : g.clone().impl();
            if (!create_graph_) {
                leaf->grad->grad_fn.reset();
                leaf->grad->requires_grad = false;
            }
        } else if (create_graph_) {
            leaf->grad = add(Tensor(leaf->grad), g).impl();
        } else {
            Tensor(leaf->grad).add_(g);
        }
    }

    const void* const thread_ = this_thread_token();
    std::vector<Node*> claimed_;  // nodes whose owner_ this pass set
    bool keep_graph_;
    bool create_graph_;
    const std::vector<CaptureTarget>* captures_;
    std::vector<Tensor> captured_;
    // Gradients of leaves that have hooks, summed until the pass ends.
    std::vector<std::pair<std::shared_ptr<detail::TensorImpl>, Tensor>> hooked_leaves_;
};

void backward(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs,
              bool retain_graph, bool create_graph) {
    if (!grad_outputs.empty() && grad_outputs.size() != outputs.size()) {
        throw ValueError("backward: " + std::to_string(outputs.size()) + " outputs but " +
                         std::to_string(grad_outputs.size()) + " gradients");
    }
    Engine(retain_graph || create_graph, create_graph, nullptr).run(outputs, grad_outputs);
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, GradOptions options) {
    if (!grad_outputs.empty() && grad_outputs.size() != outputs.size()) {
        throw ValueError("grad: " + std::to_string(outputs.size()) + " outputs but " +
                         std::to_string(grad_outputs.size()) + " gradients");
    }
    std::vector<CaptureTarget> targets;
    targets.reserve(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const Tensor& x = inputs[i];
        if (!x.defined() || !x.requires_grad())
            throw AutogradError("grad: input " + std::to_string(i) + " does not require grad");
        const auto& impl = x.impl();
        targets.push_back(impl->grad_fn ? CaptureTarget{nullptr, impl->grad_fn.get(), impl->output_nr}
                                        : CaptureTarget{impl.get(), nullptr, 0});
    }
    const bool keep = options.retain_graph.value_or(options.create_graph);
    Engine engine(keep, options.create_graph, &targets);
    engine.run(outputs, grad_outputs);
    std::vector<Tensor> result = engine.take_captured();
    for (std::size_t i = 0; i < result.size(); ++i) {
        if (!result[i].defined() && !options.allow_unused) {
            throw AutogradError("grad: input " + std::to_string(i) +
                                " was not used to compute the outputs (set allow_unused)");
        }
    }
    return result;
}

}  // namespace xgrad
