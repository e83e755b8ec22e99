// isnan/isinf/isfinite, logical_and/or/xor/not, any/all: bool results with
// exact values, NumPy broadcasting, every input dtype and empty tensors.
#include <limits>

#include "../test_helpers.hpp"

using namespace xgrad;
namespace tt = boost::test_tools;
using Bools = std::vector<bool>;

namespace {

constexpr double qnan = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

Bools bools(const Tensor& t) {
    BOOST_TEST((t.dtype() == boolean));
    return t.to_vector<bool>();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_logical)

BOOST_AUTO_TEST_CASE(predicates_on_floating_dtypes) {
    for (const Dtype dt : {float32, float64}) {
        const Tensor x = tensor({0.0, -1.5, qnan, infinity, -infinity, -0.0}, dt);
        BOOST_TEST(bools(isnan(x)) == Bools({false, false, true, false, false, false}), tt::per_element());
        BOOST_TEST(bools(isinf(x)) == Bools({false, false, false, true, true, false}), tt::per_element());
        BOOST_TEST(bools(isfinite(x)) == Bools({true, true, false, false, false, true}), tt::per_element());
        BOOST_TEST((isnan(x).shape() == Shape{6}));
    }
    const Tensor m = tensor({{qnan, 1.0}, {2.0, infinity}});
    BOOST_TEST((isfinite(m).shape() == Shape{2, 2}));
    BOOST_TEST(bools(isfinite(m)) == Bools({false, true, true, false}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(predicates_on_other_dtypes_and_empty) {
    // No NaN or infinity outside the floating dtypes (as PyTorch).
    for (const Dtype dt : {int64, uint8, boolean}) {
        const Tensor x = tensor({0, 1, 2}, dt);
        BOOST_TEST(bools(isnan(x)) == Bools({false, false, false}), tt::per_element());
        BOOST_TEST(bools(isinf(x)) == Bools({false, false, false}), tt::per_element());
        BOOST_TEST(bools(isfinite(x)) == Bools({true, true, true}), tt::per_element());
    }
    const Tensor e = isnan(zeros({0, 2}));
    BOOST_TEST((e.dtype() == boolean && e.shape() == Shape{0, 2}));
}

BOOST_AUTO_TEST_CASE(logical_binary_ops) {
    const Tensor a = tensor({1, 1, 0, 0}, boolean), b = tensor({1, 0, 1, 0}, boolean);
    BOOST_TEST(bools(logical_and(a, b)) == Bools({true, false, false, false}), tt::per_element());
    BOOST_TEST(bools(logical_or(a, b)) == Bools({true, true, true, false}), tt::per_element());
    BOOST_TEST(bools(logical_xor(a, b)) == Bools({false, true, true, false}), tt::per_element());
    BOOST_TEST(bools(logical_not(a)) == Bools({false, false, true, true}), tt::per_element());
    // Any dtypes, mixed: nonzero is true, NaN included.
    const Tensor f = tensor({2.5, 0.0, qnan, -0.0}), i = tensor({0, 3, 1, 0}, int64);
    BOOST_TEST(bools(logical_and(f, i)) == Bools({false, false, true, false}), tt::per_element());
    BOOST_TEST(bools(logical_or(f, i)) == Bools({true, true, true, false}), tt::per_element());
    BOOST_TEST(bools(logical_xor(f, a)) == Bools({false, true, true, false}), tt::per_element());
    BOOST_TEST(bools(logical_not(f)) == Bools({false, true, false, true}), tt::per_element());
    BOOST_TEST(bools(logical_not(tensor({0, 255}, uint8))) == Bools({true, false}), tt::per_element());
    // Broadcasting: [2,1] with [3] gives [2,3].
    const Tensor rows = tensor({{1}, {0}}, boolean), cols = tensor({1, 0, 1}, boolean);
    const Tensor both = logical_and(rows, cols);
    BOOST_TEST((both.shape() == Shape{2, 3}));
    BOOST_TEST(bools(both) == Bools({true, false, true, false, false, false}), tt::per_element());
    BOOST_TEST(bools(logical_or(rows, cols)) == Bools({true, true, true, true, false, true}), tt::per_element());
    BOOST_TEST(bools(logical_xor(rows, cols)) == Bools({false, true, false, true, false, true}), tt::per_element());
    // Empty.
    BOOST_TEST((logical_or(zeros({0, 3}, boolean), cols).shape() == Shape{0, 3}));
    BOOST_TEST(logical_not(zeros({0})).numel() == 0);
    CHECK_THROWS_WITH(logical_and(zeros({2, 3}, boolean), zeros({2}, boolean)), ShapeError,
                      "logical_and: shapes [2,3] and [2] cannot be broadcast");
    CHECK_THROWS_WITH(logical_xor(zeros({4}), zeros({3})), ShapeError, "logical_xor: shapes [4] and [3]");
}

BOOST_AUTO_TEST_CASE(any_and_all_over_axes) {
    const Tensor m = tensor({{1, 0, 0}, {1, 1, 1}, {0, 0, 0}}, boolean);
    BOOST_TEST(any(m).item<bool>());
    BOOST_TEST(!all(m).item<bool>());
    BOOST_TEST((any(m).shape() == Shape{}));
    BOOST_TEST(bools(any(m, {1})) == Bools({true, true, false}), tt::per_element());
    BOOST_TEST(bools(all(m, {1})) == Bools({false, true, false}), tt::per_element());
    BOOST_TEST(bools(any(m, {0})) == Bools({true, true, true}), tt::per_element());
    BOOST_TEST(bools(all(m, {0})) == Bools({false, false, false}), tt::per_element());
    BOOST_TEST(bools(all(m, {-1}, true)) == Bools({false, true, false}), tt::per_element());
    BOOST_TEST((all(m, {-1}, true).shape() == Shape{3, 1}));
    BOOST_TEST((any(m, {0, 1}, true).shape() == Shape{1, 1}));
    // Any dtype: nonzero is true, NaN included.
    BOOST_TEST(all(tensor({1.0, qnan, -2.0})).item<bool>());
    BOOST_TEST(!all(tensor({1.0, -0.0}, float64)).item<bool>());
    BOOST_TEST(!any(tensor({0, 0}, int64)).item<bool>());
    BOOST_TEST(any(tensor({0, 7}, uint8)).item<bool>());
    // Comparisons feed them directly.
    const Tensor x = tensor({{0.5, 2.0}, {3.0, 4.0}});
    BOOST_TEST(bools(all(x > 1.0, {1})) == Bools({false, true}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(any_and_all_of_empty_tensors) {
    // An empty reduction: any is false, all is true (as NumPy and PyTorch).
    BOOST_TEST(!any(zeros({0}, boolean)).item<bool>());
    BOOST_TEST(all(zeros({0}, boolean)).item<bool>());
    const Tensor e = zeros({2, 0});
    BOOST_TEST(bools(any(e, {1})) == Bools({false, false}), tt::per_element());
    BOOST_TEST(bools(all(e, {1})) == Bools({true, true}), tt::per_element());
    BOOST_TEST((any(e, {0}).shape() == Shape{0}));
    BOOST_TEST((all(e, {0}, true).shape() == Shape{1, 0}));
}

BOOST_AUTO_TEST_CASE(any_and_all_name_bad_axes) {
    CHECK_THROWS_WITH(any(zeros({2, 3}, boolean), {2}), ValueError, "any");
    CHECK_THROWS_WITH(all(zeros({2, 3}, boolean), {0, 0}), ValueError, "all");
}

BOOST_AUTO_TEST_CASE(registered_as_not_differentiable) {
    for (const char* op : {"isnan", "isinf", "isfinite", "logical_and", "logical_or", "logical_xor", "logical_not",
                           "any", "all", "eq", "ne", "lt", "le", "gt", "ge"}) {
        BOOST_TEST_CONTEXT(op) {
            BOOST_TEST_REQUIRE(op_registry().contains(op));
            BOOST_TEST((op_registry().get(op) == OpKind::not_differentiable));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
