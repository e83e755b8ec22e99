// Linear systems: solve, inv, solve_triangular, cholesky_solve, lstsq.
// The recorded ops are the two solvers of linalg_common.cpp; everything here
// checks and broadcasts the operands and composes them (inv is a solve with
// the identity, cholesky_solve two triangular solves, lstsq a QR and a
// triangular solve), so the gradients are those of the compositions.
#include "xgrad/ops/linalg_solve.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "kernels.hpp"
#include "linalg_common.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/linalg_decompositions.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::linalg {

namespace {

using namespace detail;

/// B is a vector (or batch of vectors) rather than a matrix: torch.linalg's rule.
bool is_vector_rhs(const Tensor& a, const Tensor& b) {
    if (b.rank() == 1) return true;
    if (b.rank() + 1 != a.rank()) return false;
    const Shape& sa = a.shape();
    const Shape& sb = b.shape();
    for (std::size_t i = 0; i < sb.size(); ++i)
        if (sb[i] != sa[i]) return false;
    return true;
}

/// A [..., n, n'] and B [..., rows, k] broadcast to one batch; B's rows must
/// be A's. Errors show `b_given`, B's shape before a vector became a column.
std::pair<Tensor, Tensor> broadcast_batches(const char* op, const Tensor& a, const Tensor& b, const Shape& b_given) {
    const Shape& sa = a.shape();
    const Shape& sb = b.shape();
    const std::int64_t rows_a = sa[sa.size() - 2], rows_b = sb[sb.size() - 2];
    if (rows_a != rows_b) {
        throw ShapeError(std::string(op) + ": A " + to_string(sa) + " and B " + to_string(b_given) +
                         " do not match (A has " + std::to_string(rows_a) + " rows, B " + std::to_string(rows_b) +
                         ")");
    }
    Shape batch;
    try {
        batch = broadcast_shapes(batch_of(sa), batch_of(sb), op);
    } catch (const ShapeError&) {
        throw ShapeError(std::string(op) + ": batch dimensions of A " + to_string(sa) + " and B " +
                         to_string(b_given) + " cannot be broadcast");
    }
    return {broadcast_to(a, matrix_shape(batch, rows_a, sa.back())),
            broadcast_to(b, matrix_shape(batch, rows_b, sb.back()))};
}

/// ValueError unless every R [..., k, k'] of a QR has |R_ii| > k'·ε·max_j |R_jj|
/// (LAPACK's own rank tolerance): a rank-deficient A would give garbage.
void check_full_rank(const char* op, const Tensor& r) {
    const Shape& s = r.shape();
    const std::int64_t rows = s[s.size() - 2], cols = s.back(), k = std::min(rows, cols);
    const double eps = r.dtype() == float32 ? std::numeric_limits<float>::epsilon()
                                            : std::numeric_limits<double>::epsilon();
    const std::vector<double> v = r.to_vector<double>();
    for (std::int64_t e = 0; e < batch_count(s); ++e) {
        const double* re = v.data() + e * rows * cols;
        double largest = 0;
        for (std::int64_t i = 0; i < k; ++i) largest = std::max(largest, std::abs(re[i * cols + i]));
        const double tolerance = static_cast<double>(std::max(rows, cols)) * eps * largest;
        for (std::int64_t i = 0; i < k; ++i)
            if (!(std::abs(re[i * cols + i]) > tolerance)) {
                std::ostringstream text;
                text << op << ": batch element " << e << " is rank-deficient (|R[" << i << "," << i
                     << "]| = " << std::abs(re[i * cols + i]) << " of its QR is not above " << tolerance
                     << "); lstsq needs full rank, pinv handles any rank";
                throw ValueError(text.str());
            }
    }
}

void check_operands(const char* op, const Tensor& a, const Tensor& b) {
    check_square(op, a);
    xgrad::detail::check_floating(op, b);
    check_same_dtype(op, a, b);
}

}  // namespace

Tensor solve(const Tensor& a, const Tensor& b) {
    constexpr const char* op = "linalg.solve";
    check_operands(op, a, b);
    const bool vector = is_vector_rhs(a, b);
    if (!vector && b.rank() < 2) {
        throw ShapeError(std::string(op) + ": B must be a vector or matrix, got shape " + to_string(b.shape()));
    }
    const auto [a2, b2] = broadcast_batches(op, a, vector ? unsqueeze(b, -1) : b, b.shape());
    const Tensor x = solve_matrices(op, a2, b2);
    return vector ? squeeze(x, -1) : x;
}

Tensor inv(const Tensor& a) {
    constexpr const char* op = "linalg.inv";
    check_square(op, a);
    const std::int64_t n = a.shape().back();
    return solve_matrices(op, a, broadcast_to(identity(n, a.dtype()), a.shape()));
}

Tensor solve_triangular(const Tensor& a, const Tensor& b, bool upper, bool unitriangular) {
    constexpr const char* op = "linalg.solve_triangular";
    check_operands(op, a, b);
    if (b.rank() < 2) {
        throw ShapeError(std::string(op) + ": B must be a matrix or batch of matrices, got shape " +
                         to_string(b.shape()));
    }
    const auto [a2, b2] = broadcast_batches(op, a, b, b.shape());
    return solve_triangular_matrices(op, a2, b2, upper, unitriangular);
}

Tensor cholesky_solve(const Tensor& b, const Tensor& l, bool upper) {
    constexpr const char* op = "linalg.cholesky_solve";
    check_operands(op, l, b);
    if (b.rank() < 2) {
        throw ShapeError(std::string(op) + ": B must be a matrix or batch of matrices, got shape " +
                         to_string(b.shape()));
    }
    const auto [l2, b2] = broadcast_batches(op, l, b, b.shape());
    // A = L·Lᵀ: L·Y = B, then Lᵀ·X = Y (upper: A = Uᵀ·U, Uᵀ·Y = B, U·X = Y).
    const Tensor first = upper ? mT(l2) : l2;
    const Tensor y = solve_triangular_matrices(op, first, b2, false, false);
    return solve_triangular_matrices(op, mT(first), y, true, false);
}

Tensor lstsq(const Tensor& a, const Tensor& b) {
    constexpr const char* op = "linalg.lstsq";
    check_matrix(op, a);
    xgrad::detail::check_floating(op, b);
    check_same_dtype(op, a, b);
    // torch.linalg.lstsq's rule (unlike solve's): B one rank below A is a (batch of) vector(s)
    const bool vector = b.rank() + 1 == a.rank();
    if (!vector && b.rank() < 2) {
        throw ShapeError(std::string(op) + ": B must be a vector or matrix, got shape " + to_string(b.shape()));
    }
    const auto [a2, b2] = broadcast_batches(op, a, vector ? unsqueeze(b, -1) : b, b.shape());
    const Shape& s = a2.shape();
    const std::int64_t m = s[s.size() - 2], n = s.back();
    Tensor x;
    if (m >= n) {  // A = Q·R: X = R⁻¹·Qᵀ·B
        const QR f = qr(a2);
        check_full_rank(op, f.R);
        x = solve_triangular_matrices(op, f.R, matmul(mT(f.Q), b2), true, false);
    } else {  // Aᵀ = Q·R, A = Rᵀ·Qᵀ: the minimum-norm X = Q·R⁻ᵀ·B
        const QR f = qr(mT(a2));
        check_full_rank(op, f.R);
        x = matmul(f.Q, solve_triangular_matrices(op, mT(f.R), b2, false, false));
    }
    return vector ? squeeze(x, -1) : x;
}

XGRAD_REGISTER_OP(linalg_solve, differentiable);
XGRAD_REGISTER_OP(linalg_inv, differentiable);
XGRAD_REGISTER_OP(linalg_solve_triangular, differentiable);
XGRAD_REGISTER_OP(linalg_cholesky_solve, differentiable);
XGRAD_REGISTER_OP(linalg_lstsq, differentiable);

}  // namespace xgrad::linalg
