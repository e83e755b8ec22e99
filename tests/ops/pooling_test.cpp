// max_pool2d, avg_pool2d and global pooling: hand-computed values, padding
// rules, where the gradient goes, layouts, gradchecks, errors.
#include <algorithm>
#include <cmath>
#include <limits>

#include "../test_helpers.hpp"
#include "xgrad/autograd/engine.hpp"
#include "xgrad/core/threads.hpp"
#include "xgrad/ops/pooling.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

using namespace xgrad;
using xgrad_test::allclose;
using xgrad_test::counting_image;
using xgrad_test::values;
using Fn = std::vector<Tensor>;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(ops_pooling)

//  1  2  3  4
//  5  6  7  8     2x2 pools, strides 2 (the default): max 6 8 14 16,
//  9 10 11 12     mean 3.5 5.5 11.5 13.5
// 13 14 15 16
BOOST_AUTO_TEST_CASE(values_by_hand) {
    const Tensor x = counting_image(4, 4);
    BOOST_TEST(values(max_pool2d(x)) == std::vector<double>({6, 8, 14, 16}), tt::per_element());
    BOOST_TEST(values(avg_pool2d(x)) == std::vector<double>({3.5, 5.5, 11.5, 13.5}), tt::per_element());
    BOOST_TEST(max_pool2d(x).shape() == Shape({1, 2, 2, 1}));
    // Stride 1: 3x3 outputs.
    BOOST_TEST(max_pool2d(x, {.strides = std::array<std::int64_t, 2>{1, 1}}).shape() == Shape({1, 3, 3, 1}));
    // "same" on 5x5 with 2x2 pools, strides 2: 3x3 outputs, the padding after,
    // so the last row/column of windows hold one real row/column.
    const Tensor y = max_pool2d(counting_image(5, 5), {.padding = "same"});
    BOOST_TEST(values(y) == std::vector<double>({7, 9, 10, 17, 19, 20, 22, 24, 25}), tt::per_element());
    // The mean counts only pixels inside the image (Keras): 3x3 pools, stride 1, "same" on 3x3.
    const Tensor m = avg_pool2d(counting_image(3, 3), {.pool_size = {3, 3}, .strides = std::array<std::int64_t, 2>{1, 1},
                                                       .padding = "same"});
    // corner (1+2+4+5)/4 = 3, edge (1+2+3+4+5+6)/6 = 3.5, centre 45/9 = 5
    BOOST_TEST(values(m) == std::vector<double>({3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(global_pooling) {
    const Tensor x = reshape(arange(1.0, 25.0, 1.0, float64), {2, 3, 2, 2});  // [N, H, W, C]
    // Image 0, channel 0: 1, 3, 5, 7, 9, 11 → mean 6, max 11; channel 1: 2..12 → 7, 12.
    BOOST_TEST(values(global_avg_pool2d(x)) == std::vector<double>({6, 7, 18, 19}), tt::per_element());
    BOOST_TEST(values(global_max_pool2d(x)) == std::vector<double>({11, 12, 23, 24}), tt::per_element());
    BOOST_TEST(global_avg_pool2d(x, DataFormat::channels_last, true).shape() == Shape({2, 1, 1, 2}));
    const Tensor first = permute(x, {0, 3, 1, 2});
    BOOST_TEST(allclose(global_avg_pool2d(first, DataFormat::channels_first), global_avg_pool2d(x), 0, 0));
    BOOST_TEST(global_max_pool2d(first, DataFormat::channels_first, true).shape() == Shape({2, 2, 1, 1}));
}

// The gradient of a max goes to the window's first largest pixel (PyTorch's
// rule), a NaN wins, and the channels-first layout gives the same numbers.
BOOST_AUTO_TEST_CASE(max_gradient_goes_to_the_first_winner) {
    Tensor ties = zeros({1, 2, 2, 1}, float64).requires_grad_();
    sum(max_pool2d(ties)).backward();
    BOOST_TEST(values(ties.grad()) == std::vector<double>({1, 0, 0, 0}), tt::per_element());
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const Tensor with_nan = tensor({{1.0, nan}, {3.0, 2.0}}, float64);
    BOOST_TEST(std::isnan(values(max_pool2d(reshape(with_nan, {1, 2, 2, 1})))[0]));
    Generator g(3);
    const Tensor x = normal({2, 5, 6, 3}, 0.0, 1.0, float64, g);
    const Pool2dOptions o{.pool_size = {3, 2}, .padding = "same"};
    Pool2dOptions of = o;
    of.data_format = DataFormat::channels_first;
    BOOST_TEST(allclose(max_pool2d(permute(x, {0, 3, 1, 2}), of), permute(max_pool2d(x, o), {0, 3, 1, 2}), 0, 0));
    BOOST_TEST(allclose(avg_pool2d(permute(x, {0, 3, 1, 2}), of), permute(avg_pool2d(x, o), {0, 3, 1, 2}), 1e-15, 1e-15));
}

// The float32 pass over 40 channels (vector lanes and a remainder): a NaN
// in a window's last pixel still wins in its channel only; 1 and 2 threads
// give the same values and gradient bit for bit.
BOOST_AUTO_TEST_CASE(float32_nan_and_threads) {
    Generator g(6);
    Tensor x = normal({8, 12, 12, 40}, 0.0, 1.0, float32, g);
    x.data<float>()[((1 * 12 + 3) * 12 + 5) * 40 + 17] = std::numeric_limits<float>::quiet_NaN();
    const int previous = num_threads();
    std::vector<std::vector<double>> outputs, gradients;
    for (const int threads : {1, 2}) {
        set_num_threads(threads);
        Tensor leaf = x.detach().requires_grad_();
        const Tensor y = max_pool2d(leaf);
        sum(y * y).backward();
        outputs.push_back(values(y));
        gradients.push_back(values(leaf.grad()));
    }
    set_num_threads(previous);
    // An empty batch: no rows out, an empty gradient back (also through a graph).
    Tensor empty = zeros({0, 4, 4, 3}).requires_grad_();
    const Tensor pooled = max_pool2d(empty);
    BOOST_TEST(pooled.shape() == Shape({0, 2, 2, 3}));
    GradOptions graph;
    graph.create_graph = true;
    BOOST_TEST(grad({sum(pooled)}, {empty}, {}, graph)[0].shape() == Shape({0, 4, 4, 3}));
    sum(max_pool2d(empty)).backward();
    BOOST_TEST(empty.grad().shape() == Shape({0, 4, 4, 3}));
    const auto& y = outputs[0];
    BOOST_TEST(std::count_if(y.begin(), y.end(), [](double v) { return std::isnan(v); }) == 1);
    BOOST_TEST(std::isnan(y[((1 * 6 + 1) * 6 + 2) * 40 + 17]));  // pixel (3, 5) is window (1, 2)'s last
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (std::isnan(y[i])) continue;
        BOOST_TEST_REQUIRE(outputs[1][i] == y[i]);
    }
    BOOST_TEST(values(x).size() == gradients[1].size());
    for (std::size_t i = 0; i < gradients[0].size(); ++i) {
        if (std::isnan(gradients[0][i])) BOOST_TEST_REQUIRE(std::isnan(gradients[1][i]));
        else BOOST_TEST_REQUIRE(gradients[1][i] == gradients[0][i]);
    }
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    Generator g(4);
    const Tensor x = normal({2, 5, 4, 3}, 0.0, 1.0, float64, g);
    const Pool2dOptions same{.pool_size = {2, 3}, .strides = std::array<std::int64_t, 2>{2, 1}, .padding = "same"};
    CHECK_GRADCHECK("max_pool2d", [same](const Fn& v) { return max_pool2d(v[0], same); }, {x});
    CHECK_GRADGRADCHECK("max_pool2d", [same](const Fn& v) { return max_pool2d(v[0] * v[0], same); }, {x});
    CHECK_GRADCHECK("avg_pool2d", [same](const Fn& v) { return avg_pool2d(v[0], same); }, {x});
    CHECK_GRADGRADCHECK("avg_pool2d", [same](const Fn& v) { return avg_pool2d(v[0] * v[0], same); }, {x});
    const Pool2dOptions first{.padding = Padding2d(1, 0), .data_format = DataFormat::channels_first};
    CHECK_GRADCHECK("avg_pool2d", [first](const Fn& v) { return avg_pool2d(v[0], first); }, {permute(x, {0, 3, 1, 2})});
    CHECK_GRADCHECK("max_pool2d", [first](const Fn& v) { return max_pool2d(v[0], first); }, {permute(x, {0, 3, 1, 2})});
}

BOOST_AUTO_TEST_CASE(errors) {
    const Tensor x = zeros({1, 3, 3, 2});
    CHECK_THROWS_WITH(max_pool2d(x, {.pool_size = {4, 4}}), ShapeError, "the 4x4 pool does not fit in input [1,3,3,2] (channels last; strides 4,4, padding \"valid\")");
    CHECK_THROWS_WITH(avg_pool2d(x, {.pool_size = {0, 2}}), ValueError,
                      "avg_pool2d: window sizes, strides and dilation must be in [1, 65536], got a 0x2 window");
    // A window with no pixel inside the image has no maximum and no mean: both
    // refuse the geometry (avg_pool2d used to return NaN, max_pool2d to throw
    // mid-loop), as PyTorch does by requiring padding <= pool / 2.
    CHECK_THROWS_WITH(max_pool2d(x, {.padding = Padding2d(2, 0, 0, 0)}), ShapeError,
                      "max_pool2d: a window of the 2x2 pool lies entirely in the padding of input [1,3,3,2] (channels "
                      "last; strides 2,2, padding 2,0,0,0); use less padding than the pool size");
    CHECK_THROWS_WITH(avg_pool2d(x, {.padding = Padding2d(2, 0, 0, 0)}), ShapeError,
                      "avg_pool2d: a window of the 2x2 pool lies entirely in the padding of input [1,3,3,2]");
    // The last window can miss the image too: columns 0..2, padded 3 after, strides 3 → the second window is [3, 5).
    CHECK_THROWS_WITH(avg_pool2d(x, {.pool_size = {1, 2}, .strides = std::array<std::int64_t, 2>{1, 3},
                                     .padding = Padding2d(0, 0, 0, 3)}),
                      ShapeError, "lies entirely in the padding of input [1,3,3,2] (channels last; strides 1,3, padding 0,0,0,3)");
    CHECK_THROWS_WITH(max_pool2d(zeros({3, 3, 2})), ShapeError, "input must be 4-D, got [3,3,2]");
    CHECK_THROWS_WITH(global_avg_pool2d(zeros({1, 3, 3, 2}, int64)), DtypeError, "must be float32 or float64");
}

// Pool windows from a model file are bounded (2^16 per side, see
// max_window_extent) and cost what the image costs, not what the window
// does: a 2^32 pool used to size im2col's buffer from a product that
// wrapped to 0 (a heap overflow), a 2^62 max pool to loop over 2^62 rows.
BOOST_AUTO_TEST_CASE(huge_pools_are_refused_or_cheap) {
    const std::int64_t t32 = std::int64_t{1} << 32, t62 = std::int64_t{1} << 62;
    const Tensor x = counting_image(28, 28);
    CHECK_THROWS_WITH(avg_pool2d(x, {.pool_size = {t32, 2}, .padding = "same"}), ValueError,
                      "avg_pool2d: window sizes, strides and dilation must be in [1, 65536], got a 4294967296x2 window");
    CHECK_THROWS_WITH(max_pool2d(x, {.pool_size = {t62, t62}, .padding = "same"}), ValueError,
                      "max_pool2d: window sizes, strides and dilation must be in [1, 65536]");
    CHECK_THROWS_WITH(max_pool2d(x, {.pool_size = {2, 2}, .strides = std::array<std::int64_t, 2>{t62, 1}}), ValueError,
                      "got a 2x2 window (strides 4611686018427387904,1");
    // The largest pool, stride 1, "same": every window holds the whole image,
    // so each output is the image's maximum (784) or mean (392.5).
    const Pool2dOptions largest{.pool_size = {65536, 65536}, .strides = std::array<std::int64_t, 2>{1, 1}, .padding = "same"};
    const Tensor maxima = max_pool2d(x, largest), means = avg_pool2d(x, largest);
    BOOST_TEST(maxima.shape() == Shape({1, 28, 28, 1}));
    BOOST_TEST(values(maxima) == std::vector<double>(784, 784.0), tt::per_element());
    BOOST_TEST(values(means) == std::vector<double>(784, 392.5), tt::per_element());
    // Its gradient: each of the 784 outputs spreads 1/784 over all 784 pixels.
    Tensor leaf = x.detach().requires_grad_();
    sum(avg_pool2d(leaf, largest)).backward();
    BOOST_TEST(allclose(leaf.grad(), ones({1, 28, 28, 1}, x.dtype()), 1e-12, 1e-12));
}

BOOST_AUTO_TEST_SUITE_END()
