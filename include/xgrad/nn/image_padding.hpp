#pragma once
/// \file
/// ZeroPadding2D and Cropping2D (Keras' layers of those names): add rows and
/// columns of zeros around images [N, H, W, C] (or [N, C, H, W] with
/// data_format "channels_first"), or remove them; no weights. The amounts
/// take Keras' three forms, written as one, two or four numbers:
///
///     ZeroPadding2D(1)                    // 1 on every side
///     ZeroPadding2D({1, 2})               // 1 above and below, 2 left and right
///     ZeroPadding2D({1, 2}, {3, 4})       // Keras' ((1, 2), (3, 4)): top 1, bottom 2, left 3, right 4
///     Cropping2D({2, 2}, {4, 4})
///
/// The computations are ops::pad and ops::slice. Entries must lie in
/// [0, 2^16] (ValueError when set or loaded); cropping that leaves no row or
/// column is a ShapeError naming the layer and the input shape.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "xgrad/nn/layer.hpp"

namespace xgrad::nn {

/// {top, bottom, left, right} from Keras' forms {p}, {rows, cols} or {top,
/// bottom, left, right}; ValueError naming `who` and `what` otherwise.
std::array<std::int64_t, 4> parse_sides(const std::vector<std::int64_t>& v, const std::string& who, const char* what);

/// Pads images with zeros (Keras' ZeroPadding2D).
class ZeroPadding2D : public Layer<ZeroPadding2D> {
public:
    /// `padding` on every side.
    explicit ZeroPadding2D(std::int64_t padding = 1) : ZeroPadding2D(std::vector<std::int64_t>{padding}) {}
    /// {p}, {rows, cols} or {top, bottom, left, right}.
    explicit ZeroPadding2D(std::vector<std::int64_t> padding);
    /// Keras' ((top, bottom), (left, right)).
    ZeroPadding2D(std::array<std::int64_t, 2> rows, std::array<std::int64_t, 2> cols)
        : ZeroPadding2D(std::vector<std::int64_t>{rows[0], rows[1], cols[0], cols[1]}) {}
    /// "channels_last" (default) or "channels_first".
    ZeroPadding2D& data_format(std::string f) { return set(&ZeroPadding2D::data_format_, std::move(f)); }

    /// {top, bottom, left, right} (ValueError naming the layer for an invalid padding option).
    std::array<std::int64_t, 4> sides() const;
    /// "channels_last" or "channels_first".
    const std::string& data_format() const noexcept { return data_format_; }

    Tensor forward(const Tensor& x, bool training) override;
    /// padding, data_format.
    static const Options<ZeroPadding2D>& options();
    Shape output_shape(const Shape& input_shape) override;

private:
    std::vector<std::int64_t> padding_{1};
    std::string data_format_ = "channels_last";
};

/// Crops images (Keras' Cropping2D).
class Cropping2D : public Layer<Cropping2D> {
public:
    /// `cropping` from every side (Keras' default 0).
    explicit Cropping2D(std::int64_t cropping = 0) : Cropping2D(std::vector<std::int64_t>{cropping}) {}
    /// {c}, {rows, cols} or {top, bottom, left, right}.
    explicit Cropping2D(std::vector<std::int64_t> cropping);
    /// Keras' ((top, bottom), (left, right)).
    Cropping2D(std::array<std::int64_t, 2> rows, std::array<std::int64_t, 2> cols)
        : Cropping2D(std::vector<std::int64_t>{rows[0], rows[1], cols[0], cols[1]}) {}
    /// "channels_last" (default) or "channels_first".
    Cropping2D& data_format(std::string f) { return set(&Cropping2D::data_format_, std::move(f)); }

    /// {top, bottom, left, right} (ValueError naming the layer for an invalid cropping option).
    std::array<std::int64_t, 4> sides() const;
    /// "channels_last" or "channels_first".
    const std::string& data_format() const noexcept { return data_format_; }

    Tensor forward(const Tensor& x, bool training) override;
    /// cropping, data_format.
    static const Options<Cropping2D>& options();
    Shape output_shape(const Shape& input_shape) override;

private:
    std::vector<std::int64_t> cropping_{0};
    std::string data_format_ = "channels_last";
};

}  // namespace xgrad::nn
