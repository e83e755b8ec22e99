#pragma once
/// \file
/// Rescaling (Keras' layers.Rescaling): y = x·scale + offset.
///
/// Integer inputs (uint8 pixels, int64) are converted to the layer's dtype in
/// the same pass, so a dataset can stay uint8, a quarter of float32's memory,
/// and be converted one batch at a time:
///
///     auto fm = data::fashion_mnist::load(data::Pixels::uint8);
///     nn::Sequential model{nn::Rescaling(1.0 / 255).input_shape({28, 28}), nn::Flatten(),
///                          nn::Dense(300, "relu"), nn::Dense(10, "softmax")};
///
/// For integer inputs each value is computed in double and rounded once, so
/// uint8 pixels · (1/255) are bit for bit the float32 pixels / 255 that
/// Pixels::scaled loads. Floating inputs keep their dtype and pass gradients.
#include "xgrad/nn/layer.hpp"

namespace xgrad::nn {

/// Multiplies by `scale` and adds `offset` (Keras' Rescaling); no weights, keeps the shape.
class Rescaling : public Layer<Rescaling> {
public:
    Rescaling() = default;
    /// y = x·scale + offset, e.g. Rescaling(1.0 / 255) for pixels in [0, 1].
    explicit Rescaling(double scale, double offset = 0.0);
    Tensor forward(const Tensor& x, bool training) override;
    /// scale (required, as in Keras), offset (default 0).
    static const Options<Rescaling>& options();
    Shape output_shape(const Shape& input_shape) override { return input_shape; }
    /// The factor x is multiplied by (default 1).
    double scale() const noexcept { return scale_; }
    /// The value added after scaling (default 0).
    double offset() const noexcept { return offset_; }

private:
    double scale_ = 1.0;
    double offset_ = 0.0;
};

}  // namespace xgrad::nn
