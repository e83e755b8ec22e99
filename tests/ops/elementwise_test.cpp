#include <limits>

#include "../test_helpers.hpp"

using namespace xgrad;
using xgrad_test::values;
using Fn = std::vector<Tensor>;

BOOST_AUTO_TEST_SUITE(ops_elementwise)

BOOST_AUTO_TEST_CASE(arithmetic_values) {
    const Tensor a = tensor({1, 2, 3}), b = tensor({4, 5, 6});
    BOOST_TEST(values(a + b) == std::vector<double>({5, 7, 9}), boost::test_tools::per_element());
    BOOST_TEST(values(a - b) == std::vector<double>({-3, -3, -3}), boost::test_tools::per_element());
    BOOST_TEST(values(a * b) == std::vector<double>({4, 10, 18}), boost::test_tools::per_element());
    BOOST_TEST(values(b / a) == std::vector<double>({4, 2.5, 2}), boost::test_tools::per_element());
    BOOST_TEST(values(-a) == std::vector<double>({-1, -2, -3}), boost::test_tools::per_element());
    BOOST_TEST(values(2.0 - a) == std::vector<double>({1, 0, -1}), boost::test_tools::per_element());
    BOOST_TEST(values(6.0 / a) == std::vector<double>({6, 3, 2}), boost::test_tools::per_element());
    BOOST_TEST(values(pow(a, 2.0)) == std::vector<double>({1, 4, 9}), boost::test_tools::per_element());
    BOOST_TEST(values(pow(a, tensor({0.5, 1, 2}))) == std::vector<double>({1, 2, 9}),
               boost::test_tools::tolerance(1e-6) << boost::test_tools::per_element());
    BOOST_TEST(values(maximum(a, tensor({2, 2, 2}))) == std::vector<double>({2, 2, 3}), boost::test_tools::per_element());
    BOOST_TEST(values(minimum(a, tensor({2, 2, 2}))) == std::vector<double>({1, 2, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(scalar_operands) {
    const Tensor a = tensor({1, 2, 3});
    BOOST_TEST(values(a * 2.5) == std::vector<double>({2.5, 5, 7.5}), boost::test_tools::per_element());
    BOOST_TEST(values(2.5 * a) == std::vector<double>({2.5, 5, 7.5}), boost::test_tools::per_element());
    BOOST_TEST(values(a + 0.5) == std::vector<double>({1.5, 2.5, 3.5}), boost::test_tools::per_element());
    BOOST_TEST(values(0.5 + a) == std::vector<double>({1.5, 2.5, 3.5}), boost::test_tools::per_element());
    BOOST_TEST(values(a - 0.5) == std::vector<double>({0.5, 1.5, 2.5}), boost::test_tools::per_element());
    // The scalar takes the tensor's dtype, as scalar(s, dtype) converts it: 2.7 → 2 for int64.
    const Tensor i = mul(arange(3), 2.7);
    BOOST_TEST((i.dtype() == int64));
    BOOST_TEST(i.to_vector<std::int64_t>() == std::vector<std::int64_t>({0, 2, 4}), boost::test_tools::per_element());
    BOOST_TEST(add(arange(3), -1.5).to_vector<std::int64_t>() == std::vector<std::int64_t>({-1, 0, 1}),
               boost::test_tools::per_element());
    // Bit-identical to the tensor-operand form.
    manual_seed(3);
    const Tensor x = randn({5, 7});
    BOOST_TEST(values(x * 1.0001) == values(mul(x, scalar(1.0001))), boost::test_tools::per_element());
    BOOST_TEST(values(x - 0.3) == values(sub(x, scalar(0.3))), boost::test_tools::per_element());
    Tensor w = tensor({1.0, -2.0}, float64).requires_grad_();
    (w * 3.0 + 1.0).sum().backward();
    BOOST_TEST(values(w.grad()) == std::vector<double>({3, 3}), boost::test_tools::per_element());
    CHECK_THROWS_WITH(zeros({2}, uint8) * 2.0, DtypeError, "uint8 tensors hold data only");
}

BOOST_AUTO_TEST_CASE(broadcasting_values) {
    const Tensor m = tensor({{1, 2, 3}, {4, 5, 6}});
    BOOST_TEST(values(m + tensor({10, 20, 30})) == std::vector<double>({11, 22, 33, 14, 25, 36}),
               boost::test_tools::per_element());
    BOOST_TEST(values(m * tensor({{2}, {3}})) == std::vector<double>({2, 4, 6, 12, 15, 18}),
               boost::test_tools::per_element());
    const Tensor outer = tensor({{1}, {2}}) * tensor({1, 10, 100});
    BOOST_TEST((outer.shape() == Shape{2, 3}));
    BOOST_TEST(values(outer) == std::vector<double>({1, 10, 100, 2, 20, 200}), boost::test_tools::per_element());
    CHECK_THROWS_WITH(m + tensor({1, 2}), ShapeError, "add: shapes [2,3] and [2] cannot be broadcast");
}

BOOST_AUTO_TEST_CASE(dtype_rules) {
    CHECK_THROWS_WITH(tensor({1}) + tensor({1}, float64), DtypeError, "add: dtypes float32 and float64 differ");
    const Tensor i = arange(4) + arange(4);
    BOOST_TEST((i.dtype() == int64));
    BOOST_TEST(i.data<std::int64_t>()[3] == 6);
    CHECK_THROWS_WITH(pow(arange(3), arange(3)), DtypeError, "pow: expected a floating dtype");
    // Integer division truncates; by zero, or INT64_MIN by −1, is an error, not a trap.
    BOOST_TEST(div(tensor({7, -7}, int64), tensor({2}, int64)).to_vector<std::int64_t>() ==
                   std::vector<std::int64_t>({3, -3}),
               boost::test_tools::per_element());
    CHECK_THROWS_WITH(div(tensor({1, 2}, int64), tensor({0, 1}, int64)), ValueError,
                      "div: integer division by zero (or of the smallest int64 by -1) in int64 tensors of shapes [2] and [2]");
    const Tensor smallest = from_vector(std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::min()}, {1});
    CHECK_THROWS_WITH(div(smallest, tensor({-1}, int64)), ValueError, "div: integer division by zero");
    // Floating division by zero is IEEE: ±inf, NaN.
    BOOST_TEST(std::isinf(div(tensor({1.0}), tensor({0.0})).item()));
}

BOOST_AUTO_TEST_CASE(comparisons_and_where) {
    const Tensor a = tensor({1, 2, 3}), b = tensor({3, 2, 1});
    BOOST_TEST(values(a < b) == std::vector<double>({1, 0, 0}), boost::test_tools::per_element());
    BOOST_TEST(values(a <= b) == std::vector<double>({1, 1, 0}), boost::test_tools::per_element());
    BOOST_TEST(values(a == b) == std::vector<double>({0, 1, 0}), boost::test_tools::per_element());
    BOOST_TEST(values(a != b) == std::vector<double>({1, 0, 1}), boost::test_tools::per_element());
    BOOST_TEST(values(a > 1.5) == std::vector<double>({0, 1, 1}), boost::test_tools::per_element());
    BOOST_TEST(values(where(a > 1.5, a, b)) == std::vector<double>({3, 2, 3}), boost::test_tools::per_element());
    BOOST_TEST(values(where(tensor({{1}, {0}}, boolean), tensor({7}), zeros({3}))) ==
                   std::vector<double>({7, 7, 7, 0, 0, 0}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(comparisons_return_bool) {
    for (const Dtype dt : {float32, float64, int64}) {
        const Tensor a = tensor({1, 2, 3}, dt), b = tensor({3, 2, 1}, dt);
        for (const Tensor& mask : {eq(a, b), ne(a, b), lt(a, b), le(a, b), gt(a, b), ge(a, b), a > 1.5, a == 2.0})
            BOOST_TEST((mask.dtype() == boolean));
        BOOST_TEST(eq(a, b).to_vector<bool>() == std::vector<bool>({false, true, false}), boost::test_tools::per_element());
        BOOST_TEST(ne(a, b).to_vector<bool>() == std::vector<bool>({true, false, true}), boost::test_tools::per_element());
        BOOST_TEST(lt(a, b).to_vector<bool>() == std::vector<bool>({true, false, false}), boost::test_tools::per_element());
        BOOST_TEST(le(a, b).to_vector<bool>() == std::vector<bool>({true, true, false}), boost::test_tools::per_element());
        BOOST_TEST(gt(a, b).to_vector<bool>() == std::vector<bool>({false, false, true}), boost::test_tools::per_element());
        BOOST_TEST(ge(a, b).to_vector<bool>() == std::vector<bool>({false, true, true}), boost::test_tools::per_element());
        BOOST_TEST((a != 2.0).to_vector<bool>() == std::vector<bool>({true, false, true}), boost::test_tools::per_element());
        BOOST_TEST((a <= 2.0).to_vector<bool>() == std::vector<bool>({true, true, false}), boost::test_tools::per_element());
    }
    // Broadcasting: [2,1] against [3] gives [2,3].
    const Tensor m = lt(tensor({{1}, {4}}, float64), tensor({0, 2, 5}, float64));
    BOOST_TEST((m.shape() == Shape{2, 3}));
    BOOST_TEST(m.to_vector<bool>() == std::vector<bool>({false, true, true, false, false, true}),
               boost::test_tools::per_element());
    // NaN: unequal to everything, itself included; every ordering is false.
    const Tensor n = tensor({NAN, 1.0});
    BOOST_TEST(eq(n, n).to_vector<bool>() == std::vector<bool>({false, true}), boost::test_tools::per_element());
    BOOST_TEST(ne(n, n).to_vector<bool>() == std::vector<bool>({true, false}), boost::test_tools::per_element());
    BOOST_TEST((n > 0.0).to_vector<bool>() == std::vector<bool>({false, true}), boost::test_tools::per_element());
    BOOST_TEST((n <= 1.0).to_vector<bool>() == std::vector<bool>({false, true}), boost::test_tools::per_element());
    // bool and uint8 operands compare too (no arithmetic involved).
    const Tensor t = tensor({1, 0, 1}, boolean);
    BOOST_TEST(eq(t, tensor({1, 1, 0}, boolean)).to_vector<bool>() == std::vector<bool>({true, false, false}),
               boost::test_tools::per_element());
    BOOST_TEST(gt(tensor({200, 3}, uint8), tensor({100}, uint8)).to_vector<bool>() == std::vector<bool>({true, false}),
               boost::test_tools::per_element());
    // Empty operands give an empty bool tensor of the broadcast shape.
    const Tensor e = gt(zeros({0, 3}), zeros({3}));
    BOOST_TEST((e.dtype() == boolean && e.shape() == Shape{0, 3}));
    CHECK_THROWS_WITH(lt(tensor({1}), tensor({1}, float64)), DtypeError, "lt: dtypes float32 and float64 differ");
    CHECK_THROWS_WITH(ge(zeros({2, 3}), zeros({2})), ShapeError, "ge: shapes [2,3] and [2] cannot be broadcast");
}

BOOST_AUTO_TEST_CASE(bool_masks_convert_for_arithmetic) {
    // The documented change: a comparison used as a 0/1 factor converts explicitly.
    const Tensor x = tensor({-1.0, 2.0, 0.0, 3.0});
    CHECK_THROWS_WITH(mul(x, x > 0.0), DtypeError,
                      "mul: dtypes float32 and bool differ; convert the bool mask with .to(float32)");
    CHECK_THROWS_WITH((x > 0.0) + (x > 1.0), DtypeError, "bool tensors hold masks and take no arithmetic");
    BOOST_TEST(values(mul(x, (x > 0.0).to(x.dtype()))) == std::vector<double>({0, 2, 0, 3}),
               boost::test_tools::per_element());
    // sum of a bool tensor counts its true elements, as int64.
    const Tensor count = sum(x > 0.0);
    BOOST_TEST((count.dtype() == int64));
    BOOST_TEST(count.item() == 2.0);
    const Tensor rows = sum(tensor({{1, 0, 1}, {0, 0, 0}}, boolean), {1}, true);
    BOOST_TEST((rows.shape() == Shape{2, 1} && rows.dtype() == int64));
    BOOST_TEST(rows.to_vector<std::int64_t>() == std::vector<std::int64_t>({2, 0}), boost::test_tools::per_element());
    BOOST_TEST(sum(zeros({0}, boolean)).item() == 0.0);
}

BOOST_AUTO_TEST_CASE(where_takes_a_bool_condition) {
    const Tensor a = tensor({1, 2, 3}), b = tensor({10, 20, 30});
    CHECK_THROWS_WITH(where(tensor({1, 0, 1}), a, b), DtypeError,
                      "where: the condition is float32, expected bool; convert a 0/1 mask with .to(xgrad::boolean)");
    BOOST_TEST(values(where(tensor({1, 0, 1}).to(boolean), a, b)) == std::vector<double>({1, 20, 3}),
               boost::test_tools::per_element());
    // Any dtype for a and b, bool included.
    BOOST_TEST(where(tensor({1, 0}, boolean), tensor({0, 0}, boolean), tensor({1, 1}, boolean)).to_vector<bool>() ==
                   std::vector<bool>({false, true}),
               boost::test_tools::per_element());
    // Gradient: g where the condition holds for a, elsewhere for b (b broadcast from [1]).
    Tensor x = tensor({1.0, -2.0, 3.0}, float64).requires_grad_();
    Tensor y = tensor({5.0}, float64).requires_grad_();
    where(x > 0.0, x, y).sum().backward();
    BOOST_TEST(values(x.grad()) == std::vector<double>({1, 0, 1}), boost::test_tools::per_element());
    BOOST_TEST(values(y.grad()) == std::vector<double>({1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(gradients_hand_computed) {
    Tensor a = tensor({1.0, 2.0}, float64).requires_grad_();
    Tensor b = tensor({3.0, 4.0}, float64).requires_grad_();
    (a / b).sum().backward();
    // d/da = 1/b, d/db = -a/b²
    BOOST_TEST(values(a.grad()) == std::vector<double>({1.0 / 3, 0.25}), boost::test_tools::per_element());
    BOOST_TEST(values(b.grad()) == std::vector<double>({-1.0 / 9, -2.0 / 16}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(broadcast_gradient_is_summed) {
    Tensor bias = tensor({0.0, 0.0, 0.0}).requires_grad_();
    (ones({4, 3}) + bias).sum().backward();
    BOOST_TEST(values(bias.grad()) == std::vector<double>({4, 4, 4}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    manual_seed(11);
    const Tensor x = randn({3, 4}), y = randn({3, 4}), row = randn({4}), col = randn({3, 1}), s = randn({});
    const Tensor pos = uniform({3, 4}, 0.5, 2.0), pos_row = uniform({4}, 0.5, 2.0);
    CHECK_GRADCHECK("add", [](const Fn& v) { return add(v[0], v[1]); }, {x, row});
    CHECK_GRADCHECK("add", [](const Fn& v) { return add(v[0], v[1]); }, {col, row});
    CHECK_GRADCHECK("sub", [](const Fn& v) { return sub(v[0], v[1]); }, {x, col});
    CHECK_GRADCHECK("mul", [](const Fn& v) { return mul(v[0], v[1]); }, {x, y});
    CHECK_GRADCHECK("mul", [](const Fn& v) { return mul(v[0], v[1]); }, {s, x});
    CHECK_GRADCHECK("mul_scalar", [](const Fn& v) { return v[0] * -1.7; }, {x});
    CHECK_GRADCHECK("add_scalar", [](const Fn& v) { return 0.4 + v[0] - 2.0; }, {x});
    CHECK_GRADCHECK("div", [](const Fn& v) { return div(v[0], v[1]); }, {x, pos_row});
    CHECK_GRADCHECK("neg", [](const Fn& v) { return neg(v[0]); }, {x});
    CHECK_GRADCHECK("pow", [](const Fn& v) { return pow(v[0], v[1]); }, {pos, row});
    CHECK_GRADCHECK("pow_scalar", [](const Fn& v) { return pow(v[0], 3.0); }, {x});
    CHECK_GRADCHECK("pow_scalar", [](const Fn& v) { return pow(v[0], -1.5); }, {pos});
    CHECK_GRADCHECK("maximum", [](const Fn& v) { return maximum(v[0], v[1]); }, {x, y});
    CHECK_GRADCHECK("minimum", [](const Fn& v) { return minimum(v[0], v[1]); }, {x, row});
    CHECK_GRADCHECK("where", [](const Fn& v) { return where(v[0] > 0.0, v[0], v[1]); }, {x, row});
}

BOOST_AUTO_TEST_CASE(second_order) {
    manual_seed(12);
    CHECK_GRADGRADCHECK("mul", [](const Fn& v) { return mul(v[0], v[1]); }, {randn({3}), randn({3})});
    CHECK_GRADGRADCHECK("mul_scalar", [](const Fn& v) { return v[0] * v[0] * 3.0; }, {randn({3})});
    CHECK_GRADGRADCHECK("div", [](const Fn& v) { return div(v[0], v[1]); }, {randn({3}), uniform({3}, 1, 2)});
    CHECK_GRADGRADCHECK("pow", [](const Fn& v) { return pow(v[0], v[1]); }, {uniform({3}, 1, 2), randn({3})});
}

BOOST_AUTO_TEST_SUITE_END()
