// Sorting and searching: hand-computed values in both floating dtypes and
// int64, stability on ties, PyTorch's NaN order, empty tensors, negative
// axes, the errors, and gradchecks to second order in float64.
#include <cmath>
#include <limits>

#include "../test_helpers.hpp"

using namespace xgrad;
using xgrad_test::values;
using Fn = std::vector<Tensor>;
using Values = std::vector<double>;
namespace tt = boost::test_tools;

namespace {

const double NaN = std::numeric_limits<double>::quiet_NaN();
const double inf = std::numeric_limits<double>::infinity();

/// Compares with NaN equal to NaN.
bool same(const Values& a, const Values& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
    return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_sorting)

BOOST_AUTO_TEST_CASE(sort_by_hand_in_every_dtype_and_axis) {
    for (Dtype dtype : {float32, float64, int64}) {
        BOOST_TEST_CONTEXT(dtype_name(dtype)) {
            const Tensor x = tensor({{3, 1, 2}, {-5, 7, 0}}, dtype);
            auto [v, i] = sort(x);
            BOOST_TEST((v.dtype() == dtype));
            BOOST_TEST((i.dtype() == int64));
            BOOST_TEST(values(v) == Values({1, 2, 3, -5, 0, 7}), tt::per_element());
            BOOST_TEST(values(i) == Values({1, 2, 0, 0, 2, 1}), tt::per_element());
            auto [vd, id] = sort(x, 0, /*descending=*/true);
            BOOST_TEST(values(vd) == Values({3, 7, 2, -5, 1, 0}), tt::per_element());
            BOOST_TEST(values(id) == Values({0, 1, 0, 1, 0, 1}), tt::per_element());
            BOOST_TEST(values(sort(x, -2).indices) == Values({1, 0, 1, 0, 1, 0}), tt::per_element());
            BOOST_TEST(values(argsort(x, 1, true)) == Values({0, 2, 1, 1, 2, 0}), tt::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(ties_keep_their_order_both_ways) {
    const Tensor x = tensor({2, 1, 2, 1, 2, -0.0, 0.0});
    BOOST_TEST(values(argsort(x)) == Values({5, 6, 1, 3, 0, 2, 4}), tt::per_element());  // −0 == +0, as PyTorch
    BOOST_TEST(values(argsort(x, -1, true)) == Values({0, 2, 4, 1, 3, 5, 6}), tt::per_element());
    // a long run of ties: a stable sort, not just a lucky small one
    std::vector<double> many(1000);
    for (std::size_t j = 0; j < many.size(); ++j) many[j] = static_cast<double>(j % 3);
    const Values idx = values(argsort(from_vector(many, {1000}).to(float64)));
    for (std::size_t j = 1; j < idx.size(); ++j)
        if (many[static_cast<std::size_t>(idx[j])] == many[static_cast<std::size_t>(idx[j - 1])])
            BOOST_TEST(idx[j] > idx[j - 1]);
}

BOOST_AUTO_TEST_CASE(nan_sorts_last_ascending_and_first_descending) {
    for (Dtype dtype : {float32, float64}) {
        const Tensor x = tensor({1.0, NaN, -inf, 3.0, NaN, inf}, dtype);
        auto [v, i] = sort(x);
        BOOST_TEST(same(values(v), {-inf, 1.0, 3.0, inf, NaN, NaN}));
        BOOST_TEST(values(i) == Values({2, 0, 3, 5, 1, 4}), tt::per_element());
        auto [vd, id] = sort(x, 0, true);
        BOOST_TEST(same(values(vd), {NaN, NaN, inf, 3.0, 1.0, -inf}));
        BOOST_TEST(values(id) == Values({1, 4, 5, 3, 0, 2}), tt::per_element());
        BOOST_TEST(same(values(topk(x, 2).values), {NaN, NaN}));  // NaN is the largest, as torch.topk
        BOOST_TEST(values(topk(x, 2, 0, false).indices) == Values({2, 0}), tt::per_element());
        BOOST_TEST(values(kthvalue(x, 4).values) == Values({inf}));
    }
}

// Lanes long enough for topk's sampled bound (≥ 32768): the pick equals the
// head of a stable sort, in every dtype, along an inner axis, with NaN and
// ties; data that hides its smallest values from the evenly spaced sample
// (every 16th position, here the smallest) takes the exact fallback.
BOOST_AUTO_TEST_CASE(topk_of_long_lanes_equals_the_head_of_a_stable_sort) {
    const std::int64_t n = 65536;
    Generator gen(3);
    for (Dtype dtype : {float32, float64}) {
        BOOST_TEST_CONTEXT(dtype_name(dtype)) {
            Tensor x = randn({2, n}, dtype, gen);
            x = where(gt(abs(x), full({}, 3.5, dtype)), full({}, NaN, dtype), round(x * 100.0));  // NaN and many ties
            for (bool largest : {true, false})
                for (std::int64_t k : {1, 10, 1000, 40000}) {
                    const auto [v, i] = topk(x, k, -1, largest);
                    const auto [sv, si] = sort(x, -1, /*descending=*/largest);
                    BOOST_TEST(same(values(v), values(slice(sv, 1, 0, k))), "largest " << largest << " k " << k);
                    BOOST_TEST(values(i) == values(slice(si, 1, 0, k)), tt::per_element());
                }
            const Tensor columns = transpose(x, 0, 1);  // [n, 2] (a copy): lanes 2 apart
            BOOST_TEST(values(topk(columns, 10, 0).indices) == values(transpose(topk(x, 10).indices, 0, 1)),
                       tt::per_element());
        }
    }
    std::vector<double> hidden(static_cast<std::size_t>(n));
    for (std::int64_t j = 0; j < n; ++j) hidden[static_cast<std::size_t>(j)] = j % 16 == 0 ? -1.0 - j : j;
    const Tensor h = from_vector(hidden, {n});
    const auto [v, i] = topk(h, 100, -1, /*largest=*/false);
    BOOST_TEST(values(i) == values(slice(argsort(h), 0, 0, 100)), tt::per_element());
    BOOST_TEST(values(v)[99] == -1.0 - 16 * 3996);  // the 100th smallest: position 16·(4096 − 100)
    const auto [vu, iu] = topk(h, 3, -1, false, /*sorted=*/false);  // in the order of their positions
    BOOST_TEST(values(iu) == Values({65488, 65504, 65520}), tt::per_element());
    BOOST_TEST(values(topk(zeros({n}), 4).indices) == Values({0, 1, 2, 3}), tt::per_element());  // all tied
}

BOOST_AUTO_TEST_CASE(topk_by_hand) {
    const Tensor x = tensor({{4, 9, 1, 9, 3}, {0, -2, 8, 5, 6}}, float64);
    auto [v, i] = topk(x, 3);
    BOOST_TEST(values(v) == Values({9, 9, 4, 8, 6, 5}), tt::per_element());
    BOOST_TEST(values(i) == Values({1, 3, 0, 2, 4, 3}), tt::per_element());  // tie at 9: lower position first
    auto [vs, is] = topk(x, 2, -1, /*largest=*/false);
    BOOST_TEST(values(vs) == Values({1, 3, -2, 0}), tt::per_element());
    BOOST_TEST(values(is) == Values({2, 4, 1, 0}), tt::per_element());
    auto [vu, iu] = topk(x, 3, 1, true, /*sorted=*/false);  // in the order of their positions
    BOOST_TEST(values(iu) == Values({0, 1, 3, 2, 3, 4}), tt::per_element());
    BOOST_TEST(values(vu) == Values({4, 9, 9, 8, 5, 6}), tt::per_element());
    auto [v0, i0] = topk(x, 1, 0);
    BOOST_TEST(v0.shape() == (Shape{1, 5}));
    BOOST_TEST(values(v0) == Values({4, 9, 8, 9, 6}), tt::per_element());
    BOOST_TEST(values(i0) == Values({0, 0, 1, 0, 1}), tt::per_element());
    BOOST_TEST(topk(x, 0).values.shape() == (Shape{2, 0}));
    BOOST_TEST(values(topk(x, 5).values) == Values({9, 9, 4, 3, 1, 8, 6, 5, 0, -2}), tt::per_element());
    // float32 and int64
    BOOST_TEST(values(topk(x.to(float32), 1).values) == Values({9, 8}), tt::per_element());
    BOOST_TEST(values(topk(x.to(int64), 1).indices) == Values({1, 2}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(kthvalue_is_one_based) {
    const Tensor x = tensor({{4, 9, 1, 7}, {0, -2, 8, 5}});
    auto [v, i] = kthvalue(x, 2);
    BOOST_TEST(v.shape() == (Shape{2}));
    BOOST_TEST(values(v) == Values({4, 0}), tt::per_element());
    BOOST_TEST(values(i) == Values({0, 0}), tt::per_element());
    auto [vk, ik] = kthvalue(x, 1, 0, /*keepdim=*/true);
    BOOST_TEST(vk.shape() == (Shape{1, 4}));
    BOOST_TEST(values(vk) == Values({0, -2, 1, 5}), tt::per_element());
    BOOST_TEST(values(ik) == Values({1, 1, 0, 1}), tt::per_element());
    BOOST_TEST(values(kthvalue(x.to(int64), 4, -1).values) == Values({9, 8}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(unique_sorted_and_in_first_occurrence_order) {
    const Tensor x = tensor({{3, 1, 3}, {NaN, 2, 1}, {-0.0, 0.0, NaN}}, float64);
    UniqueResult u = unique(x, true, true, true);
    BOOST_TEST(same(values(u.values), {0.0, 1, 2, 3, NaN}));  // NaNs merged (NumPy), −0 == +0
    BOOST_TEST(std::signbit(values(u.values)[0]));  // the first occurrence's sign: −0
    BOOST_TEST(u.inverse.shape() == (Shape{3, 3}));
    BOOST_TEST(values(u.inverse) == Values({3, 1, 3, 4, 2, 1, 0, 0, 4}), tt::per_element());
    BOOST_TEST(values(u.counts) == Values({2, 2, 1, 2, 2}), tt::per_element());
    UniqueResult f = unique(x, false, true, true);
    BOOST_TEST(same(values(f.values), {3, 1, NaN, 2, 0.0}));
    BOOST_TEST(values(f.inverse) == Values({0, 1, 0, 2, 3, 1, 4, 4, 2}), tt::per_element());
    BOOST_TEST(values(f.counts) == Values({2, 2, 2, 1, 2}), tt::per_element());
    UniqueResult plain = unique(tensor({5, 5, 5}, int64));
    BOOST_TEST(values(plain.values) == Values({5}));
    BOOST_TEST(!plain.inverse.defined());
    BOOST_TEST(!plain.counts.defined());
    UniqueResult none = unique(zeros({0, 4}), true, true, true);
    BOOST_TEST(none.values.shape() == (Shape{0}));
    BOOST_TEST(none.inverse.shape() == (Shape{0, 4}));
    BOOST_TEST(none.counts.shape() == (Shape{0}));
}

BOOST_AUTO_TEST_CASE(searchsorted_left_right_batched_and_nan) {
    const Tensor seq = tensor({1, 3, 3, 5, NaN}, float64);
    const Tensor v = tensor({{0, 3, 4}, {5, 9, NaN}}, float64);
    BOOST_TEST(values(searchsorted(seq, v)) == Values({0, 1, 3, 3, 4, 4}), tt::per_element());
    BOOST_TEST(values(searchsorted(seq, v, true)) == Values({0, 3, 3, 4, 4, 5}), tt::per_element());
    BOOST_TEST((searchsorted(seq, v).dtype() == int64));
    BOOST_TEST(values(searchsorted(seq, scalar(4.0, float64))) == Values({3}));
    const Tensor rows = tensor({{1, 2, 3}, {10, 20, 30}});
    const Tensor q = tensor({{2.5, 0}, {20, 31}});
    BOOST_TEST(values(searchsorted(rows, q)) == Values({2, 0, 1, 3}), tt::per_element());
    BOOST_TEST(values(searchsorted(rows, q, true)) == Values({2, 0, 2, 3}), tt::per_element());
    BOOST_TEST(values(searchsorted(tensor({1, 4}, int64), tensor({4, 5}, int64))) == Values({1, 2}), tt::per_element());
    BOOST_TEST(searchsorted(zeros({0}), zeros({2, 0})).shape() == (Shape{2, 0}));
    BOOST_TEST(values(searchsorted(zeros({0}), zeros({2}))) == Values({0, 0}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(empty_tensors) {
    auto [v, i] = sort(zeros({0, 3}), 0);
    BOOST_TEST(v.shape() == (Shape{0, 3}));
    BOOST_TEST(i.shape() == (Shape{0, 3}));
    BOOST_TEST(sort(zeros({2, 0})).values.shape() == (Shape{2, 0}));
    BOOST_TEST(argsort(zeros({0})).shape() == (Shape{0}));
    BOOST_TEST(topk(zeros({3, 0}), 0).values.shape() == (Shape{3, 0}));
    BOOST_TEST(topk(zeros({0, 3}), 2).values.shape() == (Shape{0, 2}));
    BOOST_TEST(kthvalue(zeros({0, 3}), 3).values.shape() == (Shape{0}));
}

BOOST_AUTO_TEST_CASE(gradients_scatter_back_to_the_picked_positions) {
    const Tensor x = tensor({3, 1, 2, 5}, float64).requires_grad_();
    auto [v, i] = topk(x, 2);
    (v * tensor({10, 100}, float64)).sum().backward();
    BOOST_TEST(values(x.grad()) == Values({100, 0, 0, 10}), tt::per_element());
    const Tensor y = tensor({3, 1, 2}, float64).requires_grad_();
    (sort(y).values * tensor({1, 2, 3}, float64)).sum().backward();
    BOOST_TEST(values(y.grad()) == Values({3, 1, 2}), tt::per_element());
    const Tensor z = tensor({{3, 1, 2}, {0, 9, 4}}, float64).requires_grad_();
    kthvalue(z, 2).values.sum().backward();
    BOOST_TEST(values(z.grad()) == Values({0, 0, 1, 0, 0, 1}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    const Tensor x = tensor({{0.3, -1.2, 2.5, 0.7}, {1.1, 0.2, -0.4, 3.0}, {-2.0, 0.9, 1.7, -0.6}}, float64);
    CHECK_GRADCHECK("sort", [](const Fn& v) { return sort(v[0]).values; }, {x});
    CHECK_GRADGRADCHECK("sort", [](const Fn& v) { return square(sort(v[0], 0, true).values); }, {x});
    CHECK_GRADCHECK("topk", [](const Fn& v) { return topk(v[0], 2, 0).values; }, {x});
    CHECK_GRADGRADCHECK("topk", [](const Fn& v) { return square(topk(v[0], 3, -1, false).values); }, {x});
    CHECK_GRADCHECK("kthvalue", [](const Fn& v) { return kthvalue(v[0], 2).values; }, {x});
    CHECK_GRADGRADCHECK("kthvalue", [](const Fn& v) { return square(kthvalue(v[0], 3, 0, true).values); }, {x});
}

BOOST_AUTO_TEST_CASE(errors_name_the_op_k_and_axis) {
    const Tensor x = zeros({2, 3});
    CHECK_THROWS_WITH(topk(x, 4), ValueError, "topk: k = 4 is out of range for axis 1 of length 3");
    CHECK_THROWS_WITH(topk(x, -1, 0), ValueError, "topk: k = -1 is out of range for axis 0 of length 2");
    CHECK_THROWS_WITH(kthvalue(x, 0), ValueError, "kthvalue: k = 0 is out of range for axis 1 of length 3");
    CHECK_THROWS_WITH(kthvalue(x, 3, 0), ValueError, "kthvalue: k = 3 is out of range for axis 0 of length 2");
    CHECK_THROWS_WITH(sort(x, 2), ValueError, "sort: axis 2 is out of range for a tensor of rank 2");
    CHECK_THROWS_WITH(argsort(x, -3), ValueError, "argsort: axis -3");
    CHECK_THROWS_WITH(searchsorted(zeros({3}), zeros({2}, float64)), DtypeError,
                      "searchsorted: sorted_sequence is float32 but values is float64");
    CHECK_THROWS_WITH(searchsorted(zeros({2, 3}), zeros({3, 1})), ShapeError,
                      "searchsorted: sorted_sequence has shape [2,3] but values has [3,1]");
    CHECK_THROWS_WITH(searchsorted(scalar(1.0), zeros({2})), ShapeError, "searchsorted: sorted_sequence must have");
}

BOOST_AUTO_TEST_SUITE_END()
