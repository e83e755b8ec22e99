#pragma once
/// \file
/// The safetensors file layout (https://github.com/huggingface/safetensors),
/// readable as is by Python's `safetensors` package and by PyTorch users:
///
///     [8 bytes]  N, the header length, unsigned little-endian
///     [N bytes]  JSON header, padded with spaces to a multiple of 8:
///                {"dense.kernel": {"dtype": "F32", "shape": [784, 100], "data_offsets": [0, 313600]},
///                 …, "__metadata__": {"key": "string value", …}}
///     [rest]     raw little-endian tensor data; the tensors' [begin, end)
///                ranges (relative to the end of the header) cover it with no gap or overlap.
///
/// dtypes: F32 (float32), F64 (float64), I64 (int64). Tensors are written
/// sorted by name.
///
///     io::save_safetensors("w.safetensors", {{"w", w}}, {{"format", "pt"}});
///     io::TensorFile f = io::load_safetensors("w.safetensors");   // f.tensors.at("w")
///
/// Saving is atomic: the file is written to a temporary file in the same
/// folder, flushed and fsync'ed, then renamed over `path`; on any failure the
/// temporary file is removed and a previous file at `path` is left untouched.
///
/// Loading treats the file as untrusted: the header length is bounded
/// (≤ 100 MB and ≤ file size − 8), the JSON is parsed by nlohmann-json with a
/// nesting limit, every field is type-checked, dtype/shape/byte size must
/// agree, offsets must lie in the file and tile the data exactly, and dims
/// must be ≥ 0 without element-count overflow. Any violation is an IoError
/// naming the file and the problem; nothing is allocated before validation
/// beyond the file's own size.
#include <cstddef>
#include <functional>
#include <map>
#include <span>
#include <string>

#include "xgrad/core/tensor.hpp"

namespace xgrad::io {

/// The contents of a safetensors file.
struct TensorFile {
    std::map<std::string, Tensor> tensors;        ///< By name, as in the header.
    std::map<std::string, std::string> metadata;  ///< The header's "__metadata__".
};

/// The largest header accepted by the loader (bytes).
inline constexpr std::uint64_t max_header_bytes = 100u << 20;

/// Writes `tensors` (any dtype; names must be non-empty and not "__metadata__")
/// and `metadata` to `path`, atomically. IoError on failure.
void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

/// Reads and validates a safetensors file (IoError naming `path` and the problem).
TensorFile load_safetensors(const std::string& path);

/// Parses a safetensors image held in memory; `what` names it in errors.
/// (The fuzz target calls this.)
TensorFile parse_safetensors(std::span<const std::byte> bytes, const std::string& what = "<memory>");

/// Serializes to the in-memory image save_safetensors() writes.
std::string serialize_safetensors(const std::map<std::string, Tensor>& tensors,
                                  const std::map<std::string, std::string>& metadata = {});

namespace detail {
/// Test hook: when set, called with the number of bytes written so far after
/// every chunk save_safetensors() writes; throwing from it simulates a
/// failure mid-write (a full disk). Pass {} to remove.
void set_write_hook(std::function<void(std::size_t bytes_written)> hook);
}  // namespace detail

}  // namespace xgrad::io
