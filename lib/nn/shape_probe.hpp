#pragma once
// Checks a built layer against a new input shape when the graph is built.
#include "xgrad/nn/module.hpp"

namespace xgrad::nn::detail {

/// When `layer` was built for another input shape than `shape` ([batch, …]),
/// runs it once on a zero sample of `shape`, so that a shape its weights
/// cannot take (a Dense built for 3 features called on 4) fails now rather
/// than when the model first runs. Skipped for unknown dimensions and for
/// samples of more than 2^20 values.
void probe_built_layer(Module& layer, const Shape& shape);

}  // namespace xgrad::nn::detail
