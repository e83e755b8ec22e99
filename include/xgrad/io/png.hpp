#pragma once
/// \file
/// Images to PNG files, for looking at what a model makes: an autoencoder's
/// reconstructions, a GAN's samples, a batch of inputs.
///
///     // 16 images [16, 28, 28] in [0, 1]: a 4×4 grid with 1-pixel white lines
///     io::write_png("samples.png", io::image_grid(images, 4));
///
/// The files are 8-bit PNG (grey, RGB or RGBA), unfiltered scanlines
/// deflated by zlib, readable by any viewer and by Python's PIL or
/// matplotlib. Writing is atomic as for model files: a failure leaves a
/// previous file at the path as it was.
#include <cstdint>
#include <string>

#include "xgrad/core/tensor.hpp"

namespace xgrad::io {

/// Writes `image` to `path` as an 8-bit PNG. `image` is [H, W] (grey) or
/// [H, W, C] with C = 1 (grey), 3 (RGB) or 4 (RGBA), H and W ≥ 1. uint8
/// values are written as they are; float32 and float64 values are taken as
/// intensities in [0, 1]: clipped to it, multiplied by 255 and rounded.
/// ShapeError for another rank, channel count or an empty side; DtypeError
/// for int64 or bool; ValueError naming the first NaN's index (a NaN has no
/// intensity, and writing it as black would hide a diverged model); IoError
/// naming the path when the file cannot be written.
void write_png(const std::string& path, const Tensor& image);

/// Tiles `images`, [N, H, W] or [N, H, W, C], into one image: a grid
/// min(columns, N) images wide and ceil(N / columns) high, row by row, with
/// `padding` pixels of `background` between the images and around them.
/// Returns [rows·(H + padding) + padding, cols·(W + padding) + padding]
/// (and C) in the dtype of `images`: float32/float64 filled with
/// `background`, uint8 with round(255·background). The result is a new
/// tensor outside the autograd graph. ShapeError for another rank or N = 0;
/// ValueError for columns < 1, padding < 0 or background outside [0, 1];
/// DtypeError for int64 or bool.
Tensor image_grid(const Tensor& images, std::int64_t columns, std::int64_t padding = 1, double background = 1.0);

}  // namespace xgrad::io
