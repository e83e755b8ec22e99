#pragma once
// A zip archive reader for .npz files (internal): the members NumPy writes,
// stored or deflated, with ZIP64 records (np.savez writes them), checked
// against the archive's bounds and CRC-32s. Members are read one at a time,
// on demand, so an archive costs the memory of the members its caller uses.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace xgrad::data::detail {

/// The most bytes one archive may inflate, over all the members read from it
/// (16 GiB; see zip.cpp for why this and the overlap check bound a zip bomb).
inline constexpr std::uint64_t max_inflated_bytes = std::uint64_t{16} << 30;

/// A member as the central directory and its local header describe it.
struct ZipEntry {
    std::string name;
    std::uint16_t flags = 0, method = 0;  // method 0 stored, 8 deflate
    std::uint32_t crc = 0;
    std::uint64_t header = 0;  // the local header's offset
    std::uint64_t data = 0;    // the member data's offset, after the local header
    std::uint64_t packed = 0;  // bytes of member data in the archive
    std::uint64_t size = 0;    // bytes uncompressed, as declared
};

/// A zip archive in memory: its directory, read and checked on construction
/// (IoError starting with `archive` on anything malformed, on a name that
/// appears twice, and on two members whose bytes overlap); members are
/// uncompressed only when read().
class ZipArchive {
public:
    ZipArchive(std::span<const std::byte> bytes, std::string archive);

    /// The members in directory order.
    const std::vector<ZipEntry>& entries() const { return entries_; }

    /// `entry`'s uncompressed bytes, CRC-checked: a view of the archive for a
    /// stored member, else inflated into `buffer` (reused from call to call,
    /// so reading members one after another keeps one of them in memory).
    /// IoError when inflating it would pass max_inflated_bytes in total.
    std::span<const std::byte> read(const ZipEntry& entry, std::vector<std::byte>& buffer);

private:
    std::span<const std::byte> bytes_;
    std::string archive_;
    std::vector<ZipEntry> entries_;
    std::uint64_t inflated_ = 0;  // declared sizes of the members inflated so far
};

/// A whole file's bytes; IoError naming the path when it cannot be read
/// ("PATH: is a directory" for a directory).
std::vector<std::byte> read_file_bytes(const std::string& path);

}  // namespace xgrad::data::detail
