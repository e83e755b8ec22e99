// Linear systems: solve, inv, solve_triangular, cholesky_solve, lstsq.
// Closed forms by hand, residuals A·X − B on batches with broadcasting,
// empty batches, the errors (naming op, shapes, batch element), and
// first- and second-order gradchecks in float64.
#include "linalg_test_matrices.hpp"

using namespace xgrad;
using xgrad_test::max_difference;
using xgrad_test::random_matrix;
using xgrad_test::values;
using xgrad_test::well_conditioned;
using Fn = std::vector<Tensor>;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(ops_linalg_solve)

BOOST_AUTO_TEST_CASE(solve_two_by_two_by_hand_in_both_dtypes) {
    // 3x + y = 9, x + 2y = 8  →  x = 2, y = 3
    for (Dtype dt : {float32, float64}) {
        const Tensor a = tensor({{3, 1}, {1, 2}}, dt), b = tensor({9, 8}, dt);
        const Tensor x = linalg::solve(a, b);
        BOOST_TEST((x.dtype() == dt));
        BOOST_TEST(x.shape() == (Shape{2}));
        BOOST_TEST(values(x) == std::vector<double>({2, 3}), tt::tolerance(1e-6) << tt::per_element());
        // the same as a one-column matrix keeps the column
        const Tensor xm = linalg::solve(a, tensor({{9, 1}, {8, 2}}, dt));
        BOOST_TEST(values(xm) == std::vector<double>({2, 0, 3, 1}), tt::tolerance(1e-6) << tt::per_element());
    }
}

BOOST_AUTO_TEST_CASE(solve_broadcasts_batches_and_leaves_small_residuals) {
    const Tensor a = well_conditioned({2, 1, 4, 4}, 1), b = random_matrix({3, 4, 2}, 2);
    const Tensor x = linalg::solve(a, b);
    BOOST_TEST(x.shape() == (Shape{2, 3, 4, 2}));
    BOOST_TEST(max_difference(matmul(a, x), expand(b, {2, 3, 4, 2})) < 1e-12);
    // a batch of vectors: B's shape is A's without the last dimension
    const Tensor a3 = well_conditioned({3, 4, 4}, 3), v = random_matrix({3, 4}, 4);
    const Tensor xv = linalg::solve(a3, v);
    BOOST_TEST(xv.shape() == (Shape{3, 4}));
    BOOST_TEST(max_difference(squeeze(matmul(a3, unsqueeze(xv, -1)), -1), v) < 1e-12);
    // float32
    const Tensor x32 = linalg::solve(a.to(float32), b.to(float32));
    BOOST_TEST(max_difference(x32, x) < 1e-5);
    // empty batch and 0×0 systems
    BOOST_TEST(linalg::solve(zeros({0, 3, 3}, float64), zeros({0, 3}, float64)).shape() == (Shape{0, 3}));
    BOOST_TEST(linalg::solve(zeros({2, 0, 0}, float64), zeros({2, 0, 5}, float64)).shape() == (Shape{2, 0, 5}));
}

BOOST_AUTO_TEST_CASE(inv_by_hand_and_a_times_inv_is_the_identity) {
    // [[4,7], [2,6]]⁻¹ = [[6, −7], [−2, 4]] / 10
    const Tensor a = tensor({{4, 7}, {2, 6}}, float64);
    BOOST_TEST(values(linalg::inv(a)) == std::vector<double>({0.6, -0.7, -0.2, 0.4}),
               tt::tolerance(1e-14) << tt::per_element());
    const Tensor batch = well_conditioned({5, 3, 3}, 5);
    const Tensor eye3 = expand(eye(3, 3, float64), {5, 3, 3});
    BOOST_TEST(max_difference(matmul(batch, linalg::inv(batch)), eye3) < 1e-13);
    BOOST_TEST(max_difference(matmul(linalg::inv(batch.to(float32)), batch.to(float32)), eye3) < 1e-5);
    BOOST_TEST(linalg::inv(zeros({0, 2, 2})).shape() == (Shape{0, 2, 2}));
}

BOOST_AUTO_TEST_CASE(singular_systems_name_the_op_and_the_batch_element) {
    const Tensor a = well_conditioned({3, 2, 2}, 6);
    const Tensor rank_one = tensor({{1, 2}, {2, 4}}, float64);
    const Tensor with_singular = stack({slice(a, 0, 0, 1).reshape({2, 2}), rank_one, slice(a, 0, 2, 3).reshape({2, 2})});
    CHECK_THROWS_WITH(linalg::solve(with_singular, zeros({3, 2}, float64)), ValueError,
                      "linalg.solve: batch element 1 is singular");
    CHECK_THROWS_WITH(linalg::inv(rank_one), ValueError, "linalg.inv: batch element 0 is singular");
    CHECK_THROWS_WITH(linalg::inv(zeros({2, 2})), ValueError, "U[0,0] of its LU factorization is zero");
}

BOOST_AUTO_TEST_CASE(shape_and_dtype_errors_name_the_shapes) {
    CHECK_THROWS_WITH(linalg::inv(zeros({2, 3})), ShapeError, "linalg.inv: expected square matrices, got shape [2,3]");
    CHECK_THROWS_WITH(linalg::inv(zeros({3})), ShapeError, "linalg.inv: expected a matrix");
    CHECK_THROWS_WITH(linalg::solve(zeros({3, 3}), zeros({4, 2})), ShapeError,
                      "linalg.solve: A [3,3] and B [4,2] do not match (A has 3 rows, B 4)");
    CHECK_THROWS_WITH(linalg::solve(zeros({2, 3, 3}), zeros({4, 3, 1})), ShapeError,
                      "linalg.solve: batch dimensions of A [2,3,3] and B [4,3,1] cannot be broadcast");
    CHECK_THROWS_WITH(linalg::solve(zeros({3, 3}), zeros({3}, float64)), DtypeError, "linalg.solve");
    CHECK_THROWS_WITH(linalg::inv(zeros({2, 2}, int64)), DtypeError, "linalg.inv");
    CHECK_THROWS_WITH(linalg::solve_triangular(zeros({3, 3}), zeros({3}), true), ShapeError,
                      "linalg.solve_triangular: B must be a matrix");
}

BOOST_AUTO_TEST_CASE(solve_triangular_by_hand) {
    // [[2,0], [1,1]]·x = [2,3]  →  x = [1,2]
    const Tensor l = tensor({{2, 9}, {1, 1}}, float64);  // the 9 is above the diagonal: never read
    BOOST_TEST(values(linalg::solve_triangular(l, tensor({{2}, {3}}, float64), false)) == std::vector<double>({1, 2}),
               tt::tolerance(1e-15) << tt::per_element());
    // [[2,1], [0,4]]·x = [4,8]  →  x = [1,2]
    const Tensor u = tensor({{2, 1}, {7, 4}}, float64);
    BOOST_TEST(values(linalg::solve_triangular(u, tensor({{4}, {8}}, float64), true)) == std::vector<double>({1, 2}),
               tt::tolerance(1e-15) << tt::per_element());
    // unit diagonal: [[1,0], [3,1]]·x = [1,5] → x = [1,2], whatever the stored diagonal
    const Tensor unit = tensor({{0, 0}, {3, 0}}, float32);
    BOOST_TEST(values(linalg::solve_triangular(unit, tensor({{1}, {5}}, float32), false, true)) ==
                   std::vector<double>({1, 2}),
               tt::per_element());
    CHECK_THROWS_WITH(linalg::solve_triangular(expand(unit, {2, 2, 2}), zeros({2, 2, 1}), false), ValueError,
                      "linalg.solve_triangular: batch element 0 is singular (diagonal element 0 is zero)");
    BOOST_TEST(linalg::solve_triangular(zeros({0, 2, 2}), zeros({0, 2, 3}), true).shape() == (Shape{0, 2, 3}));
}

BOOST_AUTO_TEST_CASE(cholesky_solve_matches_solve) {
    const Tensor x = well_conditioned({2, 3, 3}, 7);
    const Tensor a = xgrad_test::spd_from(x), b = random_matrix({2, 3, 2}, 8);
    const Tensor l = linalg::cholesky(a);
    BOOST_TEST(max_difference(linalg::cholesky_solve(b, l), linalg::solve(a, b)) < 1e-13);
    BOOST_TEST(max_difference(linalg::cholesky_solve(b, linalg::cholesky(a, true), true), linalg::solve(a, b)) < 1e-13);
    CHECK_THROWS_WITH(linalg::cholesky_solve(zeros({3, 2}), zeros({3, 4})), ShapeError,
                      "linalg.cholesky_solve: expected square matrices, got shape [3,4]");
}

BOOST_AUTO_TEST_CASE(lstsq_by_hand) {
    // the line through (0, 1), (1, 2), (2, 4): AᵀA·x = Aᵀb gives x = [5/6, 3/2]
    const Tensor a = tensor({{1, 0}, {1, 1}, {1, 2}}, float64);
    BOOST_TEST(values(linalg::lstsq(a, tensor({1, 2, 4}, float64))) == std::vector<double>({5.0 / 6, 1.5}),
               tt::tolerance(1e-14) << tt::per_element());
    BOOST_TEST(values(linalg::lstsq(a.to(float32), tensor({1, 2, 4}))) == std::vector<double>({5.0 / 6, 1.5}),
               tt::tolerance(1e-5) << tt::per_element());
    // x + y = 2 has the minimum-norm solution [1,1]
    BOOST_TEST(values(linalg::lstsq(tensor({{1, 1}}, float64), tensor({{2}}, float64))) ==
                   std::vector<double>({1, 1}),
               tt::tolerance(1e-14) << tt::per_element());
    // square and invertible: the solution of the system
    const Tensor sq = well_conditioned({2, 3, 3}, 9), rhs = random_matrix({2, 3, 2}, 10);
    BOOST_TEST(max_difference(linalg::lstsq(sq, rhs), linalg::solve(sq, rhs)) < 1e-12);
    // B one rank below A is a batch of vectors (torch.linalg.lstsq's rule)
    const Tensor tall = random_matrix({2, 4, 3}, 20), vectors = random_matrix({2, 4}, 21);
    const Tensor xv = linalg::lstsq(tall, vectors);
    BOOST_TEST(xv.shape() == (Shape{2, 3}));
    BOOST_TEST(max_difference(xv, squeeze(linalg::lstsq(tall, unsqueeze(vectors, -1)), -1)) < 1e-14);
    CHECK_THROWS_WITH(linalg::lstsq(tall, zeros({4, 1}, float64)), ShapeError,
                      "linalg.lstsq: A [2,4,3] and B [4,1] do not match (A has 4 rows, B 1)");
    CHECK_THROWS_WITH(linalg::lstsq(tensor({{1, 2}, {2, 4}, {3, 6}}, float64), zeros({3}, float64)), ValueError,
                      "linalg.lstsq: batch element 0 is rank-deficient (|R[1,1]|");
    CHECK_THROWS_WITH(linalg::lstsq(zeros({2, 2, 3}), zeros({2, 2})), ValueError, "linalg.lstsq: batch element 0 is rank-deficient");
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    const Tensor a = well_conditioned({2, 3, 3}, 11), b = random_matrix({3, 2}, 12), v = random_matrix({3}, 13);
    CHECK_GRADCHECK("linalg_solve", [](const Fn& x) { return linalg::solve(x[0], x[1]); }, {a, b});
    CHECK_GRADGRADCHECK("linalg_solve", [](const Fn& x) { return linalg::solve(x[0], x[1]); }, {a, b});
    CHECK_GRADCHECK("linalg_solve", [](const Fn& x) { return linalg::solve(x[0], x[1]); }, {a, v});
    CHECK_GRADCHECK("linalg_inv", [](const Fn& x) { return linalg::inv(x[0]); }, {a});
    CHECK_GRADGRADCHECK("linalg_inv", [](const Fn& x) { return linalg::inv(x[0]); }, {a});
    // triangular inputs: the gradient lives on the triangle that is read
    const Tensor u = well_conditioned({2, 3, 3}, 14);
    for (bool upper : {true, false})
        for (bool unit : {false, true}) {
            auto f = [upper, unit](const Fn& x) { return linalg::solve_triangular(x[0], x[1], upper, unit); };
            CHECK_GRADCHECK("linalg_solve_triangular", f, {u, b});
            CHECK_GRADGRADCHECK("linalg_solve_triangular", f, {u, b});
        }
    const Tensor l = linalg::cholesky(xgrad_test::spd_from(well_conditioned({3, 3}, 15)));
    for (bool upper : {false, true}) {
        const Tensor factor = upper ? transpose(l, 0, 1) : l;
        auto f = [upper](const Fn& x) { return linalg::cholesky_solve(x[0], x[1], upper); };
        CHECK_GRADCHECK("linalg_cholesky_solve", f, {b, factor});
        CHECK_GRADGRADCHECK("linalg_cholesky_solve", f, {b, factor});
    }
    const Tensor tall = random_matrix({2, 5, 3}, 16), wide = random_matrix({3, 5}, 17);
    auto lstsq = [](const Fn& x) { return linalg::lstsq(x[0], x[1]); };
    CHECK_GRADCHECK("linalg_lstsq", lstsq, {tall, random_matrix({2, 5, 2}, 18)});
    CHECK_GRADGRADCHECK("linalg_lstsq", lstsq, {tall, random_matrix({2, 5, 2}, 18)});
    CHECK_GRADCHECK("linalg_lstsq", lstsq, {wide, random_matrix({3}, 19)});
    CHECK_GRADGRADCHECK("linalg_lstsq", lstsq, {wide, random_matrix({3}, 19)});
}

BOOST_AUTO_TEST_SUITE_END()
