// conv2d_transpose: values by hand, output sizes against Keras'
// deconv_output_length, the adjoint of conv2d (which fixes where "same"
// crops, as TensorFlow does), oneDNN against the composite, gradients, errors.
#include <optional>

#include "../test_helpers.hpp"
#include "xgrad/autograd/engine.hpp"
#include "xgrad/ops/convolution.hpp"
#include "xgrad/ops/convolution_transpose.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

using namespace xgrad;
using xgrad_test::allclose;
using xgrad_test::values;
using Fn = std::vector<Tensor>;
namespace tt = boost::test_tools;

namespace {

/// Keras' deconv_output_length (keras/src/utils/conv_utils.py), transcribed.
std::int64_t keras_deconv_output_length(std::int64_t n, std::int64_t k, bool same, std::optional<std::int64_t> output_padding,
                                        std::int64_t stride, std::int64_t dilation) {
    k = k + (k - 1) * (dilation - 1);
    if (!output_padding) return same ? n * stride : n * stride + std::max<std::int64_t>(k - stride, 0);
    const std::int64_t pad = same ? k / 2 : 0;
    return (n - 1) * stride + k - 2 * pad + *output_padding;
}

double inner(const Tensor& a, const Tensor& b) { return (a * b).sum().item<double>(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_convolution_transpose)

// x = [[1, 2], [3, 4]] spreads kernel [[1, 10], [100, 1000]] from each pixel:
// stride 1 overlaps the copies, stride 2 places them side by side.
BOOST_AUTO_TEST_CASE(two_by_two_by_hand) {
    const Tensor x = xgrad_test::counting_image(2, 2);
    const Tensor kernel = from_vector(std::vector<double>{1, 10, 100, 1000}, {2, 2, 1, 1});
    BOOST_TEST(values(conv2d_transpose(x, kernel)) ==
                   std::vector<double>({1, 12, 20, 103, 1234, 2040, 300, 3400, 4000}),
               tt::per_element());
    const std::vector<double> side_by_side{1, 10, 2, 20, 100, 1000, 200, 2000, 3, 30, 4, 40, 300, 3000, 400, 4000};
    BOOST_TEST(values(conv2d_transpose(x, kernel, Tensor(), {.strides = {2, 2}})) == side_by_side, tt::per_element());
    // "same", stride 2: the 4x4 above (nothing cropped); stride 1: the first 2x2 of the 3x3, plus the bias.
    BOOST_TEST(values(conv2d_transpose(x, kernel, Tensor(), {.strides = {2, 2}, .padding = "same"})) == side_by_side,
               tt::per_element());
    const Tensor same = conv2d_transpose(x, kernel, full({1}, 0.5, float64), {.padding = "same"});
    BOOST_TEST(values(same) == std::vector<double>({1.5, 12.5, 103.5, 1234.5}), tt::per_element());
    // Explicit padding crops as PyTorch's padding does; output_padding adds a row and a column of zeros.
    const Tensor cropped = conv2d_transpose(x, kernel, Tensor(), {.padding = Padding2d(1, 1)});
    BOOST_TEST(values(cropped) == std::vector<double>({1234}), tt::per_element());
    const Tensor extra = conv2d_transpose(x, kernel, Tensor(),
                                          {.strides = {3, 3}, .output_padding = std::array<std::int64_t, 2>{1, 2}});
    BOOST_TEST((extra.shape() == Shape{1, 6, 7, 1}));
    BOOST_TEST(values(slice(extra, 1, 5, 6)) == std::vector<double>(7, 0.0), tt::per_element());
    BOOST_TEST(values(extra)[3 * 7 + 3] == 4.0);  // x[1, 1]·kernel[0, 0] at (3, 3)
}

// Every padding, stride, dilation and output_padding: the size is Keras'
// rule, and conv2d_transpose is the adjoint of conv2d over that output
// (<ct(x), y> = <x, conv2d(y)>) wherever conv2d maps the output size back
// to the input size, as TensorFlow requires of conv2d_transpose.
BOOST_AUTO_TEST_CASE(sizes_follow_keras_and_adjoint_of_conv2d) {
    Generator g(3);
    int adjoint_checks = 0;
    for (const std::int64_t n : {1, 2, 5, 7})
        for (const std::int64_t k : {1, 2, 3, 4, 5})
            for (const std::int64_t s : {1, 2, 3})
                for (const std::int64_t d : {1, 2})
                    for (const bool same : {false, true})
                        for (std::int64_t p = -1; p < s; ++p) {
                            const auto op = p < 0 ? std::nullopt : std::optional<std::int64_t>(p);
                            const Conv2dTransposeOptions o{.strides = {s, 1}, .padding = same ? "same" : "valid",
                                                           .output_padding = op ? std::optional(std::array{*op, std::int64_t{0}}) : std::nullopt,
                                                           .dilation = {d, 1}};
                            const std::int64_t expected = keras_deconv_output_length(n, k, same, op, s, d);
                            if (expected < 1) continue;
                            BOOST_TEST_CONTEXT("n " << n << " k " << k << " s " << s << " d " << d << " same " << same
                                                    << " output_padding " << p) {
                                BOOST_TEST(conv_transpose_output_size(n, k, o, 0) == expected);
                                const Tensor x = normal({1, n, 3, 2}, 0.0, 1.0, float64, g);
                                const Tensor kernel = normal({k, 1, 3, 2}, 0.0, 1.0, float64, g);  // columns: 3 in every mode
                                const Tensor y = conv2d_transpose(x, kernel, Tensor(), o);
                                BOOST_TEST((y.shape() == Shape{1, expected, 3, 3}));
                                const Window2d back{{k, 1}, {s, 1}, {d, 1}, o.padding};
                                if (window_output_size(expected, back, 0) != n) continue;
                                const Tensor u = normal(y.shape(), 0.0, 1.0, float64, g);
                                const Tensor cu = conv2d(u, kernel, Tensor(), {.strides = {s, 1}, .padding = o.padding,
                                                                               .dilation = {d, 1}});
                                BOOST_TEST(inner(y, u) == inner(x, cu), tt::tolerance(1e-10));
                                ++adjoint_checks;
                            }
                        }
    BOOST_TEST(adjoint_checks > 500);
    // Keras' numbers for a 7x7 input (Conv2DTranspose(…).compute_output_shape).
    const auto size = [](std::int64_t k, std::int64_t s, const char* padding, std::optional<std::int64_t> op) {
        Conv2dTransposeOptions o{.strides = {s, s}, .padding = padding};
        if (op) o.output_padding = std::array{*op, *op};
        return conv_transpose_output_size(7, k, o, 0);
    };
    BOOST_TEST(size(3, 2, "same", std::nullopt) == 14);
    BOOST_TEST(size(3, 2, "valid", std::nullopt) == 15);
    BOOST_TEST(size(4, 2, "valid", std::nullopt) == 16);
    BOOST_TEST(size(1, 2, "valid", std::nullopt) == 14);
    BOOST_TEST(size(3, 2, "same", 1) == 14);
    BOOST_TEST(size(3, 2, "valid", 1) == 16);
    BOOST_TEST(size(5, 1, "same", 0) == 7);
}

// float32 runs on oneDNN (the recorded op is conv2d_transpose itself);
// forward and gradients agree with the float64 composite.
BOOST_AUTO_TEST_CASE(onednn_matches_composite) {
    Generator g(9);
    struct Case {
        Shape x, kernel;
        Conv2dTransposeOptions options;
    };
    const std::vector<Case> cases{
        {{2, 7, 7, 8}, {3, 3, 16, 8}, {.strides = {2, 2}, .padding = "same"}},
        {{3, 5, 6, 4}, {2, 3, 5, 4}, {}},
        {{2, 4, 4, 3}, {1, 2, 6, 3}, {.strides = {3, 2}}},  // output past the full result: zeros
        {{2, 5, 5, 4}, {3, 3, 4, 4}, {.strides = {2, 2}, .padding = "same", .output_padding = std::array<std::int64_t, 2>{1, 0}}},
        {{1, 6, 5, 2}, {3, 2, 3, 2}, {.strides = {1, 2}, .padding = Padding2d(1, 0, 0, 1), .dilation = {2, 1}}},
    };
    for (const Case& c : cases) {
        Tensor x64 = normal(c.x, 0.0, 1.0, float64, g), k64 = normal(c.kernel, 0.0, 1.0, float64, g);
        Tensor b64 = normal({c.kernel[2]}, 0.0, 1.0, float64, g);
        const Tensor x = x64.to(float32).requires_grad_(), k = k64.to(float32).requires_grad_(),
                     b = b64.to(float32).requires_grad_();
        const Tensor y = conv2d_transpose(x, k, b, c.options);
        BOOST_TEST(std::string(y.impl()->grad_fn->name()) == "conv2d_transpose");
        const Tensor y64 = conv2d_transpose(x64.requires_grad_(), k64.requires_grad_(), b64.requires_grad_(), c.options);
        BOOST_TEST(allclose(y.to(float64), y64, 1e-4, 1e-4));
        const Tensor u64 = normal(y64.shape(), 0.0, 1.0, float64, g);
        const auto d32 = grad({(y * u64.to(float32)).sum()}, {x, k, b});
        const auto d64 = grad({(y64 * u64).sum()}, {x64, k64, b64});
        for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(allclose(d32[i].to(float64), d64[i], 1e-4, 1e-4));
    }
    // channels_first is the same computation on permuted images.
    const Tensor x = normal({2, 5, 5, 3}, 0.0, 1.0, float32, g), k = normal({3, 3, 4, 3}, 0.0, 1.0, float32, g);
    const Tensor first = conv2d_transpose(permute(x, {0, 3, 1, 2}), k, Tensor(),
                                          {.strides = {2, 2}, .data_format = DataFormat::channels_first});
    BOOST_TEST(allclose(permute(first, {0, 2, 3, 1}), conv2d_transpose(x, k, Tensor(), {.strides = {2, 2}}), 1e-6, 1e-6));
    // An empty batch takes the composite.
    BOOST_TEST((conv2d_transpose(zeros({0, 5, 5, 3}), k).shape() == Shape{0, 7, 7, 4}));
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    Generator g(4);
    const Tensor x = normal({2, 3, 4, 3}, 0.0, 1.0, float64, g);
    const Tensor kernel = normal({3, 2, 2, 3}, 0.0, 1.0, float64, g);
    const Tensor bias = normal({2}, 0.0, 1.0, float64, g);
    const auto same = [](const Fn& v) {
        return conv2d_transpose(v[0], v[1], v[2],
                                {.strides = {2, 1}, .padding = "same", .output_padding = std::array<std::int64_t, 2>{1, 0},
                                 .dilation = {1, 2}});
    };
    CHECK_GRADCHECK("conv2d_transpose", same, {x, kernel, bias});
    CHECK_GRADGRADCHECK("conv2d_transpose", same, {x, kernel, bias});
    const auto first = [](const Fn& v) {
        return conv2d_transpose(v[0], v[1], Tensor(), {.strides = {2, 2}, .data_format = DataFormat::channels_first});
    };
    CHECK_GRADCHECK("conv2d_transpose", first, {permute(x, {0, 3, 1, 2}), kernel});
    // The float32 oneDNN node's backward builds the composite when a graph is
    // wanted: d/dkernel Σ (dy/dx · u)² agrees with float64's.
    const Conv2dTransposeOptions o{.strides = {2, 2}, .padding = "same"};
    const Tensor u = normal(conv2d_transpose(x, kernel, Tensor(), o).shape(), 0.0, 1.0, float64, g);
    const auto second = [&](Tensor xv, Tensor k, const Tensor& uv) {
        xv.requires_grad_();
        k.requires_grad_();
        GradOptions graph;
        graph.create_graph = true;
        const Tensor dx = grad({conv2d_transpose(xv, k, Tensor(), o)}, {xv}, {uv}, graph)[0];
        return grad({sum(dx * dx)}, {k})[0];
    };
    BOOST_TEST(allclose(second(x.to(float32), kernel.to(float32), u.to(float32)).to(float64), second(x, kernel, u),
                        1e-3, 1e-3));
}

BOOST_AUTO_TEST_CASE(errors_name_the_shapes_and_options) {
    const Tensor x = zeros({1, 5, 5, 3});
    CHECK_THROWS_WITH(conv2d_transpose(x, zeros({3, 3, 4, 2})), ShapeError,
                      "conv2d_transpose: kernel [3,3,4,2] [kh, kw, filters, C] does not fit input [1,5,5,3]");
    CHECK_THROWS_WITH(conv2d_transpose(x, zeros({3, 3, 4, 3}), zeros({3})), ShapeError, "bias must have shape [4]");
    CHECK_THROWS_WITH(conv2d_transpose(x, zeros({3, 3, 4, 3}, float64)), DtypeError, "must have one dtype");
    CHECK_THROWS_WITH(conv2d_transpose(zeros({1, 5, 5, 3}, int64), zeros({3, 3, 4, 3}, int64)), DtypeError,
                      "conv2d_transpose: input must be float32 or float64, got int64");
    CHECK_THROWS_WITH(conv2d_transpose(zeros({5, 5, 3}), zeros({3, 3, 4, 3})), ShapeError, "input must be 4-D, got [5,5,3]");
    CHECK_THROWS_WITH(
        conv2d_transpose(x, zeros({3, 3, 4, 3}), Tensor(), {.strides = {2, 2}, .output_padding = std::array<std::int64_t, 2>{2, 0}}),
        ValueError, "output_padding must be in [0, stride) per axis, got 2 with stride 2");
    CHECK_THROWS_WITH(conv2d_transpose(x, zeros({3, 3, 4, 3}), Tensor(), {.dilation = {1000000, 1}}), ValueError,
                      "conv2d_transpose: window sizes, strides and dilation must be in [1, 65536]");
    CHECK_THROWS_WITH(conv2d_transpose(x, zeros({3, 3, 4, 3}), Tensor(), {.padding = Padding2d(4, 3)}), ShapeError,
                      "input size 5 with a window of 3 (dilation 1), stride 1 and this padding gives an output size -1");
    CHECK_THROWS_WITH(conv2d_transpose(zeros({1, 0, 5, 3}), zeros({3, 3, 4, 3})), ShapeError,
                      "input size must be at least 1, got 0");
    CHECK_THROWS_WITH(conv_transpose_output_size(std::int64_t{1} << 62, 3, {.strides = {4, 4}}, 0), ShapeError,
                      "input size 4611686018427387904 times stride 4 overflows int64");
}

BOOST_AUTO_TEST_SUITE_END()
