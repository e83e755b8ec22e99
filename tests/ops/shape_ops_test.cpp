#include "../test_helpers.hpp"

#include <sstream>

using namespace xgrad;
using xgrad_test::values;
using Fn = std::vector<Tensor>;

namespace {

/// t has `shape` and exactly the `expected` values (row-major).
boost::test_tools::predicate_result same(const Tensor& t, const Shape& shape, const std::vector<double>& expected) {
    const std::vector<double> got = values(t);
    if (t.shape() == shape && got == expected) return true;
    boost::test_tools::predicate_result r(false);
    r.message() << "got shape " << to_string(t.shape()) << " values [";
    for (double v : got) r.message() << v << " ";
    r.message() << "], expected shape " << to_string(shape) << " values [";
    for (double v : expected) r.message() << v << " ";
    r.message() << "]";
    return r;
}

/// arange(0, n) as float reshaped to `shape`.
Tensor iota(const Shape& shape, Dtype dtype = float32) {
    return reshape(arange(0.0, static_cast<double>(shape.numel()), 1.0, dtype), shape);
}

/// d/dv of <op(x), v> for a zero leaf x, with create_graph: the op's backward
/// as a differentiable function of v.
Tensor backward_of(const std::function<Tensor(const Tensor&)>& op, const Shape& x_shape, const Tensor& v) {
    GradModeGuard on(true);
    Tensor x = zeros(x_shape, float64).requires_grad_();
    GradOptions o;
    o.create_graph = true;
    return grad({op(x)}, {x}, {v}, o)[0];
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_shape)

// ---- ops that existed before slice/concat ---------------------------------------

BOOST_AUTO_TEST_CASE(reshape_values) {
    const Tensor x = iota({6});
    const Tensor r = reshape(x, {2, -1});
    BOOST_TEST(same(r, {2, 3}, {0, 1, 2, 3, 4, 5}));
    BOOST_TEST(r.raw_data() == x.raw_data());  // shares the data
    BOOST_TEST(same(reshape(x, {-1, 1, 2}), {3, 1, 2}, {0, 1, 2, 3, 4, 5}));
    BOOST_TEST(same(reshape(iota({1}), {}), {}, {0}));
    CHECK_THROWS_WITH(reshape(x, {-1, -1}), ShapeError, "reshape: more than one -1 in [-1,-1]");
    CHECK_THROWS_WITH(reshape(x, {4, -1}), ShapeError, "reshape: cannot reshape [6] (6 elements) into [4,-1]");
    CHECK_THROWS_WITH(reshape(x, {4, 2}), ShapeError, "reshape: cannot reshape [6] (6 elements) into [4,2]");
}

BOOST_AUTO_TEST_CASE(flatten_ranges) {
    const Tensor x = iota({2, 3, 4});
    BOOST_TEST((flatten(x).shape() == Shape{24}));
    BOOST_TEST((flatten(x, 1).shape() == Shape{2, 12}));
    BOOST_TEST((flatten(x, 0, 1).shape() == Shape{6, 4}));
    BOOST_TEST((flatten(x, 1, 1).shape() == Shape{2, 3, 4}));
    BOOST_TEST((flatten(x, -2, -1).shape() == Shape{2, 12}));
    BOOST_TEST(same(flatten(scalar(5.0)), {1}, {5}));
    BOOST_TEST(values(flatten(x, 1)) == values(x), boost::test_tools::per_element());
    CHECK_THROWS_WITH(flatten(x, 2, 1), ValueError, "flatten: start_dim comes after end_dim");
    CHECK_THROWS_WITH(flatten(x, 3), ValueError, "flatten: axis 3 is out of range for a tensor of rank 3");
}

BOOST_AUTO_TEST_CASE(squeeze_and_unsqueeze) {
    const Tensor x = tensor({{{1}, {2}, {3}}});  // [1,3,1]
    BOOST_TEST(same(squeeze(x), {3}, {1, 2, 3}));
    BOOST_TEST(same(squeeze(x, 0), {3, 1}, {1, 2, 3}));
    BOOST_TEST(same(squeeze(x, -1), {1, 3}, {1, 2, 3}));
    BOOST_TEST(same(unsqueeze(x, -1), {1, 3, 1, 1}, {1, 2, 3}));
    BOOST_TEST(same(unsqueeze(tensor({1, 2}), 0), {1, 2}, {1, 2}));
    BOOST_TEST(same(unsqueeze(tensor({1, 2}), 1), {2, 1}, {1, 2}));
    BOOST_TEST(same(squeeze(ones({1, 1})), {}, {1}));
    CHECK_THROWS_WITH(squeeze(x, 1), ShapeError, "squeeze: dimension 1 of [1,3,1] has size 3, not 1");
    CHECK_THROWS_WITH(unsqueeze(x, 4), ValueError, "unsqueeze: axis 4 is out of range for a tensor of rank 4");
}

BOOST_AUTO_TEST_CASE(permute_and_transpose) {
    const Tensor m = iota({2, 3});
    BOOST_TEST(same(transpose(m, 0, 1), {3, 2}, {0, 3, 1, 4, 2, 5}));
    BOOST_TEST(same(m.t(), {3, 2}, {0, 3, 1, 4, 2, 5}));
    // out[i,j,k] = x[j,k,i] = 12j + 4k + i
    BOOST_TEST(same(permute(iota({2, 3, 4}), {2, 0, 1}), {4, 2, 3},
                    {0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23}));
    // out[i,j,k] = x[i,k,j] = 12i + 4k + j
    BOOST_TEST(same(transpose(iota({2, 3, 4}), -1, -2), {2, 4, 3},
                    {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11, 12, 16, 20, 13, 17, 21, 14, 18, 22, 15, 19, 23}));
    const Tensor p = permute(iota({2, 3}, int64), {1, 0});
    BOOST_TEST((p.dtype() == int64));
    CHECK_THROWS_WITH(permute(m, {0, 0}), ValueError, "permute: dimension 0 repeated");
    CHECK_THROWS_WITH(permute(m, {0}), ShapeError, "permute: 1 dimensions given for a tensor of shape [2,3]");
}

BOOST_AUTO_TEST_CASE(expand_values) {
    BOOST_TEST(same(expand(tensor({{1}, {2}}), {2, 3}), {2, 3}, {1, 1, 1, 2, 2, 2}));
    BOOST_TEST(same(expand(tensor({1, 2, 3}), {2, 3}), {2, 3}, {1, 2, 3, 1, 2, 3}));
    BOOST_TEST(same(expand(scalar(7.0), {2, 2}), {2, 2}, {7, 7, 7, 7}));
    BOOST_TEST(same(broadcast_to(tensor({{1, 2}}), {2, 1, 2}), {2, 1, 2}, {1, 2, 1, 2}));
    CHECK_THROWS_WITH(expand(tensor({1, 2}), {3}), ShapeError, "expand: shapes [2] and [3] cannot be broadcast");
    CHECK_THROWS_WITH(expand(tensor({{1, 2}}), {2}), ShapeError, "expand: cannot broadcast [1,2] to [2]");
}

BOOST_AUTO_TEST_CASE(sum_to_shape_values) {
    const Tensor g = iota({2, 3});
    BOOST_TEST(same(sum_to_shape(g, {3}), {3}, {3, 5, 7}));     // column sums
    BOOST_TEST(same(sum_to_shape(g, {2, 1}), {2, 1}, {3, 12}));  // row sums
    BOOST_TEST(same(sum_to_shape(g, {1, 3}), {1, 3}, {3, 5, 7}));
    BOOST_TEST(same(sum_to_shape(g, {}), {}, {15}));
    BOOST_TEST(same(sum_to_shape(g, {2, 3}), {2, 3}, {0, 1, 2, 3, 4, 5}));
    BOOST_TEST(same(sum_to_shape(ones({2, 3, 4}), {3, 1}), {3, 1}, {8, 8, 8}));
    CHECK_THROWS_WITH(sum_to_shape(g, {2}), ShapeError, "sum_to_shape: cannot reduce [2,3] to [2]");
    CHECK_THROWS_WITH(sum_to_shape(g, {1, 2, 3, 4}), ShapeError, "sum_to_shape: cannot reduce [2,3] to [1,2,3,4]");
}

// ---- slice -------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(slice_values) {
    const Tensor x = iota({10});
    BOOST_TEST(same(slice(x, 0, 2, 8, 2), {3}, {2, 4, 6}));
    BOOST_TEST(same(slice(x, 0, -3, 10), {3}, {7, 8, 9}));        // negative start counts from the end
    BOOST_TEST(same(slice(x, 0, 1, -7), {2}, {1, 2}));            // negative stop
    BOOST_TEST(same(slice(x, 0, -100, 100, 3), {4}, {0, 3, 6, 9}));  // clamped like Python
    BOOST_TEST(same(slice(x, 0, 5, 2), {0}, {}));                 // empty
    BOOST_TEST(same(slice(x, 0, 12, 20), {0}, {}));
    BOOST_TEST(same(slice(x, 0, 9, 10, 5), {1}, {9}));
    const Tensor m = iota({3, 4});
    BOOST_TEST(same(slice(m, 1, 1, 3), {3, 2}, {1, 2, 5, 6, 9, 10}));
    BOOST_TEST(same(slice(m, -1, 0, 4, 3), {3, 2}, {0, 3, 4, 7, 8, 11}));
    BOOST_TEST(same(slice(m, 0, 1, 3), {2, 4}, {4, 5, 6, 7, 8, 9, 10, 11}));
    BOOST_TEST(same(slice(m, 0, 0, 3, 2), {2, 4}, {0, 1, 2, 3, 8, 9, 10, 11}));
    // out[i,j,k] = x[i, 1 + 2j, k] of arange [2,4,3]: rows 1 and 3 of each block
    BOOST_TEST(same(slice(iota({2, 4, 3}), 1, 1, 4, 2), {2, 2, 3}, {3, 4, 5, 9, 10, 11, 15, 16, 17, 21, 22, 23}));
    const Tensor i = slice(iota({6}, int64), 0, 1, 6, 2);
    BOOST_TEST((i.dtype() == int64));
    BOOST_TEST(same(i, {3}, {1, 3, 5}));
    BOOST_TEST(same(slice(iota({4}, float64), 0, 0, 4, 3), {2}, {0, 3}));
    CHECK_THROWS_WITH(slice(x, 0, 0, 5, 0), ValueError, "slice: step must be positive, got 0");
    CHECK_THROWS_WITH(slice(x, 0, 5, 0, -1), ValueError, "slice: step must be positive, got -1");
    CHECK_THROWS_WITH(slice(m, 2, 0, 1), ValueError, "slice: axis 2 is out of range for a tensor of rank 2");
    CHECK_THROWS_WITH(slice(scalar(1.0), 0, 0, 1), ValueError, "slice: axis 0 is out of range");
}

BOOST_AUTO_TEST_CASE(slice_gradient_scatters_into_zeros) {
    Tensor x = iota({5}).requires_grad_();
    Tensor y = slice(x, 0, 1, 5, 2);
    BOOST_TEST(std::string(y.grad_fn()->name()) == "slice");
    (y * tensor({2, 3})).sum().backward();
    // y = (x1, x3): dL/dx = (0, 2, 0, 3, 0)
    BOOST_TEST(same(x.grad(), {5}, {0, 2, 0, 3, 0}));
}

// ---- concat / stack / split --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(concat_values) {
    const Tensor a = tensor({{1, 2}, {3, 4}}), b = tensor({{5, 6}}), c = tensor({{7}, {8}});
    BOOST_TEST(same(concat({a, b}), {3, 2}, {1, 2, 3, 4, 5, 6}));
    BOOST_TEST(same(concat({a, c}, 1), {2, 3}, {1, 2, 7, 3, 4, 8}));
    BOOST_TEST(same(concat({c, a, c}, -1), {2, 4}, {7, 1, 2, 7, 8, 3, 4, 8}));
    BOOST_TEST(same(concat({a}), {2, 2}, {1, 2, 3, 4}));
    BOOST_TEST(same(concat({tensor({1, 2}), zeros({0}), tensor({3})}), {3}, {1, 2, 3}));
    // [2,1,2] and [2,2,2] along axis 1: blocks of each outer row interleave
    BOOST_TEST(same(concat({iota({2, 1, 2}), iota({2, 2, 2}) + 10.0}, 1), {2, 3, 2},
                    {0, 1, 10, 11, 12, 13, 2, 3, 14, 15, 16, 17}));
    const Tensor i = concat({arange(2), arange(3)});
    BOOST_TEST((i.dtype() == int64));
    BOOST_TEST(same(i, {5}, {0, 1, 0, 1, 2}));
}

BOOST_AUTO_TEST_CASE(concat_errors) {
    CHECK_THROWS_WITH(concat({zeros({2, 3}), zeros({2, 4})}), ShapeError,
                      "concat: tensor 1 has shape [2,4] but tensor 0 has [2,3] (all dimensions but axis 0 must match)");
    CHECK_THROWS_WITH(concat({zeros({2, 3}), zeros({2, 3}), zeros({3})}, 1), ShapeError,
                      "concat: tensor 2 has shape [3] but tensor 0 has [2,3] (all dimensions but axis 1 must match)");
    CHECK_THROWS_WITH(concat({}), ValueError, "concat: expected at least one tensor, got an empty list");
    CHECK_THROWS_WITH(concat({zeros({2}), zeros({2}, float64)}), DtypeError,
                      "concat: tensor 1 has dtype float64 but tensor 0 has float32");
    CHECK_THROWS_WITH(concat({scalar(1.0), scalar(2.0)}), ShapeError, "concat: tensor 0 is 0-d");
    CHECK_THROWS_WITH(concat({zeros({2, 3})}, 2), ValueError, "concat: axis 2 is out of range for a tensor of rank 2");
}

BOOST_AUTO_TEST_CASE(stack_values) {
    const Tensor a = tensor({1, 2, 3}), b = tensor({4, 5, 6});
    BOOST_TEST(same(stack({a, b}), {2, 3}, {1, 2, 3, 4, 5, 6}));
    BOOST_TEST(same(stack({a, b}, 1), {3, 2}, {1, 4, 2, 5, 3, 6}));
    BOOST_TEST(same(stack({a, b}, -1), {3, 2}, {1, 4, 2, 5, 3, 6}));
    BOOST_TEST(same(stack({scalar(1.0), scalar(2.0)}), {2}, {1, 2}));
    BOOST_TEST(same(stack({tensor({{1, 2}}), tensor({{3, 4}}), tensor({{5, 6}})}, 1), {1, 3, 2}, {1, 2, 3, 4, 5, 6}));
    CHECK_THROWS_WITH(stack({a, tensor({1, 2})}), ShapeError,
                      "stack: tensor 1 has shape [2] but tensor 0 has [3] (all shapes must be equal)");
    CHECK_THROWS_WITH(stack({}), ValueError, "stack: expected at least one tensor, got an empty list");
    CHECK_THROWS_WITH(stack({a, b}, 2), ValueError, "stack: axis 2 is out of range for a tensor of rank 2");
}

BOOST_AUTO_TEST_CASE(split_values) {
    const Tensor x = iota({6});
    const auto parts = split(x, std::vector<std::int64_t>{1, 2, 3});
    BOOST_TEST_REQUIRE(parts.size() == 3u);
    BOOST_TEST(same(parts[0], {1}, {0}));
    BOOST_TEST(same(parts[1], {2}, {1, 2}));
    BOOST_TEST(same(parts[2], {3}, {3, 4, 5}));
    const auto thirds = chunk(x, 3);
    BOOST_TEST_REQUIRE(thirds.size() == 3u);
    BOOST_TEST(same(thirds[0], {2}, {0, 1}));
    BOOST_TEST(same(thirds[2], {2}, {4, 5}));
    const auto cols = split(iota({2, 4}), std::vector<std::int64_t>{1, 0, 3}, -1);
    BOOST_TEST_REQUIRE(cols.size() == 3u);
    BOOST_TEST(same(cols[0], {2, 1}, {0, 4}));
    BOOST_TEST(same(cols[1], {2, 0}, {}));
    BOOST_TEST(same(cols[2], {2, 3}, {1, 2, 3, 5, 6, 7}));
    const auto halves = chunk(iota({2, 4}), 2, 1);
    BOOST_TEST(same(halves[1], {2, 2}, {2, 3, 6, 7}));
    CHECK_THROWS_WITH(split(x, std::vector<std::int64_t>{2, 3}), ShapeError,
                      "split: sizes add up to 5 but dimension 0 of [6] has size 6");
    CHECK_THROWS_WITH(chunk(x, 4), ShapeError,
                      "chunk: dimension 0 of [6] has size 6, which cannot be split into 4 equal sections");
    CHECK_THROWS_WITH(chunk(x, 0), ValueError, "chunk: number of sections must be positive, got 0");
    CHECK_THROWS_WITH(split(x, std::vector<std::int64_t>{7, -1}), ValueError, "split: negative size -1");
}

BOOST_AUTO_TEST_CASE(split_gradient_routes_each_piece) {
    Tensor x = iota({4}).requires_grad_();
    const auto parts = split(x, std::vector<std::int64_t>{1, 3});
    (parts[0] * 5.0 + 0.0).sum().backward(Tensor(), true);
    // only x0 is in piece 0
    BOOST_TEST(same(x.grad(), {4}, {5, 0, 0, 0}));
    parts[1].sum().backward();
    BOOST_TEST(same(x.grad(), {4}, {5, 1, 1, 1}));
}

// ---- gradients ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(gradchecks_existing_ops) {
    manual_seed(21);
    const Tensor x = randn({2, 3, 4});
    CHECK_GRADCHECK("reshape", [](const Fn& v) { return reshape(v[0], {4, -1}); }, {x});
    CHECK_GRADCHECK("reshape", [](const Fn& v) { return flatten(v[0], 1); }, {x});
    CHECK_GRADCHECK("reshape", [](const Fn& v) { return unsqueeze(squeeze(v[0]), 1); }, {randn({3, 1})});
    CHECK_GRADCHECK("permute", [](const Fn& v) { return permute(v[0], {2, 0, 1}); }, {x});
    CHECK_GRADCHECK("permute", [](const Fn& v) { return transpose(v[0], 0, 2); }, {x});
    CHECK_GRADCHECK("expand", [](const Fn& v) { return expand(v[0], {2, 3, 4}); }, {randn({3, 1})});
    CHECK_GRADCHECK("expand", [](const Fn& v) { return sum_to_shape(v[0], {3, 1}); }, {x});
}

BOOST_AUTO_TEST_CASE(gradchecks_slice) {
    manual_seed(22);
    const Tensor x = randn({2, 3, 4});
    for (std::int64_t axis = 0; axis < 3; ++axis) {
        BOOST_TEST_CONTEXT("axis " << axis) {
            CHECK_GRADCHECK("slice", [axis](const Fn& v) { return slice(v[0], axis, 1, 4); }, {x});
            CHECK_GRADCHECK("slice", [axis](const Fn& v) { return slice(v[0], axis, -3, 100, 2); }, {x});
            CHECK_GRADCHECK("slice", [axis](const Fn& v) { return slice(v[0], axis, 0, -1, 3); }, {x});
        }
    }
    // slice_backward (the op slice's gradient records) as a function of the incoming gradient
    for (std::int64_t axis = 0; axis < 3; ++axis) {
        BOOST_TEST_CONTEXT("axis " << axis) {
            Shape g_shape = x.shape();
            g_shape[static_cast<std::size_t>(axis)] = 1;  // slice(…, -2, 100, 2) keeps 1 element of 2, 3 or 4
            const auto fn = [axis, &x](const Fn& v) {
                return backward_of([axis](const Tensor& t) { return slice(t, axis, -2, 100, 2); }, x.shape(), v[0]);
            };
            CHECK_GRADCHECK("slice_backward", fn, {randn(g_shape)});
        }
    }
}

BOOST_AUTO_TEST_CASE(gradchecks_concat_stack_split) {
    manual_seed(23);
    for (std::int64_t axis = 0; axis < 3; ++axis) {
        BOOST_TEST_CONTEXT("axis " << axis) {
            Shape s1{2, 3, 4}, s2{2, 3, 4};
            s2[static_cast<std::size_t>(axis)] = 1;
            CHECK_GRADCHECK("concat", [axis](const Fn& v) { return concat({v[0], v[1], v[0]}, axis); },
                            {randn(s1), randn(s2)});
            CHECK_GRADCHECK("split",
                            [axis](const Fn& v) {
                                const auto p = split(v[0], std::vector<std::int64_t>{1, 1}, axis);
                                return concat({p[1] * 3.0, p[0]}, axis);
                            },
                            {randn(Shape{2, 2, 2})});
        }
    }
    for (std::int64_t axis = 0; axis < 4; ++axis) {
        BOOST_TEST_CONTEXT("axis " << axis) {
            CHECK_GRADCHECK("stack", [axis](const Fn& v) { return stack({v[0], v[1]}, axis); },
                            {randn({2, 3, 4}), randn({2, 3, 4})});
        }
    }
    CHECK_GRADCHECK("split", [](const Fn& v) { return chunk(v[0], 2, 2)[1]; }, {randn({2, 3, 4})});
}

BOOST_AUTO_TEST_CASE(second_order) {
    manual_seed(24);
    CHECK_GRADGRADCHECK("slice", [](const Fn& v) { return pow(slice(v[0], 1, 1, 4, 2), 2.0); }, {randn({2, 4, 3})});
    CHECK_GRADGRADCHECK("slice", [](const Fn& v) { return slice(v[0], 0, -2, 3) * slice(v[1], 0, 0, 2); },
                        {randn({3, 2}), randn({3, 2})});
    CHECK_GRADGRADCHECK("concat", [](const Fn& v) { return concat({v[0], v[1]}, 1) * concat({v[1], v[0]}, 1); },
                        {randn({2, 3}), randn({2, 3})});
    CHECK_GRADGRADCHECK("stack", [](const Fn& v) { return pow(stack({v[0], v[1]}, 1), 3.0); },
                        {randn({2, 2}), randn({2, 2})});
}

// [[1, 2], [3, 4]] padded by one row above and two columns after with 9.
BOOST_AUTO_TEST_CASE(pad_values_gradients_errors) {
    const Tensor x = tensor({{1, 2}, {3, 4}}, float64);
    const Tensor y = pad(x, {{1, 0}, {0, 2}}, 9.0);
    BOOST_TEST(y.shape() == Shape({3, 4}));
    BOOST_TEST(values(y) == std::vector<double>({9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9}), boost::test_tools::per_element());
    BOOST_TEST(xgrad_test::allclose(pad(x, {{0, 0}, {0, 0}}), x, 0, 0));
    const Tensor images = randn({2, 3, 2, 2}, float64);
    const auto fn = [](const Fn& v) { return pad(v[0], {{0, 0}, {1, 2}, {2, 1}, {0, 0}}, 0.5); };
    CHECK_GRADCHECK("pad", fn, {images});
    CHECK_GRADGRADCHECK("pad", [](const Fn& v) { return pad(v[0] * v[0], {{1, 0}, {0, 1}, {0, 0}, {2, 0}}); }, {images});
    CHECK_THROWS_WITH(pad(x, {{1, 1}}), ShapeError, "one {before, after} pair per dimension of [2,2], got 1");
    CHECK_THROWS_WITH(pad(x, {{0, 0}, {-1, 0}}), ValueError, "widths must be >= 0, got {-1, 0} for dimension 1");
}

BOOST_AUTO_TEST_SUITE_END()
