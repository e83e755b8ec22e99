// Triangles and diagonals: tril, triu, diagonal, diag, trace against
// hand-computed values (float32, float64, int64), batches, offsets, empty
// tensors, the errors, and gradchecks to second order in float64.
#include <limits>

#include "../test_helpers.hpp"

using namespace xgrad;
using xgrad_test::values;
using Fn = std::vector<Tensor>;
using Values = std::vector<double>;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(ops_diagonal)

BOOST_AUTO_TEST_CASE(tril_and_triu_by_hand) {
    for (Dtype dtype : {float32, float64, int64}) {
        const Tensor x = tensor({{1, 2, 3}, {4, 5, 6}}, dtype);
        BOOST_TEST(values(tril(x)) == Values({1, 0, 0, 4, 5, 0}), tt::per_element());
        BOOST_TEST(values(tril(x, 1)) == Values({1, 2, 0, 4, 5, 6}), tt::per_element());
        BOOST_TEST(values(tril(x, -1)) == Values({0, 0, 0, 4, 0, 0}), tt::per_element());
        BOOST_TEST(values(triu(x)) == Values({1, 2, 3, 0, 5, 6}), tt::per_element());
        BOOST_TEST(values(triu(x, 2)) == Values({0, 0, 3, 0, 0, 0}), tt::per_element());
        BOOST_TEST(values(triu(x, -1)) == Values({1, 2, 3, 4, 5, 6}), tt::per_element());
        BOOST_TEST((tril(x).dtype() == dtype));
    }
    // batched over the leading dimensions; infinities above the diagonal become 0, not NaN
    const double inf = std::numeric_limits<double>::infinity();
    const Tensor batch = tensor({{{1, inf}, {3, 4}}, {{5, 6}, {7, 8}}}, float64);
    BOOST_TEST(values(tril(batch)) == Values({1, 0, 3, 4, 5, 0, 7, 8}), tt::per_element());
    BOOST_TEST(tril(zeros({3, 0, 2})).shape() == (Shape{3, 0, 2}));
}

BOOST_AUTO_TEST_CASE(diagonal_by_hand) {
    const Tensor x = arange(0, 12, 1, float64).reshape({3, 4});  // rows 0..3, 4..7, 8..11
    BOOST_TEST(values(diagonal(x)) == Values({0, 5, 10}), tt::per_element());
    BOOST_TEST(values(diagonal(x, 1)) == Values({1, 6, 11}), tt::per_element());
    BOOST_TEST(values(diagonal(x, 3)) == Values({3}), tt::per_element());
    BOOST_TEST(values(diagonal(x, -1)) == Values({4, 9}), tt::per_element());
    BOOST_TEST(diagonal(x, 4).shape() == (Shape{0}));
    BOOST_TEST(diagonal(x, -3).shape() == (Shape{0}));
    BOOST_TEST(values(diagonal(x, 0, 1, 0)) == Values({0, 5, 10}), tt::per_element());
    // dim1, dim2 chosen in a 3-D tensor: the diagonal becomes the last dimension
    const Tensor c = arange(0, 24, 1, float64).reshape({2, 3, 4});
    const Tensor d = diagonal(c, 0, 0, 2);  // d[j, i] = c[i, j, i]
    BOOST_TEST(d.shape() == (Shape{3, 2}));
    BOOST_TEST(values(d) == Values({0, 13, 4, 17, 8, 21}), tt::per_element());
    const Tensor last = diagonal(c, -1, -2, -1);  // batched over dimension 0
    BOOST_TEST(last.shape() == (Shape{2, 2}));
    BOOST_TEST(values(last) == Values({4, 9, 16, 21}), tt::per_element());
    BOOST_TEST(values(diagonal(x.to(int64))) == Values({0, 5, 10}), tt::per_element());
    BOOST_TEST(diagonal(zeros({0, 3})).shape() == (Shape{0}));
}

BOOST_AUTO_TEST_CASE(diag_and_trace_by_hand) {
    const Tensor v = tensor({1, 2});
    BOOST_TEST(values(diag(v)) == Values({1, 0, 0, 2}), tt::per_element());
    const Tensor above = diag(v, 1);
    BOOST_TEST(above.shape() == (Shape{3, 3}));
    BOOST_TEST(values(above) == Values({0, 1, 0, 0, 0, 2, 0, 0, 0}), tt::per_element());
    BOOST_TEST(values(diag(v, -1)) == Values({0, 0, 0, 1, 0, 0, 0, 2, 0}), tt::per_element());
    const Tensor m = tensor({{1, 2, 3}, {4, 5, 6}}, float64);
    BOOST_TEST(values(diag(m)) == Values({1, 5}), tt::per_element());
    BOOST_TEST(values(diag(m, 1)) == Values({2, 6}), tt::per_element());
    BOOST_TEST(diag(zeros({0})).shape() == (Shape{0, 0}));
    BOOST_TEST(trace(m).item() == 6.0);
    BOOST_TEST(trace(m.to(float32)).item() == 6.0);
    BOOST_TEST(trace(zeros({0, 2})).item() == 0.0);
}

BOOST_AUTO_TEST_CASE(gradients_by_hand) {
    const Tensor x = tensor({{1, 2}, {3, 4}}, float64).requires_grad_();
    trace(x).backward();
    BOOST_TEST(values(x.grad()) == Values({1, 0, 0, 1}), tt::per_element());
    const Tensor y = tensor({{1, 2}, {3, 4}}, float64).requires_grad_();
    (triu(y) * 3.0).sum().backward();
    BOOST_TEST(values(y.grad()) == Values({3, 3, 0, 3}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    const Tensor x = tensor({{0.3, -1.2, 2.5}, {1.1, 0.2, -0.4}, {0.9, -0.8, 1.6}}, float64);
    const Tensor batch = tensor({{{0.3, -1.2}, {2.5, 1.1}}, {{0.2, -0.4}, {0.9, 1.7}}}, float64);
    const Tensor v = tensor({0.5, -0.7}, float64);
    CHECK_GRADCHECK("tril", [](const Fn& a) { return tril(a[0], -1); }, {batch});
    CHECK_GRADGRADCHECK("tril", [](const Fn& a) { return square(tril(a[0])); }, {x});
    CHECK_GRADCHECK("triu", [](const Fn& a) { return triu(a[0], 1); }, {x});
    CHECK_GRADGRADCHECK("triu", [](const Fn& a) { return square(triu(a[0])); }, {batch});
    CHECK_GRADCHECK("diagonal", [](const Fn& a) { return diagonal(a[0], 1); }, {x});
    CHECK_GRADGRADCHECK("diagonal", [](const Fn& a) { return square(diagonal(a[0], 0, 0, 2)); }, {batch});
    CHECK_GRADCHECK("diag", [](const Fn& a) { return diag(a[0], -1); }, {v});
    CHECK_GRADGRADCHECK("diag", [](const Fn& a) { return square(diag(a[0], 1)); }, {x});
    CHECK_GRADCHECK("trace", [](const Fn& a) { return trace(a[0]); }, {x});
    CHECK_GRADGRADCHECK("trace", [](const Fn& a) { return trace(a[0] * a[0]); }, {x});
    // diagonal_backward (the op diagonal's gradient and 1-D diag record), as a function of its input
    CHECK_GRADCHECK("diagonal_backward", [](const Fn& a) { return diag(a[0], 2); }, {v});
    CHECK_GRADGRADCHECK("diagonal_backward", [](const Fn& a) { return diag(a[0] * a[0]); }, {v});
}

BOOST_AUTO_TEST_CASE(errors_name_the_op_and_the_shape) {
    CHECK_THROWS_WITH(tril(zeros({3})), ShapeError, "tril: expected a tensor of rank >= 2");
    CHECK_THROWS_WITH(triu(scalar(1.0)), ShapeError, "triu: expected a tensor of rank >= 2");
    CHECK_THROWS_WITH(diagonal(zeros({3})), ShapeError, "diagonal: expected a tensor of rank >= 2");
    CHECK_THROWS_WITH(diagonal(zeros({2, 2}), 0, 1, -1), ValueError, "diagonal: dim1 and dim2 must differ, got 1 and -1");
    CHECK_THROWS_WITH(diagonal(zeros({2, 2}), 0, 0, 2), ValueError, "diagonal: axis 2 is out of range");
    CHECK_THROWS_WITH(diag(zeros({2, 2, 2})), ShapeError, "diag: expected a 1-D or 2-D tensor, got shape [2,2,2]");
    CHECK_THROWS_WITH(diag(zeros({2}), std::numeric_limits<std::int64_t>::max() - 1), ShapeError, "diag");
    CHECK_THROWS_WITH(trace(zeros({2, 2, 2})), ShapeError, "trace: expected a 2-D tensor, got shape [2,2,2]");
}

BOOST_AUTO_TEST_SUITE_END()
