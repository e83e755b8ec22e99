#pragma once
/// \file
/// Flatten: [batch, d1, d2, …] → [batch, d1·d2·…]. `Flatten({28, 28})`
/// declares the model's input shape, as Keras' Flatten(input_shape=[28, 28]).
#include "xgrad/nn/layer.hpp"

namespace xgrad::nn {

/// Flattens all but the batch dimension (Keras' Flatten, PyTorch's nn.Flatten); no weights.
class Flatten : public Layer<Flatten> {
public:
    Flatten() = default;
    /// Also declares the input shape (without the batch dimension), as input_shape().
    explicit Flatten(Shape input_shape) : Layer(std::move(input_shape)) {}
    Tensor forward(const Tensor& x, bool training) override;
    /// No options.
    static const Options<Flatten>& options();
    Shape output_shape(const Shape& input_shape) override;
};

}  // namespace xgrad::nn
