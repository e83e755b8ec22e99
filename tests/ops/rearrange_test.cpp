// Rearranging elements: tile, repeat_interleave, flip, roll, meshgrid,
// broadcast_tensors, movedim against hand-computed values (float32, float64,
// int64), empty tensors, negative axes, the errors, and gradchecks to second
// order in float64.
#include "../test_helpers.hpp"

using namespace xgrad;
using xgrad_test::values;
using Fn = std::vector<Tensor>;
using Values = std::vector<double>;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(ops_rearrange)

BOOST_AUTO_TEST_CASE(tile_by_hand) {
    for (Dtype dtype : {float32, float64, int64}) {
        const Tensor x = tensor({{1, 2}, {3, 4}}, dtype);
        const Tensor t = tile(x, {2, 3});
        BOOST_TEST(t.shape() == (Shape{4, 6}));
        BOOST_TEST((t.dtype() == dtype));
        BOOST_TEST(values(t) == Values({1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}),
                   tt::per_element());
    }
    const Tensor v = tensor({1, 2});
    BOOST_TEST(tile(v, {2, 1, 2}).shape() == (Shape{2, 1, 4}));  // reps longer: x gets leading 1s
    BOOST_TEST(values(tile(v, {2, 1, 2})) == Values({1, 2, 1, 2, 1, 2, 1, 2}), tt::per_element());
    BOOST_TEST(tile(zeros({2, 3}), {2}).shape() == (Shape{2, 6}));  // reps shorter: reps get leading 1s
    BOOST_TEST(tile(zeros({2, 3}), {0, 1}).shape() == (Shape{0, 3}));
    BOOST_TEST(tile(zeros({0, 3}), {2, 2}).shape() == (Shape{0, 6}));
}

BOOST_AUTO_TEST_CASE(repeat_interleave_by_hand) {
    const Tensor x = tensor({{1, 2}, {3, 4}}, float64);
    BOOST_TEST(values(repeat_interleave(x, 2)) == Values({1, 1, 2, 2, 3, 3, 4, 4}), tt::per_element());
    const Tensor rows = repeat_interleave(x, 2, 0);
    BOOST_TEST(rows.shape() == (Shape{4, 2}));
    BOOST_TEST(values(rows) == Values({1, 2, 1, 2, 3, 4, 3, 4}), tt::per_element());
    const Tensor cols = repeat_interleave(x, tensor({1, 3}, int64), -1);
    BOOST_TEST(cols.shape() == (Shape{2, 4}));
    BOOST_TEST(values(cols) == Values({1, 2, 2, 2, 3, 4, 4, 4}), tt::per_element());
    BOOST_TEST(values(repeat_interleave(x, tensor({0, 1, 0, 2}, int64))) == Values({2, 4, 4}), tt::per_element());
    BOOST_TEST(values(repeat_interleave(x.to(int64), tensor({2}, int64), 0)) == Values({1, 2, 1, 2, 3, 4, 3, 4}),
               tt::per_element());
    BOOST_TEST(repeat_interleave(x, 0, 1).shape() == (Shape{2, 0}));
    BOOST_TEST(repeat_interleave(zeros({0, 3}), 4, 0).shape() == (Shape{0, 3}));
}

BOOST_AUTO_TEST_CASE(flip_by_hand) {
    const Tensor x = tensor({{1, 2, 3}, {4, 5, 6}});
    BOOST_TEST(values(flip(x, {1})) == Values({3, 2, 1, 6, 5, 4}), tt::per_element());
    BOOST_TEST(values(flip(x, {0})) == Values({4, 5, 6, 1, 2, 3}), tt::per_element());
    BOOST_TEST(values(flip(x, {-1, 0})) == Values({6, 5, 4, 3, 2, 1}), tt::per_element());
    BOOST_TEST(values(flip(x.to(int64), {})) == Values({1, 2, 3, 4, 5, 6}), tt::per_element());
    const Tensor cube = arange(0, 8, 1, float64).reshape({2, 2, 2});
    BOOST_TEST(values(flip(cube, {0, 2})) == Values({5, 4, 7, 6, 1, 0, 3, 2}), tt::per_element());
    BOOST_TEST(flip(zeros({0, 2}), {0, 1}).shape() == (Shape{0, 2}));
    BOOST_TEST(values(flip(scalar(7.0), {})) == Values({7}));
}

BOOST_AUTO_TEST_CASE(roll_by_hand) {
    const Tensor x = tensor({{1, 2, 3}, {4, 5, 6}}, float64);
    BOOST_TEST(values(roll(x, {1}, {1})) == Values({3, 1, 2, 6, 4, 5}), tt::per_element());
    BOOST_TEST(values(roll(x, {-1}, {-1})) == Values({2, 3, 1, 5, 6, 4}), tt::per_element());
    BOOST_TEST(values(roll(x, {1, 4}, {0, 1})) == Values({6, 4, 5, 3, 1, 2}), tt::per_element());
    BOOST_TEST(values(roll(x, {1, 1}, {1, 1})) == Values({2, 3, 1, 5, 6, 4}), tt::per_element());  // shifts add up
    BOOST_TEST(values(roll(x, 2)) == Values({5, 6, 1, 2, 3, 4}), tt::per_element());  // flattened
    BOOST_TEST(roll(x, 2).shape() == (Shape{2, 3}));
    BOOST_TEST(values(roll(x.to(int64), -7)) == Values({2, 3, 4, 5, 6, 1}), tt::per_element());
    BOOST_TEST(roll(zeros({0, 3}), {5}, {0}).shape() == (Shape{0, 3}));
}

BOOST_AUTO_TEST_CASE(meshgrid_both_indexings) {
    const Tensor a = tensor({1, 2, 3}), b = tensor({10, 20});
    std::vector<Tensor> ij = meshgrid({a, b});
    BOOST_TEST(ij[0].shape() == (Shape{3, 2}));
    BOOST_TEST(values(ij[0]) == Values({1, 1, 2, 2, 3, 3}), tt::per_element());
    BOOST_TEST(values(ij[1]) == Values({10, 20, 10, 20, 10, 20}), tt::per_element());
    std::vector<Tensor> xy = meshgrid({a, b}, "xy");
    BOOST_TEST(xy[0].shape() == (Shape{2, 3}));
    BOOST_TEST(values(xy[0]) == Values({1, 2, 3, 1, 2, 3}), tt::per_element());
    BOOST_TEST(values(xy[1]) == Values({10, 10, 10, 20, 20, 20}), tt::per_element());
    std::vector<Tensor> three = meshgrid({a, b, scalar(5.0)}, "xy");
    BOOST_TEST(three[2].shape() == (Shape{2, 3, 1}));
    BOOST_TEST(meshgrid({a, zeros({0})})[0].shape() == (Shape{3, 0}));
}

BOOST_AUTO_TEST_CASE(broadcast_tensors_and_movedim) {
    std::vector<Tensor> out = broadcast_tensors({tensor({{1}, {2}}), tensor({10, 20, 30}), scalar(5.0)});
    for (const Tensor& t : out) BOOST_TEST(t.shape() == (Shape{2, 3}));
    BOOST_TEST(values(out[0]) == Values({1, 1, 1, 2, 2, 2}), tt::per_element());
    BOOST_TEST(values(out[1]) == Values({10, 20, 30, 10, 20, 30}), tt::per_element());
    BOOST_TEST(values(out[2]) == Values(6, 5.0), tt::per_element());
    BOOST_TEST(broadcast_tensors({zeros({0, 1}), zeros({4})})[1].shape() == (Shape{0, 4}));

    const Tensor x = arange(0, 24, 1, float64).reshape({2, 3, 4});
    const Tensor m = movedim(x, 0, -1);
    BOOST_TEST(m.shape() == (Shape{3, 4, 2}));
    BOOST_TEST(values(m)[1] == 12.0);  // m[0, 0, 1] = x[1, 0, 0]
    BOOST_TEST(values(m)[2] == 1.0);   // m[0, 1, 0] = x[0, 0, 1]
    BOOST_TEST(movedim(x, {0, 1}, {2, 0}).shape() == (Shape{3, 4, 2}));
    BOOST_TEST(movedim(x, {2, 0}, {0, 2}).shape() == (Shape{4, 3, 2}));
    BOOST_TEST(values(movedim(x, {2, 0}, {0, 2}))[1] == 12.0);  // out[0, 0, 1] = x[1, 0, 0]
    BOOST_TEST(movedim(zeros({0, 2}), 1, 0).shape() == (Shape{2, 0}));
}

BOOST_AUTO_TEST_CASE(gradients_sum_the_copies) {
    const Tensor x = tensor({1, 2}, float64).requires_grad_();
    (tile(x, {3}) * tensor({1, 2, 3, 4, 5, 6}, float64)).sum().backward();
    BOOST_TEST(values(x.grad()) == Values({9, 12}), tt::per_element());
    const Tensor y = tensor({1, 2}, float64).requires_grad_();
    (repeat_interleave(y, tensor({2, 1}, int64)) * tensor({1, 10, 100}, float64)).sum().backward();
    BOOST_TEST(values(y.grad()) == Values({11, 100}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    const Tensor x = tensor({{0.3, -1.2, 2.5}, {1.1, 0.2, -0.4}}, float64);
    const Tensor v = tensor({0.5, -0.7, 1.3}, float64);
    CHECK_GRADCHECK("tile", [](const Fn& a) { return tile(a[0], {2, 1, 2}); }, {x});
    CHECK_GRADGRADCHECK("tile", [](const Fn& a) { return square(tile(a[0], {3})); }, {x});
    CHECK_GRADCHECK("repeat_interleave", [](const Fn& a) { return repeat_interleave(a[0], 2, 0); }, {x});
    CHECK_GRADGRADCHECK("repeat_interleave",
                        [](const Fn& a) { return square(repeat_interleave(a[0], tensor({2, 0, 1}, int64), 1)); }, {x});
    CHECK_GRADCHECK("flip", [](const Fn& a) { return flip(a[0], {0, 1}); }, {x});
    CHECK_GRADGRADCHECK("flip", [](const Fn& a) { return square(flip(a[0], {1})); }, {x});
    CHECK_GRADCHECK("roll", [](const Fn& a) { return roll(a[0], {1, -2}, {0, 1}); }, {x});
    CHECK_GRADGRADCHECK("roll", [](const Fn& a) { return square(roll(a[0], 4)); }, {x});
    CHECK_GRADCHECK("meshgrid", [](const Fn& a) { return meshgrid({a[0], a[1]}, "xy")[0]; }, {v, v});
    CHECK_GRADGRADCHECK("meshgrid", [](const Fn& a) { return square(meshgrid({a[0], a[1]})[1]); }, {v, v});
    CHECK_GRADCHECK("broadcast_tensors", [](const Fn& a) { return broadcast_tensors({a[0], a[1]})[1]; }, {x, v});
    CHECK_GRADGRADCHECK("broadcast_tensors", [](const Fn& a) { return square(broadcast_tensors({a[0], a[1]})[0]); },
                        {x, v});
    CHECK_GRADCHECK("movedim", [](const Fn& a) { return movedim(a[0], 0, 1); }, {x});
    CHECK_GRADGRADCHECK("movedim", [](const Fn& a) { return square(movedim(a[0], {1, 0}, {0, 1})); }, {x});
}

BOOST_AUTO_TEST_CASE(errors_name_the_op_and_what_was_wrong) {
    const Tensor x = zeros({2, 3});
    CHECK_THROWS_WITH(tile(x, {2, -1}), ValueError, "tile: repetitions must be >= 0, got -1");
    CHECK_THROWS_WITH(tile(x, {std::int64_t{1} << 40, std::int64_t{1} << 40}), ShapeError, "tile");
    CHECK_THROWS_WITH(repeat_interleave(x, -2), ValueError, "repeat_interleave: repeats must be >= 0, got -2");
    CHECK_THROWS_WITH(repeat_interleave(x, 1, 2), ValueError, "repeat_interleave: axis 2 is out of range");
    CHECK_THROWS_WITH(repeat_interleave(x, tensor({1, 2}, int64), 1), ShapeError,
                      "repeat_interleave: repeats has shape [2] but axis 1 of [2,3] has length 3");
    CHECK_THROWS_WITH(repeat_interleave(x, tensor({1, -1}, int64), 0), ValueError, "got -1 at position 1");
    CHECK_THROWS_WITH(repeat_interleave(x, tensor({1.0, 2.0}), 0), DtypeError, "repeats must be int64, got float32");
    CHECK_THROWS_WITH(repeat_interleave(x, std::int64_t{1} << 62, 0), ShapeError, "repeat_interleave");
    CHECK_THROWS_WITH(flip(x, {1, -1}), ValueError, "flip: axis -1 is given twice");
    CHECK_THROWS_WITH(flip(x, {3}), ValueError, "flip: axis 3 is out of range for a tensor of rank 2");
    CHECK_THROWS_WITH(roll(x, {1, 2}, {0}), ValueError, "roll: got 2 shifts for 1 axes");
    CHECK_THROWS_WITH(roll(x, {1}, {-3}), ValueError, "roll: axis -3");
    CHECK_THROWS_WITH(meshgrid({x}), ShapeError, "meshgrid: input 0 has shape [2,3]");
    CHECK_THROWS_WITH(meshgrid({zeros({2}), zeros({2}, int64)}), DtypeError, "meshgrid: input 1 is int64");
    CHECK_THROWS_WITH(meshgrid({zeros({2})}, "yx"), ValueError, "meshgrid: indexing must be \"ij\" or \"xy\", got \"yx\"");
    CHECK_THROWS_WITH(meshgrid({}), ValueError, "meshgrid: expected at least one tensor");
    CHECK_THROWS_WITH(broadcast_tensors({x, zeros({2})}), ShapeError, "broadcast_tensors");
    CHECK_THROWS_WITH(movedim(x, {0, 1}, {1}), ValueError, "movedim: got 2 source dimensions for 1 destinations");
    CHECK_THROWS_WITH(movedim(x, {0, 0}, {0, 1}), ValueError, "movedim: axis 0 is given twice");
    CHECK_THROWS_WITH(movedim(x, 0, 2), ValueError, "movedim: axis 2 is out of range");
}

BOOST_AUTO_TEST_SUITE_END()
