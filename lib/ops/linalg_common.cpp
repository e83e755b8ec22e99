// Shared by the linalg op families: checks, matrix helpers built from
// differentiable ops, and the two recorded solvers the other families'
// backward formulas are written with (their own backward solves again, so
// every order of derivative is available).
#include "linalg_common.hpp"

#include <string>

#include "kernels.hpp"
#include "linalg/lapack.hpp"
#include "xgrad/ops/diagonal.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::linalg::detail {

Shape batch_of(const Shape& s) {
    Shape b;
    for (std::size_t i = 0; i + 2 < s.size(); ++i) b.push_back(s[i]);
    return b;
}

std::int64_t batch_count(const Shape& s) { return batch_of(s).numel(); }

Shape matrix_shape(const Shape& batch, std::int64_t rows, std::int64_t cols) {
    Shape s = batch;
    s.push_back(rows);
    s.push_back(cols);
    return s;
}

void check_matrix(const char* op, const Tensor& a) {
    xgrad::detail::check_floating(op, a);
    if (a.rank() < 2) {
        throw ShapeError(std::string(op) + ": expected a matrix or a batch of matrices (rank ≥ 2), got shape " +
                         to_string(a.shape()));
    }
}

void check_square(const char* op, const Tensor& a) {
    check_matrix(op, a);
    const Shape& s = a.shape();
    if (s[s.size() - 1] != s[s.size() - 2]) {
        throw ShapeError(std::string(op) + ": expected square matrices, got shape " + to_string(s));
    }
}

void check_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
    xgrad::detail::check_same_dtype(op, a, b);
}

Tensor mT(const Tensor& x) { return transpose(x, -2, -1); }

Tensor identity(std::int64_t n, Dtype dtype) { return eye(n, n, dtype); }

Tensor diag_embed(const Tensor& v) { return mul(unsqueeze(v, -1), identity(v.shape().back(), v.dtype())); }

Tensor as_matrix_scale(const Tensor& x) { return unsqueeze(unsqueeze(x, -1), -1); }

Tensor solve_matrices(const char* op, const Tensor& a, const Tensor& b) {
    const Shape& sb = b.shape();
    const std::int64_t n = sb[sb.size() - 2], k = sb.back();
    Tensor x(sb, b.dtype());
    visit_floating(a.dtype(), op, [&](auto tag) {
        using T = decltype(tag);
        xgrad::detail::lapack::lu_solve<T>(op, batch_count(sb), n, k, a.data<T>(), b.data<T>(), x.data<T>());
    });
    // X = A⁻¹·B:  dB = A⁻ᵀ·G,  dA = −dB·Xᵀ.
    record("linalg_solve", x, {&a, &b},
           [sa = SavedTensor(a), sx = SavedTensor::output(x), op](const Tensor& g, InputGrads& dx) {
               const Tensor db = solve_matrices(op, mT(sa.get()), g);
               if (dx.needs(0)) dx[0] = neg(matmul(db, mT(sx.get())));
               if (dx.needs(1)) dx[1] = db;
           });
    return x;
}

Tensor solve_triangular_matrices(const char* op, const Tensor& a, const Tensor& b, bool upper, bool unit_diagonal) {
    const Shape& sb = b.shape();
    const std::int64_t n = sb[sb.size() - 2], k = sb.back();
    Tensor x(sb, b.dtype());
    visit_floating(a.dtype(), op, [&](auto tag) {
        using T = decltype(tag);
        xgrad::detail::lapack::triangular_solve<T>(op, batch_count(sb), n, k, a.data<T>(), b.data<T>(), x.data<T>(), upper,
                                    unit_diagonal);
    });
    // dB = A⁻ᵀ·G (Aᵀ is triangular the other way), dA = −dB·Xᵀ on the
    // triangle that was read (strictly, for a unit diagonal).
    record("linalg_solve_triangular", x, {&a, &b},
           [sa = SavedTensor(a), sx = SavedTensor::output(x), op, upper, unit_diagonal](const Tensor& g,
                                                                                       InputGrads& dx) {
               const Tensor db = solve_triangular_matrices(op, mT(sa.get()), g, !upper, unit_diagonal);
               if (dx.needs(0)) {
                   const std::int64_t offset = unit_diagonal ? (upper ? 1 : -1) : 0;
                   const Tensor full = neg(matmul(db, mT(sx.get())));
                   dx[0] = upper ? triu(full, offset) : tril(full, offset);
               }
               if (dx.needs(1)) dx[1] = db;
           });
    return x;
}

}  // namespace xgrad::linalg::detail
