// Functional updates: masked_fill, slice_scatter, scatter_reduce. Values by
// hand (on PyTorch's documentation inputs), gradients to x and to the values
// written (ties split evenly for amax/amin), the errors, gradchecks to
// second order.
#include "../test_helpers.hpp"

using namespace xgrad;
using xgrad_test::values;
using Fn = std::vector<Tensor>;
namespace tt = boost::test_tools;

namespace {

Tensor i64(const std::vector<std::int64_t>& v, const Shape& shape) { return from_vector(v, shape); }
Tensor i64(const std::vector<std::int64_t>& v) { return from_vector(v, {static_cast<std::int64_t>(v.size())}); }
std::vector<double> seq(std::initializer_list<double> v) { return v; }
/// A bool mask from 0/1 values.
Tensor mask_of(const std::vector<std::uint8_t>& v, const Shape& shape) { return from_vector(v, shape).to(boolean); }

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_scatter)

BOOST_AUTO_TEST_CASE(masked_fill_broadcasts_the_mask_in_both_dtypes) {
    for (const Dtype dt : {float32, float64}) {
        const Tensor x = tensor({{1, 2, 3}, {4, 5, 6}}, dt);
        const Tensor out = masked_fill(x, mask_of({1, 0, 1}, {3}), 9.0);
        BOOST_TEST((out.dtype() == dt));
        BOOST_TEST(values(out) == seq({9, 2, 9, 9, 5, 9}), tt::per_element());
        BOOST_TEST(values(masked_fill(x, mask_of({0, 1}, {2, 1}), -1.0)) == seq({1, 2, 3, -1, -1, -1}),
                   tt::per_element());
    }
    // an infinite x under the mask does not leak into the result or the gradient
    const Tensor x = tensor({INFINITY, 1.0}, float64).requires_grad_();
    const Tensor out = masked_fill(x, mask_of({1, 0}, {2}), 0.0);
    BOOST_TEST(values(out) == seq({0, 1}), tt::per_element());
    sum(out).backward();
    BOOST_TEST(values(x.grad()) == seq({0, 1}), tt::per_element());
    BOOST_TEST(masked_fill(zeros({0, 2}), mask_of({1, 1}, {2}), 1.0).shape() == (Shape{0, 2}));
}

BOOST_AUTO_TEST_CASE(masked_fill_gradients_to_x_and_to_a_tensor_value) {
    // out = m ? v : x, L = Σ out·w: dx = w where m is 0, dv = Σ w where m is 1
    const Tensor x = zeros({2, 2}, float64).requires_grad_();
    const Tensor v = scalar(3.0, float64).requires_grad_();
    const Tensor w = tensor({{1, 2}, {3, 4}}, float64);
    sum(mul(masked_fill(x, mask_of({1, 0, 0, 1}, {2, 2}), v), w)).backward();
    BOOST_TEST(values(x.grad()) == seq({0, 2, 3, 0}), tt::per_element());
    BOOST_TEST(v.grad().item() == 5.0);  // 1 + 4
}

BOOST_AUTO_TEST_CASE(slice_scatter_as_pytorch_documents_it) {
    // a = zeros(8, 8): a.slice_scatter(ones(2, 8), start=6) fills rows 6 and 7;
    // a.slice_scatter(ones(8, 2), dim=1, start=2, end=6, step=2) columns 2 and 4
    const Tensor a = zeros({8, 8});
    const Tensor rows = slice_scatter(a, ones({2, 8}), 0, 6);
    BOOST_TEST(sum(rows).item() == 16.0);
    BOOST_TEST(values(rows.index({6})) == std::vector<double>(8, 1.0), tt::per_element());
    BOOST_TEST(values(rows.index({5})) == std::vector<double>(8, 0.0), tt::per_element());
    const Tensor cols = slice_scatter(a, ones({8, 2}), 1, 2, 6, 2);
    BOOST_TEST(values(cols.index({0})) == seq({0, 0, 1, 0, 1, 0, 0, 0}), tt::per_element());
    BOOST_TEST(sum(cols).item() == 16.0);
    // negative bounds and an empty slice
    BOOST_TEST(values(slice_scatter(zeros({4}, float64), tensor({7, 8}, float64), 0, -2)) == seq({0, 0, 7, 8}),
               tt::per_element());
    BOOST_TEST(values(slice_scatter(ones({3}), zeros({0}), 0, 2, 1)) == seq({1, 1, 1}), tt::per_element());
    // gradients: dx = g off the slice, dsrc = the slice of g
    const Tensor x = zeros({2, 3}, float64).requires_grad_();
    const Tensor src = zeros({2, 1}, float64).requires_grad_();
    sum(mul(slice_scatter(x, src, -1, 1, 2), tensor({{1, 2, 3}, {4, 5, 6}}, float64))).backward();
    BOOST_TEST(values(x.grad()) == seq({1, 0, 3, 4, 0, 6}), tt::per_element());
    BOOST_TEST(values(src.grad()) == seq({2, 5}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(scatter_reduce_as_pytorch_documents_it) {
    const Tensor src = tensor({1, 2, 3, 4, 5, 6}, float64);
    const Tensor index = i64({0, 1, 0, 1, 2, 1});
    const Tensor x = tensor({1, 2, 3, 4}, float64);
    const Tensor y = tensor({5, 4, 3, 2}, float64);
    // 1 + 1 + 3, 2 + 2 + 4 + 6, 3 + 5, 4 untouched
    BOOST_TEST(values(scatter_reduce(x, 0, index, src, "sum")) == seq({5, 14, 8, 4}), tt::per_element());
    BOOST_TEST(values(scatter_reduce(x, 0, index, src, "sum", false)) == seq({4, 12, 5, 4}), tt::per_element());
    BOOST_TEST(values(scatter_reduce(y, 0, index, src, "amax")) == seq({5, 6, 5, 2}), tt::per_element());
    BOOST_TEST(values(scatter_reduce(y, 0, index, src, "amax", false)) == seq({3, 6, 5, 2}), tt::per_element());
    BOOST_TEST(values(scatter_reduce(y, 0, index, src, "amin")) == seq({1, 2, 3, 2}), tt::per_element());
    BOOST_TEST(values(scatter_reduce(y, 0, index, src, "amin", false)) == seq({1, 2, 5, 2}), tt::per_element());
    // mean: (1 + 1 + 3)/3, (2 + 2 + 4 + 6)/4, (3 + 5)/2, 4 untouched
    BOOST_TEST(values(scatter_reduce(x, 0, index, src, "mean")) == seq({5.0 / 3, 3.5, 4, 4}),
               tt::tolerance(1e-15) << tt::per_element());
    BOOST_TEST(values(scatter_reduce(x, 0, index, src, "mean", false)) == seq({2, 4, 5, 4}), tt::per_element());
    // float32, 2-D along axis 1, int64 mean rounding down as PyTorch's
    const Tensor m = scatter_reduce(zeros({2, 2}), 1, i64({1, 1, 0, 0}, {2, 2}), tensor({{1, 2}, {3, 4}}), "amax");
    BOOST_TEST(values(m) == seq({0, 2, 4, 0}), tt::per_element());
    BOOST_TEST(scatter_reduce(i64({0}), 0, i64({0}), i64({-3}), "mean").item() == -2.0);
    BOOST_TEST(scatter_reduce(zeros({0, 2}), 1, zeros({0, 2}, int64), zeros({0, 2}), "amin").shape() ==
               (Shape{0, 2}));
}

BOOST_AUTO_TEST_CASE(scatter_reduce_gradients_by_hand_with_ties_split_evenly) {
    // amax over {x = 2, src 2, 1, 2}: three tied elements get 1/3 each
    for (const bool include_self : {true, false}) {
        const Tensor x = tensor({2.0}, float64).requires_grad_();
        const Tensor src = tensor({2.0, 1.0, 2.0}, float64).requires_grad_();
        scatter_reduce(x, 0, i64({0, 0, 0}), src, "amax", include_self).backward(ones({1}, float64));
        const double share = include_self ? 1.0 / 3 : 0.5;
        BOOST_TEST(x.grad().item() == (include_self ? 1.0 / 3 : 0.0), tt::tolerance(1e-15));
        BOOST_TEST(values(src.grad()) == seq({share, 0, share}), tt::tolerance(1e-15) << tt::per_element());
    }
    // mean without self, L = Σ out·[1, 2, 3, 4]: dx only where nothing arrived,
    // dsrc = w / count at the target
    const Tensor x = tensor({1, 2, 3, 4}, float64).requires_grad_();
    const Tensor src = tensor({1, 2, 3, 4, 5, 6}, float64).requires_grad_();
    sum(mul(scatter_reduce(x, 0, i64({0, 1, 0, 1, 2, 1}), src, "mean", false), tensor({1, 2, 3, 4}, float64)))
        .backward();
    BOOST_TEST(values(x.grad()) == seq({0, 0, 0, 4}), tt::per_element());
    BOOST_TEST(values(src.grad()) == seq({0.5, 2.0 / 3, 0.5, 2.0 / 3, 3, 2.0 / 3}),
               tt::tolerance(1e-15) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(errors_name_the_op_the_shapes_and_the_axis) {
    const Tensor x = zeros({2, 3});
    CHECK_THROWS_WITH(masked_fill(x, mask_of({1, 0}, {2}), 1.0), ShapeError,
                      "masked_fill: mask of shape [2] does not broadcast to the input's shape [2,3]");
    CHECK_THROWS_WITH(masked_fill(x, mask_of({1, 0, 1}, {3}), zeros({1})), ShapeError,
                      "masked_fill: value must be a 0-d tensor, got shape [1]");
    CHECK_THROWS_WITH(masked_fill(x, mask_of({1, 0, 1}, {3}), scalar(1.0, float64)), DtypeError, "masked_fill");
    CHECK_THROWS_WITH(masked_fill(x, zeros({3}), 1.0), DtypeError, "masked_fill: mask must be bool, got float32");
    CHECK_THROWS_WITH(slice_scatter(x, zeros({2, 2}), 1, 2), ShapeError,
                      "slice_scatter: src has shape [2,2] but the slice of dimension 1 of the input (shape [2,3]) "
                      "has shape [2,1]");
    CHECK_THROWS_WITH(slice_scatter(x, zeros({2, 3}), 1, None, None, 0), ValueError,
                      "slice_scatter: slice step must be positive, got 0 (dimension 1)");
    CHECK_THROWS_WITH(slice_scatter(x, zeros({2, 3}), 2), ValueError, "slice_scatter");
    const Tensor index = i64({0, 3, 1, 1, 0, 0}, {2, 3});
    CHECK_THROWS_WITH(scatter_reduce(x, 1, index, ones({2, 3}), "sum"), IndexError,
                      "scatter_reduce: index 3 is out of range for dimension 1 of size 3 (input shape [2,3])");
    CHECK_THROWS_WITH(scatter_reduce(x, 1, i64({0, 0}, {2, 1}), ones({2, 1}), "prod"), ValueError,
                      "scatter_reduce: unknown reduce 'prod'");
    CHECK_THROWS_WITH(scatter_reduce(x, 0, i64({0, 0}, {1, 2}), ones({1, 2}), "sum"), ShapeError,
                      "scatter_reduce: index has shape [1,2] but input has [2,3]");
    CHECK_THROWS_WITH(scatter_reduce(x, 0, i64({0, 0}, {1, 2}), ones({2, 1}), "sum"), ShapeError,
                      "but src has [2,1]");
    CHECK_THROWS_WITH(scatter_reduce(x, 0, zeros({2, 3}), ones({2, 3}), "sum"), DtypeError,
                      "scatter_reduce: index must be int64");
}

BOOST_AUTO_TEST_CASE(gradients_to_first_and_second_order) {
    const Tensor x = randn({3, 4}, float64);
    const Tensor mask = mask_of({1, 0, 0, 1}, {4});
    CHECK_GRADCHECK("masked_fill", [&](const Fn& v) { return masked_fill(v[0], mask, v[1]); },
                    {x, scalar(0.5, float64)});
    CHECK_GRADGRADCHECK("masked_fill", [&](const Fn& v) { return pow(masked_fill(v[0], mask, v[1]), 3.0); },
                        {x, scalar(0.5, float64)});

    const auto scatter = [](const Fn& v) { return slice_scatter(v[0], v[1], 1, 1, None, 2); };
    CHECK_GRADCHECK("slice_scatter", scatter, {x, randn({3, 2}, float64)});
    CHECK_GRADGRADCHECK("slice_scatter", [&](const Fn& v) { return pow(scatter(v), 3.0); },
                        {x, randn({3, 2}, float64)});

    // random values: no ties, so amax/amin are differentiable at the point
    const Tensor index = i64({0, 2, 2, 1, 0, 0, 1, 2}, {2, 4});
    for (const char* reduce : {"sum", "mean", "amax", "amin"}) {
        for (const bool include_self : {true, false}) {
            BOOST_TEST_CONTEXT(reduce << " include_self " << include_self) {
                const auto op = [&, reduce, include_self](const Fn& v) {
                    return scatter_reduce(v[0], 0, index, v[1], reduce, include_self);
                };
                const Tensor src = randn({2, 4}, float64);
                CHECK_GRADCHECK("scatter_reduce", op, {x, src});
                CHECK_GRADGRADCHECK("scatter_reduce", [&](const Fn& v) { return pow(op(v), 3.0); }, {x, src});
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
