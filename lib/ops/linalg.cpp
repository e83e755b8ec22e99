// Matrix products: forward kernels and backward formulas side by side.
//
// Every product goes through one internal differentiable op, mm(a, b, ta, tb)
// = op(a)·op(b) on the last two dimensions (op(x) = xᵀ when the flag is set),
// batched over the leading dimensions with NumPy broadcasting. Its gradients
// are again mm calls with other transpose flags, so
//   * backward never materializes a transpose: the flags go to gemm, and
//   * the backward is itself differentiable (create_graph, higher orders),
//     with no extra op to keep in sync.
// The node is named "matmul" whatever the flags; gradgradcheck exercises the
// flagged variants (they are the backward of the plain one).
//
// linear(x, W, b) is its own node: one GEMM with beta = 1 onto the bias
// broadcast into the output (one allocation, one node instead of matmul + add
// + their intermediate), all leading dimensions of x folded into GEMM rows.
#include "xgrad/ops/linalg.hpp"

#include <string>

#include "kernels.hpp"
#include "linalg/gemm.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

namespace {

// ---- shapes ------------------------------------------------------------------

/// The leading (batch) dimensions of a rank ≥ 2 shape.
Shape batch_of(const Shape& s) {
    Shape b;
    for (std::size_t i = 0; i + 2 < s.size(); ++i) b.push_back(s[i]);
    return b;
}

/// Product of all dimensions but the last (the row count of x folded to 2-D).
std::int64_t leading_numel(const Shape& s) {
    std::int64_t n = 1;
    for (std::size_t i = 0; i + 1 < s.size(); ++i) n *= s[i];
    return n;
}

/// x with shape [rows, cols] (x's element count), sharing data; x itself when
/// it already has that shape (no node, no allocation).
Tensor as_2d(const Tensor& x, std::int64_t rows, std::int64_t cols) {
    const Shape& s = x.shape();
    if (s.size() == 2 && s[0] == rows && s[1] == cols) return x;
    return reshape(x, {rows, cols});
}

/// g summed over the batch dimensions that broadcasting added or stretched.
Tensor reduce_to(const Tensor& g, const Shape& shape) {
    return g.shape() == shape ? g : sum_to_shape(g, shape);
}

[[noreturn]] void throw_not_aligned(const char* op, const Shape& a, const Shape& b, std::int64_t ka,
                                    std::int64_t kb) {
    throw ShapeError(std::string(op) + ": shapes " + to_string(a) + " and " + to_string(b) +
                     " are not aligned (" + std::to_string(ka) + " != " + std::to_string(kb) + ")");
}

void check_operands(const char* op, const Tensor& a, const Tensor& b) {
    detail::check_floating(op, a);
    detail::check_floating(op, b);
    detail::check_same_dtype(op, a, b);
}

// ---- the batched product -------------------------------------------------------

/// op(a)·op(b) over the last two dimensions, batch dimensions broadcast.
/// a: [..., ra, ca], b: [..., rb, cb], both rank ≥ 2, op(a) m×k, op(b) k×n.
/// Result [broadcast batch..., m, n]. Callers have checked dtypes and k.
Tensor mm(const Tensor& a, const Tensor& b, bool ta, bool tb);

template <class T>
void mm_kernel(const Tensor& a, const Tensor& b, bool ta, bool tb, Tensor& out, const Shape& out_batch) {
    const Shape& sa = a.shape();
    const Shape& sb = b.shape();
    const std::int64_t ra = sa[sa.size() - 2], ca = sa.back();
    const std::int64_t rb = sb[sb.size() - 2], cb = sb.back();
    const std::int64_t m = ta ? ca : ra, k = ta ? ra : ca, n = tb ? rb : cb;
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* pc = out.data<T>();

    // b is one matrix and a is not transposed: a's batch rows are consecutive
    // rows of one tall matrix, so the whole batch is a single GEMM.
    if (sb.size() == 2 && !ta) {
        detail::gemm(false, tb, leading_numel(sa), n, k, T(1), pa, ca, pb, cb, T(0), pc, n);
        return;
    }
    const std::int64_t batches = out_batch.numel();
    if (batches == 0) return;
    const Shape stride_a = detail::broadcast_strides(batch_of(sa), out_batch);
    const Shape stride_b = detail::broadcast_strides(batch_of(sb), out_batch);
    const std::int64_t size_a = ra * ca, size_b = rb * cb, size_c = m * n;
    const std::size_t rank = out_batch.size();
    Shape index = Shape::filled(rank, 0);
    std::int64_t oa = 0, ob = 0;
    for (std::int64_t i = 0; i < batches; ++i) {
        detail::gemm(ta, tb, m, n, k, T(1), pa + oa * size_a, ca, pb + ob * size_b, cb, T(0), pc + i * size_c, n);
        for (std::size_t d = rank; d-- > 0;) {  // odometer over the broadcast batch
            oa += stride_a[d];
            ob += stride_b[d];
            if (++index[d] < out_batch[d]) break;
            oa -= stride_a[d] * out_batch[d];
            ob -= stride_b[d] * out_batch[d];
            index[d] = 0;
        }
    }
}

Tensor mm(const Tensor& a, const Tensor& b, bool ta, bool tb) {
    const Shape& sa = a.shape();
    const Shape& sb = b.shape();
    const std::int64_t m = ta ? sa.back() : sa[sa.size() - 2];
    const std::int64_t ka = ta ? sa[sa.size() - 2] : sa.back();
    const std::int64_t kb = tb ? sb.back() : sb[sb.size() - 2];
    const std::int64_t n = tb ? sb[sb.size() - 2] : sb.back();
    if (ka != kb) throw_not_aligned("matmul", sa, sb, ka, kb);
    const bool batched = sa.size() > 2 || sb.size() > 2;
    Shape out_batch;
    if (batched) {
        try {
            out_batch = broadcast_shapes(batch_of(sa), batch_of(sb), "matmul");
        } catch (const ShapeError&) {
            throw ShapeError("matmul: batch dimensions of shapes " + to_string(sa) + " and " + to_string(sb) +
                             " cannot be broadcast (" + to_string(batch_of(sa)) + " vs " +
                             to_string(batch_of(sb)) + ")");
        }
    }
    Shape out_shape = out_batch;
    out_shape.push_back(m);
    out_shape.push_back(n);
    Tensor out(out_shape, a.dtype());
    visit_floating(a.dtype(), "matmul", [&](auto tag) {
        mm_kernel<decltype(tag)>(a, b, ta, tb, out, out_batch);
    });

    // C = op(A)·op(B), G = dL/dC [batch..., m, n]:
    //   d op(A) = G·op(B)ᵀ  [m, k],   d op(B) = op(A)ᵀ·G  [k, n],
    // each rewritten as one mm with flags (a transpose of a product swaps
    // the factors and flips their flags), then summed over broadcast batch dims.
    if (!needs_grad({&a, &b})) return out;
    // Save only what backward reads: b for dA, a for dB.
    record("matmul", out, {&a, &b},
           [sa_ = b.requires_grad() ? SavedTensor(a) : SavedTensor(),
            sb_ = a.requires_grad() ? SavedTensor(b) : SavedTensor(), shape_a = sa, shape_b = sb, ta,
            tb](const Tensor& g, InputGrads& dx) {
               if (dx.needs(0)) {
                   // [.., ra, ca]:  ta=0: G·op(B)ᵀ,  ta=1: (G·op(B)ᵀ)ᵀ = op(B)·Gᵀ
                   const Tensor b = sb_.get();
                   const Tensor r = !ta ? mm(g, b, false, !tb) : mm(b, g, tb, true);
                   dx[0] = reduce_to(r, shape_a);
               }
               if (dx.needs(1)) {
                   const Tensor a = sa_.get();
                   if (shape_b.size() == 2 && shape_a.size() > 2 && !ta) {
                       // b was one matrix shared by every batch: the batch sum is a
                       // single GEMM over the stacked rows of a and g.
                       const std::int64_t rows = leading_numel(shape_a);
                       const Tensor a2 = as_2d(a, rows, shape_a.back());
                       const Tensor g2 = as_2d(g, rows, g.shape().back());
                       dx[1] = !tb ? mm(a2, g2, true, false) : mm(g2, a2, true, false);
                   } else {
                       // [.., rb, cb]:  tb=0: op(A)ᵀ·G,  tb=1: (op(A)ᵀ·G)ᵀ = Gᵀ·op(A)
                       const Tensor r = !tb ? mm(a, g, !ta, false) : mm(g, a, true, ta);
                       dx[1] = reduce_to(r, shape_b);
                   }
               }
           });
    return out;
}

Tensor matmul_any_rank(const Tensor& a, const Tensor& b) {
    check_operands("matmul", a, b);
    const Shape& sa = a.shape();
    const Shape& sb = b.shape();
    if (sa.empty() || sb.empty()) {
        throw ShapeError("matmul: operands must have at least one dimension, got shapes " + to_string(sa) +
                         " and " + to_string(sb));
    }
    const std::int64_t ka = sa.back();
    const std::int64_t kb = sb.size() == 1 ? sb[0] : sb[sb.size() - 2];
    if (ka != kb) throw_not_aligned("matmul", sa, sb, ka, kb);
    if (sa.size() >= 2 && sb.size() >= 2) return mm(a, b, false, false);

    // A 1-D operand becomes a one-row (a) or one-column (b) matrix; that
    // dimension is removed from the result. reshape shares the data.
    const Tensor a2 = sa.size() == 1 ? reshape(a, {1, ka}) : a;
    const Tensor b2 = sb.size() == 1 ? reshape(b, {kb, 1}) : b;
    const Tensor c = mm(a2, b2, false, false);
    Shape shape = c.shape();
    if (sb.size() == 1) shape.erase(shape.size() - 1);
    if (sa.size() == 1) shape.erase(shape.size() - (sb.size() == 1 ? 1 : 2));
    return reshape(c, shape);
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
    const CompositeOpTrace trace;  // one MatMul: the reshapes of 1-D operands are not traced
    Tensor out = matmul_any_rank(a, b);
    trace.record("matmul", {&a, &b}, out);
    return out;
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
    check_operands("linear", x, weight);
    const Shape& sx = x.shape();
    const Shape& sw = weight.shape();
    if (sw.size() != 2) {
        throw ShapeError("linear: weight must be 2-D [in, out], got shape " + to_string(sw) + " (input " +
                         to_string(sx) + ")");
    }
    if (sx.empty()) throw ShapeError("linear: input must have at least one dimension, got shape []");
    const std::int64_t in = sx.back(), out_features = sw[1];
    if (in != sw[0]) throw_not_aligned("linear", sx, sw, in, sw[0]);
    const bool has_bias = bias.defined();
    if (has_bias) {
        detail::check_same_dtype("linear", x, bias);
        if (!(bias.shape() == Shape{out_features})) {
            throw ShapeError("linear: bias must have shape [" + std::to_string(out_features) + "] for weight " +
                             to_string(sw) + ", got " + to_string(bias.shape()));
        }
    }
    const std::int64_t rows = leading_numel(sx);
    Shape out_shape = sx;
    out_shape[out_shape.size() - 1] = out_features;
    Tensor out(out_shape, x.dtype());
    visit_floating(x.dtype(), "linear", [&](auto tag) {
        using T = decltype(tag);
        T* po = out.data<T>();
        T beta = T(0);
        if (has_bias) {  // y = b (every row), then y += x·W
            const T* pb = bias.data<T>();
            for (std::int64_t r = 0; r < rows; ++r)
                for (std::int64_t j = 0; j < out_features; ++j) po[r * out_features + j] = pb[j];
            beta = T(1);
        }
        detail::gemm(false, false, rows, out_features, in, T(1), x.data<T>(), in, weight.data<T>(), out_features,
                     beta, po, out_features);
    });

    // y = x·W + b with x folded to X [rows, in], G = dL/dy folded to [rows, out]:
    //   dX = G·Wᵀ [rows, in],  dW = Xᵀ·G [in, out],  db = Σ_rows G [out].
    trace_op("linear", {&x, &weight, &bias}, out);
    record("linear", out, {&x, &weight, &bias},
           [sx_ = SavedTensor(x), sw_ = SavedTensor(weight), rows](const Tensor& g, InputGrads& dx) {
               const Tensor x = sx_.get(), w = sw_.get();
               const std::int64_t in = w.shape()[0], out = w.shape()[1];
               const Tensor g2 = as_2d(g, rows, out);
               if (dx.needs(0)) {
                   const Tensor r = mm(g2, w, false, true);
                   dx[0] = r.shape() == x.shape() ? r : reshape(r, x.shape());
               }
               if (dx.needs(1)) dx[1] = mm(as_2d(x, rows, in), g2, true, false);
               if (dx.needs(2)) dx[2] = sum_to_shape(g2, {out});
           });
    return out;
}

XGRAD_REGISTER_OP(matmul, differentiable);
XGRAD_REGISTER_OP(linear, differentiable);

}  // namespace xgrad
