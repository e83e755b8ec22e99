// Functions of matrices as compositions of differentiable ops: matrix_norm
// (reductions and svdvals), pinv (svd), matrix_exp (Padé with scaling and
// squaring: matmuls and one solve). Their gradients, of every order, are
// those of the compositions.
#include "xgrad/ops/linalg_functions.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "linalg_common.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/linalg_decompositions.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::linalg {

namespace {

using namespace detail;

/// x [..., 1, 1] as [...] unless keepdim.
Tensor finish_norm(const Tensor& x, const Shape& batch, bool keepdim) { return keepdim ? x : reshape(x, batch); }

/// The largest 1-norm (maximum absolute column sum) over the batch of a
/// [..., n, n]; NaN when an element is not finite.
double max_one_norm(const Tensor& a) {
    const Shape& s = a.shape();
    const std::int64_t n = s.back(), batch = batch_count(s);
    const std::vector<double> v = a.to_vector<double>();
    double largest = 0;
    std::vector<double> column(static_cast<std::size_t>(n));
    for (std::int64_t e = 0; e < batch; ++e) {
        std::fill(column.begin(), column.end(), 0.0);
        for (std::int64_t i = 0; i < n; ++i)
            for (std::int64_t j = 0; j < n; ++j) column[static_cast<std::size_t>(j)] += std::abs(v[static_cast<std::size_t>((e * n + i) * n + j)]);
        for (double c : column) {
            if (!std::isfinite(c)) return std::numeric_limits<double>::quiet_NaN();
            largest = std::max(largest, c);
        }
    }
    return largest;
}

/// Σ c_i·X_i + c_identity·I over matrices of one shape.
Tensor combination(const std::vector<std::pair<double, Tensor>>& terms, double c_identity) {
    Tensor total = mul(terms[0].second, terms[0].first);
    for (std::size_t i = 1; i < terms.size(); ++i) total = add(total, mul(terms[i].second, terms[i].first));
    const Tensor& x = terms[0].second;
    return c_identity == 0 ? total : add(total, mul(identity(x.shape().back(), x.dtype()), c_identity));
}

}  // namespace

Tensor matrix_norm(const Tensor& a, const std::string& ord, bool keepdim) {
    constexpr const char* op = "linalg.matrix_norm";
    check_matrix(op, a);
    const Shape batch = batch_of(a.shape());
    if (ord == "fro") return finish_norm(sqrt(sum(square(a), {-2, -1}, true)), batch, keepdim);
    if (ord == "nuc") {
        const Tensor s = sum(svdvals(a), {-1});
        return keepdim ? unsqueeze(unsqueeze(s, -1), -1) : s;
    }
    throw ValueError(std::string(op) + ": ord '" + ord +
                     "' is not supported (use 'fro', 'nuc', 1, -1, 2, -2, inf or -inf)");
}

Tensor matrix_norm(const Tensor& a, double ord, bool keepdim) {
    constexpr const char* op = "linalg.matrix_norm";
    check_matrix(op, a);
    const Shape batch = batch_of(a.shape());
    constexpr double inf = std::numeric_limits<double>::infinity();
    if (ord == 2 || ord == -2) {
        const Tensor s = svdvals(a);
        const Tensor r = ord == 2 ? max(s, {-1}) : min(s, {-1});
        return keepdim ? unsqueeze(unsqueeze(r, -1), -1) : r;
    }
    if (ord == 1 || ord == -1 || ord == inf || ord == -inf) {
        // 1: columns (sum over rows), inf: rows (sum over columns).
        const bool columns = std::abs(ord) == 1;
        const Tensor sums = sum(abs(a), {columns ? -2 : -1}, true);
        const Tensor r = ord > 0 ? max(sums, {columns ? -1 : -2}, true) : min(sums, {columns ? -1 : -2}, true);
        return finish_norm(r, batch, keepdim);
    }
    std::ostringstream text;
    text << op << ": ord " << ord << " is not supported (use 'fro', 'nuc', 1, -1, 2, -2, inf or -inf)";
    throw ValueError(text.str());
}

Tensor pinv(const Tensor& a, double rtol) {
    constexpr const char* op = "linalg.pinv";
    check_matrix(op, a);
    const Shape& shape = a.shape();
    const std::int64_t m = shape[shape.size() - 2], n = shape.back();
    if (rtol < 0) {
        const double eps = a.dtype() == float32 ? std::numeric_limits<float>::epsilon()
                                                : std::numeric_limits<double>::epsilon();
        rtol = static_cast<double>(std::max(m, n)) * eps;
    }
    const SVD f = svd(a);
    // Which singular values count: S_i > rtol·S_max, a constant 0/1 mask.
    const std::int64_t k = std::min(m, n);
    std::vector<double> s = f.S.to_vector<double>();
    for (std::size_t e = 0; k > 0 && e < s.size(); e += static_cast<std::size_t>(k)) {
        const double cutoff = rtol * s[e];
        for (std::size_t i = e; i < e + static_cast<std::size_t>(k); ++i) s[i] = s[i] > cutoff ? 1.0 : 0.0;
    }
    const Tensor keep = from_vector(s, f.S.shape()).to(a.dtype());
    // 1/S where kept, 0 elsewhere, with no division by a zero S (its gradient would be NaN).
    const Tensor s_inverse = div(keep, add(f.S, 1.0 - keep));
    return matmul(mT(f.Vh), mul(unsqueeze(s_inverse, -1), mT(f.U)));
}

Tensor matrix_exp(const Tensor& a) {
    constexpr const char* op = "linalg.matrix_exp";
    check_square(op, a);
    if (a.numel() == 0) return a.clone();
    // Higham (2005), degree 13: θ₁₃ bounds the 1-norm the approximant is accurate for.
    constexpr double theta13 = 5.371920351148152;
    constexpr double b[14] = {64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
                              129060195264000.0,   10559470521600.0,    670442572800.0,     33522128640.0,
                              1323241920.0,        40840800.0,          960960.0,           16380.0,
                              182.0,               1.0};
    const double norm = max_one_norm(a);
    if (!std::isfinite(norm)) throw ValueError(std::string(op) + ": the input contains NaN or infinity");
    const int squarings = norm > theta13 ? static_cast<int>(std::ceil(std::log2(norm / theta13))) : 0;
    const Tensor x = squarings > 0 ? mul(a, std::ldexp(1.0, -squarings)) : a;
    const Tensor x2 = matmul(x, x), x4 = matmul(x2, x2), x6 = matmul(x4, x2);
    const Tensor u = matmul(
        x, add(matmul(x6, combination({{b[13], x6}, {b[11], x4}, {b[9], x2}}, 0)),
               combination({{b[7], x6}, {b[5], x4}, {b[3], x2}}, b[1])));
    const Tensor v = add(matmul(x6, combination({{b[12], x6}, {b[10], x4}, {b[8], x2}}, 0)),
                         combination({{b[6], x6}, {b[4], x4}, {b[2], x2}}, b[0]));
    Tensor r = solve_matrices(op, sub(v, u), add(v, u));
    for (int i = 0; i < squarings; ++i) r = matmul(r, r);
    return r;
}

XGRAD_REGISTER_OP(linalg_matrix_norm, differentiable);
XGRAD_REGISTER_OP(linalg_pinv, differentiable);
XGRAD_REGISTER_OP(linalg_matrix_exp, differentiable);

}  // namespace xgrad::linalg
