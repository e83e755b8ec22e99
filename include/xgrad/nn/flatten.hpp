#pragma once
/// \file
/// Flatten: [batch, d1, d2, …] → [batch, d1·d2·…]. `Flatten({28, 28})`
/// declares the model's input shape, as Keras' Flatten(input_shape=[28, 28]).
#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

class Flatten : public Cloneable<Flatten> {
public:
    Flatten();
    explicit Flatten(Shape input_shape);
    Tensor forward(const Tensor& x, bool training) override;
    /// The constructor options, for io::save() (see Module::config()).
    Config config() const override;
    Shape output_shape(const Shape& input_shape) override;
};

}  // namespace xgrad::nn
