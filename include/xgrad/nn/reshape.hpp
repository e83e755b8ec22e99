#pragma once
/// \file
/// Reshape (Keras' layers.Reshape): [batch, …] → [batch, target_shape…];
/// one entry of target_shape may be -1 (inferred). Shares the data.
///
///     Reshape({28, 28, 1})     // Fashion-MNIST images [N, 28, 28] as one-channel images for Conv2D
#include <cstdint>
#include <vector>

#include "xgrad/nn/layer.hpp"

namespace xgrad::nn {

/// Reshapes each sample to target_shape, keeping the batch dimension (Keras' Reshape); no weights.
class Reshape : public Layer<Reshape> {
public:
    /// The shape of each sample (without the batch dimension).
    explicit Reshape(std::vector<std::int64_t> target_shape = {-1});
    Tensor forward(const Tensor& x, bool training) override;
    /// target_shape (required, as in Keras).
    static const Options<Reshape>& options();
    Shape output_shape(const Shape& input_shape) override;
    /// The shape of each sample as given, possibly with one -1.
    const std::vector<std::int64_t>& target_shape() const noexcept { return target_shape_; }

private:
    /// [batch, target…] for `input_shape`, -1 resolved (ShapeError naming both when it cannot be).
    Shape resolve(const Shape& input_shape) const;
    std::vector<std::int64_t> target_shape_{-1};
};

}  // namespace xgrad::nn
