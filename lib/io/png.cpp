#include "xgrad/io/png.hpp"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>
#include <type_traits>
#include <vector>

#include "io/atomic_file.hpp"
#include "xgrad/core/error.hpp"

namespace xgrad::io {

namespace {

/// PNG's width and height are 31-bit (the specification's limit).
constexpr std::int64_t max_side = std::numeric_limits<std::int32_t>::max();

void check_image_dtype(const Tensor& t, const char* what) {
    if (t.dtype() == float32 || t.dtype() == float64 || t.dtype() == uint8) return;
    throw DtypeError(std::string(what) + ": images are uint8, float32 or float64, got " +
                     std::string(dtype_name(t.dtype())));
}

void put_u32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

/// Appends a chunk: length, type, data and the CRC of type and data.
void put_chunk(std::string& out, const char (&type)[5], std::string_view data) {
    put_u32(out, static_cast<std::uint32_t>(data.size()));
    const std::size_t type_at = out.size();
    out.append(type, 4);
    out.append(data);
    const auto* crc_from = reinterpret_cast<const Bytef*>(out.data() + type_at);
    put_u32(out, static_cast<std::uint32_t>(::crc32(::crc32(0L, Z_NULL, 0), crc_from,
                                                    static_cast<uInt>(out.size() - type_at))));
}

/// "[i, j, c]" for flat index `k` of an image of shape `shape`.
std::string index_of(std::int64_t k, const Shape& shape) {
    std::vector<std::int64_t> index(shape.size());
    for (std::size_t d = shape.size(); d-- > 0;) {
        index[d] = k % shape[d];
        k /= shape[d];
    }
    std::string s = "[";
    for (std::size_t d = 0; d < index.size(); ++d) s += (d ? ", " : "") + std::to_string(index[d]);
    return s + "]";
}

/// Row `y` of `image` as bytes into `out`: uint8 as is, intensities in [0, 1] scaled to 0-255.
template <class T>
void row_to_bytes(const Tensor& image, std::int64_t y, std::size_t row_bytes, std::uint8_t* out, const std::string& path) {
    const std::int64_t first = y * static_cast<std::int64_t>(row_bytes);
    const T* v = image.data<T>() + first;
    if constexpr (std::is_same_v<T, std::uint8_t>) {
        std::memcpy(out, v, row_bytes);
    } else {
        for (std::size_t k = 0; k < row_bytes; ++k) {
            if (std::isnan(v[k]))
                throw ValueError(path + ": the image has NaN at " +
                                 index_of(first + static_cast<std::int64_t>(k), image.shape()));
            out[k] = static_cast<std::uint8_t>(std::lround(std::clamp(static_cast<double>(v[k]), 0.0, 1.0) * 255.0));
        }
    }
}

}  // namespace

void write_png(const std::string& path, const Tensor& image) {
    const Shape& shape = image.shape();
    const std::int64_t channels = shape.size() == 3 ? shape[2] : 1;
    if ((shape.size() != 2 && shape.size() != 3) || (channels != 1 && channels != 3 && channels != 4))
        throw ShapeError(path + ": a PNG image is [H, W] or [H, W, C] with C = 1, 3 or 4, got " + to_string(shape));
    const std::int64_t height = shape[0], width = shape[1];
    if (height < 1 || width < 1 || height > max_side || width > max_side)
        throw ShapeError(path + ": a PNG image's sides are 1 to 2^31 - 1 pixels, got " + to_string(shape));
    check_image_dtype(image, path.c_str());

    // Each scanline starts with its filter type, 0 (none), then the row's bytes.
    const std::size_t row_bytes = static_cast<std::size_t>(width * channels);
    std::vector<std::uint8_t> scanlines(static_cast<std::size_t>(height) * (row_bytes + 1));
    for (std::int64_t y = 0; y < height; ++y) {
        std::uint8_t* line = scanlines.data() + static_cast<std::size_t>(y) * (row_bytes + 1);
        line[0] = 0;
        if (image.dtype() == uint8) row_to_bytes<std::uint8_t>(image, y, row_bytes, line + 1, path);
        else if (image.dtype() == float32) row_to_bytes<float>(image, y, row_bytes, line + 1, path);
        else row_to_bytes<double>(image, y, row_bytes, line + 1, path);
    }
    uLongf deflated_size = ::compressBound(static_cast<uLong>(scanlines.size()));
    std::string deflated(deflated_size, '\0');
    if (::compress2(reinterpret_cast<Bytef*>(deflated.data()), &deflated_size, scanlines.data(),
                    static_cast<uLong>(scanlines.size()), Z_DEFAULT_COMPRESSION) != Z_OK)
        throw IoError(path + ": zlib could not compress the image (" + std::to_string(scanlines.size()) + " bytes)");
    deflated.resize(deflated_size);

    std::string header;
    put_u32(header, static_cast<std::uint32_t>(width));
    put_u32(header, static_cast<std::uint32_t>(height));
    const char color_type = channels == 1 ? 0 : channels == 3 ? 2 : 6;
    header += {8, color_type, 0, 0, 0};  // bit depth, colour type, deflate, adaptive filtering, no interlace

    std::string file("\x89PNG\r\n\x1a\n", 8);
    put_chunk(file, "IHDR", header);
    // IDAT chunks are at most 2^31 - 1 bytes long.
    constexpr std::size_t max_chunk = std::size_t{1} << 30;
    for (std::size_t at = 0; at < deflated.size(); at += max_chunk)
        put_chunk(file, "IDAT", std::string_view(deflated).substr(at, max_chunk));
    put_chunk(file, "IEND", {});
    detail::write_file_atomically(path, file);
}

Tensor image_grid(const Tensor& images, std::int64_t columns, std::int64_t padding, double background) {
    const Shape& shape = images.shape();
    if ((shape.size() != 3 && shape.size() != 4) || shape[0] == 0)
        throw ShapeError("image_grid: images are [N, H, W] or [N, H, W, C] with N ≥ 1, got " + to_string(shape));
    check_image_dtype(images, "image_grid");
    if (columns < 1) throw ValueError("image_grid: columns must be ≥ 1, got " + std::to_string(columns));
    if (padding < 0) throw ValueError("image_grid: padding must be ≥ 0, got " + std::to_string(padding));
    if (!(background >= 0.0 && background <= 1.0))
        throw ValueError("image_grid: background must be in [0, 1], got " + std::to_string(background));

    const std::int64_t n = shape[0], h = shape[1], w = shape[2], c = shape.size() == 4 ? shape[3] : 1;
    const std::int64_t cols = std::min(columns, n), rows = (n + cols - 1) / cols;
    Shape grid_shape{rows * (h + padding) + padding, cols * (w + padding) + padding};
    if (shape.size() == 4) grid_shape.push_back(c);
    Tensor grid = full(grid_shape, images.dtype() == uint8 ? std::round(background * 255.0) : background,
                       images.dtype());

    const std::size_t item = itemsize(images.dtype());
    const std::size_t image_row = static_cast<std::size_t>(w * c) * item;
    const std::size_t grid_row = static_cast<std::size_t>(grid_shape[1] * c) * item;
    const auto* src = static_cast<const std::uint8_t*>(images.raw_data());
    auto* dst = static_cast<std::uint8_t*>(grid.raw_data());
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t top = padding + (i / cols) * (h + padding), left = padding + (i % cols) * (w + padding);
        for (std::int64_t y = 0; y < h; ++y)
            std::memcpy(dst + static_cast<std::size_t>(top + y) * grid_row + static_cast<std::size_t>(left * c) * item,
                        src + static_cast<std::size_t>(i * h + y) * image_row, image_row);
    }
    return grid;
}

}  // namespace xgrad::io
