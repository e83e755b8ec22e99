// conv2d, im2col and col2im: values from hand computations and from a
// direct six-loop convolution, output sizes, layouts, groups, gradients.
#include <limits>

#include "../test_helpers.hpp"
#include "xgrad/autograd/engine.hpp"
#include "xgrad/core/threads.hpp"
#include "xgrad/ops/convolution.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

using namespace xgrad;
using xgrad_test::allclose;
using xgrad_test::counting_image;
using xgrad_test::values;
using Fn = std::vector<Tensor>;
namespace tt = boost::test_tools;

namespace {

/// The definition, loop by loop (channels-last, explicit padding before).
Tensor direct_conv2d(const Tensor& x, const Tensor& k, const Tensor& bias, std::int64_t sh, std::int64_t sw,
                     std::int64_t dh, std::int64_t dw, std::int64_t top, std::int64_t left, std::int64_t ho,
                     std::int64_t wo, std::int64_t groups) {
    const auto& xs = x.shape();
    const auto& ks = k.shape();
    const std::int64_t cg = ks[2], filters = ks[3], fg = filters / groups;
    const auto xv = values(x), kv = values(k);
    std::vector<double> out(static_cast<std::size_t>(xs[0] * ho * wo * filters));
    for (std::int64_t n = 0; n < xs[0]; ++n)
        for (std::int64_t i = 0; i < ho; ++i)
            for (std::int64_t j = 0; j < wo; ++j)
                for (std::int64_t f = 0; f < filters; ++f) {
                    double acc = bias.defined() ? values(bias)[f] : 0.0;
                    const std::int64_t g = f / fg;
                    for (std::int64_t a = 0; a < ks[0]; ++a)
                        for (std::int64_t b = 0; b < ks[1]; ++b)
                            for (std::int64_t c = 0; c < cg; ++c) {
                                const std::int64_t r = i * sh + a * dh - top, s = j * sw + b * dw - left;
                                if (r < 0 || r >= xs[1] || s < 0 || s >= xs[2]) continue;
                                acc += xv[((n * xs[1] + r) * xs[2] + s) * xs[3] + g * cg + c] *
                                       kv[((a * ks[1] + b) * cg + c) * filters + f];
                            }
                    out[((n * ho + i) * wo + j) * filters + f] = acc;
                }
    return from_vector(out, {xs[0], ho, wo, filters});
}

/// A convolution's shapes and options.
struct Case {
    std::int64_t n, h, w, c, kh, kw, filters, sh, sw, dh, dw, groups;
    Padding2d padding;
    Conv2dOptions options() const {
        return {.strides = {sh, sw}, .padding = padding, .dilation = {dh, dw}, .groups = groups};
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_convolution)

// 1 2 3        kernel 1 1  → 1+2+4+5  2+3+5+6     12 16
// 4 5 6               1 1    4+5+7+8  5+6+8+9  =  24 28
// 7 8 9
BOOST_AUTO_TEST_CASE(valid_convolution_by_hand) {
    const Tensor y = conv2d(counting_image(3, 3), ones({2, 2, 1, 1}, float64));
    BOOST_TEST(y.shape() == Shape({1, 2, 2, 1}));
    BOOST_TEST(values(y) == std::vector<double>({12, 16, 24, 28}), tt::per_element());
    // A bias is added to every position; dilation 2 makes the 2x2 kernel read the corners: 1 + 3 + 7 + 9.
    const Tensor corners = conv2d(counting_image(3, 3), ones({2, 2, 1, 1}, float64), full({1}, 0.5, float64),
                                  {.dilation = {2, 2}});
    BOOST_TEST(values(corners) == std::vector<double>({20.5}), tt::per_element());
}

// "same" keeps ceil(n / stride) positions and pads the odd row/column after:
// 4x4 image, 3x3 ones, stride 2 → 2x2; total padding (2−1)·2 + 3 − 4 = 1,
// all of it after, so the windows start at rows/columns 0 and 2.
BOOST_AUTO_TEST_CASE(same_padding_and_strides) {
    const Tensor x = counting_image(4, 4);
    const Tensor y = conv2d(x, ones({3, 3, 1, 1}, float64), Tensor(), {.strides = {2, 2}, .padding = "same"});
    BOOST_TEST(y.shape() == Shape({1, 2, 2, 1}));
    // rows 0-2 x cols 0-2: 1+2+3+5+6+7+9+10+11 = 54; cols 2-3 (+pad): 3+4+7+8+11+12 = 45;
    // rows 2-3 x cols 0-2: 9+10+11+13+14+15 = 72; rows 2-3 x cols 2-3: 11+12+15+16 = 54.
    BOOST_TEST(values(y) == std::vector<double>({54, 45, 72, 54}), tt::per_element());
    // Stride 1: same size, one row/column of zeros on each side; the corner sees 1+2+5+6.
    const Tensor s1 = conv2d(x, ones({3, 3, 1, 1}, float64), Tensor(), {.padding = "same"});
    BOOST_TEST(s1.shape() == Shape({1, 4, 4, 1}));
    BOOST_TEST(values(s1)[0] == 14.0);
    // Explicit padding: one row above only.
    const Tensor above = conv2d(x, ones({2, 2, 1, 1}, float64), Tensor(), {.padding = Padding2d(1, 0, 0, 0)});
    BOOST_TEST(above.shape() == Shape({1, 4, 3, 1}));
    BOOST_TEST(values(above)[0] == 3.0);  // 0 + 0 + 1 + 2
    BOOST_TEST(window_output_size(28, {.size = {7, 7}, .padding = "same"}, 0) == 28);
    BOOST_TEST(window_output_size(28, {.size = {2, 2}, .strides = {2, 2}}, 1) == 14);
    BOOST_TEST(window_output_size(5, {.size = {3, 3}, .strides = {2, 2}, .dilation = {2, 2}}, 0) == 1);
}

// Random shapes and options against the six-loop definition.
BOOST_AUTO_TEST_CASE(matches_the_direct_definition) {
    Generator g(21);
    const Case cases[] = {
        {2, 7, 6, 3, 3, 3, 4, 1, 1, 1, 1, 1, "valid"},   {2, 7, 6, 3, 3, 2, 4, 2, 1, 1, 1, 1, "same"},
        {1, 9, 8, 4, 3, 3, 6, 2, 2, 2, 1, 2, "same"},    {1, 6, 6, 4, 2, 2, 4, 1, 1, 1, 1, 4, Padding2d(1, 2)},
        {3, 5, 5, 2, 1, 1, 3, 2, 2, 1, 1, 1, "valid"},   {1, 8, 7, 6, 3, 3, 6, 3, 2, 1, 2, 3, Padding2d(2, 0, 1, 3)},
    };
    for (const Case& k : cases) {
        const Tensor x = normal({k.n, k.h, k.w, k.c}, 0.0, 1.0, float64, g);
        const Tensor kernel = normal({k.kh, k.kw, k.c / k.groups, k.filters}, 0.0, 1.0, float64, g);
        const Tensor bias = normal({k.filters}, 0.0, 1.0, float64, g);
        const Conv2dOptions o = k.options();
        const Tensor y = conv2d(x, kernel, bias, o);
        const Window2d w{{k.kh, k.kw}, {k.sh, k.sw}, {k.dh, k.dw}, k.padding};
        const std::int64_t ho = window_output_size(k.h, w, 0), wo = window_output_size(k.w, w, 1);
        // The padding before, as "same" resolves it: half the total, rounded down.
        const auto before = [&](std::int64_t n, int axis) {
            if (k.padding.mode == Padding2d::Mode::explicit_sizes) return axis == 0 ? k.padding.top : k.padding.left;
            if (k.padding.mode == Padding2d::Mode::valid) return std::int64_t{0};
            const std::int64_t s = axis == 0 ? k.sh : k.sw, span = (axis == 0 ? k.dh * (k.kh - 1) : k.dw * (k.kw - 1)) + 1;
            return std::max<std::int64_t>(((n + s - 1) / s - 1) * s + span - n, 0) / 2;
        };
        const Tensor expected = direct_conv2d(x, kernel, bias, k.sh, k.sw, k.dh, k.dw, before(k.h, 0), before(k.w, 1),
                                              ho, wo, k.groups);
        BOOST_TEST(allclose(y, expected, 1e-12, 1e-12));
        // channels_first: the same numbers, permuted.
        const Tensor first = conv2d(permute(x, {0, 3, 1, 2}), kernel, bias,
                                    {.strides = o.strides, .padding = o.padding, .dilation = o.dilation,
                                     .groups = o.groups, .data_format = DataFormat::channels_first});
        BOOST_TEST(allclose(first, permute(expected, {0, 3, 1, 2}), 1e-12, 1e-12));
    }
    // float32 too.
    const Tensor x = normal({2, 5, 5, 3}, 0.0, 1.0, float32, g), kernel = normal({3, 3, 3, 2}, 0.0, 1.0, float32, g);
    const Tensor expected = direct_conv2d(x.to(float64), kernel.to(float64), Tensor(), 1, 1, 1, 1, 1, 1, 5, 5, 1);
    BOOST_TEST(allclose(conv2d(x, kernel, Tensor(), {.padding = "same"}).to(float64), expected, 1e-5, 1e-5));
}

// float32 runs on oneDNN's primitives (the recorded op is "conv2d" itself,
// not the composite's last op); its values and all three gradients match the
// float64 composite, with 1 and 2 threads (2 splits the batch 2 + 3).
BOOST_AUTO_TEST_CASE(onednn_float32_matches_the_float64_composite) {
    Generator g(8);
    const Case cases[] = {
        {5, 14, 14, 8, 3, 3, 16, 1, 1, 1, 1, 1, "same"},  {5, 9, 8, 4, 3, 3, 6, 2, 2, 2, 1, 2, "same"},
        {5, 8, 7, 6, 3, 3, 6, 3, 2, 1, 2, 3, Padding2d(2, 0, 1, 3)}, {5, 12, 12, 1, 7, 7, 8, 1, 1, 1, 1, 1, "same"},
        {5, 6, 6, 4, 2, 2, 4, 1, 1, 1, 1, 4, "valid"},
    };
    const int previous = num_threads();
    for (const int threads : {1, 2}) {
        set_num_threads(threads);
        for (const Case& k : cases) {
            const Conv2dOptions o = k.options();
            Tensor x64 = normal({k.n, k.h, k.w, k.c}, 0.0, 1.0, float64, g);
            Tensor k64 = normal({k.kh, k.kw, k.c / k.groups, k.filters}, 0.0, 1.0, float64, g);
            Tensor b64 = normal({k.filters}, 0.0, 1.0, float64, g);
            Tensor x = x64.to(float32).requires_grad_(), kernel = k64.to(float32).requires_grad_(),
                   bias = b64.to(float32).requires_grad_();
            const Tensor y = conv2d(x, kernel, bias, o);
            BOOST_TEST(std::string(y.impl()->grad_fn->name()) == "conv2d");
            const Tensor y64 = conv2d(x64, k64, b64, o);
            BOOST_TEST(allclose(y.to(float64), y64, 1e-4, 1e-4));
            // Gradients of Σ y·u for a random u, against the composite's.
            const Tensor u64 = normal(y64.shape(), 0.0, 1.0, float64, g);
            const auto d = grad({y}, {x, kernel, bias}, {u64.to(float32)});
            const auto d64 = grad({conv2d(x64.requires_grad_(), k64.requires_grad_(), b64.requires_grad_(), o)},
                                  {x64, k64, b64}, {u64});
            for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(allclose(d[i].to(float64), d64[i], 1e-3, 1e-3));
        }
    }
    set_num_threads(previous);
    // An empty batch (a rank's empty shard in data-parallel training): no output rows, zero kernel gradient.
    Tensor kernel0 = normal({3, 3, 2, 4}, 0.0, 1.0, float32, g).requires_grad_();
    const Tensor empty = conv2d(zeros({0, 5, 5, 2}), kernel0, Tensor(), {.padding = "same"});
    BOOST_TEST(empty.shape() == Shape({0, 5, 5, 4}));
    sum(empty).backward();
    BOOST_TEST(values(kernel0.grad()) == std::vector<double>(72, 0.0), tt::per_element());
    // channels_first takes the same path through permutes.
    const Tensor x = normal({3, 4, 10, 10}, 0.0, 1.0, float32, g), kernel = normal({3, 3, 4, 8}, 0.0, 1.0, float32, g);
    const Conv2dOptions first{.padding = "same", .data_format = DataFormat::channels_first};
    BOOST_TEST(allclose(conv2d(x, kernel, Tensor(), first).to(float64),
                        conv2d(x.to(float64), kernel.to(float64), Tensor(), first), 1e-4, 1e-4));
}

// A backward pass that builds a graph (create_graph) composes conv2d's
// gradients from ops, so float32 second derivatives match float64's:
// d/dkernel Σ (dy/dx · u)² through the oneDNN forward.
BOOST_AUTO_TEST_CASE(onednn_path_has_second_derivatives) {
    Generator g(9);
    const Conv2dOptions o{.strides = {2, 1}, .padding = "same", .groups = 2};
    const Tensor x64 = normal({2, 6, 6, 4}, 0.0, 1.0, float64, g), k64 = normal({3, 3, 2, 6}, 0.0, 1.0, float64, g);
    const Tensor u64 = normal(conv2d(x64, k64, Tensor(), o).shape(), 0.0, 1.0, float64, g);
    const auto second = [&](Tensor x, Tensor kernel, const Tensor& u) {
        x.requires_grad_();
        kernel.requires_grad_();
        const Tensor y = conv2d(x, kernel, Tensor(), o);
        GradOptions graph;
        graph.create_graph = true;
        const Tensor dx = grad({y}, {x}, {u}, graph)[0];
        return grad({sum(dx * dx)}, {kernel})[0];
    };
    BOOST_TEST(allclose(second(x64.to(float32), k64.to(float32), u64.to(float32)).to(float64), second(x64, k64, u64),
                        1e-3, 1e-3));
}

// im2col's rows are the windows in (row, column, channel) order, padding
// reading pad_value; col2im adds each row back: a pixel covered by m
// windows gets m times its value from col2im(im2col(x)).
BOOST_AUTO_TEST_CASE(im2col_and_col2im_by_hand) {
    const Tensor x = counting_image(3, 3);
    const Window2d w{.size = {2, 2}, .padding = Padding2d(0, 1, 0, 1)};
    const Tensor cols = im2col(x, w, -1.0);
    BOOST_TEST(cols.shape() == Shape({1, 3, 3, 4}));
    const auto v = values(cols);
    BOOST_TEST(std::vector<double>(v.begin(), v.begin() + 4) == std::vector<double>({1, 2, 4, 5}), tt::per_element());
    BOOST_TEST(std::vector<double>(v.end() - 4, v.end()) == std::vector<double>({9, -1, -1, -1}), tt::per_element());
    const Tensor back = col2im(im2col(x, w), x.shape(), w);
    // Coverage counts of a 3x3 image by 2x2 windows at every position (padding after): 1 2 2 / 2 4 4 / 2 4 4.
    BOOST_TEST(values(back) == std::vector<double>({1, 4, 6, 8, 20, 24, 14, 32, 36}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    Generator g(5);
    const Tensor x = normal({2, 5, 4, 4}, 0.0, 1.0, float64, g);
    const Tensor kernel = normal({3, 2, 2, 6}, 0.0, 1.0, float64, g);
    const Tensor bias = normal({6}, 0.0, 1.0, float64, g);
    const auto conv = [](const Fn& v) {
        return conv2d(v[0], v[1], v[2], {.strides = {2, 1}, .padding = "same", .dilation = {1, 2}, .groups = 2});
    };
    CHECK_GRADCHECK("conv2d", conv, {x, kernel, bias});
    CHECK_GRADGRADCHECK("conv2d", conv, {x, kernel, bias});
    const auto first = [](const Fn& v) {
        return conv2d(v[0], v[1], Tensor(), {.padding = Padding2d(1, 0), .data_format = DataFormat::channels_first});
    };
    CHECK_GRADCHECK("conv2d", first, {permute(x, {0, 3, 1, 2}), normal({2, 2, 4, 3}, 0.0, 1.0, float64, g)});
    const Window2d w{.size = {2, 3}, .strides = {1, 2}, .padding = "same"};
    CHECK_GRADCHECK("im2col", [w](const Fn& v) { return im2col(v[0], w, 0.5); }, {x});
    CHECK_GRADGRADCHECK("im2col", [w](const Fn& v) { return im2col(v[0], w) * im2col(v[0], w); }, {x});
    const Tensor cols = normal(im2col(x, w).shape(), 0.0, 1.0, float64, g);
    CHECK_GRADCHECK("col2im", [w, shape = x.shape()](const Fn& v) { return col2im(v[0], shape, w); }, {cols});
}

BOOST_AUTO_TEST_CASE(errors_name_the_shapes) {
    const Tensor x = zeros({1, 5, 5, 3});
    CHECK_THROWS_WITH(conv2d(x, zeros({3, 3, 2, 4})), ShapeError,
                      "kernel [3,3,2,4] [kh, kw, C / groups, filters] does not fit input [1,5,5,3]");
    CHECK_THROWS_WITH(conv2d(x, zeros({3, 3, 1, 4}), Tensor(), {.groups = 3}), ShapeError, "with groups 3");
    CHECK_THROWS_WITH(conv2d(x, zeros({7, 7, 3, 4})), ShapeError, "does not fit in input [1,5,5,3]");
    CHECK_THROWS_WITH(conv2d(x, zeros({3, 3, 3, 4}), zeros({3})), ShapeError, "bias must have shape [4]");
    CHECK_THROWS_WITH(conv2d(x, zeros({3, 3, 3, 4}, float64)), DtypeError, "must have one dtype");
    CHECK_THROWS_WITH(conv2d(zeros({5, 5, 3}), zeros({3, 3, 3, 4})), ShapeError, "input must be 4-D, got [5,5,3]");
    CHECK_THROWS_WITH(conv2d(x, zeros({3, 3, 3, 4}), Tensor(), {.strides = {0, 1}}), ValueError,
                      "strides and dilation must be in [1, 65536]");
    CHECK_THROWS_WITH(conv2d(x, zeros({3, 3, 3, 4}), Tensor(), {.groups = 0}), ValueError, "groups must be >= 1");
    CHECK_THROWS_WITH(Padding2d("full"), ValueError, "expected \"valid\", \"same\" or explicit sizes, got \"full\"");
    CHECK_THROWS_WITH(Padding2d(-1, 0), ValueError, "sizes must be >= 0");
    CHECK_THROWS_WITH(col2im(zeros({1, 2, 2, 4}), {1, 3, 3, 1}, {.size = {2, 2}, .strides = {2, 2}}), ShapeError,
                      "which gives [1,1,1,4]");
}

// Window options from outside (model files, configs) are bounded by
// max_window_extent (2^16), so no size computed from them wraps around:
// dilation INT64_MAX once turned a 3x3 "valid" window on 28 rows into 30
// output rows, and 2^32 x 2^32 windows sized im2col's buffer from a product
// that wrapped to 0 before writing into it.
BOOST_AUTO_TEST_CASE(hostile_window_geometry_is_refused) {
    constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
    const std::int64_t t32 = std::int64_t{1} << 32;
    CHECK_THROWS_WITH(window_output_size(28, {.size = {3, 3}, .dilation = {int64_max, 1}}, 0), ValueError,
                      "window_padding: window sizes, strides and dilation must be in [1, 65536], got a 3x3 window "
                      "(strides 1,1, dilation 9223372036854775807,1)");
    CHECK_THROWS_WITH(window_output_size(28, {.size = {3, 3}, .strides = {int64_max, 1}, .padding = "same"}, 0),
                      ValueError, "must be in [1, 65536]");
    CHECK_THROWS_WITH(window_padding(28, {.size = {t32, t32}, .padding = "same"}, 0), ValueError,
                      "got a 4294967296x4294967296 window");
    CHECK_THROWS_WITH(window_output_size(28, {.size = {3, 3}, .dilation = {40000, 1}}, 0), ValueError,
                      "the dilated window, dilation·(size − 1) + 1, must be at most 65536, got a 3x3 window "
                      "(strides 1,1, dilation 40000,1)");
    CHECK_THROWS_WITH(window_output_size(28, {.size = {3, 3}, .padding = Padding2d(int64_max - 1, 2)}, 0), ValueError,
                      "explicit padding must be in [0, 65536], got a 3x3 window (strides 1,1, dilation 1,1, padding "
                      "9223372036854775806,9223372036854775806,2,2)");
    // A bounded window on a huge (declared, not allocated) input: the padded size would overflow.
    CHECK_THROWS_WITH(window_output_size(int64_max, {.size = {3, 3}, .padding = "same"}, 0), ShapeError,
                      "input size 9223372036854775807 plus padding 2 overflows int64");
    CHECK_THROWS_WITH(window_output_size(-5, {}, 0), ShapeError, "negative input size -5");
    // The bound itself is accepted: ceil(n / s) outputs with "same", the rule in the header.
    BOOST_TEST(window_output_size(28, {.size = {65536, 1}, .padding = "same"}, 0) == 28);
    BOOST_TEST(window_output_size(28, {.size = {3, 1}, .strides = {65536, 1}, .padding = "same"}, 0) == 1);
    BOOST_TEST(window_output_size(int64_max, {.size = {65536, 1}, .strides = {65536, 1}}, 0) == int64_max / 65536);
    // im2col/col2im size their columns from kh·kw·C: an image shape whose product overflows is refused.
    CHECK_THROWS_WITH(col2im(zeros({1, 3, 3, 0}), {1, 4, 4, std::int64_t{1} << 62}, {.size = {2, 2}}), ShapeError,
                      "col2im: the columns of the 2x2 window (strides 1,1, dilation 1,1): shape "
                      "[1,3,3,2,2,4611686018427387904] has more than 2^63 elements");
    // conv2d: the same refusals, before oneDNN sees the geometry (dilation 10^9 "same" used to hang in it).
    const Tensor x = zeros({1, 28, 28, 1});
    CHECK_THROWS_WITH(conv2d(x, zeros({3, 3, 1, 2}), Tensor(), {.padding = "same", .dilation = {1000000000, 1}}),
                      ValueError, "conv2d: window sizes, strides and dilation must be in [1, 65536]");
    CHECK_THROWS_WITH(conv2d(x, zeros({3, 3, 1, 2}), Tensor(), {.padding = Padding2d(70000, 0)}), ValueError,
                      "explicit padding must be in [0, 65536]");
}

// No input channels (or no filters) is refused as a shape error: it used to
// divide by zero (SIGFPE) in the composite's row count.
BOOST_AUTO_TEST_CASE(no_channels_or_filters_is_a_shape_error) {
    for (const Dtype dtype : {float32, float64}) {
        CHECK_THROWS_WITH(conv2d(zeros({2, 5, 5, 0}, dtype), zeros({3, 3, 0, 4}, dtype)), ShapeError,
                          "conv2d: input [2,5,5,0] and kernel [3,3,0,4] need at least one input channel and one filter");
        CHECK_THROWS_WITH(conv2d(zeros({2, 5, 5, 3}, dtype), zeros({3, 3, 3, 0}, dtype)), ShapeError,
                          "kernel [3,3,3,0] need at least one input channel and one filter");
    }
}

BOOST_AUTO_TEST_SUITE_END()
