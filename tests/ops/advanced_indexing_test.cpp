// The indexing object (index, index_put, x.at(...).set/add), take and
// nonzero/argwhere: NumPy's own documentation examples by hand, masks,
// PyTorch's placement rule where it differs from NumPy's, repeated positions,
// gradients to x and to the values, and the errors.
#include "../test_helpers.hpp"

using namespace xgrad;
using xgrad_test::values;
using Fn = std::vector<Tensor>;
namespace tt = boost::test_tools;

namespace {

Tensor i64(const std::vector<std::int64_t>& v, const Shape& shape) { return from_vector(v, shape); }
Tensor i64(const std::vector<std::int64_t>& v) { return from_vector(v, {static_cast<std::int64_t>(v.size())}); }
std::vector<double> seq(std::initializer_list<double> v) { return v; }

/// np.arange(n).reshape(shape) in float64.
Tensor counting(const Shape& shape) { return arange(0.0, static_cast<double>(shape.numel()), 1.0, float64).reshape(shape); }

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_advanced_indexing)

BOOST_AUTO_TEST_CASE(basic_slicing_as_numpy_documents_it) {
    const Tensor x = counting({10});
    BOOST_TEST(values(x.index({Slice(2, 5)})) == seq({2, 3, 4}), tt::per_element());         // x[2:5]
    BOOST_TEST(values(x.index({Slice(None, -7)})) == seq({0, 1, 2}), tt::per_element());     // x[:-7]
    BOOST_TEST(values(x.index({Slice(1, 7, 2)})) == seq({1, 3, 5}), tt::per_element());      // x[1:7:2]
    BOOST_TEST(values(x.index({Slice(-2, 10)})) == seq({8, 9}), tt::per_element());          // x[-2:10]
    BOOST_TEST(values(x.index({Slice(5, None, 3)})) == seq({5, 8}), tt::per_element());      // x[5::3]
    BOOST_TEST(x.index({Slice(7, 3)}).shape() == (Shape{0}));                                // empty, not an error
    BOOST_TEST(x.index({-1}).item() == 9.0);                                                  // x[-1], 0-d
    BOOST_TEST(x.index({3}).rank() == 0u);

    // x = np.array([[[1],[2],[3]], [[4],[5],[6]]]): x[1:2].shape (1, 3, 1); x[..., 0]
    const Tensor y = tensor({{{1}, {2}, {3}}, {{4}, {5}, {6}}}, float64);
    BOOST_TEST(y.index({Slice(1, 2)}).shape() == (Shape{1, 3, 1}));
    const Tensor last = y.index({Ellipsis, 0});
    BOOST_TEST(last.shape() == (Shape{2, 3}));
    BOOST_TEST(values(last) == seq({1, 2, 3, 4, 5, 6}), tt::per_element());
    // x[:, np.newaxis, :, :].shape (2, 1, 3, 1); x[..., None] appends
    BOOST_TEST(y.index({Slice(), NewAxis, Slice(), Slice()}).shape() == (Shape{2, 1, 3, 1}));
    BOOST_TEST(y.index({Ellipsis, None}).shape() == (Shape{2, 3, 1, 1}));
    BOOST_TEST(y.index({None, Ellipsis, None, 0}).shape() == (Shape{1, 2, 3, 1}));
}

BOOST_AUTO_TEST_CASE(integer_array_indexing_as_numpy_documents_it) {
    // y = np.arange(35).reshape(5, 7)
    const Tensor y = counting({5, 7});
    BOOST_TEST(values(y.index({i64({0, 2, 4}), i64({0, 1, 2})})) == seq({0, 15, 30}), tt::per_element());
    BOOST_TEST(values(y.index({i64({0, 2, 4}), 1})) == seq({1, 15, 29}), tt::per_element());
    const Tensor rows = y.index({i64({0, 2, 4})});
    BOOST_TEST(rows.shape() == (Shape{3, 7}));
    BOOST_TEST(values(rows.index({1})) == values(y.index({2})), tt::per_element());
    // y[np.array([0, 2, 4]), 1:3] → [[1, 2], [15, 16], [29, 30]]
    BOOST_TEST(values(y.index({i64({0, 2, 4}), Slice(1, 3)})) == seq({1, 2, 15, 16, 29, 30}), tt::per_element());

    // x = np.array([[1, 2], [3, 4], [5, 6]]); x[[0, 1, 2], [0, 1, 0]] → [1, 4, 5]
    const Tensor x = tensor({{1, 2}, {3, 4}, {5, 6}}, float64);
    BOOST_TEST(values(x.index({i64({0, 1, 2}), i64({0, 1, 0})})) == seq({1, 4, 5}), tt::per_element());

    // x = np.arange(12).reshape(4, 3): the corners, by a 2x2 index and by broadcasting
    const Tensor z = counting({4, 3});
    const Tensor corners = z.index({i64({0, 0, 3, 3}, {2, 2}), i64({0, 2, 0, 2}, {2, 2})});
    BOOST_TEST(corners.shape() == (Shape{2, 2}));
    BOOST_TEST(values(corners) == seq({0, 2, 9, 11}), tt::per_element());
    const Tensor broadcast = z.index({i64({0, 3}, {2, 1}), i64({0, 2})});  // rows[:, np.newaxis], columns
    BOOST_TEST(values(broadcast) == seq({0, 2, 9, 11}), tt::per_element());
    // x[1:2, 1:3] and x[1:2, [1, 2]] → [[4, 5]]
    BOOST_TEST(values(z.index({Slice(1, 2), Slice(1, 3)})) == seq({4, 5}), tt::per_element());
    BOOST_TEST(values(z.index({Slice(1, 2), i64({1, 2})})) == seq({4, 5}), tt::per_element());
    // negative positions count from the end; a 0-d index tensor removes its dimension
    BOOST_TEST(values(z.index({i64({-1, 0}), -1})) == seq({11, 2}), tt::per_element());
    BOOST_TEST(z.index({Slice(), scalar(1, int64)}).shape() == (Shape{4}));
}

BOOST_AUTO_TEST_CASE(advanced_dimensions_stay_when_adjacent_and_go_first_when_separated) {
    // NumPy's examples on x.shape (10, 20, 30, 40, 50), sized down to
    // (2, 3, 4, 5, 6), with ind_1, ind_2 broadcasting to (2, 3, 4):
    const Tensor x = zeros({2, 3, 4, 5, 6});
    const Tensor ind_1 = zeros({2, 3, 4}, int64), ind_2 = zeros({3, 1}, int64);
    BOOST_TEST(x.index({Slice(), ind_1, ind_2}).shape() == (Shape{2, 2, 3, 4, 5, 6}));        // x[:, ind_1, ind_2]
    BOOST_TEST(x.index({Slice(), ind_1, Slice(), ind_2}).shape() == (Shape{2, 3, 4, 2, 4, 6})); // x[:, ind_1, :, ind_2]
    // x[..., ind, :] with x (10, 20, 30) → (10, 2, 5, 2, 30); sized down
    BOOST_TEST(zeros({3, 4, 5}).index({Ellipsis, zeros({2, 5, 2}, int64), Slice()}).shape() == (Shape{3, 2, 5, 2, 5}));
    // None between advanced indices separates them
    BOOST_TEST(x.index({Slice(), ind_2, None, ind_2}).shape() == (Shape{3, 1, 2, 1, 5, 6}));
    // An integer is applied first (PyTorch): x[0, :, idx] is [3, 2] here, NumPy gives [2, 3].
    const Tensor y = counting({2, 3, 4});
    const Tensor picked = y.index({0, Slice(), i64({0, 3})});
    BOOST_TEST(picked.shape() == (Shape{3, 2}));
    BOOST_TEST(values(picked) == seq({0, 3, 4, 7, 8, 11}), tt::per_element());
    // ... and an integer between two advanced indices leaves them adjacent: [2, 2, 6]
    BOOST_TEST(x.index({Slice(), i64({0, 1}), 0, i64({0, 1})}).shape() == (Shape{2, 2, 6}));
    // separated: y[idx, :, idx] → B first: [[y[0,:,1], y[1,:,2]]] = [2, 3]
    const Tensor separated = y.index({i64({0, 1}), Slice(), i64({1, 2})});
    BOOST_TEST(separated.shape() == (Shape{2, 3}));
    BOOST_TEST(values(separated) == seq({1, 5, 9, 14, 18, 22}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(a_mask_selects_like_its_nonzero_positions) {
    // x = np.arange(6).reshape(2, 3): x[x % 2 == 0] → [0, 2, 4]; x[:, [True, False, True]]
    const Tensor x = counting({2, 3});
    const Tensor even = from_vector(std::vector<bool>{true, false, true, false, true, false}, {2, 3});
    const Tensor picked = x.index({even});
    BOOST_TEST(picked.shape() == (Shape{3}));
    BOOST_TEST(values(picked) == seq({0, 2, 4}), tt::per_element());
    const Tensor columns = from_vector(std::vector<bool>{true, false, true}, {3});
    BOOST_TEST(values(x.index({Slice(), columns})) == seq({0, 2, 3, 5}), tt::per_element());
    BOOST_TEST(values(x.index({Ellipsis, columns})) == values(x.index({Slice(), i64({0, 2})})), tt::per_element());
    BOOST_TEST(x.index({from_vector(std::vector<bool>{false, false}, {2})}).shape() == (Shape{0, 3}));
    // the same positions for writing: x.at(mask).set(-1)
    BOOST_TEST(values(x.at(even).set(-1.0)) == seq({-1, 1, -1, 3, -1, 5}), tt::per_element());
    CHECK_THROWS_WITH(x.index({columns}), IndexError,
                      "index: mask of shape [3] does not match the indexed dimensions [2] of the input (shape [2,3]) "
                      "from dimension 0");
    CHECK_THROWS_WITH(x.index({even, 0}), IndexError, "too many indices");
    CHECK_THROWS_WITH(x.index({scalar(1.0).to(boolean)}), IndexError, "index: a 0-d mask");
}

BOOST_AUTO_TEST_CASE(results_are_copies_in_both_dtypes_and_empty_tensors_work) {
    for (const Dtype dt : {float32, float64}) {
        const Tensor x = counting({3, 4}).to(dt);
        const Tensor all = x.index({Slice()});
        BOOST_TEST((all.dtype() == dt));
        BOOST_TEST(!(all.impl()->storage == x.impl()->storage));
        BOOST_TEST(values(x.index({i64({2}), Slice(None, None, 3)})) == seq({8, 11}), tt::per_element());
    }
    const Tensor e = zeros({0, 3});
    BOOST_TEST(e.index({Slice(), 1}).shape() == (Shape{0}));
    BOOST_TEST(e.index({i64({}), 2}).shape() == (Shape{0}));
    BOOST_TEST(counting({2, 3}).index({zeros({0}, int64)}).shape() == (Shape{0, 3}));
    BOOST_TEST(index(counting({4}), {i64({3, 1})}).to_vector<double>() == seq({3, 1}), tt::per_element());
    // int64 tensors index as well
    BOOST_TEST(arange(6).index({Slice(1, None, 2)}).to_vector<std::int64_t>() == (std::vector<std::int64_t>{1, 3, 5}),
               tt::per_element());
}

BOOST_AUTO_TEST_CASE(index_gradient_adds_up_repeated_positions) {
    // y = x[[0, 0, 2]] · [1, 2, 3]: dx = [1 + 2, 0, 3]
    const Tensor x = zeros({3}, float64).requires_grad_();
    sum(mul(x.index({i64({0, 0, 2})}), tensor({1, 2, 3}, float64))).backward();
    BOOST_TEST(values(x.grad()) == seq({3, 0, 3}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(index_put_repeated_positions_with_and_without_accumulate) {
    const Tensor w = tensor({10, 20, 30, 40, 50}, float64);
    const Tensor idx = i64({0, 2, 0});
    for (const bool accumulate : {false, true}) {
        BOOST_TEST_CONTEXT("accumulate " << accumulate) {
            const Tensor x = tensor({1, 1, 1, 1, 1}, float64).requires_grad_();
            const Tensor v = tensor({1, 2, 3}, float64).requires_grad_();
            const Tensor out = index_put(x, {idx}, v, accumulate);
            sum(mul(out, w)).backward();
            if (accumulate) {
                BOOST_TEST(values(out) == seq({5, 1, 3, 1, 1}), tt::per_element());  // 1 + 1 + 3, 1 + 2
                BOOST_TEST(values(x.grad()) == values(w), tt::per_element());
                BOOST_TEST(values(v.grad()) == seq({10, 30, 10}), tt::per_element());
            } else {
                // the last write wins (NumPy's rule): x[0] = 3; the overwritten write gets no gradient
                BOOST_TEST(values(out) == seq({3, 1, 2, 1, 1}), tt::per_element());
                BOOST_TEST(values(x.grad()) == seq({0, 20, 0, 40, 50}), tt::per_element());
                BOOST_TEST(values(v.grad()) == seq({0, 30, 10}), tt::per_element());
            }
            BOOST_TEST(values(x) == seq({1, 1, 1, 1, 1}), tt::per_element());  // x itself unchanged
        }
    }
}

BOOST_AUTO_TEST_CASE(at_set_and_add_broadcast_the_values_and_sum_their_gradient) {
    // x 2x3, x.at({Slice(), 1}).set(v) with 0-d v: column 1 becomes v, dv = Σ w[:, 1]
    const Tensor x = counting({2, 3}).requires_grad_();
    const Tensor v = scalar(7.0, float64).requires_grad_();
    const Tensor w = tensor({{1, 2, 3}, {4, 5, 6}}, float64);
    const Tensor out = x.at({Slice(), 1}).set(v);
    BOOST_TEST(values(out) == seq({0, 7, 2, 3, 7, 5}), tt::per_element());
    sum(mul(out, w)).backward();
    BOOST_TEST(v.grad().item() == 7.0);  // 2 + 5
    BOOST_TEST(values(x.grad()) == seq({1, 0, 3, 4, 0, 6}), tt::per_element());

    // JAX style with one index tensor and a number; a row vector broadcast over rows
    BOOST_TEST(values(counting({4}).at(i64({1, 1, 3})).add(1.0)) == seq({0, 3, 2, 4}), tt::per_element());
    BOOST_TEST(values(counting({4}).at(i64({1, 3})).set(-1.0)) == seq({0, -1, 2, -1}), tt::per_element());
    BOOST_TEST(values(zeros({2, 3}, float64).index_put({Ellipsis}, tensor({1, 2, 3}, float64))) ==
                   seq({1, 2, 3, 1, 2, 3}),
               tt::per_element());
    BOOST_TEST(values(counting({2, 3}).at({1}).get()) == seq({3, 4, 5}), tt::per_element());
    BOOST_TEST(values(zeros({2, 2}, float32).at({0, 1}).add(2.5)) == seq({0, 2.5, 0, 0}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(take_reads_the_flattened_tensor) {
    const Tensor x = counting({2, 3});
    const Tensor out = take(x, i64({0, 5, -1, 4}, {2, 2}));
    BOOST_TEST(out.shape() == (Shape{2, 2}));
    BOOST_TEST(values(out) == seq({0, 5, 5, 4}), tt::per_element());
    BOOST_TEST(take(x, zeros({0}, int64)).shape() == (Shape{0}));
    BOOST_TEST(take(scalar(3.0), scalar(0, int64)).item() == 3.0);
}

BOOST_AUTO_TEST_CASE(nonzero_and_argwhere_list_positions_in_row_major_order) {
    const Tensor x = tensor({{0, 1, 0}, {2, 0, 3}}, float32);
    const Tensor nz = nonzero(x);
    BOOST_TEST(nz.shape() == (Shape{3, 2}));
    BOOST_TEST((nz.dtype() == int64));
    BOOST_TEST(nz.to_vector<std::int64_t>() == (std::vector<std::int64_t>{0, 1, 1, 0, 1, 2}), tt::per_element());
    BOOST_TEST(argwhere(x).to_vector<std::int64_t>() == nz.to_vector<std::int64_t>(), tt::per_element());
    BOOST_TEST(nonzero(zeros({4})).shape() == (Shape{0, 1}));
    BOOST_TEST(nonzero(zeros({0, 2})).shape() == (Shape{0, 2}));
    BOOST_TEST(nonzero(scalar(5.0)).shape() == (Shape{1, 0}));
    BOOST_TEST(nonzero(i64({0, 4, 0, -1})).to_vector<std::int64_t>() == (std::vector<std::int64_t>{1, 3}),
               tt::per_element());
}

BOOST_AUTO_TEST_CASE(errors_name_the_op_the_dimension_the_index_and_the_size) {
    const Tensor x = zeros({2, 3});
    CHECK_THROWS_WITH(x.index({0, 5}), IndexError, "index: index 5 is out of range for dimension 1 of size 3");
    CHECK_THROWS_WITH(x.index({-3}), IndexError, "index -3 is out of range for dimension 0 of size 2");
    CHECK_THROWS_WITH(x.index({Slice(), i64({0, 3})}), IndexError,
                      "index: index 3 is out of range for dimension 1 of size 3 (input shape [2,3])");
    CHECK_THROWS_WITH(x.index({0, 0, 0}), IndexError, "index: too many indices for a tensor of shape [2,3]");
    CHECK_THROWS_WITH(x.index({i64({0}, {1, 1}), 0, 0}), IndexError, "too many indices");
    CHECK_THROWS_WITH(x.index({Ellipsis, 0, Ellipsis}), IndexError, "index: an index can have only one Ellipsis");
    CHECK_THROWS_WITH(x.index({Slice(None, None, 0)}), ValueError,
                      "index: slice step must be positive, got 0 (dimension 0)");
    CHECK_THROWS_WITH(x.index({Slice(), Slice(None, None, -1)}), ValueError, "got -1 (dimension 1)");
    CHECK_THROWS_WITH(x.index({zeros({2})}), DtypeError,
                      "index: index tensors must be int64 positions or bool masks, got float32");
    CHECK_THROWS_WITH(x.index({i64({0, 1}), i64({0, 1, 2})}), ShapeError, "index: shapes [2] and [3] cannot be broadcast");
    CHECK_THROWS_WITH(x.index_put({0}, zeros({2})), ShapeError,
                      "index_put: values of shape [2] do not broadcast to the indexed shape [3]");
    CHECK_THROWS_WITH(x.index_put({0, 7}, scalar(1.0)), IndexError,
                      "index_put: index 7 is out of range for dimension 1 of size 3");
    CHECK_THROWS_WITH(x.at({0}).set(zeros({3}, float64)), DtypeError, "index_put");
    CHECK_THROWS_WITH(take(x, i64({6})), IndexError,
                      "take: index 6 is out of range for dimension 0 of size 6 (the flattened input of shape [2,3])");
    CHECK_THROWS_WITH(take(x, i64({-7})), IndexError, "take: index -7");
    CHECK_THROWS_WITH(take(x, zeros({1})), DtypeError, "take: index must be int64");
    CHECK_THROWS_WITH(take(zeros({0}), i64({0})), IndexError, "size 0");
}

BOOST_AUTO_TEST_CASE(gradients_to_first_and_second_order) {
    const Tensor x = randn({3, 4, 2}, float64);
    const Tensor rows = i64({2, 0, 2, 1}, {2, 2});
    const Tensor cols = i64({1, -1});
    const auto spec = [rows, cols] { return std::vector<TensorIndex>{rows, Slice(1, None, 2), cols}; };
    CHECK_GRADCHECK("index", [&](const Fn& v) { return index(v[0], spec()); }, {x});
    CHECK_GRADCHECK("index", [](const Fn& v) { return v[0].index({None, 1, Ellipsis, Slice(None, 1)}); }, {x});
    CHECK_GRADGRADCHECK("index", [&](const Fn& v) { return pow(index(v[0], spec()), 3.0); }, {x});

    // index_put: the separated advanced indices put B first: the values are [2, 2, 2]
    const Tensor values3 = randn({2, 1, 2}, float64);
    for (const bool accumulate : {false, true}) {
        const auto put = [&, accumulate](const Fn& v) { return index_put(v[0], spec(), v[1], accumulate); };
        CHECK_GRADCHECK("index_put", put, {x, values3});
        CHECK_GRADGRADCHECK("index_put", [&](const Fn& v) { return pow(put(v), 3.0); }, {x, values3});
    }
    // repeated positions without accumulate: only the last write is differentiable in v
    const Tensor repeated = i64({1, 1, 0});
    CHECK_GRADCHECK("index_put", [&](const Fn& v) { return v[0].at(repeated).set(v[1]); },
                    {randn({3}, float64), randn({3}, float64)});

    const Tensor flat = i64({0, 23, -1, 5, 5}, {5});
    CHECK_GRADCHECK("take", [&](const Fn& v) { return take(v[0], flat); }, {x});
    CHECK_GRADGRADCHECK("take", [&](const Fn& v) { return pow(take(v[0], flat), 3.0); }, {x});
}

BOOST_AUTO_TEST_SUITE_END()
