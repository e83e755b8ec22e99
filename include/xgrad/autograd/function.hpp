#pragma once
/// \file
/// User-defined differentiable ops, with the same Node machinery as built-ins.
///
///     struct Cube : xgrad::Function<Cube> {
///         static constexpr const char* name = "cube";
///         static Tensor forward(FunctionContext& ctx, const Tensor& x) {
///             ctx.save_for_backward({x});
///             return x * x * x;
///         }
///         static std::vector<Tensor> backward(FunctionContext& ctx, const std::vector<Tensor>& g) {
///             const Tensor x = ctx.saved_tensors()[0];
///             return {g[0] * 3.0 * x * x};
///         }
///     };
///     Tensor y = Cube::apply(x);
///
/// forward runs with recording off; every Tensor argument of apply() is an
/// input and backward returns one gradient per input, in order (undefined for
/// "no gradient"). Write backward with xgrad ops and the op supports
/// higher-order gradients. forward may return a Tensor or std::vector<Tensor>;
/// gradients of outputs that received none arrive as zeros.
#include <any>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "xgrad/autograd/node.hpp"

namespace xgrad {

namespace detail {
template <class D> class FunctionNode;
}

/// Per-call state shared by a Function's forward and backward: saved tensors
/// and values (PyTorch's `ctx`).
class FunctionContext {
public:
    /// Keeps tensors for backward (inputs or outputs of forward).
    void save_for_backward(std::vector<Tensor> tensors) { to_save_ = std::move(tensors); }
    /// The saved tensors; AutogradError if one was modified in place since.
    std::vector<Tensor> saved_tensors() const;
    /// Whether input i (counting Tensor arguments of apply) needs a gradient.
    bool needs_input_grad(std::size_t i) const { return node_ && node_->needs_input_grad(i); }
    /// Non-tensor values forward wants to hand to backward.
    std::map<std::string, std::any> saved_data;

private:
    template <class D> friend class Function;
    template <class D> friend class detail::FunctionNode;
    void seal(std::span<const Tensor> outputs);
    void release() noexcept {
        to_save_.clear();
        saved_.clear();
        saved_data.clear();
    }

    std::vector<Tensor> to_save_;
    std::vector<SavedTensor> saved_;
    const Node* node_ = nullptr;
};

namespace detail {

template <class D> constexpr const char* function_name() {
    if constexpr (requires { D::name; }) return D::name;
    else return "custom_function";
}

/// Checks the gradients a user backward returned and moves them into place.
void place_function_grads(const char* name, std::vector<Tensor>& grads, std::span<Tensor> grad_inputs,
                          const std::vector<Shape>& input_shapes, const Node& node);

template <class D> class FunctionNode final : public Node {
public:
    const char* name() const noexcept override { return function_name<D>(); }
    void apply(std::span<const Tensor> grad_outputs, std::span<Tensor> grad_inputs) override {
        std::vector<Tensor> grads(grad_outputs.begin(), grad_outputs.end());
        for (std::size_t i = 0; i < grads.size(); ++i)
            if (!grads[i].defined()) grads[i] = zeros(output_shapes[i], output_dtypes[i]);
        std::vector<Tensor> result = D::backward(ctx, grads);
        place_function_grads(name(), result, grad_inputs, input_shapes, *this);
    }
    void release_saved() noexcept override { ctx.release(); }

    FunctionContext ctx;
    std::vector<Shape> input_shapes;
    std::vector<Shape> output_shapes;
    std::vector<Dtype> output_dtypes;
};

}  // namespace detail

/// CRTP base of a user-defined differentiable op: Derived supplies static
/// forward(FunctionContext&, ...) and backward(FunctionContext&, grads), like
/// PyTorch's torch.autograd.Function.
template <class Derived> class Function {
public:
    /// Runs Derived::forward on `args` with recording off and returns its result;
    /// when recording is on and a Tensor argument requires grad, the result gets
    /// a node whose backward calls Derived::backward.
    template <class... Args> static auto apply(Args&&... args) {
        auto node = detail::make_pooled<detail::FunctionNode<Derived>>();
        std::vector<const Tensor*> inputs;
        (collect(inputs, args), ...);
        using Result = decltype(Derived::forward(node->ctx, std::forward<Args>(args)...));
        static_assert(std::is_same_v<Result, Tensor> || std::is_same_v<Result, std::vector<Tensor>>,
                      "Function::forward must return Tensor or std::vector<Tensor>");
        bool record_it = is_grad_enabled();
        if (record_it) {
            record_it = false;
            for (const Tensor* t : inputs) record_it = record_it || (t->defined() && t->requires_grad());
        }
        Result result;
        {
            NoGradGuard no_grad;
            result = Derived::forward(node->ctx, std::forward<Args>(args)...);
        }
        // While tracing, the ops forward ran were traced; an output computed
        // otherwise is named after this Function (an export then fails naming it).
        if (OpTracer* tracer = active_op_tracer()) [[unlikely]] {
            if constexpr (std::is_same_v<Result, Tensor>) tracer->produced(detail::function_name<Derived>(), result);
            else
                for (const Tensor& r : result) tracer->produced(detail::function_name<Derived>(), r);
        }
        if (!record_it) return result;
        attach_inputs(node, inputs);
        node->ctx.node_ = node.get();
        for (const Tensor* t : inputs) node->input_shapes.push_back(t->defined() ? t->shape() : Shape{});
        if constexpr (std::is_same_v<Result, Tensor>) {
            result = fresh_output(result, inputs);
            finish(*node, std::span<Tensor>(&result, 1));
        } else {
            for (auto& r : result) r = fresh_output(r, inputs);
            finish(*node, std::span<Tensor>(result));
        }
        return result;
    }

private:
    static void collect(std::vector<const Tensor*>& inputs, const Tensor& t) { inputs.push_back(&t); }
    template <class T> static void collect(std::vector<const Tensor*>&, const T&) {}

    /// An output that is an input (or shares its handle) gets its own handle,
    /// so giving it history does not rewrite the input's.
    static Tensor fresh_output(const Tensor& out, const std::vector<const Tensor*>& inputs) {
        bool is_input = false;
        for (const Tensor* t : inputs) is_input = is_input || t->is_same(out);
        return is_input || out.requires_grad() ? out.detach() : out;
    }

    static void finish(detail::FunctionNode<Derived>& node, std::span<Tensor> outputs) {
        for (const Tensor& o : outputs) {
            node.output_shapes.push_back(o.shape());
            node.output_dtypes.push_back(o.dtype());
        }
        node.ctx.seal(outputs);
        set_history(outputs, node.shared_from_this());
    }
};

}  // namespace xgrad
