#pragma once
/// \file
/// UpSampling2D (Keras' layers.UpSampling2D): images [N, H, W, C] (or
/// [N, C, H, W] with data_format "channels_first") to [N, H·sh, W·sw, C],
/// by repeating pixels ("nearest", the default) or bilinear interpolation
/// with half-pixel centres ("bilinear"); no weights. The computations are
/// ops::upsample_nearest2d and upsample_bilinear2d
/// (xgrad/ops/upsampling.hpp). size entries must lie in [1, 2^16].
///
///     UpSampling2D({2, 2})                          // [N, 7, 7, 64] → [N, 14, 14, 64]
///     UpSampling2D({2, 3}).interpolation("bilinear")
#include <cstdint>
#include <string>
#include <vector>

#include "xgrad/nn/layer.hpp"

namespace xgrad::nn {

/// Upsamples images by integer factors (Keras' UpSampling2D).
class UpSampling2D : public Layer<UpSampling2D> {
public:
    /// {sh, sw}, or one number for both (Keras' default {2, 2}).
    explicit UpSampling2D(std::vector<std::int64_t> size = {2, 2});
    /// "channels_last" (default) or "channels_first".
    UpSampling2D& data_format(std::string f) { return set(&UpSampling2D::data_format_, std::move(f)); }
    /// "nearest" (default) or "bilinear".
    UpSampling2D& interpolation(std::string i) { return set(&UpSampling2D::interpolation_, std::move(i)); }

    /// The factors {sh, sw} as given.
    const std::vector<std::int64_t>& size() const noexcept { return size_; }
    /// "channels_last" or "channels_first".
    const std::string& data_format() const noexcept { return data_format_; }
    /// "nearest" or "bilinear".
    const std::string& interpolation() const noexcept { return interpolation_; }

    Tensor forward(const Tensor& x, bool training) override;
    /// size, data_format, interpolation.
    static const Options<UpSampling2D>& options();
    Shape output_shape(const Shape& input_shape) override;

private:
    std::vector<std::int64_t> size_{2, 2};
    std::string data_format_ = "channels_last";
    std::string interpolation_ = "nearest";
};

}  // namespace xgrad::nn
