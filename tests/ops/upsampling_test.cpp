// upsample_nearest2d and upsample_bilinear2d: a 2x2 image by hand, layouts,
// gradients (each is its own adjoint's transpose: checked numerically), errors.
#include "../test_helpers.hpp"
#include "xgrad/ops/shape_ops.hpp"
#include "xgrad/ops/upsampling.hpp"

using namespace xgrad;
using xgrad_test::allclose;
using xgrad_test::values;
using Fn = std::vector<Tensor>;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(ops_upsampling)

// [[1, 2], [3, 4]] doubled. Bilinear with half-pixel centres: output row i
// samples r = max((i + 0.5) / 2 − 0.5, 0) = 0, 0.25, 0.75, 1.25 (clamped to
// row 1), so each line [a, b] becomes [a, 0.75a + 0.25b, 0.25a + 0.75b, b].
BOOST_AUTO_TEST_CASE(two_by_two_by_hand) {
    const Tensor x = xgrad_test::counting_image(2, 2);
    BOOST_TEST(values(upsample_nearest2d(x, {2, 2})) ==
                   std::vector<double>({1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}),
               tt::per_element());
    BOOST_TEST(values(upsample_bilinear2d(x, {2, 2})) ==
                   std::vector<double>({1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4}),
               tt::per_element());
    // Factors per axis: rows kept, columns tripled (r = 0, 0, 1/3, 2/3, 1, 1).
    const Tensor wide = upsample_bilinear2d(x, {1, 3});
    BOOST_TEST((wide.shape() == Shape{1, 2, 6, 1}));
    BOOST_TEST(allclose(wide, from_vector(std::vector<double>{1, 1, 4.0 / 3, 5.0 / 3, 2, 2, 3, 3, 10.0 / 3, 11.0 / 3, 4, 4},
                                          {1, 2, 6, 1}),
                        1e-15, 1e-15));
    BOOST_TEST(values(upsample_nearest2d(x, {1, 1})) == values(x), tt::per_element());
}

BOOST_AUTO_TEST_CASE(channels_and_layouts) {
    Generator g(2);
    const Tensor x = normal({2, 3, 4, 5}, 0.0, 1.0, float32, g);
    for (const bool bilinear : {false, true}) {
        const auto up = [&](const Tensor& v, DataFormat f) {
            return bilinear ? upsample_bilinear2d(v, {2, 3}, f) : upsample_nearest2d(v, {2, 3}, f);
        };
        const Tensor last = up(x, DataFormat::channels_last);
        BOOST_TEST((last.shape() == Shape{2, 6, 12, 5}));
        BOOST_TEST((last.dtype() == float32));
        const Tensor first = up(permute(x, {0, 3, 1, 2}), DataFormat::channels_first);
        BOOST_TEST(allclose(permute(first, {0, 2, 3, 1}), last, 1e-6, 1e-6));
    }
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    Generator g(6);
    const Tensor x = normal({2, 3, 2, 2}, 0.0, 1.0, float64, g);
    const auto nearest = [](const Fn& v) { return upsample_nearest2d(v[0], {2, 3}); };
    const auto bilinear = [](const Fn& v) { return upsample_bilinear2d(v[0], {3, 2}); };
    CHECK_GRADCHECK("upsample_nearest2d", nearest, {x});
    CHECK_GRADGRADCHECK("upsample_nearest2d", [](const Fn& v) { return upsample_nearest2d(v[0] * v[0], {2, 3}); }, {x});
    CHECK_GRADCHECK("upsample_bilinear2d", bilinear, {x});
    CHECK_GRADGRADCHECK("upsample_bilinear2d", [](const Fn& v) { return upsample_bilinear2d(v[0] * v[0], {3, 2}); }, {x});
    CHECK_GRADCHECK("upsample_bilinear2d",
                    [](const Fn& v) { return upsample_bilinear2d(v[0], {2, 2}, DataFormat::channels_first); }, {x});
}

BOOST_AUTO_TEST_CASE(errors) {
    CHECK_THROWS_WITH(upsample_nearest2d(zeros({2, 3, 3}), {2, 2}), ShapeError,
                      "upsample_nearest2d: input must be 4-D images, got [2,3,3]");
    CHECK_THROWS_WITH(upsample_bilinear2d(zeros({1, 3, 3, 1}, int64), {2, 2}), DtypeError,
                      "upsample_bilinear2d: input must be float32 or float64, got int64");
    CHECK_THROWS_WITH(upsample_bilinear2d(zeros({1, 3, 3, 1}), {0, 2}), ValueError,
                      "size factors must be in [1, 65536], got 0,2");
    CHECK_THROWS_WITH(upsample_nearest2d(zeros({1, 3, 3, 1}), {70000, 2}), ValueError, "got 70000,2");
    // An empty batch of declared (not allocated) sizes whose product would wrap.
    CHECK_THROWS_WITH(upsample_nearest2d(zeros({0, std::int64_t{1} << 50, 1, 1}), {65536, 1}), ShapeError,
                      "upsample_nearest2d: input size 1125899906842624 times 65536 overflows int64");
}

BOOST_AUTO_TEST_SUITE_END()
