// UpSampling2D, ZeroPadding2D and Cropping2D: values by hand, Keras' forms of
// the amounts and output shapes, layouts, saving, errors.
#include "../io/io_test_util.hpp"
#include "../test_helpers.hpp"
#include "xgrad/io/model.hpp"
#include "xgrad/nn/image_padding.hpp"
#include "xgrad/nn/reshape.hpp"
#include "xgrad/nn/sequential.hpp"
#include "xgrad/nn/upsampling.hpp"
#include "xgrad/ops/shape_ops.hpp"

using namespace xgrad;
using namespace xgrad::nn;
using xgrad_test::allclose;
using xgrad_test::values;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(nn_image_resizing)

// [[1, 2], [3, 4]] doubled: pixels repeated, or lines [a, b] → [a, ¾a + ¼b, ¼a + ¾b, b] (half-pixel centres).
BOOST_AUTO_TEST_CASE(upsampling_by_hand) {
    const Tensor x = xgrad_test::counting_image(2, 2);
    UpSampling2D nearest;
    BOOST_TEST(nearest.name() == "up_sampling2d");
    BOOST_TEST(values(nearest(x, false)) == std::vector<double>({1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}),
               tt::per_element());
    UpSampling2D bilinear({2});
    bilinear.interpolation("bilinear");
    BOOST_TEST(values(bilinear(x, false)) ==
                   std::vector<double>({1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4}),
               tt::per_element());
    BOOST_TEST(nearest.count_params() == 0);
    // Keras: UpSampling2D((2, 3)) on (7, 5, 16) gives (None, 14, 15, 16).
    BOOST_TEST(UpSampling2D({2, 3}).output_shape({-1, 7, 5, 16}) == Shape({-1, 14, 15, 16}));
    UpSampling2D first({2, 3});
    first.data_format("channels_first").interpolation("bilinear");
    BOOST_TEST(first.output_shape({-1, 16, 7, -1}) == Shape({-1, 16, 14, -1}));
    const Tensor image = normal({2, 3, 4, 5});
    BOOST_TEST(allclose(first(image, false), permute(UpSampling2D({2, 3}).interpolation("bilinear")(
                                                         permute(image, {0, 2, 3, 1}), false),
                                                     {0, 3, 1, 2}),
                        1e-6, 1e-6));
}

// Keras' three forms: 1 → 1 on every side; (1, 2) → rows 1, columns 2; ((1, 2), (3, 4)) → top, bottom, left, right.
BOOST_AUTO_TEST_CASE(padding_and_cropping_forms) {
    const Shape in{-1, 5, 6, 3};
    BOOST_TEST(ZeroPadding2D().output_shape(in) == Shape({-1, 7, 8, 3}));
    BOOST_TEST(ZeroPadding2D({1, 2}).output_shape(in) == Shape({-1, 7, 10, 3}));
    BOOST_TEST(ZeroPadding2D({1, 2}, {3, 4}).output_shape(in) == Shape({-1, 8, 13, 3}));
    BOOST_TEST(ZeroPadding2D({1, 2, 3, 4}).output_shape(in) == Shape({-1, 8, 13, 3}));
    BOOST_TEST(ZeroPadding2D(2).data_format("channels_first").output_shape({-1, 3, 5, 6}) == Shape({-1, 3, 9, 10}));
    BOOST_TEST(Cropping2D().output_shape(in) == in);
    BOOST_TEST(Cropping2D(1).output_shape(in) == Shape({-1, 3, 4, 3}));
    BOOST_TEST(Cropping2D({1, 2}).output_shape(in) == Shape({-1, 3, 2, 3}));
    BOOST_TEST(Cropping2D({1, 2}, {0, 3}).output_shape(in) == Shape({-1, 2, 3, 3}));
    BOOST_TEST(ZeroPadding2D(1).name() == "zero_padding2d");
    BOOST_TEST(Cropping2D(1).name() == "cropping2d");
    // [[1, 2], [3, 4]] with a row above and a column right; [[1, 2, 3], [4, 5, 6], [7, 8, 9]] without its top row and right column.
    BOOST_TEST(values(ZeroPadding2D({1, 0}, {0, 1})(xgrad_test::counting_image(2, 2), false)) ==
                   std::vector<double>({0, 0, 0, 1, 2, 0, 3, 4, 0}),
               tt::per_element());
    BOOST_TEST(values(Cropping2D({1, 0}, {0, 1})(xgrad_test::counting_image(3, 3), false)) ==
                   std::vector<double>({4, 5, 7, 8}),
               tt::per_element());
    // channels_first pads and crops the last two axes; cropping undoes padding.
    const Tensor x = normal({2, 3, 4, 5});
    const Tensor padded = ZeroPadding2D({1, 2}, {3, 0}).data_format("channels_first")(x, false);
    BOOST_TEST(padded.shape() == Shape({2, 3, 7, 8}));
    BOOST_TEST(allclose(Cropping2D({1, 2}, {3, 0}).data_format("channels_first")(padded, false), x, 0, 0));
}

BOOST_AUTO_TEST_CASE(save_and_load_round_trip) {
    manual_seed(7);
    Sequential model{Reshape({3, 4, 2}).input_shape({24}), ZeroPadding2D({1, 2}, {0, 3}),
                     UpSampling2D({2, 1}).interpolation("bilinear"), Cropping2D({1, 2}), UpSampling2D({1, 3})};
    model.ensure_built({-1, 24});
    BOOST_TEST(model.output_shape({-1, 24}) == Shape({-1, 10, 9, 2}));  // 3x4 → 6x7 → 12x7 → 10x3 → 10x9
    const Tensor x = normal({3, 24});
    xgrad_test::TempDir dir;
    io::save(model, dir.file("resize"));
    const ModulePtr loaded = io::load(dir.file("resize"));
    BOOST_TEST(allclose((*loaded)(x, false), model(x, false), 0, 0));
    const auto& seq = static_cast<const Sequential&>(*loaded);
    BOOST_TEST(seq[1]->config().at("padding") == "[1,2,0,3]");
    BOOST_TEST(seq[2]->config().at("interpolation") == "bilinear");
}

BOOST_AUTO_TEST_CASE(errors_name_the_layer) {
    CHECK_THROWS_WITH(UpSampling2D({2}).interpolation("bicubic")(zeros({1, 2, 2, 1}), false), ValueError,
                      "up_sampling2d (UpSampling2D): interpolation must be \"nearest\" or \"bilinear\", got \"bicubic\"");
    CHECK_THROWS_WITH(UpSampling2D({0, 2}), ValueError, "size entries must be in [1, 65536], got [0,2]");
    CHECK_THROWS_WITH(UpSampling2D({2}).output_shape({-1, 4, 4}), ShapeError, "expected images [batch, H, W, C]");
    CHECK_THROWS_WITH(ZeroPadding2D(-1), ValueError, "zero_padding2d (ZeroPadding2D): padding entries must be in [0, 65536], got [-1]");
    CHECK_THROWS_WITH(ZeroPadding2D({1, 2, 3}).output_shape({-1, 4, 4, 1}), ValueError,
                      "padding must be 1, 2 or 4 numbers in [0, 65536] (all sides; rows, cols; top, bottom, left, right), got [1,2,3]");
    CHECK_THROWS_WITH(Cropping2D({2, 0}).output_shape({-1, 4, 4, 1}), ShapeError,
                      "cropping2d (Cropping2D): cropping 2+2 rows leaves nothing of input [-1,4,4,1]");
    CHECK_THROWS_WITH(Cropping2D({0, 1}, {2, 2})(zeros({1, 5, 4, 1}), false), ShapeError,
                      "cropping 2+2 columns leaves nothing of input [1,5,4,1]");
    CHECK_THROWS_WITH(ZeroPadding2D(1).data_format("NCHW").output_shape({-1, 4, 4, 1}), ValueError,
                      "data_format must be \"channels_last\" or \"channels_first\", got \"NCHW\"");
    CHECK_THROWS_WITH(ZeroPadding2D(1).output_shape({-1, std::numeric_limits<std::int64_t>::max(), 4, 1}), ShapeError,
                      "plus padding overflows int64");
}

BOOST_AUTO_TEST_SUITE_END()
