#pragma once
/// \file
/// Image upsampling by integer factors (Keras' UpSampling2D, PyTorch's
/// interpolate with scale_factor):
///
///     Tensor y = upsample_bilinear2d(x, {2, 2});   // [N, 7, 7, C] → [N, 14, 14, C]
///
/// Both are composites of differentiable ops (gradients of any order), for
/// float32 and float64 images [N, H, W, C] (or [N, C, H, W] with
/// data_format). Factors must lie in [1, max_window_extent] (ValueError
/// otherwise); an output with more than 2^63 elements is a ShapeError.
#include <array>
#include <cstdint>

#include "xgrad/core/tensor.hpp"
#include "xgrad/ops/convolution.hpp"

namespace xgrad {

/// Nearest-neighbour upsampling: y[n, i, j, c] = x[n, ⌊i / sh⌋, ⌊j / sw⌋, c]
/// (each pixel repeated sh × sw times, as Keras' "nearest" and PyTorch's
/// mode="nearest"). Its gradient sums each sh × sw block. Op "upsample_nearest2d".
Tensor upsample_nearest2d(const Tensor& x, std::array<std::int64_t, 2> size,
                          DataFormat data_format = DataFormat::channels_last);

/// Bilinear upsampling with half-pixel centres (Keras' "bilinear", i.e.
/// TensorFlow's resize with half_pixel_centers, PyTorch's mode="bilinear"
/// with align_corners=False): output row i samples input row
/// r = max((i + 0.5) / sh − 0.5, 0), mixing rows ⌊r⌋ and min(⌊r⌋ + 1, H − 1)
/// with weights 1 − (r − ⌊r⌋) and r − ⌊r⌋; columns alike. Computed as two
/// products with the interpolation matrices, y = A_h · x · A_wᵀ per image and
/// channel (O(H·W·(Ho + Wo)) per channel), which are also its gradient's.
/// Op "upsample_bilinear2d".
Tensor upsample_bilinear2d(const Tensor& x, std::array<std::int64_t, 2> size,
                           DataFormat data_format = DataFormat::channels_last);

}  // namespace xgrad
