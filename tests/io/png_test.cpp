// io::write_png decoded back by an independent reader written here on zlib
// (chunk layout, CRCs, IHDR fields, scanlines and pixel bytes), and
// io::image_grid's placement of images, padding and background by hand.
#include <zlib.h>

#include "../test_helpers.hpp"
#include "io_test_util.hpp"
#include "xgrad/io/png.hpp"

using namespace xgrad;
using xgrad_test::TempDir;

namespace {

std::uint32_t u32_at(const std::string& s, std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<std::uint8_t>(s[at + i]);
    return v;
}

struct Png {
    std::uint32_t width = 0, height = 0;
    int bit_depth = 0, color_type = 0;
    std::vector<std::string> chunk_types;
    std::vector<std::uint8_t> pixels;  // filter bytes removed
};

/// Reads a PNG the way the specification says, checking every CRC.
Png decode(const std::string& path) {
    const std::string file = xgrad_test::slurp(path);
    BOOST_REQUIRE(file.size() >= 8);
    BOOST_REQUIRE(file.compare(0, 8, std::string("\x89PNG\r\n\x1a\n", 8)) == 0);
    Png png;
    std::string idat;
    for (std::size_t at = 8; at < file.size();) {
        const std::uint32_t length = u32_at(file, at);
        const std::string type = file.substr(at + 4, 4);
        const std::uint32_t crc = u32_at(file, at + 8 + length);
        const auto* from = reinterpret_cast<const Bytef*>(file.data() + at + 4);
        BOOST_CHECK_EQUAL(crc, static_cast<std::uint32_t>(::crc32(::crc32(0L, Z_NULL, 0), from, length + 4)));
        png.chunk_types.push_back(type);
        if (type == "IHDR") {
            png.width = u32_at(file, at + 8);
            png.height = u32_at(file, at + 12);
            png.bit_depth = static_cast<std::uint8_t>(file[at + 16]);
            png.color_type = static_cast<std::uint8_t>(file[at + 17]);
        } else if (type == "IDAT") {
            idat += file.substr(at + 8, length);
        }
        at += 12 + length;
    }
    const int channels = png.color_type == 0 ? 1 : png.color_type == 2 ? 3 : 4;
    const std::size_t row = png.width * channels;
    std::vector<std::uint8_t> raw(png.height * (row + 1));
    uLongf raw_size = raw.size();
    BOOST_REQUIRE(::uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) == Z_OK);
    BOOST_REQUIRE_EQUAL(raw_size, raw.size());
    for (std::size_t y = 0; y < png.height; ++y) {
        BOOST_CHECK_EQUAL(raw[y * (row + 1)], 0);  // filter: none
        png.pixels.insert(png.pixels.end(), raw.begin() + y * (row + 1) + 1, raw.begin() + (y + 1) * (row + 1));
    }
    return png;
}

}  // namespace

BOOST_AUTO_TEST_CASE(grey_float_image_is_clipped_scaled_and_rounded) {
    TempDir dir;
    // [2, 3]: 0.5·255 = 127.5 rounds to 128; 0.2·255 = 51; out-of-range values clip.
    io::write_png(dir.file("a.png"), tensor({{0.0, 0.5, 1.0}, {-3.0, 0.2, 7.0}}));
    const Png png = decode(dir.file("a.png"));
    BOOST_CHECK_EQUAL(png.width, 3u);
    BOOST_CHECK_EQUAL(png.height, 2u);
    BOOST_CHECK_EQUAL(png.bit_depth, 8);
    BOOST_CHECK_EQUAL(png.color_type, 0);
    const std::vector<std::string> chunks{"IHDR", "IDAT", "IEND"};
    BOOST_CHECK_EQUAL_COLLECTIONS(png.chunk_types.begin(), png.chunk_types.end(), chunks.begin(), chunks.end());
    const std::vector<std::uint8_t> expected{0, 128, 255, 0, 51, 255};
    BOOST_CHECK_EQUAL_COLLECTIONS(png.pixels.begin(), png.pixels.end(), expected.begin(), expected.end());
}

BOOST_AUTO_TEST_CASE(uint8_rgb_and_rgba_images_keep_their_bytes) {
    TempDir dir;
    std::vector<std::uint8_t> rgb(2 * 2 * 3);
    for (std::size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<std::uint8_t>(20 * i + 1);
    io::write_png(dir.file("rgb.png"), from_vector(rgb, {2, 2, 3}));
    Png png = decode(dir.file("rgb.png"));
    BOOST_CHECK_EQUAL(png.color_type, 2);
    BOOST_CHECK_EQUAL_COLLECTIONS(png.pixels.begin(), png.pixels.end(), rgb.begin(), rgb.end());

    std::vector<std::uint8_t> rgba(1 * 3 * 4, 200);
    io::write_png(dir.file("rgba.png"), from_vector(rgba, {1, 3, 4}));
    png = decode(dir.file("rgba.png"));
    BOOST_CHECK_EQUAL(png.color_type, 6);
    BOOST_CHECK_EQUAL(png.width, 3u);
    BOOST_CHECK_EQUAL_COLLECTIONS(png.pixels.begin(), png.pixels.end(), rgba.begin(), rgba.end());
}

BOOST_AUTO_TEST_CASE(a_float64_single_channel_image_is_grey) {
    TempDir dir;
    io::write_png(dir.file("g.png"), full({1, 2, 1}, 0.25, float64));
    const Png png = decode(dir.file("g.png"));
    BOOST_CHECK_EQUAL(png.color_type, 0);
    const std::vector<std::uint8_t> expected{64, 64};  // 63.75 rounds to 64
    BOOST_CHECK_EQUAL_COLLECTIONS(png.pixels.begin(), png.pixels.end(), expected.begin(), expected.end());
}

BOOST_AUTO_TEST_CASE(bad_images_are_refused_naming_the_problem) {
    TempDir dir;
    const std::string path = dir.file("bad.png");
    CHECK_THROWS_WITH(io::write_png(path, zeros({4})), ShapeError, "got [4]");
    CHECK_THROWS_WITH(io::write_png(path, zeros({2, 2, 2})), ShapeError, "C = 1, 3 or 4, got [2,2,2]");
    CHECK_THROWS_WITH(io::write_png(path, zeros({0, 5})), ShapeError, "1 to 2^31 - 1 pixels, got [0,5]");
    CHECK_THROWS_WITH(io::write_png(path, zeros({2, 2}, int64)), DtypeError, "got int64");
    Tensor nan_image = zeros({2, 3});
    nan_image.data<float>()[4] = std::nanf("");
    CHECK_THROWS_WITH(io::write_png(path, nan_image), ValueError, "NaN at [1, 1]");
    BOOST_CHECK(!std::filesystem::exists(path));
}

BOOST_AUTO_TEST_CASE(a_failed_write_keeps_the_previous_file) {
    TempDir dir;
    const std::string path = dir.file("keep.png");
    io::write_png(path, ones({2, 2}));
    const std::string before = xgrad_test::slurp(path);
    Tensor nan_image = zeros({2, 2});
    nan_image.data<float>()[0] = std::nanf("");
    BOOST_CHECK_THROW(io::write_png(path, nan_image), ValueError);
    BOOST_CHECK(xgrad_test::slurp(path) == before);
    CHECK_THROWS_WITH(io::write_png(dir.file("no/such/folder/x.png"), ones({2, 2})), IoError, "x.png");
}

BOOST_AUTO_TEST_CASE(grid_places_images_row_by_row_with_padding) {
    // Three 2×2 images with values 1, 2, 3, two columns, padding 1, background 0:
    // 2 rows × 2 columns → [2·3 + 1, 2·3 + 1] = [7, 7].
    const Tensor images = stack({full({2, 2}, 1.0), full({2, 2}, 2.0), full({2, 2}, 3.0)}, 0);
    const Tensor grid = io::image_grid(images, 2, 1, 0.0);
    BOOST_REQUIRE(grid.shape() == Shape({7, 7}));
    const std::vector<float> expected{
        0, 0, 0, 0, 0, 0, 0,  //
        0, 1, 1, 0, 2, 2, 0,  //
        0, 1, 1, 0, 2, 2, 0,  //
        0, 0, 0, 0, 0, 0, 0,  //
        0, 3, 3, 0, 0, 0, 0,  //
        0, 3, 3, 0, 0, 0, 0,  //
        0, 0, 0, 0, 0, 0, 0};
    const auto got = grid.to_vector<float>();
    BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), expected.begin(), expected.end());
}

BOOST_AUTO_TEST_CASE(grid_keeps_channels_and_dtype_and_narrows_to_the_image_count) {
    // Two uint8 1×1 RGB images, ten columns asked: the grid is two wide.
    const Tensor images = from_vector(std::vector<std::uint8_t>{10, 20, 30, 40, 50, 60}, {2, 1, 1, 3});
    const Tensor grid = io::image_grid(images, 10, 0, 1.0);
    BOOST_REQUIRE(grid.shape() == Shape({1, 2, 3}));
    BOOST_CHECK(grid.dtype() == uint8);
    const auto got = grid.to_vector<std::uint8_t>();
    const std::vector<std::uint8_t> expected{10, 20, 30, 40, 50, 60};
    BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), expected.begin(), expected.end());
    // uint8 background: round(0.5·255) = 128.
    const Tensor padded = io::image_grid(images, 1, 1, 0.5);
    BOOST_REQUIRE(padded.shape() == Shape({5, 3, 3}));
    BOOST_CHECK_EQUAL(padded.to_vector<std::uint8_t>()[0], 128);
}

BOOST_AUTO_TEST_CASE(grid_refuses_bad_arguments) {
    CHECK_THROWS_WITH(io::image_grid(zeros({2, 2}), 1), ShapeError, "got [2,2]");
    CHECK_THROWS_WITH(io::image_grid(zeros({0, 2, 2}), 1), ShapeError, "N ≥ 1");
    CHECK_THROWS_WITH(io::image_grid(zeros({1, 2, 2}), 0), ValueError, "columns must be ≥ 1, got 0");
    CHECK_THROWS_WITH(io::image_grid(zeros({1, 2, 2}), 1, -1), ValueError, "padding must be ≥ 0, got -1");
    CHECK_THROWS_WITH(io::image_grid(zeros({1, 2, 2}), 1, 1, 2.0), ValueError, "background must be in [0, 1]");
    CHECK_THROWS_WITH(io::image_grid(zeros({1, 2, 2}, boolean), 1), DtypeError, "got bool");
}
