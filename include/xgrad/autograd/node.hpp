#pragma once
/// \file
/// The autograd graph: a Node per recorded op, Edges to the nodes (or leaf
/// tensors) that produced its inputs, and SavedTensor for what backward needs.
///
/// Built-in ops attach their backward with record(); user ops use
/// xgrad::Function (function.hpp). Both create the same kind of Node.
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/core/pool_allocator.hpp"
#include "xgrad/core/small_vector.hpp"
#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// Where a gradient flows: into a node's input slot, or into a leaf's .grad.
/// Both null means the input needs no gradient.
struct Edge {
    std::shared_ptr<Node> node;                ///< The node that produced the input, if it has history.
    std::shared_ptr<detail::TensorImpl> leaf;  ///< The leaf tensor the input is, otherwise.
    std::uint32_t input_nr = 0;  ///< which output of `node` the input was
    /// False when both are null (the input needs no gradient).
    bool valid() const noexcept { return node || leaf; }
};

namespace detail {
/// What a node keeps for its outputs besides the graph, by output_nr.
struct OutputObservers {
    // Tensors whose .grad is kept (Tensor::retain_grad).
    std::vector<std::pair<std::uint32_t, std::weak_ptr<TensorImpl>>> retained;
    // Gradient hooks (Tensor::register_hook), run before the gradient is retained.
    std::vector<std::pair<std::uint32_t, std::shared_ptr<HookList<GradHook>>>> hooks;
};
}  // namespace detail

/// One recorded op. apply() receives the gradients of the outputs and writes
/// one gradient per input (undefined where not needed).
class Node : public std::enable_shared_from_this<Node> {
public:
    /// Releases the graph behind this node iteratively: dropping a tensor at
    /// the end of a 100,000-op chain must not recurse 100,000 destructors deep.
    virtual ~Node();
    /// The op's name, used in error messages ("mul", "matmul", …).
    virtual const char* name() const noexcept = 0;
    /// grad_outputs has num_outputs() entries, undefined where no gradient arrived;
    /// grad_inputs has num_inputs() entries, all undefined on entry.
    virtual void apply(std::span<const Tensor> grad_outputs, std::span<Tensor> grad_inputs) = 0;
    /// Frees what backward needed (saved tensors). Called after backward unless retained.
    virtual void release_saved() noexcept = 0;

    /// Number of inputs the op was recorded with (one Edge each).
    std::size_t num_inputs() const noexcept { return next_edges_.size(); }
    /// Number of outputs the op produced (1 for record()).
    std::uint32_t num_outputs() const noexcept { return num_outputs_; }
    /// Whether input i requires grad, i.e. its edge is valid().
    bool needs_input_grad(std::size_t i) const noexcept { return next_edges_[i].valid(); }
    /// One edge per input, in recording order.
    std::span<const Edge> next_edges() const noexcept { return next_edges_; }
    /// True once a backward without retain_graph has freed the saved tensors.
    bool released() const noexcept { return released_; }

protected:
    Node() = default;

private:
    friend class Engine;
    friend void set_history(std::span<Tensor>, const std::shared_ptr<Node>&);
    friend std::shared_ptr<Node> attach_inputs(const std::shared_ptr<Node>&,
                                               std::span<const Tensor* const>);
    friend class Tensor;

    detail::SmallVector<Edge, 3> next_edges_;
    std::uint32_t num_outputs_ = 1;
    bool released_ = false;
    // Retained gradients and hooks of this node's outputs; null until used.
    std::unique_ptr<detail::OutputObservers> observers_;
    // Engine scratch, valid during one backward pass. owner_ is the thread
    // running that pass: a second thread reaching the node meanwhile gets an
    // AutogradError instead of corrupting the counts.
    std::atomic<const void*> owner_{nullptr};
    std::uint64_t visit_mark_ = 0;
    std::int64_t pending_ = 0;
    bool queued_ = false;
    detail::SmallVector<Tensor, 1> grad_buffer_;
};

/// A tensor kept for backward. get() throws AutogradError if the tensor was
/// modified in place after it was saved.
///
/// An op's own output must be saved with SavedTensor::output(): holding the
/// output itself would make a reference cycle (output → node → output). The
/// output is rebuilt from its data and, when a graph is being created for
/// higher-order gradients, reattached to the node that is running.
class SavedTensor {
public:
    SavedTensor() = default;
    /// Saves an input (or any tensor that is not this op's output), remembering its version.
    explicit SavedTensor(const Tensor& t) : tensor_(t), version_(t.defined() ? t.version() : 0) {}
    /// Saves output `output_nr` of the op being recorded, without holding its history.
    static SavedTensor output(const Tensor& out, std::uint32_t output_nr = 0);

    /// The saved tensor; AutogradError if it was modified in place or the graph was freed.
    Tensor get() const;
    /// False when nothing, or an undefined tensor, was saved.
    bool defined() const noexcept { return tensor_.defined(); }

private:
    Tensor tensor_;
    std::uint32_t version_ = 0;
    std::uint32_t output_nr_ = 0;
    bool is_output_ = false;
};

/// True when an op on these inputs must be recorded.
inline bool needs_grad(std::initializer_list<const Tensor*> inputs) noexcept {
    if (!is_grad_enabled()) return false;
    for (const Tensor* t : inputs)
        if (t->defined() && t->impl()->requires_grad) return true;
    return false;
}

/// Slots for the gradients of a recorded op's inputs, in the order given to record().
class InputGrads {
public:
    /// Wraps the gradient slots of `node`'s inputs (both must outlive it).
    InputGrads(std::span<Tensor> slots, const Node& node) noexcept : slots_(slots), node_(node) {}
    /// Whether input i needs a gradient; slot i may be left undefined when not.
    bool needs(std::size_t i) const noexcept { return node_.needs_input_grad(i); }
    /// The slot that receives the gradient of input i.
    Tensor& operator[](std::size_t i) noexcept { return slots_[i]; }

private:
    std::span<Tensor> slots_;
    const Node& node_;
};

namespace detail {
/// The node behind record(): a lambda `void(const Tensor& grad, InputGrads& dx)`
/// stored inline, destroyed by release_saved().
template <class F> class LambdaNode final : public Node {
public:
    LambdaNode(const char* name, F&& fn) : name_(name), fn_(std::move(fn)) {}
    const char* name() const noexcept override { return name_; }
    void apply(std::span<const Tensor> grad_outputs, std::span<Tensor> grad_inputs) override {
        InputGrads dx(grad_inputs, *this);
        (*fn_)(grad_outputs[0], dx);
    }
    void release_saved() noexcept override { fn_.reset(); }

private:
    const char* name_;
    std::optional<F> fn_;
};
}  // namespace detail

/// Connects `node` to the inputs (edges to their producers or leaves) and returns it.
std::shared_ptr<Node> attach_inputs(const std::shared_ptr<Node>& node,
                                    std::span<const Tensor* const> inputs);
/// Makes `outputs` the outputs 0..n-1 of `node` (requires_grad, grad_fn).
void set_history(std::span<Tensor> outputs, const std::shared_ptr<Node>& node);

/// Records a single-output op (and tells a tracer, if one is installed,
/// that `name` made `out`): when any input requires grad and recording is
/// on, `out` gets a node whose backward is `fn(grad_out, dx)`; `dx[i]` must
/// receive the gradient of input i, with input i's shape, when `dx.needs(i)`.
/// The lambda holds what backward needs (SavedTensor for tensors).
template <class F>
void record(const char* name, Tensor& out, std::initializer_list<const Tensor*> inputs, F&& fn) {
    if (OpTracer* tracer = detail::op_tracer) [[unlikely]]
        tracer->produced(name, out);
    if (!needs_grad(inputs)) return;
    auto node = detail::make_pooled<detail::LambdaNode<std::decay_t<F>>>(name, std::forward<F>(fn));
    const std::span<const Tensor* const> in(inputs.begin(), inputs.size());
    attach_inputs(node, in);
    Tensor outs[1] = {out};
    set_history(outs, node);
}

}  // namespace xgrad
