#pragma once
// A zip archive reader for .npz files (internal): the members NumPy writes,
// stored or deflated, with ZIP64 records (np.savez writes them), checked
// against the archive's bounds and CRC-32s.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace xgrad::data::detail {

struct ZipMember {
    std::string name;
    std::vector<std::byte> data;  // uncompressed
};

/// The members of the zip archive in `bytes`, in directory order; IoError
/// starting with `archive` on anything malformed.
std::vector<ZipMember> read_zip(std::span<const std::byte> bytes, const std::string& archive);

/// A whole file's bytes; IoError naming the path when it cannot be read.
std::vector<std::byte> read_file_bytes(const std::string& path);

}  // namespace xgrad::data::detail
