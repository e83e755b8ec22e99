#pragma once
/// \file
/// The IDX file format of MNIST and Fashion-MNIST, plain or gzip-compressed.
///
/// Layout (all integers big-endian):
///
///     byte 0-1   0x00 0x00
///     byte 2     type code: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
///                           0x0D float32, 0x0E float64
///     byte 3     number of dimensions d (≥ 1)
///     byte 4..   d dimensions, each an int32 (≥ 1)
///     then       the values, row-major: Π dims · itemsize bytes, nothing after
///
/// MNIST images start with 0x00000803 (uint8, 3 dims: N × 28 × 28), labels
/// with 0x00000801 (uint8, 1 dim: N).
///
/// A gzip file is recognised by its first two bytes (1f 8b) and decompressed
/// with zlib. Every problem — a missing file, a bad magic number, an unknown
/// type code, a zero dimension, a short header, fewer or more data bytes than
/// the header declares, a corrupt gzip stream — throws xgrad::IoError whose
/// message starts with the path and says what is wrong, with byte offsets:
///
///     …/train-images-idx3-ubyte.gz: truncated: expected 47040000 data bytes
///     after the 16-byte header, got 1234
///
/// A hostile header cannot make the reader allocate much more than the file
/// holds: a plain file's size is checked against the header before reading,
/// and a gzip stream is read into a buffer that grows with the data actually
/// present (at most twice its size).
///
///     Tensor x = data::read_idx_images("train-images-idx3-ubyte.gz");  // float32 [60000,28,28] in [0,1]
///     Tensor y = data::read_idx_labels("train-labels-idx1-ubyte.gz");  // int64 [60000]
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad::data {

/// The element type of an IDX file (the value is the type code at byte 2).
enum class IdxType : std::uint8_t {
    uint8 = 0x08,
    int8 = 0x09,
    int16 = 0x0B,
    int32 = 0x0C,
    float32 = 0x0D,
    float64 = 0x0E,
};

/// Bytes per element: 1, 1, 2, 4, 4, 8.
std::size_t idx_itemsize(IdxType type) noexcept;
/// "uint8", "int8", "int16", "int32", "float32", "float64".
std::string_view idx_type_name(IdxType type) noexcept;

/// The content of an IDX file, values kept as stored.
struct IdxArray {
    IdxType type = IdxType::uint8;  ///< The element type from the header.
    /// The dimensions from the header, e.g. [60000,28,28].
    Shape shape;
    /// The data section exactly as in the file: numel · idx_itemsize(type)
    /// bytes, big-endian for multi-byte types.
    std::vector<std::uint8_t> bytes;

    /// Number of values: the product of the dimensions.
    std::int64_t numel() const noexcept { return shape.numel(); }
    /// The magic number of the header: 0x00000803 for MNIST images.
    std::uint32_t magic() const noexcept;

    /// The values converted to `dtype` (exactly for integers into int64;
    /// value / divisor, computed in double then rounded, for floating dtypes —
    /// as NumPy's `x / 255.0`; uint8 only from uint8 values, copied as they
    /// are, else DtypeError). The shape is `shape`.
    ///
    ///     Tensor pixels = idx.to_tensor(float32, 255.0);   // uint8 → [0, 1]
    Tensor to_tensor(Dtype dtype, double divisor = 1.0) const;
};

/// Reads an IDX file (gzip-compressed or plain) and validates it; IoError on
/// any problem (see the file comment).
IdxArray read_idx(const std::filesystem::path& path);

/// How read_idx_images (and the MNIST loaders) return pixels.
enum class Pixels {
    scaled,  ///< float32; uint8 pixels divided by 255 (in [0, 1], the notebook's `X / 255.`)
    raw,     ///< float32, values as stored
    uint8,   ///< uint8 as stored, without a copy (uint8 files only, else IoError): a quarter of
             ///< float32's memory; nn::Rescaling(1.0 / 255) as the model's first layer converts each batch
};

/// An image file, [N, rows, cols] (3 dimensions, else IoError), its pixels
/// as `pixels` says (other IDX types than uint8 are converted as they are).
///
///     Tensor x = data::read_idx_images(dir / "t10k-images-idx3-ubyte.gz");   // float32 [10000,28,28]
Tensor read_idx_images(const std::filesystem::path& path, Pixels pixels = Pixels::scaled);

/// A label file, [N] (1 dimension and an integer type, else IoError), as int64.
Tensor read_idx_labels(const std::filesystem::path& path);

}  // namespace xgrad::data
