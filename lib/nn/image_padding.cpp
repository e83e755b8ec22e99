#include "xgrad/nn/image_padding.hpp"

#include "xgrad/nn/conv.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::nn {

std::array<std::int64_t, 4> parse_sides(const std::vector<std::int64_t>& v, const std::string& who, const char* what) {
    bool ok = v.size() == 1 || v.size() == 2 || v.size() == 4;
    for (const std::int64_t e : v) ok = ok && e >= 0 && e <= max_window_extent;
    if (!ok) {
        std::string text = "[";
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (i) text += ',';
            text += std::to_string(v[i]);
        }
        throw ValueError(who + ": " + what + " must be 1, 2 or 4 numbers in [0, " + std::to_string(max_window_extent) +
                         "] (all sides; rows, cols; top, bottom, left, right), got " + text + "]");
    }
    if (v.size() == 1) return {v[0], v[0], v[0], v[0]};
    if (v.size() == 2) return {v[0], v[0], v[1], v[1]};
    return {v[0], v[1], v[2], v[3]};
}

namespace {

/// The first spatial axis of images in `data_format` (ShapeError naming `who` unless 4-D).
std::size_t spatial_axis(const Shape& shape, const std::string& data_format, const std::string& who) {
    return image_spatial_axis(shape, parse_data_format(data_format, who), who);
}

/// `input_shape` with H and W grown (sign 1) or shrunk (sign −1) by the sides; unknown sizes stay -1.
Shape resized(const Shape& input_shape, std::size_t h, const std::array<std::int64_t, 4>& sides, int sign,
              const std::string& who) {
    Shape out = input_shape;
    for (std::size_t axis = 0; axis < 2; ++axis) {
        const std::int64_t n = input_shape[h + axis];
        if (n < 0) continue;
        const std::int64_t change = sides[2 * axis] + sides[2 * axis + 1];  // each at most 2^16
        if (sign > 0 && __builtin_add_overflow(n, change, &out[h + axis]))
            throw ShapeError(who + ": input size " + std::to_string(n) + " plus padding overflows int64");
        if (sign < 0) {
            out[h + axis] = n - change;
            if (out[h + axis] < 1)
                throw ShapeError(who + ": cropping " + std::to_string(sides[2 * axis]) + "+" +
                                 std::to_string(sides[2 * axis + 1]) + (axis == 0 ? " rows" : " columns") +
                                 " leaves nothing of input " + to_string(input_shape));
        }
    }
    return out;
}

}  // namespace

ZeroPadding2D::ZeroPadding2D(std::vector<std::int64_t> padding) { set(&ZeroPadding2D::padding_, std::move(padding)); }

const Options<ZeroPadding2D>& ZeroPadding2D::options() {
    static const auto options = Options<ZeroPadding2D>("ZeroPadding2D")
                                    .add("padding", &ZeroPadding2D::padding_, require::padding_entries)
                                    .add("data_format", &ZeroPadding2D::data_format_);
    return options;
}
XGRAD_REGISTER_LAYER(ZeroPadding2D);

std::array<std::int64_t, 4> ZeroPadding2D::sides() const {
    return parse_sides(padding_, name() + " (ZeroPadding2D)", "padding");
}

Tensor ZeroPadding2D::forward(const Tensor& x, bool) {
    const std::string who = name() + " (ZeroPadding2D)";
    const std::size_t h = spatial_axis(x.shape(), data_format_, who);
    const auto s = sides();
    std::vector<std::array<std::int64_t, 2>> widths(4, {0, 0});
    widths[h] = {s[0], s[1]};
    widths[h + 1] = {s[2], s[3]};
    return pad(x, widths);
}

Shape ZeroPadding2D::output_shape(const Shape& input_shape) {
    const std::string who = name() + " (ZeroPadding2D)";
    return resized(input_shape, spatial_axis(input_shape, data_format_, who), sides(), 1, who);
}

Cropping2D::Cropping2D(std::vector<std::int64_t> cropping) { set(&Cropping2D::cropping_, std::move(cropping)); }

const Options<Cropping2D>& Cropping2D::options() {
    static const auto options = Options<Cropping2D>("Cropping2D")
                                    .add("cropping", &Cropping2D::cropping_, require::padding_entries)
                                    .add("data_format", &Cropping2D::data_format_);
    return options;
}
XGRAD_REGISTER_LAYER(Cropping2D);

std::array<std::int64_t, 4> Cropping2D::sides() const {
    return parse_sides(cropping_, name() + " (Cropping2D)", "cropping");
}

Tensor Cropping2D::forward(const Tensor& x, bool) {
    const std::string who = name() + " (Cropping2D)";
    const auto h = static_cast<std::int64_t>(spatial_axis(x.shape(), data_format_, who));
    const auto s = sides();
    const Shape out = resized(x.shape(), static_cast<std::size_t>(h), s, -1, who);
    const Tensor rows = slice(x, h, s[0], s[0] + out[static_cast<std::size_t>(h)]);
    return slice(rows, h + 1, s[2], s[2] + out[static_cast<std::size_t>(h) + 1]);
}

Shape Cropping2D::output_shape(const Shape& input_shape) {
    const std::string who = name() + " (Cropping2D)";
    return resized(input_shape, spatial_axis(input_shape, data_format_, who), sides(), -1, who);
}

}  // namespace xgrad::nn
