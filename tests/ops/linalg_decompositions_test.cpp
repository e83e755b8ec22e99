// Decompositions: cholesky, qr, eigh, svd, svdvals. Closed forms on 2×2
// matrices, the defining properties on batches (reconstruction, orthonormal
// factors, triangular R and L), empty batches, the errors naming the batch
// element, and gradchecks to second order of sign-invariant functions of the
// factors (eigenvectors and singular vectors are defined up to sign).
#include <cmath>
#include <limits>

#include "linalg_test_matrices.hpp"

using namespace xgrad;
using xgrad_test::max_difference;
using xgrad_test::random_matrix;
using xgrad_test::spd_from;
using xgrad_test::values;
using xgrad_test::well_conditioned;
using Fn = std::vector<Tensor>;
namespace tt = boost::test_tools;

namespace {

Tensor mT(const Tensor& x) { return transpose(x, -2, -1); }

/// max |Xᵀ·X − I| for X [..., m, k] with (supposedly) orthonormal columns.
double orthonormality_error(const Tensor& x) {
    const std::int64_t k = x.shape().back();
    return max_difference(matmul(mT(x), x), expand(eye(k, k, x.dtype()), matmul(mT(x), x).shape()));
}

/// max |x| over the strict lower triangle of the matrices x [..., m, n].
double below_diagonal(const Tensor& x) {
    const Shape& s = x.shape();
    const std::int64_t m = s[s.size() - 2], n = s.back();
    const auto v = values(x);
    double worst = 0;
    for (std::size_t e = 0; e * m * n < v.size(); ++e)
        for (std::int64_t i = 0; i < m; ++i)
            for (std::int64_t j = 0; j < std::min(i, n); ++j) worst = std::max(worst, std::abs(v[e * m * n + i * n + j]));
    return worst;
}

/// U·diag(S)·Vh.
Tensor reconstruct(const linalg::SVD& f) { return matmul(f.U * unsqueeze(f.S, -2), f.Vh); }

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_linalg_decompositions)

BOOST_AUTO_TEST_CASE(cholesky_by_hand_and_on_batches) {
    // [[4, 2], [2, 3]] = L·Lᵀ with L = [[2, 0], [1, √2]]; the upper triangle is not read
    for (Dtype dt : {float32, float64}) {
        const Tensor a = tensor({{4, 99}, {2, 3}}, dt);
        BOOST_TEST(values(linalg::cholesky(a)) == std::vector<double>({2, 0, 1, std::sqrt(2.0)}),
                   tt::tolerance(1e-6) << tt::per_element());
        BOOST_TEST(values(linalg::cholesky(a, true)) == std::vector<double>({2, 1, 0, std::sqrt(2.0)}),
                   tt::tolerance(1e-6) << tt::per_element());
    }
    const Tensor a = spd_from(well_conditioned({3, 4, 4}, 31));
    const Tensor l = linalg::cholesky(a);
    BOOST_TEST(max_difference(matmul(l, mT(l)), a) < 1e-12);
    BOOST_TEST(below_diagonal(mT(l)) == 0.0);
    BOOST_TEST(linalg::cholesky(zeros({0, 3, 3})).shape() == (Shape{0, 3, 3}));
}

BOOST_AUTO_TEST_CASE(cholesky_names_the_batch_element_and_the_minor) {
    const Tensor good = tensor({{4, 2}, {2, 3}}, float64);
    const Tensor indefinite = tensor({{1, 2}, {2, 1}}, float64);  // leading minors 1 and −3
    CHECK_THROWS_WITH(linalg::cholesky(stack({good, good, good, indefinite})), ValueError,
                      "linalg.cholesky: batch element 3 is not positive-definite (leading minor of order 2 is not positive)");
    CHECK_THROWS_WITH(linalg::cholesky(tensor({{-1, 0}, {0, 1}})), ValueError,
                      "batch element 0 is not positive-definite (leading minor of order 1 is not positive)");
    CHECK_THROWS_WITH(linalg::cholesky(zeros({2, 3})), ShapeError, "linalg.cholesky: expected square matrices, got shape [2,3]");
    CHECK_THROWS_WITH(linalg::cholesky(zeros({2, 2}, int64)), DtypeError, "linalg.cholesky");
}

BOOST_AUTO_TEST_CASE(qr_by_hand_and_its_properties) {
    // [[3, 1], [4, 2]]: first column 5·[0.6, 0.8], R = ±[[5, 2.2], [0, 0.4]]
    const linalg::QR f = linalg::qr(tensor({{3, 1}, {4, 2}}, float64));
    const auto r = values(f.R);
    BOOST_TEST(std::abs(r[0]) == 5.0, tt::tolerance(1e-14));
    BOOST_TEST(std::abs(r[1]) == 2.2, tt::tolerance(1e-14));
    BOOST_TEST(r[2] == 0.0);
    BOOST_TEST(std::abs(r[3]) == 0.4, tt::tolerance(1e-14));
    for (const Shape& shape : {Shape{2, 5, 3}, Shape{3, 4}, Shape{2, 2, 3, 3}}) {
        const Tensor a = random_matrix(shape, 32);
        const std::int64_t m = shape[shape.size() - 2], n = shape.back(), k = std::min(m, n);
        for (Dtype dt : {float64, float32}) {
            const linalg::QR g = linalg::qr(a.to(dt));
            const double tol = dt == float64 ? 1e-13 : 1e-5;
            BOOST_TEST(g.Q.shape().back() == k);
            BOOST_TEST(g.R.shape()[g.R.rank() - 2] == k);
            BOOST_TEST(max_difference(matmul(g.Q, g.R), a.to(dt)) < tol);
            BOOST_TEST(orthonormality_error(g.Q) < tol);
            BOOST_TEST(below_diagonal(g.R) == 0.0);
        }
    }
    const linalg::QR empty = linalg::qr(zeros({0, 4, 2}));
    BOOST_TEST(empty.Q.shape() == (Shape{0, 4, 2}));
    BOOST_TEST(empty.R.shape() == (Shape{0, 2, 2}));
    CHECK_THROWS_WITH(linalg::qr(zeros({3})), ShapeError, "linalg.qr: expected a matrix");
}

BOOST_AUTO_TEST_CASE(eigh_by_hand_and_its_properties) {
    // [[2, 1], [1, 2]]: eigenvalues 1 and 3, eigenvectors (1, −1)/√2 and (1, 1)/√2;
    // only the lower triangle is read
    for (Dtype dt : {float32, float64}) {
        const linalg::Eigh e = linalg::eigh(tensor({{2, -50}, {1, 2}}, dt));
        BOOST_TEST(values(e.eigenvalues) == std::vector<double>({1, 3}), tt::tolerance(1e-6) << tt::per_element());
        const auto v = values(e.eigenvectors);
        const double h = 1 / std::sqrt(2.0);
        BOOST_TEST(std::abs(v[0]) == h, tt::tolerance(1e-6));
        BOOST_TEST(v[2] == -v[0], tt::tolerance(1e-6));  // the first column is ±(1, −1)/√2
        BOOST_TEST(v[3] == v[1], tt::tolerance(1e-6));   // the second ±(1, 1)/√2
    }
    const Tensor x = random_matrix({3, 5, 5}, 33);
    const Tensor a = x + mT(x);
    const linalg::Eigh e = linalg::eigh(a);
    BOOST_TEST(max_difference(matmul(e.eigenvectors * unsqueeze(e.eigenvalues, -2), mT(e.eigenvectors)), a) < 1e-12);
    BOOST_TEST(orthonormality_error(e.eigenvectors) < 1e-13);
    const auto w = values(e.eigenvalues);
    for (std::size_t i = 0; i + 1 < w.size(); ++i)
        if ((i + 1) % 5 != 0) BOOST_TEST(w[i] <= w[i + 1]);
    BOOST_TEST(linalg::eigh(zeros({0, 3, 3})).eigenvalues.shape() == (Shape{0, 3}));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH(linalg::eigh(stack({eye(2, 2, float64), tensor({{1, 0}, {nan, 1}}, float64)})), ValueError,
                      "linalg.eigh: batch element 1 contains NaN or infinity");
    CHECK_THROWS_WITH(linalg::eigh(zeros({2, 3})), ShapeError, "linalg.eigh: expected square matrices, got shape [2,3]");
}

BOOST_AUTO_TEST_CASE(svd_by_hand_and_its_properties) {
    // diag(3, −2): singular values 3 and 2
    BOOST_TEST(values(linalg::svdvals(tensor({{3, 0}, {0, -2}}, float64))) == std::vector<double>({3, 2}),
               tt::tolerance(1e-15) << tt::per_element());
    // [[1, −2], [3, 4]]: S² are the eigenvalues 15 ± √125 of AᵀA
    BOOST_TEST(values(linalg::svdvals(tensor({{1, -2}, {3, 4}}))) ==
                   std::vector<double>({std::sqrt(15 + std::sqrt(125.0)), std::sqrt(15 - std::sqrt(125.0))}),
               tt::tolerance(1e-6) << tt::per_element());
    for (const Shape& shape : {Shape{2, 5, 3}, Shape{3, 6}, Shape{2, 1, 4, 4}}) {
        const Tensor a = random_matrix(shape, 34);
        const std::int64_t m = shape[shape.size() - 2], n = shape.back(), k = std::min(m, n);
        for (Dtype dt : {float64, float32}) {
            const linalg::SVD f = linalg::svd(a.to(dt));
            const double tol = dt == float64 ? 1e-13 : 2e-5;
            BOOST_TEST(f.U.shape().back() == k);
            BOOST_TEST(f.Vh.shape()[f.Vh.rank() - 2] == k);
            BOOST_TEST(f.Vh.shape().back() == n);
            BOOST_TEST(f.U.shape()[f.U.rank() - 2] == m);
            BOOST_TEST(max_difference(reconstruct(f), a.to(dt)) < tol);
            BOOST_TEST(orthonormality_error(f.U) < tol);
            BOOST_TEST(orthonormality_error(mT(f.Vh)) < tol);
            BOOST_TEST(max_difference(linalg::svdvals(a.to(dt)), f.S) < tol);
        }
    }
    BOOST_TEST(linalg::svd(zeros({0, 3, 2})).S.shape() == (Shape{0, 2}));
    BOOST_TEST(linalg::svd(zeros({2, 0, 3})).Vh.shape() == (Shape{2, 0, 3}));
    CHECK_THROWS_WITH(linalg::svd(tensor({{1, std::numeric_limits<double>::infinity()}}, float64)), ValueError,
                      "linalg.svd: batch element 0 contains NaN or infinity");
    CHECK_THROWS_WITH(linalg::svdvals(zeros({3})), ShapeError, "linalg.svdvals: expected a matrix");
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    const Tensor x = well_conditioned({2, 3, 3}, 35);
    // cholesky reads one triangle: differentiate through a symmetric input
    auto chol = [](const Fn& v) { return linalg::cholesky(spd_from(v[0])); };
    CHECK_GRADCHECK("linalg_cholesky", chol, {x});
    CHECK_GRADGRADCHECK("linalg_cholesky", chol, {x});
    auto chol_upper = [](const Fn& v) { return linalg::cholesky(spd_from(v[0]), true); };
    CHECK_GRADCHECK("linalg_cholesky", chol_upper, {x});

    // Q and R (m ≥ n); R's diagonal signs are fixed by Householder, continuous here
    for (const Shape& shape : {Shape{2, 4, 3}, Shape{3, 3}}) {
        const Tensor a = random_matrix(shape, 36);
        auto q_and_r = [](const Fn& v) {
            const linalg::QR f = linalg::qr(v[0]);
            return concat({f.Q.reshape({-1}), f.R.reshape({-1})});
        };
        CHECK_GRADCHECK("linalg_qr", q_and_r, {a});
        CHECK_GRADGRADCHECK("linalg_qr", q_and_r, {a});
        CHECK_GRADCHECK("linalg_qr", [](const Fn& v) { return linalg::qr(v[0]).R; }, {a});
    }
    Tensor wide = random_matrix({2, 3}, 37).requires_grad_();
    CHECK_THROWS_WITH(linalg::qr(wide).Q.sum().backward(), ValueError,
                      "linalg.qr: the gradient is implemented for m ≥ n only, got shape [2,3]");

    // eigenvalues, and V·diag(w)·Vᵀ-free invariants of V: its squares
    auto eig = [](const Fn& v) {
        const linalg::Eigh e = linalg::eigh(v[0] + mT(v[0]));
        return concat({e.eigenvalues.reshape({-1}), square(e.eigenvectors).reshape({-1})});
    };
    const Tensor s = random_matrix({2, 3, 3}, 38);
    CHECK_GRADCHECK("linalg_eigh", eig, {s});
    CHECK_GRADGRADCHECK("linalg_eigh", eig, {s});
    CHECK_GRADCHECK("linalg_eigh", [](const Fn& v) { return linalg::eigh(v[0] + mT(v[0])).eigenvalues; }, {s});

    // S, and U·Vh-products that do not depend on the signs: U·diag(S)·Vh pieces
    for (const Shape& shape : {Shape{2, 4, 3}, Shape{3, 5}, Shape{3, 3}}) {
        const Tensor a = random_matrix(shape, 39);
        auto invariants = [](const Fn& v) {
            const linalg::SVD f = linalg::svd(v[0]);
            return concat({f.S.reshape({-1}), matmul(f.U, f.Vh).reshape({-1}), square(f.U).reshape({-1}),
                           square(f.Vh).reshape({-1})});
        };
        CHECK_GRADCHECK("linalg_svd", invariants, {a});
        CHECK_GRADGRADCHECK("linalg_svd", invariants, {a});
        CHECK_GRADCHECK("linalg_svdvals", [](const Fn& v) { return linalg::svdvals(v[0]); }, {a});
        CHECK_GRADGRADCHECK("linalg_svdvals", [](const Fn& v) { return linalg::svdvals(v[0]); }, {a});
    }
}

BOOST_AUTO_TEST_SUITE_END()
