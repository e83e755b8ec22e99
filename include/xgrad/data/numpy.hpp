#pragma once
/// \file
/// NumPy's array files: `.npy` (one array) and `.npz` (a zip of `.npy`
/// members, as np.savez writes them stored and np.savez_compressed deflated).
///
///     Tensor x = data::read_npy("features.npy");              // dtype and shape from the file
///     auto arrays = data::read_npz("fashion.npz");              // {"x_train": …, "y_train": …}
///
/// dtypes: float32 ('<f4') and float64 ('<f8') stay as they are; signed and
/// unsigned integers up to 64 bits become int64 (a uint64 above 2^63 − 1 is
/// an IoError), uint8 stays uint8, bool ('|b1') becomes bool (a byte other
/// than 0 or 1 is an IoError naming its file offset). Big-endian
/// ('>f4', …) and Fortran-order arrays are converted. Not read: structured
/// or object arrays, strings, float16, complex.
///
/// Every problem throws xgrad::IoError whose message starts with the file's
/// name (and the member's, inside an .npz) and says what is wrong, with byte
/// offsets: a bad magic string, an unknown version, a header that is not the
/// dict NumPy writes, a shape whose size overflows, fewer or more data
/// bytes than the header declares, a zip whose directory points outside the
/// file, an unsupported zip compression method, a corrupt deflate stream.
/// Hostile sizes cannot make a reader allocate much more than the data
/// actually present: a declared size is checked against the bytes in hand,
/// and a deflate stream is inflated into a buffer that grows with its output.
/// Against zip bombs, an .npz's members are inflated one at a time and only
/// the `.npy` ones (other members are never uncompressed); two directory
/// entries whose bytes overlap are an IoError naming both members and their
/// byte ranges (so each deflate stream is distinct bytes of the file, and
/// DEFLATE's ~1032:1 limit bounds the output by ~1032 times the file's size);
/// and one archive inflates at most 16 GiB in total (an IoError naming the
/// member and the bound). A path that is a directory is an IoError
/// "PATH: is a directory".
#include <cstddef>
#include <filesystem>
#include <map>
#include <span>
#include <string>

#include "xgrad/core/tensor.hpp"

namespace xgrad::data {

/// Reads one `.npy` file.
Tensor read_npy(const std::filesystem::path& path);
/// The array in `bytes`, an `.npy` file's content; `name` starts error messages.
Tensor parse_npy(std::span<const std::byte> bytes, const std::string& name);

/// Reads every array of an `.npz` file, by member name without ".npy"
/// (members with other names are skipped, as np.load does not list them as arrays).
std::map<std::string, Tensor> read_npz(const std::filesystem::path& path);
/// The arrays in `bytes`, an `.npz` file's content; `name` starts error messages.
std::map<std::string, Tensor> parse_npz(std::span<const std::byte> bytes, const std::string& name);

}  // namespace xgrad::data
