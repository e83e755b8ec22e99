#pragma once
// Shared by the linalg op families (internal): argument checks, the batch
// loop's shapes, matrix helpers written with differentiable xgrad ops (so the
// backward formulas built from them differentiate again), and the recording
// of ops with several outputs (qr, eigh, svd).
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "xgrad/autograd/node.hpp"
#include "xgrad/core/tensor.hpp"

namespace xgrad::linalg::detail {

/// The leading (batch) dimensions of a rank ≥ 2 shape.
Shape batch_of(const Shape& s);
/// Product of the batch dimensions.
std::int64_t batch_count(const Shape& s);
/// batch followed by rows and cols.
Shape matrix_shape(const Shape& batch, std::int64_t rows, std::int64_t cols);

/// Floating, rank ≥ 2 (ShapeError / DtypeError naming op and the shape).
void check_matrix(const char* op, const Tensor& a);
/// check_matrix and square in the last two dimensions.
void check_square(const char* op, const Tensor& a);
/// Same dtype as `a` (DtypeError naming op).
void check_same_dtype(const char* op, const Tensor& a, const Tensor& b);

/// The transpose of the last two dimensions.
Tensor mT(const Tensor& x);
/// [..., n] → [..., n, n] with v on the diagonal.
Tensor diag_embed(const Tensor& v);
/// The n×n identity in `dtype`.
Tensor identity(std::int64_t n, Dtype dtype);
/// [...] → [..., 1, 1], to scale whole matrices.
Tensor as_matrix_scale(const Tensor& x);

/// Solves A·X = B for square A [..., n, n] and B [..., n, k] with equal batch
/// dimensions (differentiable; `op` names the caller in errors).
Tensor solve_matrices(const char* op, const Tensor& a, const Tensor& b);
/// Solves A·X = B for triangular A (equal batch dimensions, differentiable).
Tensor solve_triangular_matrices(const char* op, const Tensor& a, const Tensor& b, bool upper, bool unit_diagonal);

/// The node behind record_outputs(): `fn(grads, dx)` gets one gradient per
/// output, undefined where none arrived.
template <class F> class MultiOutputNode final : public Node {
public:
    MultiOutputNode(const char* name, F&& fn) : name_(name), fn_(std::move(fn)) {}
    const char* name() const noexcept override { return name_; }
    void apply(std::span<const Tensor> grad_outputs, std::span<Tensor> grad_inputs) override {
        InputGrads dx(grad_inputs, *this);
        (*fn_)(grad_outputs, dx);
    }
    void release_saved() noexcept override { fn_.reset(); }

private:
    const char* name_;
    std::optional<F> fn_;
};

/// record() for an op with several outputs.
template <class F>
void record_outputs(const char* name, std::span<Tensor> outputs, std::initializer_list<const Tensor*> inputs, F&& fn) {
    if (OpTracer* tracer = active_op_tracer()) [[unlikely]]
        for (const Tensor& out : outputs) tracer->produced(name, out);
    if (!needs_grad(inputs)) return;
    auto node = xgrad::detail::make_pooled<MultiOutputNode<std::decay_t<F>>>(name, std::forward<F>(fn));
    attach_inputs(node, std::span<const Tensor* const>(inputs.begin(), inputs.size()));
    set_history(outputs, node);
}

}  // namespace xgrad::linalg::detail
