// Functions of matrices: matrix_norm (every ord), pinv, matrix_exp, against
// closed forms; batches and empty batches; errors; gradchecks to second order.
#include <cmath>
#include <limits>

#include "linalg_test_matrices.hpp"

using namespace xgrad;
using xgrad_test::max_difference;
using xgrad_test::random_matrix;
using xgrad_test::values;
using xgrad_test::well_conditioned;
using Fn = std::vector<Tensor>;
namespace tt = boost::test_tools;

namespace {
constexpr double inf = std::numeric_limits<double>::infinity();
}

BOOST_AUTO_TEST_SUITE(ops_linalg_functions)

BOOST_AUTO_TEST_CASE(matrix_norms_by_hand) {
    // [[1, −2], [3, 4]]: column sums 4, 6; row sums 3, 7; S = √(15 ± √125);
    // nuclear² = tr(AᵀA) + 2|det A| = 30 + 20
    for (Dtype dt : {float32, float64}) {
        const Tensor a = tensor({{1, -2}, {3, 4}}, dt);
        const double tol = dt == float32 ? 1e-6 : 1e-14;
        BOOST_TEST(linalg::matrix_norm(a).item() == std::sqrt(30.0), tt::tolerance(tol));
        BOOST_TEST(linalg::matrix_norm(a, "nuc").item() == std::sqrt(50.0), tt::tolerance(tol));
        BOOST_TEST(linalg::matrix_norm(a, 1).item() == 6.0, tt::tolerance(tol));
        BOOST_TEST(linalg::matrix_norm(a, -1).item() == 4.0, tt::tolerance(tol));
        BOOST_TEST(linalg::matrix_norm(a, inf).item() == 7.0, tt::tolerance(tol));
        BOOST_TEST(linalg::matrix_norm(a, -inf).item() == 3.0, tt::tolerance(tol));
        BOOST_TEST(linalg::matrix_norm(a, 2).item() == std::sqrt(15 + std::sqrt(125.0)), tt::tolerance(tol));
        BOOST_TEST(linalg::matrix_norm(a, -2).item() == std::sqrt(15 - std::sqrt(125.0)), tt::tolerance(tol));
    }
    const Tensor batch = random_matrix({2, 3, 4, 5}, 41);
    BOOST_TEST(linalg::matrix_norm(batch).shape() == (Shape{2, 3}));
    for (double ord : {1.0, -1.0, 2.0, -2.0, inf, -inf}) {
        BOOST_TEST(linalg::matrix_norm(batch, ord).shape() == (Shape{2, 3}));
        BOOST_TEST(linalg::matrix_norm(batch, ord, true).shape() == (Shape{2, 3, 1, 1}));
    }
    BOOST_TEST(linalg::matrix_norm(batch, "nuc", true).shape() == (Shape{2, 3, 1, 1}));
    BOOST_TEST(linalg::matrix_norm(zeros({0, 2, 2})).shape() == (Shape{0}));
    CHECK_THROWS_WITH(linalg::matrix_norm(batch, 3), ValueError,
                      "linalg.matrix_norm: ord 3 is not supported (use 'fro', 'nuc', 1, -1, 2, -2, inf or -inf)");
    CHECK_THROWS_WITH(linalg::matrix_norm(batch, "max"), ValueError, "linalg.matrix_norm: ord 'max' is not supported");
    CHECK_THROWS_WITH(linalg::matrix_norm(zeros({3})), ShapeError, "linalg.matrix_norm: expected a matrix");
}

BOOST_AUTO_TEST_CASE(pinv_by_hand) {
    // invertible: the inverse;  [[1], [2]]⁺ = [[1, 2]] / 5;  diag(1, 0)⁺ = diag(1, 0)
    const Tensor a = tensor({{4, 7}, {2, 6}}, float64);
    BOOST_TEST(max_difference(linalg::pinv(a), linalg::inv(a)) < 1e-14);
    BOOST_TEST(values(linalg::pinv(tensor({{1}, {2}}, float64))) == std::vector<double>({0.2, 0.4}),
               tt::tolerance(1e-14) << tt::per_element());
    BOOST_TEST(values(linalg::pinv(tensor({{1, 0}, {0, 0}}))) == std::vector<double>({1, 0, 0, 0}),
               tt::tolerance(1e-6) << tt::per_element());
    // rank 1 with a rounding-level second singular value: cut by rtol
    const Tensor rank_one = tensor({{1, 2}, {2, 4}}, float64);
    BOOST_TEST(values(linalg::pinv(rank_one)) == std::vector<double>({0.04, 0.08, 0.08, 0.16}),
               tt::tolerance(1e-13) << tt::per_element());
    // Moore–Penrose: A·A⁺·A = A on a batch of wide matrices
    const Tensor wide = random_matrix({3, 2, 4}, 42);
    BOOST_TEST(max_difference(matmul(matmul(wide, linalg::pinv(wide)), wide), wide) < 1e-13);
    BOOST_TEST(linalg::pinv(wide).shape() == (Shape{3, 4, 2}));
    BOOST_TEST(linalg::pinv(zeros({0, 2, 3})).shape() == (Shape{0, 3, 2}));
}

BOOST_AUTO_TEST_CASE(matrix_exp_by_hand) {
    for (Dtype dt : {float32, float64}) {
        const double tol = dt == float32 ? 2e-6 : 1e-14;
        BOOST_TEST(values(linalg::matrix_exp(zeros({2, 2}, dt))) == std::vector<double>({1, 0, 0, 1}),
                   tt::tolerance(tol) << tt::per_element());
        // diag(1, 2) → diag(e, e²);  [[0, 1], [0, 0]] → [[1, 1], [0, 1]]
        BOOST_TEST(values(linalg::matrix_exp(tensor({{1, 0}, {0, 2}}, dt))) ==
                       std::vector<double>({std::exp(1.0), 0, 0, std::exp(2.0)}),
                   tt::tolerance(tol) << tt::per_element());
        BOOST_TEST(values(linalg::matrix_exp(tensor({{0, 1}, {0, 0}}, dt))) == std::vector<double>({1, 1, 0, 1}),
                   tt::tolerance(tol) << tt::per_element());
        // a rotation generator: [[0, t], [−t, 0]] → [[cos t, sin t], [−sin t, cos t]], t = 30 (scaled and squared)
        const double t = 30;
        BOOST_TEST(values(linalg::matrix_exp(tensor({{0, t}, {-t, 0}}, dt))) ==
                       std::vector<double>({std::cos(t), std::sin(t), -std::sin(t), std::cos(t)}),
                   tt::tolerance(dt == float32 ? 1e-4 : 1e-12) << tt::per_element());
    }
    // a large norm: diag(10, −3) is e^10 and e^−3 to double precision
    BOOST_TEST(values(linalg::matrix_exp(tensor({{10, 0}, {0, -3}}, float64))) ==
                   std::vector<double>({std::exp(10.0), 0, 0, std::exp(-3.0)}),
               tt::tolerance(1e-13) << tt::per_element());
    // a batch: exp(A)·exp(−A) = I
    const Tensor a = random_matrix({3, 4, 4}, 43);
    BOOST_TEST(max_difference(matmul(linalg::matrix_exp(a), linalg::matrix_exp(neg(a))), expand(eye(4, 4, float64), {3, 4, 4})) < 1e-12);
    BOOST_TEST(linalg::matrix_exp(zeros({0, 3, 3})).shape() == (Shape{0, 3, 3}));
    CHECK_THROWS_WITH(linalg::matrix_exp(zeros({2, 3})), ShapeError, "linalg.matrix_exp: expected square matrices, got shape [2,3]");
    CHECK_THROWS_WITH(linalg::matrix_exp(tensor({{std::numeric_limits<double>::quiet_NaN()}})), ValueError,
                      "linalg.matrix_exp: the input contains NaN or infinity");
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    const Tensor a = random_matrix({2, 3, 4}, 44);
    CHECK_GRADCHECK("linalg_matrix_norm", [](const Fn& v) { return linalg::matrix_norm(v[0]); }, {a});
    CHECK_GRADGRADCHECK("linalg_matrix_norm", [](const Fn& v) { return linalg::matrix_norm(v[0]); }, {a});
    CHECK_GRADCHECK("linalg_matrix_norm", [](const Fn& v) { return linalg::matrix_norm(v[0], "nuc"); }, {a});
    CHECK_GRADGRADCHECK("linalg_matrix_norm", [](const Fn& v) { return linalg::matrix_norm(v[0], "nuc"); }, {a});
    for (double ord : {1.0, -1.0, 2.0, -2.0, inf, -inf}) {
        BOOST_TEST_CONTEXT("ord " << ord) {
            // ±1 and ±inf are piecewise linear (no second derivative of their
            // own): the second order is checked through the square
            auto f = [ord](const Fn& v) { return square(linalg::matrix_norm(v[0], ord)); };
            CHECK_GRADCHECK("linalg_matrix_norm", f, {a});
            CHECK_GRADGRADCHECK("linalg_matrix_norm", f, {a});
        }
    }
    for (const Shape& shape : {Shape{2, 3, 3}, Shape{4, 2}, Shape{2, 5}}) {
        const Tensor m = random_matrix(shape, 45);
        CHECK_GRADCHECK("linalg_pinv", [](const Fn& v) { return linalg::pinv(v[0]); }, {m});
        CHECK_GRADGRADCHECK("linalg_pinv", [](const Fn& v) { return linalg::pinv(v[0]); }, {m});
    }
    // small norm (no squaring) and large norm (squarings)
    for (double scale : {0.3, 3.0}) {
        const Tensor m = random_matrix({2, 3, 3}, 46) * scale;
        CHECK_GRADCHECK("linalg_matrix_exp", [](const Fn& v) { return linalg::matrix_exp(v[0]); }, {m});
        CHECK_GRADGRADCHECK("linalg_matrix_exp", [](const Fn& v) { return linalg::matrix_exp(v[0]); }, {m});
    }
}

BOOST_AUTO_TEST_SUITE_END()
