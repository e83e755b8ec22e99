#pragma once
// Text helpers of the models' summary() tables and of shape errors.
#include <cstdint>
#include <string>
#include <vector>

#include "xgrad/core/shape.hpp"

namespace xgrad::nn::detail {

/// 1234567 → "1,234,567".
std::string with_commas(std::int64_t n);
/// Keras' readable_memory_size: 1024-based units, two decimals ("1.50 KB").
std::string readable_bytes(double bytes);
/// Keras' text of a shape, batch -1 as None: "(None, 28, 28, 1)".
std::string shape_text(const Shape& shape);
/// The shapes of several tensors: "(None, 3) and (None, 4)", "(None, 3), (None, 4) and (None, 5)".
std::string shapes_text(const std::vector<Shape>& shapes);
/// `text` padded with spaces to `width`.
std::string pad(const std::string& text, std::size_t width);

}  // namespace xgrad::nn::detail
