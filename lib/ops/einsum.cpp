// einsum and tensordot, lowered to permute + reshape + batched matmul.
//
// A Contraction (labels per dimension, see einsum_equation.hpp) is evaluated
// in four steps, each made of differentiable xgrad ops, so the backward
// (and every higher order) is that of the ops used, with no hand-written
// formula to keep in sync:
//   1. diagonals: a label repeated within one operand is gathered with a
//      strided slice (take_diagonals);
//   2. a size-1 dimension whose label is larger elsewhere is dropped (the
//      operand is constant along it: broadcasting);
//   3. operands are contracted pairwise, greedily (the pair with the smallest
//      product first); before each product an operand's labels that nothing
//      else needs are summed;
//   4. the last result is permuted into the output's order.
// A product puts both operands into [batch, rows, inner] and
// [batch, inner, cols] by permute (a copy, skipped when the order is already
// right, as for "ij,jk->ik" and "bij,bjk->bik") and reshape (no copy), so a
// matmul-shaped equation is one matmul call.
#include "xgrad/ops/einsum.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "einsum_equation.hpp"
#include "kernels.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

namespace {

using Labels = std::vector<int>;

/// A tensor with the label of each of its dimensions.
struct Labelled {
    Tensor tensor;
    Labels labels;
};

bool contains(const Labels& labels, int label) { return std::find(labels.begin(), labels.end(), label) != labels.end(); }

std::size_t index_of(const Labels& labels, int label) {
    return static_cast<std::size_t>(std::find(labels.begin(), labels.end(), label) - labels.begin());
}

bool is_identity(const std::vector<std::int64_t>& perm) {
    for (std::size_t i = 0; i < perm.size(); ++i)
        if (perm[i] != static_cast<std::int64_t>(i)) return false;
    return true;
}

Tensor permuted(const Tensor& x, const std::vector<std::int64_t>& perm) {
    return is_identity(perm) ? x : permute(x, perm);
}

Tensor reshaped(const Tensor& x, const Shape& shape) { return x.shape() == shape ? x : reshape(x, shape); }

/// x's dimensions in the order of `order` (labels of x, each once).
Tensor arranged(const Labelled& x, const Labels& order) {
    std::vector<std::int64_t> perm;
    perm.reserve(order.size());
    for (const int label : order) perm.push_back(static_cast<std::int64_t>(index_of(x.labels, label)));
    return permuted(x.tensor, perm);
}

/// Product of the sizes of `labels` in x.
std::int64_t extent(const Labelled& x, const Labels& labels) {
    std::int64_t n = 1;
    for (const int label : labels) n *= x.tensor.shape()[index_of(x.labels, label)];
    return n;
}

void append_sizes(Shape& shape, const Labelled& x, const Labels& labels) {
    for (const int label : labels) shape.push_back(x.tensor.shape()[index_of(x.labels, label)]);
}

/// The diagonal over every label that repeats in x; each label then occurs once.
/// A strided slice, not an identity mask: with the r dimensions of a label
/// (size n) moved last and flattened, the diagonal is every
/// (1 + n + … + n^(r−1))-th element of that block. That reads n elements
/// (a mask would multiply and sum n^r), and slice and its backward are each
/// other's gradient, so every order of derivative is exact.
Labelled take_diagonals(Labelled x) {
    for (;;) {
        const auto repeated = std::find_if(x.labels.begin(), x.labels.end(), [&](int label) {
            return std::count(x.labels.begin(), x.labels.end(), label) > 1;
        });
        if (repeated == x.labels.end()) return x;
        const int label = *repeated;
        const std::int64_t n = x.tensor.shape()[static_cast<std::size_t>(repeated - x.labels.begin())];
        std::vector<std::int64_t> perm;
        Labels labels;
        Shape shape;
        for (std::size_t d = 0; d < x.labels.size(); ++d) {
            if (x.labels[d] == label) continue;
            perm.push_back(static_cast<std::int64_t>(d));
            labels.push_back(x.labels[d]);
            shape.push_back(x.tensor.shape()[d]);
        }
        std::int64_t block = 1, step = 0;  // n^r and 1 + n + … + n^(r−1)
        for (std::size_t d = 0; d < x.labels.size(); ++d) {
            if (x.labels[d] != label) continue;
            perm.push_back(static_cast<std::int64_t>(d));
            step += block;
            block *= n;
        }
        shape.push_back(block);
        labels.push_back(label);
        const Tensor flat = reshaped(permuted(x.tensor, perm), shape);
        x = {slice(flat, static_cast<std::int64_t>(shape.size()) - 1, 0, block, step), labels};
    }
}

/// x without its size-1 dimensions whose label has another size elsewhere.
Labelled drop_broadcast_dims(const Labelled& x, const std::vector<std::int64_t>& size) {
    Labels labels;
    Shape shape;
    for (std::size_t d = 0; d < x.labels.size(); ++d) {
        if (x.tensor.shape()[d] == 1 && size[static_cast<std::size_t>(x.labels[d])] != 1) continue;
        labels.push_back(x.labels[d]);
        shape.push_back(x.tensor.shape()[d]);
    }
    return {reshaped(x.tensor, shape), labels};
}

/// x summed over the dimensions whose label `keep` rejects.
template <class Keep>
Labelled sum_unless(const Labelled& x, Keep&& keep) {
    Axes axes;
    Labels labels;
    for (std::size_t d = 0; d < x.labels.size(); ++d) {
        if (keep(x.labels[d])) labels.push_back(x.labels[d]);
        else axes.push_back(static_cast<std::int64_t>(d));
    }
    if (axes.empty()) return x;
    return {sum(x.tensor, axes), labels};
}

/// Σ over the labels a and b share that `keep` does not list, as one
/// (batched) matmul. Result labels: shared kept ones (batch), a's own, b's own.
Labelled contract_pair(Labelled a, Labelled b, const Labels& keep) {
    a = sum_unless(a, [&](int l) { return contains(b.labels, l) || contains(keep, l); });
    b = sum_unless(b, [&](int l) { return contains(a.labels, l) || contains(keep, l); });
    Labels batch, rows, inner, cols;
    for (const int label : a.labels) {
        if (!contains(b.labels, label)) rows.push_back(label);
        else if (contains(keep, label)) batch.push_back(label);
        else inner.push_back(label);
    }
    for (const int label : b.labels)
        if (!contains(a.labels, label)) cols.push_back(label);

    Shape out_shape;
    append_sizes(out_shape, a, batch);
    append_sizes(out_shape, a, rows);
    append_sizes(out_shape, b, cols);
    static const std::string intermediate = "einsum: intermediate product";
    checked_numel(out_shape, intermediate);
    const std::int64_t nb = extent(a, batch), m = extent(a, rows), k = extent(a, inner), n = extent(b, cols);
    auto concat_labels = [](Labels x, const Labels& y, const Labels& z) {
        x.insert(x.end(), y.begin(), y.end());
        x.insert(x.end(), z.begin(), z.end());
        return x;
    };
    const Tensor a3 = reshaped(arranged(a, concat_labels(batch, rows, inner)), batch.empty() ? Shape{m, k} : Shape{nb, m, k});
    const Tensor b3 = reshaped(arranged(b, concat_labels(batch, inner, cols)), batch.empty() ? Shape{k, n} : Shape{nb, k, n});
    return {reshaped(matmul(a3, b3), out_shape), concat_labels(batch, rows, cols)};
}

Tensor contract(const std::vector<Tensor>& operands, const detail::Contraction& c) {
    // Each label's size over all operands: its sizes are equal or 1 (which
    // broadcasts, also against 0).
    int labels_end = 0;
    for (const Labels& labels : c.inputs)
        for (const int label : labels) labels_end = std::max(labels_end, label + 1);
    std::vector<std::int64_t> size(static_cast<std::size_t>(labels_end), 1);
    for (std::size_t i = 0; i < operands.size(); ++i)
        for (std::size_t d = 0; d < c.inputs[i].size(); ++d)
            if (operands[i].shape()[d] != 1) size[static_cast<std::size_t>(c.inputs[i][d])] = operands[i].shape()[d];
    Shape out_shape;
    for (const int label : c.output) out_shape.push_back(size[static_cast<std::size_t>(label)]);
    static const std::string result = "einsum: result";
    checked_numel(out_shape, result);

    std::vector<Labelled> xs;
    xs.reserve(operands.size());
    for (std::size_t i = 0; i < operands.size(); ++i)
        xs.push_back(drop_broadcast_dims(take_diagonals({operands[i], c.inputs[i]}), size));

    // Greedy order: the pair whose product is smallest goes first (ties:
    // the leftmost pair), so "i,j,ij->" never builds the i×j outer product.
    // A pair keeps the labels the output or another operand still needs.
    auto needed_besides = [&](std::size_t i, std::size_t j) {
        Labels keep = c.output;
        for (std::size_t k = 0; k < xs.size(); ++k)
            if (k != i && k != j) keep.insert(keep.end(), xs[k].labels.begin(), xs[k].labels.end());
        return keep;
    };
    while (xs.size() > 1) {
        std::size_t best_i = 0, best_j = 1;
        double best_numel = std::numeric_limits<double>::infinity();  // double: products of sizes may overflow
        for (std::size_t i = 0; xs.size() > 2 && i + 1 < xs.size(); ++i)
            for (std::size_t j = i + 1; j < xs.size(); ++j) {
                const Labels keep = needed_besides(i, j);
                double numel = 1;
                for (const int label : xs[i].labels)
                    if (contains(keep, label)) numel *= static_cast<double>(size[static_cast<std::size_t>(label)]);
                for (const int label : xs[j].labels)
                    if (contains(keep, label) && !contains(xs[i].labels, label))
                        numel *= static_cast<double>(size[static_cast<std::size_t>(label)]);
                if (numel < best_numel) {
                    best_numel = numel;
                    best_i = i;
                    best_j = j;
                }
            }
        xs[best_i] = contract_pair(std::move(xs[best_i]), std::move(xs[best_j]), needed_besides(best_i, best_j));
        xs.erase(xs.begin() + static_cast<std::ptrdiff_t>(best_j));
    }
    const Labelled acc = sum_unless(xs[0], [&](int l) { return contains(c.output, l); });
    return reshaped(arranged(acc, c.output), out_shape);
}

void check_dtypes(const char* op, const std::vector<Tensor>& operands) {
    for (std::size_t i = 0; i < operands.size(); ++i) {
        detail::check_floating(op, operands[i]);
        if (operands[i].dtype() != operands[0].dtype()) {
            throw DtypeError(std::string(op) + ": operand " + std::to_string(i) + " has dtype " +
                             std::string(dtype_name(operands[i].dtype())) + " but operand 0 has " +
                             std::string(dtype_name(operands[0].dtype())) + "; convert one with .to()");
        }
    }
}

}  // namespace

Tensor einsum(std::string_view equation, const std::vector<Tensor>& operands) {
    const detail::Contraction c = detail::parse_einsum(equation, operands);
    check_dtypes("einsum", operands);
    const CompositeOpTrace trace;  // one Einsum: the contraction's permutes, reshapes and products are not traced
    const Tensor contracted = contract(operands, c);
    // An equation that changes nothing ("ij->ij") still gives a new tensor, as every op.
    Tensor out = contracted.is_same(operands[0]) ? contracted.clone() : contracted;
    trace.record("einsum", operands, out, [&] { return OpAttributes{{"equation", std::string(equation)}}; });
    return out;
}

Tensor tensordot(const Tensor& a, const Tensor& b, const std::vector<std::int64_t>& axes_a,
                 const std::vector<std::int64_t>& axes_b) {
    check_dtypes("tensordot", {a, b});
    if (axes_a.size() != axes_b.size()) {
        throw ValueError("tensordot: " + std::to_string(axes_a.size()) + " axes given for a but " +
                         std::to_string(axes_b.size()) + " for b");
    }
    // a's dimension d has label d, b's dimension d label rank(a) + d unless contracted.
    const auto ra = static_cast<int>(a.rank()), rb = static_cast<int>(b.rank());
    detail::Contraction c;
    c.inputs.resize(2);
    for (int d = 0; d < ra; ++d) c.inputs[0].push_back(d);
    for (int d = 0; d < rb; ++d) c.inputs[1].push_back(ra + d);
    std::vector<bool> contracted_a(a.rank(), false), contracted_b(b.rank(), false);
    for (std::size_t i = 0; i < axes_a.size(); ++i) {
        const std::size_t da = normalize_axis(axes_a[i], a.rank(), "tensordot");
        const std::size_t db = normalize_axis(axes_b[i], b.rank(), "tensordot");
        if (contracted_a[da] || contracted_b[db]) {
            throw ValueError("tensordot: axis " + std::to_string(contracted_a[da] ? axes_a[i] : axes_b[i]) + " of " +
                             (contracted_a[da] ? "a" : "b") + " is given twice");
        }
        if (a.shape()[da] != b.shape()[db]) {
            throw ShapeError("tensordot: axis " + std::to_string(da) + " of a (shape " + to_string(a.shape()) +
                             ") has size " + std::to_string(a.shape()[da]) + " but axis " + std::to_string(db) +
                             " of b (shape " + to_string(b.shape()) + ") has size " + std::to_string(b.shape()[db]));
        }
        contracted_a[da] = contracted_b[db] = true;
        c.inputs[1][db] = static_cast<int>(da);
    }
    for (int d = 0; d < ra; ++d)
        if (!contracted_a[static_cast<std::size_t>(d)]) c.output.push_back(d);
    for (int d = 0; d < rb; ++d)
        if (!contracted_b[static_cast<std::size_t>(d)]) c.output.push_back(ra + d);
    return contract({a, b}, c);
}

Tensor tensordot(const Tensor& a, const Tensor& b, std::int64_t dims) {
    if (dims < 0 || dims > static_cast<std::int64_t>(std::min(a.rank(), b.rank()))) {
        throw ValueError("tensordot: dims = " + std::to_string(dims) + " is not in [0, min(rank a, rank b)] for shapes " +
                         to_string(a.shape()) + " and " + to_string(b.shape()));
    }
    std::vector<std::int64_t> axes_a, axes_b;
    for (std::int64_t i = 0; i < dims; ++i) {
        axes_a.push_back(static_cast<std::int64_t>(a.rank()) - dims + i);
        axes_b.push_back(i);
    }
    return tensordot(a, b, axes_a, axes_b);
}

XGRAD_REGISTER_OP(einsum, differentiable);
XGRAD_REGISTER_OP(tensordot, differentiable);

}  // namespace xgrad
