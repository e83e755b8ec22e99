// Determinants: det and slogdet against closed forms (2×2, 3×3, triangular,
// permutations), singular matrices, batches and empty batches, the gradient
// det·A⁻ᵀ by hand, and gradchecks to second order in float64.
#include <cmath>
#include <limits>

#include "linalg_test_matrices.hpp"

using namespace xgrad;
using xgrad_test::values;
using xgrad_test::well_conditioned;
using Fn = std::vector<Tensor>;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(ops_linalg_determinant)

BOOST_AUTO_TEST_CASE(det_by_hand_in_both_dtypes) {
    for (Dtype dt : {float32, float64}) {
        // ad − bc = 4·6 − 7·2 = 10;  the 3×3 by the rule of Sarrus: −306
        const Tensor a = stack({tensor({{4, 7, 0}, {2, 6, 0}, {0, 0, 1}}, dt), tensor({{6, 1, 1}, {4, -2, 5}, {2, 8, 7}}, dt)});
        const Tensor d = linalg::det(a);
        BOOST_TEST((d.dtype() == dt));
        BOOST_TEST(d.shape() == (Shape{2}));
        BOOST_TEST(values(d) == std::vector<double>({10, -306}), tt::tolerance(1e-5) << tt::per_element());
    }
    // a row swap flips the sign; a triangular matrix's det is its diagonal's product
    BOOST_TEST(linalg::det(tensor({{0, 1}, {1, 0}}, float64)).item() == -1.0);
    BOOST_TEST(linalg::det(tensor({{2, 5, 1}, {0, 3, 4}, {0, 0, -0.5}}, float64)).item() == -3.0, tt::tolerance(1e-15));
    // singular: exactly 0, no error
    BOOST_TEST(linalg::det(tensor({{1, 2}, {2, 4}}, float64)).item() == 0.0);
    // empty batch; the 0×0 matrix has det 1
    BOOST_TEST(linalg::det(zeros({0, 3, 3})).shape() == (Shape{0}));
    BOOST_TEST(values(linalg::det(zeros({2, 0, 0}))) == std::vector<double>({1, 1}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(slogdet_by_hand) {
    const Tensor a = stack({tensor({{4, 7}, {2, 6}}, float64), tensor({{0, 3}, {2, 0}}, float64), tensor({{1, 2}, {2, 4}}, float64)});
    const linalg::SignLogAbsDet r = linalg::slogdet(a);
    BOOST_TEST(values(r.sign) == std::vector<double>({1, -1, 0}), tt::per_element());
    const std::vector<double> logs = values(r.logabsdet);
    BOOST_TEST(logs[0] == std::log(10.0), tt::tolerance(1e-15));
    BOOST_TEST(logs[1] == std::log(6.0), tt::tolerance(1e-15));
    BOOST_TEST(logs[2] == -std::numeric_limits<double>::infinity());
    // no overflow where det itself would: 200 × 200 times 10 has log|det| = 200·log 10
    const Tensor big = eye(200, 200, float64) * 10.0;
    BOOST_TEST(std::isinf(linalg::det(big.to(float32)).item()));
    BOOST_TEST(linalg::slogdet(big.to(float32)).logabsdet.item() == 200 * std::log(10.0), tt::tolerance(1e-5));
}

BOOST_AUTO_TEST_CASE(errors_name_the_op_and_the_shape) {
    CHECK_THROWS_WITH(linalg::det(zeros({2, 3})), ShapeError, "linalg.det: expected square matrices, got shape [2,3]");
    CHECK_THROWS_WITH(linalg::slogdet(zeros({4})), ShapeError, "linalg.slogdet: expected a matrix");
    CHECK_THROWS_WITH(linalg::det(zeros({2, 2}, int64)), DtypeError, "linalg.det");
    // the gradient needs A⁻¹
    Tensor singular = tensor({{1, 2}, {2, 4}}, float64).requires_grad_();
    CHECK_THROWS_WITH(linalg::det(singular).backward(), ValueError, "linalg.det (backward): batch element 0 is singular");
}

BOOST_AUTO_TEST_CASE(gradients_by_hand) {
    // d det / dA = det·A⁻ᵀ = [[d, −c], [−b, a]] for [[a, b], [c, d]]
    Tensor a = tensor({{4, 7}, {2, 6}}, float64).requires_grad_();
    linalg::det(a).backward();
    BOOST_TEST(values(a.grad()) == std::vector<double>({6, -2, -7, 4}), tt::tolerance(1e-14) << tt::per_element());
    Tensor b = tensor({{4, 7}, {2, 6}}, float64).requires_grad_();
    linalg::slogdet(b).logabsdet.backward();  // A⁻ᵀ
    BOOST_TEST(values(b.grad()) == std::vector<double>({0.6, -0.2, -0.7, 0.4}), tt::tolerance(1e-14) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    const Tensor a = well_conditioned({2, 3, 3}, 21);
    CHECK_GRADCHECK("linalg_det", [](const Fn& x) { return linalg::det(x[0]); }, {a});
    CHECK_GRADGRADCHECK("linalg_det", [](const Fn& x) { return linalg::det(x[0]); }, {a});
    const Tensor negative = neg(well_conditioned({3, 3}, 22));  // det < 0: the sign enters the gradient
    CHECK_GRADCHECK("linalg_slogdet", [](const Fn& x) { return linalg::slogdet(x[0]).logabsdet; }, {negative});
    CHECK_GRADGRADCHECK("linalg_slogdet", [](const Fn& x) { return linalg::slogdet(x[0]).logabsdet; }, {a});
}

BOOST_AUTO_TEST_SUITE_END()
