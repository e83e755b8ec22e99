// Triangles and diagonals: forward and backward side by side.
//
//   tril / triu    out = x with one side of diagonal k zeroed    dx = tril / triu (g, k)
//   diagonal       out[..., i] = x[.., r0 + i, .., c0 + i, ..]    dx = diagonal_backward(g)
//   diagonal_backward  zeros of x's shape with g on the diagonal  dx = diagonal(g)
//   diag, trace    compositions of the two above and sum
#include "xgrad/ops/diagonal.hpp"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "xgrad/autograd/node.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/registry.hpp"

namespace xgrad {

namespace {

void check_matrices(const char* op, const Tensor& x) {
    if (x.rank() < 2) {
        throw ShapeError(std::string(op) + ": expected a tensor of rank >= 2 (matrices in the last two dimensions), "
                         "got shape " + to_string(x.shape()));
    }
}

/// x with the elements (i, j) of every matrix for which keep(j − i) fails set to 0.
template <class Keep> Tensor triangle(const Tensor& x, Keep keep) {
    Tensor out(x.shape(), x.dtype());
    const std::int64_t rows = x.shape()[x.rank() - 2], cols = x.shape()[x.rank() - 1];
    const std::int64_t matrices = rows * cols == 0 ? 0 : x.numel() / (rows * cols);
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        T* po = out.data<T>();
        for (std::int64_t m = 0; m < matrices; ++m)
            for (std::int64_t i = 0; i < rows; ++i)
                for (std::int64_t j = 0; j < cols; ++j) {
                    const std::int64_t at = (m * rows + i) * cols + j;
                    po[at] = keep(j - i) ? px[at] : T(0);
                }
    });
    return out;
}

/// Where diagonal `offset` of dimensions (d1, d2) of `shape` lies: its
/// length and, through each(out_position, x_position), its elements in the
/// order diagonal() writes them (the other dimensions row-major, then i).
struct DiagonalWalk {
    std::size_t d1, d2;
    std::int64_t offset;

    std::int64_t length(const Shape& shape) const {
        const std::int64_t n1 = shape[d1], n2 = shape[d2];
        return std::max<std::int64_t>(0, offset >= 0 ? std::min(n1, n2 - offset) : std::min(n1 + offset, n2));
    }

    Shape result_shape(const Shape& shape) const {
        Shape out;
        for (std::size_t d = 0; d < shape.size(); ++d)
            if (d != d1 && d != d2) out.push_back(shape[d]);
        out.push_back(length(shape));
        return out;
    }

    template <class Each> void each(const Shape& shape, Each f) const {
        const Shape strides = contiguous_strides(shape);
        const std::int64_t len = length(shape);
        std::vector<std::size_t> rest;  // the other dimensions, outermost first
        std::int64_t outer = 1;
        for (std::size_t d = 0; d < shape.size(); ++d)
            if (d != d1 && d != d2) {
                rest.push_back(d);
                outer *= shape[d];
            }
        if (len == 0 || outer == 0) return;
        const std::int64_t start = (offset >= 0 ? offset * strides[d2] : -offset * strides[d1]);
        const std::int64_t step = strides[d1] + strides[d2];
        std::vector<std::int64_t> coord(rest.size(), 0);
        std::int64_t base = start;
        for (std::int64_t o = 0; o < outer; ++o) {
            for (std::int64_t i = 0; i < len; ++i) f(o * len + i, base + i * step);
            for (std::size_t r = rest.size(); r-- > 0;) {  // the odometer over the other dimensions
                const std::size_t d = rest[r];
                if (++coord[r] < shape[d]) {
                    base += strides[d];
                    break;
                }
                base -= (shape[d] - 1) * strides[d];
                coord[r] = 0;
            }
        }
    }
};

DiagonalWalk diagonal_walk(const char* op, std::size_t rank, std::int64_t offset, std::int64_t dim1, std::int64_t dim2) {
    const std::size_t d1 = normalize_axis(dim1, rank, op), d2 = normalize_axis(dim2, rank, op);
    if (d1 == d2) {
        throw ValueError(std::string(op) + ": dim1 and dim2 must differ, got " + std::to_string(dim1) + " and " +
                         std::to_string(dim2) + " (rank " + std::to_string(rank) + ")");
    }
    return {d1, d2, offset};
}

/// The gradient of diagonal(): zeros of `shape` with g on the walk's diagonal.
Tensor diagonal_backward(const Tensor& g, const Shape& shape, const DiagonalWalk& walk) {
    Tensor out = zeros(shape, g.dtype());
    visit_dtype(g.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* pg = g.data<T>();
        T* po = out.data<T>();
        walk.each(shape, [&](std::int64_t from, std::int64_t to) { po[to] = pg[from]; });
    });
    record("diagonal_backward", out, {&g}, [walk](const Tensor& gg, InputGrads& dx) {
        dx[0] = diagonal(gg, walk.offset, static_cast<std::int64_t>(walk.d1), static_cast<std::int64_t>(walk.d2));
    });
    return out;
}

}  // namespace

Tensor tril(const Tensor& x, std::int64_t k) {
    check_matrices("tril", x);
    Tensor out = triangle(x, [k](std::int64_t above) { return above <= k; });
    record("tril", out, {&x}, [k](const Tensor& g, InputGrads& dx) { dx[0] = tril(g, k); });
    return out;
}

Tensor triu(const Tensor& x, std::int64_t k) {
    check_matrices("triu", x);
    Tensor out = triangle(x, [k](std::int64_t above) { return above >= k; });
    record("triu", out, {&x}, [k](const Tensor& g, InputGrads& dx) { dx[0] = triu(g, k); });
    return out;
}

Tensor diagonal(const Tensor& x, std::int64_t offset, std::int64_t dim1, std::int64_t dim2) {
    check_matrices("diagonal", x);
    const DiagonalWalk walk = diagonal_walk("diagonal", x.rank(), offset, dim1, dim2);
    Tensor out(walk.result_shape(x.shape()), x.dtype());
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        T* po = out.data<T>();
        walk.each(x.shape(), [&](std::int64_t to, std::int64_t from) { po[to] = px[from]; });
    });
    record("diagonal", out, {&x}, [walk, in = x.shape()](const Tensor& g, InputGrads& dx) {
        dx[0] = diagonal_backward(g, in, walk);
    });
    return out;
}

Tensor diag(const Tensor& x, std::int64_t offset) {
    if (x.rank() == 2) return diagonal(x, offset, 0, 1);
    if (x.rank() != 1) throw ShapeError("diag: expected a 1-D or 2-D tensor, got shape " + to_string(x.shape()));
    std::int64_t n = 0;
    if (offset == std::numeric_limits<std::int64_t>::min() ||
        __builtin_add_overflow(x.numel(), offset < 0 ? -offset : offset, &n)) {
        throw ShapeError("diag: offset " + std::to_string(offset) + " makes the matrix of " + to_string(x.shape()) +
                         " larger than int64");
    }
    checked_numel(std::vector<std::int64_t>{n, n}, "diag: matrix of " + to_string(x.shape()));
    return diagonal_backward(x, Shape{n, n}, DiagonalWalk{0, 1, offset});
}

Tensor trace(const Tensor& x) {
    if (x.rank() != 2) throw ShapeError("trace: expected a 2-D tensor, got shape " + to_string(x.shape()));
    return sum(diagonal(x));
}

XGRAD_REGISTER_OP(tril, differentiable);
XGRAD_REGISTER_OP(triu, differentiable);
XGRAD_REGISTER_OP(diagonal, differentiable);
XGRAD_REGISTER_OP(diagonal_backward, differentiable);
XGRAD_REGISTER_OP(diag, differentiable);   // composite
XGRAD_REGISTER_OP(trace, differentiable);  // composite

}  // namespace xgrad
