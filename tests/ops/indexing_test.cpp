#include "../test_helpers.hpp"

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

/// arange(0, n) reshaped to `shape`.
Tensor iota(const Shape& shape, Dtype dtype = float32) {
    return reshape(arange(0.0, static_cast<double>(shape.numel()), 1.0, dtype), shape);
}

Tensor idx(const std::vector<std::int64_t>& v, const Shape& shape) { return from_vector<std::int64_t>(v, shape); }
Tensor idx(const std::vector<std::int64_t>& v) { return idx(v, {static_cast<std::int64_t>(v.size())}); }

/// `shape` with dimension `axis` replaced by n.
Shape with_dim(Shape shape, std::int64_t axis, std::int64_t n) {
    shape[static_cast<std::size_t>(axis)] = n;
    return shape;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_indexing)

// ---- index_select ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(index_select_values) {
    const Tensor m = tensor({{1, 2, 3}, {4, 5, 6}});
    BOOST_TEST(same(index_select(m, 0, idx({1, 0, 1})), {3, 3}, {4, 5, 6, 1, 2, 3, 4, 5, 6}));
    BOOST_TEST(same(index_select(m, 1, idx({2, 2, 0})), {2, 3}, {3, 3, 1, 6, 6, 4}));
    BOOST_TEST(same(index_select(m, -1, idx({1})), {2, 1}, {2, 5}));
    BOOST_TEST(same(index_select(m, 1, idx({})), {2, 0}, {}));
    // out[i,j,k] = x[i, index[j], k] = 12i + 4·index[j] + k, index = (2, 0)
    BOOST_TEST(same(index_select(iota({2, 3, 4}), 1, idx({2, 0})), {2, 2, 4},
                    {8, 9, 10, 11, 0, 1, 2, 3, 20, 21, 22, 23, 12, 13, 14, 15}));
    const Tensor i = index_select(arange(5), 0, idx({4, 0}));
    BOOST_TEST((i.dtype() == int64));
    BOOST_TEST(same(i, {2}, {4, 0}));
}

BOOST_AUTO_TEST_CASE(index_select_repeated_indices_accumulate) {
    Tensor x = tensor({1, 2, 3}).requires_grad_();
    Tensor y = index_select(x, 0, idx({0, 2, 0, 0}));
    BOOST_TEST(std::string(y.grad_fn()->name()) == "index_select");
    y.sum().backward();
    // x0 picked three times, x2 once
    BOOST_TEST(same(x.grad(), {3}, {3, 0, 1}));

    Tensor m = zeros({2, 3}).requires_grad_();
    (index_select(m, 1, idx({1, 1})) * tensor({{1, 2}, {3, 4}})).sum().backward();
    BOOST_TEST(same(m.grad(), {2, 3}, {0, 3, 0, 0, 7, 0}));
}

BOOST_AUTO_TEST_CASE(index_select_errors) {
    const Tensor m = zeros({2, 4});
    CHECK_THROWS_WITH(index_select(m, 0, idx({0, 2})), IndexError,
                      "index_select: index 2 at position 1 is out of range for dimension 0 of size 2 (input shape [2,4])");
    CHECK_THROWS_WITH(index_select(m, 1, idx({-1})), IndexError,
                      "index_select: index -1 at position 0 is out of range for dimension 1 of size 4");
    CHECK_THROWS_WITH(index_select(m, 0, tensor({0})), DtypeError, "index_select: index must be int64, got float32");
    CHECK_THROWS_WITH(index_select(m, 0, idx({0, 1}, {1, 2})), ShapeError,
                      "index_select: index must be 1-D, got shape [1,2]");
    CHECK_THROWS_WITH(index_select(m, 2, idx({0})), ValueError, "index_select: axis 2 is out of range");
}

// ---- gather / scatter_add ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(gather_values) {
    const Tensor m = tensor({{1, 2, 3}, {4, 5, 6}});
    // out[i][j] = m[i][index[i][j]]
    BOOST_TEST(same(gather(m, 1, idx({2, 0, 1, 1}, {2, 2})), {2, 2}, {3, 1, 5, 5}));
    // out[i][j] = m[index[i][j]][j]
    BOOST_TEST(same(gather(m, 0, idx({1, 0, 1}, {1, 3})), {1, 3}, {4, 2, 6}));
    BOOST_TEST(same(gather(m, 0, idx({1, 1, 1, 0, 0, 0}, {2, 3})), {2, 3}, {4, 5, 6, 1, 2, 3}));
    BOOST_TEST(same(take_along_axis(m, idx({0, 2}, {2, 1}), -1), {2, 1}, {1, 6}));
    BOOST_TEST(same(gather(m, 1, idx({}, {2, 0})), {2, 0}, {}));
    // 3-D, axis 1: out[i,j,k] = x[i, index[i,j,k], k] = 12i + 4·index + k
    BOOST_TEST(same(gather(iota({2, 3, 4}), 1, idx({2, 0, 1, 2, 0, 0, 0, 0}, {2, 1, 4})), {2, 1, 4},
                    {8, 1, 6, 11, 12, 13, 14, 15}));
}

BOOST_AUTO_TEST_CASE(gather_gradient_scatter_adds) {
    Tensor m = tensor({{1, 2, 3}, {4, 5, 6}}).requires_grad_();
    gather(m, 1, idx({2, 0, 1, 1}, {2, 2})).sum().backward();
    BOOST_TEST(same(m.grad(), {2, 3}, {1, 0, 1, 0, 2, 0}));
}

BOOST_AUTO_TEST_CASE(gather_errors) {
    const Tensor m = zeros({2, 3});
    CHECK_THROWS_WITH(gather(m, 1, idx({0, 1, 3, 0}, {2, 2})), IndexError,
                      "gather: index 3 at position [1,0] is out of range for dimension 1 of size 3 (input shape [2,3])");
    CHECK_THROWS_WITH(gather(m, 0, idx({0, -2, 0}, {1, 3})), IndexError,
                      "gather: index -2 at position [0,1] is out of range for dimension 0 of size 2");
    CHECK_THROWS_WITH(gather(m, 1, idx({0, 0, 0}, {3, 1})), ShapeError,
                      "gather: index has shape [3,1] but input has [2,3] (same rank, and all dimensions but axis 1 "
                      "must match)");
    CHECK_THROWS_WITH(gather(m, 1, idx({0, 0})), ShapeError, "gather: index has shape [2] but input has [2,3]");
    CHECK_THROWS_WITH(gather(m, 1, zeros({2, 1})), DtypeError, "gather: index must be int64, got float32");
}

BOOST_AUTO_TEST_CASE(scatter_add_values) {
    const Tensor x = ones({2, 3});
    const Tensor src = tensor({{1, 2, 3}, {4, 5, 6}});
    // row 0: col0 += 1 + 3, col2 += 2;  row 1: col1 += 4 + 5 + 6
    BOOST_TEST(same(scatter_add(x, 1, idx({0, 2, 0, 1, 1, 1}, {2, 3}), src), {2, 3}, {5, 1, 3, 1, 16, 1}));
    BOOST_TEST(same(x, {2, 3}, {1, 1, 1, 1, 1, 1}));  // x itself is unchanged
    // axis 0: out[index[0][j]][j] += src[0][j]
    BOOST_TEST(same(scatter_add(zeros({3, 2}), 0, idx({2, 0}, {1, 2}), tensor({{5, 7}})), {3, 2},
                    {0, 7, 0, 0, 5, 0}));
    const Tensor i = scatter_add(zeros({3}, int64), 0, idx({1, 1}), arange(2) + arange(2) + arange(2));
    BOOST_TEST(same(i, {3}, {0, 3, 0}));
}

BOOST_AUTO_TEST_CASE(scatter_add_gradients) {
    Tensor x = zeros({2, 2}).requires_grad_();
    Tensor src = zeros({2, 3}).requires_grad_();
    const Tensor w = tensor({{1, 2}, {3, 4}});
    (scatter_add(x, 1, idx({1, 1, 0, 0, 1, 0}, {2, 3}), src) * w).sum().backward();
    BOOST_TEST(same(x.grad(), {2, 2}, {1, 2, 3, 4}));     // identity
    BOOST_TEST(same(src.grad(), {2, 3}, {2, 2, 1, 3, 4, 3}));  // gather(w, index)
}

BOOST_AUTO_TEST_CASE(scatter_add_errors) {
    const Tensor x = zeros({2, 3});
    CHECK_THROWS_WITH(scatter_add(x, 1, idx({0, 3}, {2, 1}), zeros({2, 1})), IndexError,
                      "scatter_add: index 3 at position [1,0] is out of range for dimension 1 of size 3");
    CHECK_THROWS_WITH(scatter_add(x, 1, idx({0, 1}, {2, 1}), zeros({1, 2})), ShapeError,
                      "scatter_add: index has shape [2,1] but src has [1,2] (they must be equal)");
    CHECK_THROWS_WITH(scatter_add(x, 1, idx({0, 1, 2}, {3, 1}), zeros({3, 1})), ShapeError,
                      "scatter_add: index has shape [3,1] but input has [2,3]");
    CHECK_THROWS_WITH(scatter_add(x, 1, idx({0, 1}, {2, 1}), zeros({2, 1}, float64)), DtypeError,
                      "scatter_add: dtypes float32 and float64 differ");
    CHECK_THROWS_WITH(scatter_add(x, 1, zeros({2, 1}), zeros({2, 1})), DtypeError,
                      "scatter_add: index must be int64, got float32");
}

// ---- one_hot ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(one_hot_values) {
    const Tensor h = one_hot(idx({2, 0, 1}), 3);
    BOOST_TEST((h.dtype() == float32));
    BOOST_TEST(same(h, {3, 3}, {0, 0, 1, 1, 0, 0, 0, 1, 0}));
    BOOST_TEST(same(one_hot(idx({0, 3}, {2, 1}), 4, int64), {2, 1, 4}, {1, 0, 0, 0, 0, 0, 0, 1}));
    BOOST_TEST(same(one_hot(from_vector<std::int64_t>(std::vector<std::int64_t>{1}, {}), 2, float64), {2}, {0, 1}));
    BOOST_TEST(same(one_hot(idx({}), 3), {0, 3}, {}));
    BOOST_TEST((one_hot(idx({0}), 2, float64).dtype() == float64));
    BOOST_TEST(!one_hot(idx({0}), 2).requires_grad());
}

BOOST_AUTO_TEST_CASE(one_hot_errors) {
    CHECK_THROWS_WITH(one_hot(idx({0, 3}), 3), IndexError,
                      "one_hot: label 3 at position [1] is out of range for 3 classes (labels shape [2])");
    CHECK_THROWS_WITH(one_hot(idx({0, 1, -1, 0}, {2, 2}), 3), IndexError, "one_hot: label -1 at position [1,0]");
    CHECK_THROWS_WITH(one_hot(tensor({0, 1}), 3), DtypeError, "one_hot: labels must be int64, got float32");
    CHECK_THROWS_WITH(one_hot(idx({0}), 0), ValueError, "one_hot: num_classes must be positive, got 0");
}

// ---- gradients ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(gradchecks_index_select) {
    manual_seed(31);
    const Tensor x = randn({2, 3, 4});
    const std::vector<Tensor> indices = {idx({1, 0, 1}), idx({2, 2, 0, 1}), idx({3, 0, 3})};
    for (std::int64_t axis = 0; axis < 3; ++axis) {
        BOOST_TEST_CONTEXT("axis " << axis) {
            CHECK_GRADCHECK("index_select", [axis](const Fn& v) { return index_select(v[0], axis, v[1]); },
                            {x, indices[static_cast<std::size_t>(axis)]});
        }
    }
    // index_select_backward (the op index_select's gradient records), as a function of the incoming gradient
    for (std::int64_t axis = 0; axis < 3; ++axis) {
        BOOST_TEST_CONTEXT("axis " << axis) {
            const Tensor& index = indices[static_cast<std::size_t>(axis)];
            const auto backward_of_index_select = [axis, &x](const Fn& v) {
                GradModeGuard on(true);
                Tensor leaf = zeros(x.shape(), float64).requires_grad_();
                GradOptions o;
                o.create_graph = true;
                return grad({index_select(leaf, axis, v[1])}, {leaf}, {v[0]}, o)[0];
            };
            CHECK_GRADCHECK("index_select_backward", backward_of_index_select,
                            {randn(with_dim(x.shape(), axis, index.numel())), index});
        }
    }
}

BOOST_AUTO_TEST_CASE(gradchecks_gather_scatter_add) {
    manual_seed(32);
    const Tensor x = randn({2, 3, 4});
    for (std::int64_t axis = 0; axis < 3; ++axis) {
        BOOST_TEST_CONTEXT("axis " << axis) {
            const std::int64_t dim = x.size(axis);
            // 5 picks per row along `axis`: some positions repeat
            const Tensor index = randint(with_dim(x.shape(), axis, 5), 0, dim);
            CHECK_GRADCHECK("gather", [axis](const Fn& v) { return gather(v[0], axis, v[1]); }, {x, index});
            CHECK_GRADCHECK("scatter_add", [axis](const Fn& v) { return scatter_add(v[0], axis, v[1], v[2]); },
                            {x, index, randn(index.shape())});
        }
    }
}

BOOST_AUTO_TEST_CASE(second_order) {
    manual_seed(33);
    const Tensor index = idx({2, 0, 0, 1, 1, 1}, {2, 3});
    CHECK_GRADGRADCHECK("gather", [](const Fn& v) { return pow(gather(v[0], 1, v[1]), 3.0); }, {randn({2, 3}), index});
    CHECK_GRADGRADCHECK("scatter_add", [](const Fn& v) { return pow(scatter_add(v[0], 1, v[1], v[2]), 2.0); },
                        {randn({2, 3}), index, randn({2, 3})});
    CHECK_GRADGRADCHECK("index_select", [](const Fn& v) { return pow(index_select(v[0], 0, v[1]), 2.0); },
                        {randn({3, 2}), idx({2, 0, 2})});
}

BOOST_AUTO_TEST_SUITE_END()
