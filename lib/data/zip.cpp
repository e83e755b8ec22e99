// Zip reading, from the end: the end-of-central-directory record (and its
// ZIP64 form), the central directory's entries, then each member's local
// header. Sizes and offsets come from the central directory (np.savez
// leaves them in the local headers' ZIP64 fields only); every one is checked
// against the archive before use. A member's data is read (and inflated)
// only when asked for.
#include "data/zip.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>
#include <utility>

#include "core/regular_file.hpp"
#include "xgrad/core/error.hpp"

namespace xgrad::data::detail {
namespace {

constexpr std::uint32_t kEndOfDirectory = 0x06054b50, kZip64End = 0x06064b50, kZip64Locator = 0x07064b50,
                        kDirectoryEntry = 0x02014b50, kLocalHeader = 0x04034b50;
constexpr std::size_t kEndSize = 22, kEntrySize = 46, kLocalSize = 30;

/// Little-endian reads at checked offsets.
class Reader {
public:
    Reader(std::span<const std::byte> bytes, const std::string& archive) : bytes_(bytes), archive_(archive) {}

    [[noreturn]] void fail(const std::string& what) const { throw IoError(archive_ + ": " + what); }

    /// Fails unless [offset, offset + n) lies in the archive.
    void need(std::uint64_t offset, std::uint64_t n, const char* what) const {
        if (offset > bytes_.size() || n > bytes_.size() - offset)
            fail(std::string("truncated or corrupt zip: the ") + what + " at byte " + std::to_string(offset) + " (" +
                 std::to_string(n) + " bytes) runs past the end of the " + std::to_string(bytes_.size()) +
                 "-byte file");
    }
    std::uint64_t le(std::uint64_t offset, int size) const {
        std::uint64_t v = 0;
        for (int i = size - 1; i >= 0; --i) v = (v << 8) | std::to_integer<std::uint64_t>(bytes_[offset + i]);
        return v;
    }
    std::uint16_t u16(std::uint64_t offset) const { return static_cast<std::uint16_t>(le(offset, 2)); }
    std::uint32_t u32(std::uint64_t offset) const { return static_cast<std::uint32_t>(le(offset, 4)); }
    std::uint64_t u64(std::uint64_t offset) const { return le(offset, 8); }
    std::span<const std::byte> span(std::uint64_t offset, std::uint64_t n) const { return bytes_.subspan(offset, n); }
    std::size_t size() const { return bytes_.size(); }

private:
    std::span<const std::byte> bytes_;
    const std::string& archive_;
};

struct Directory {
    std::uint64_t entries, offset, size;
};

Directory find_directory(const Reader& r) {
    if (r.size() < kEndSize) r.fail("not a zip file: " + std::to_string(r.size()) + " bytes, shorter than any zip");
    // The record is the last 22 bytes unless a comment (up to 65535 bytes) follows it.
    const std::size_t lowest = r.size() >= kEndSize + 0xFFFF ? r.size() - kEndSize - 0xFFFF : 0;
    std::size_t end = r.size() - kEndSize;
    while (r.u32(end) != kEndOfDirectory) {
        if (end == lowest) r.fail("not a zip file: no end-of-central-directory record");
        --end;
    }
    if (r.u16(end + 4) != 0 || r.u16(end + 6) != 0) r.fail("multi-disk zip archives are not read");
    Directory d{r.u16(end + 10), r.u32(end + 16), r.u32(end + 12)};
    if (d.entries == 0xFFFF || d.offset == 0xFFFFFFFF || d.size == 0xFFFFFFFF) {
        // ZIP64: a locator just before the record points at the 64-bit record.
        if (end < 20 || r.u32(end - 20) != kZip64Locator)
            r.fail("ZIP64 sizes without a ZIP64 locator before byte " + std::to_string(end));
        const std::uint64_t at = r.u64(end - 20 + 8);
        r.need(at, 56, "ZIP64 end-of-central-directory record");
        if (r.u32(at) != kZip64End) r.fail("no ZIP64 end-of-central-directory record at byte " + std::to_string(at));
        d = {r.u64(at + 32), r.u64(at + 48), r.u64(at + 40)};
    }
    r.need(d.offset, d.size, "central directory");
    if (d.entries > d.size / kEntrySize)
        r.fail("the directory claims " + std::to_string(d.entries) + " entries in " + std::to_string(d.size) +
               " bytes");
    return d;
}

/// Raw deflate into `buffer`, which grows with the output (so a lying
/// declared size allocates nothing), up to one byte more than `expected` (to
/// notice a stream holding more than declared). Returns the bytes produced.
std::size_t inflate_member(const Reader& r, std::span<const std::byte> in, std::uint64_t expected,
                           std::vector<std::byte>& buffer, const std::string& member) {
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) r.fail(member + ": zlib could not start inflating");
    const std::uint64_t capacity = expected + 1;
    // Arrays seldom deflate better than 4:1, so most members inflate without
    // regrowing the buffer; a bomb still starts from a size its input pays for.
    std::uint64_t room = std::min(capacity, std::max<std::uint64_t>(buffer.size(), 4 * in.size() + (1 << 16)));
    if (buffer.size() < room) buffer.resize(static_cast<std::size_t>(room));
    std::size_t produced = 0, consumed = 0;
    int status = Z_OK;
    while (status != Z_STREAM_END && produced < capacity) {
        if (produced == room) {
            room = std::min(capacity, 2 * room);
            if (buffer.size() < room) buffer.resize(static_cast<std::size_t>(room));
        }
        const std::size_t in_chunk = std::min<std::size_t>(in.size() - consumed, UINT_MAX);
        const std::size_t out_chunk = std::min<std::size_t>(static_cast<std::size_t>(room) - produced, UINT_MAX);
        z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data() + consumed));
        z.avail_in = static_cast<uInt>(in_chunk);
        z.next_out = reinterpret_cast<Bytef*>(buffer.data() + produced);
        z.avail_out = static_cast<uInt>(out_chunk);
        status = inflate(&z, Z_NO_FLUSH);
        consumed += in_chunk - z.avail_in;
        produced += out_chunk - z.avail_out;
        if (status == Z_BUF_ERROR && consumed == in.size()) break;  // the input ended early
        if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) {
            const std::string why = z.msg ? z.msg : "error " + std::to_string(status);
            inflateEnd(&z);
            r.fail(member + ": corrupt deflate stream (" + why + ")");
        }
    }
    inflateEnd(&z);
    if (produced > expected)
        r.fail(member + ": the deflate stream holds more than the declared " + std::to_string(expected) + " bytes");
    if (status != Z_STREAM_END)
        r.fail(member + ": the deflate stream ends after " + std::to_string(produced) + " of the declared " +
               std::to_string(expected) + " bytes");
    if (produced != expected)
        r.fail(member + ": inflates to " + std::to_string(produced) + " bytes, the directory declares " +
               std::to_string(expected));
    return produced;
}

/// The entry at `at` in the central directory, with the ZIP64 values of its
/// extra field; `at` moves past it.
ZipEntry directory_entry(const Reader& r, std::uint64_t& at) {
    r.need(at, kEntrySize, "directory entry");
    if (r.u32(at) != kDirectoryEntry) r.fail("no directory entry signature at byte " + std::to_string(at));
    ZipEntry entry;
    entry.flags = r.u16(at + 8);
    entry.method = r.u16(at + 10);
    entry.crc = r.u32(at + 16);
    entry.packed = r.u32(at + 20);
    entry.size = r.u32(at + 24);
    entry.header = r.u32(at + 42);
    const std::uint16_t name_length = r.u16(at + 28), extra_length = r.u16(at + 30), comment = r.u16(at + 32);
    r.need(at + kEntrySize, std::uint64_t{name_length} + extra_length + comment, "directory entry's name");
    const auto name_bytes = r.span(at + kEntrySize, name_length);
    entry.name.assign(reinterpret_cast<const char*>(name_bytes.data()), name_bytes.size());
    // ZIP64 extra field (id 1): the 64-bit values of the fields set to 0xFFFFFFFF, in this order.
    for (std::uint64_t e = at + kEntrySize + name_length, stop = e + extra_length; e + 4 <= stop;) {
        const std::uint16_t id = r.u16(e), length = r.u16(e + 2);
        if (e + 4 + length > stop)
            r.fail(entry.name + ": extra field at byte " + std::to_string(e) + " overruns its entry");
        if (id == 1) {
            std::uint64_t field = e + 4;
            for (std::uint64_t* value : {&entry.size, &entry.packed, &entry.header}) {
                if (*value != 0xFFFFFFFF) continue;
                if (field + 8 > e + 4 + length)
                    r.fail(entry.name + ": short ZIP64 extra field at byte " + std::to_string(e));
                *value = r.u64(field);
                field += 8;
            }
        }
        e += 4 + std::uint64_t{length};
    }
    at += kEntrySize + std::uint64_t{name_length} + extra_length + comment;

    r.need(entry.header, kLocalSize, "local header");
    if (r.u32(entry.header) != kLocalHeader)
        r.fail(entry.name + ": no local header at byte " + std::to_string(entry.header));
    entry.data = entry.header + kLocalSize + r.u16(entry.header + 26) + r.u16(entry.header + 28);
    r.need(entry.data, entry.packed, "member data");
    return entry;
}

/// Refuses two members sharing bytes: a zip bomb's trick (many entries
/// inflating one deflate stream), never written by a zip tool.
void refuse_overlaps(const Reader& r, const std::vector<ZipEntry>& entries) {
    std::vector<const ZipEntry*> by_offset;
    by_offset.reserve(entries.size());
    for (const ZipEntry& entry : entries) by_offset.push_back(&entry);
    std::stable_sort(by_offset.begin(), by_offset.end(),
                     [](const ZipEntry* a, const ZipEntry* b) { return a->header < b->header; });
    const auto range = [](const ZipEntry& e) {
        return "'" + e.name + "' (bytes " + std::to_string(e.header) + "-" + std::to_string(e.data + e.packed - 1) + ")";
    };
    for (std::size_t i = 1; i < by_offset.size(); ++i) {
        const ZipEntry &before = *by_offset[i - 1], &after = *by_offset[i];
        if (before.data + before.packed > after.header)
            r.fail("members " + range(before) + " and " + range(after) +
                   " overlap (a zip bomb's shape: no zip tool writes that)");
    }
}

}  // namespace

ZipArchive::ZipArchive(std::span<const std::byte> bytes, std::string archive)
    : bytes_(bytes), archive_(std::move(archive)) {
    const Reader r(bytes_, archive_);
    const Directory dir = find_directory(r);
    entries_.reserve(static_cast<std::size_t>(dir.entries));
    std::set<std::string> names;
    std::uint64_t at = dir.offset;
    for (std::uint64_t i = 0; i < dir.entries; ++i) {
        entries_.push_back(directory_entry(r, at));
        if (!names.insert(entries_.back().name).second) r.fail(entries_.back().name + ": appears twice in the archive");
    }
    refuse_overlaps(r, entries_);
}

// Why the bounds below suffice: the members do not overlap (checked when the
// directory was read), so each deflate stream is distinct bytes of the file,
// and DEFLATE expands at most about 1032:1 (a 258-byte match per 2 bits): what
// the archive inflates is at most ~1032 times its size, as for any
// compressed file. max_inflated_bytes caps that total for large archives; real
// datasets are far below it (Fashion-MNIST's 60000x784 float32 is 188 MB).
std::span<const std::byte> ZipArchive::read(const ZipEntry& entry, std::vector<std::byte>& buffer) {
    const Reader r(bytes_, archive_);
    const std::string& name = entry.name;
    if (entry.flags & 1) r.fail(name + ": encrypted members are not read");
    const auto stored = r.span(entry.data, entry.packed);
    std::span<const std::byte> content;
    if (entry.method == 0) {
        if (entry.packed != entry.size)
            r.fail(name + ": stored with " + std::to_string(entry.packed) + " bytes, the directory declares " +
                   std::to_string(entry.size));
        content = stored;
    } else if (entry.method == 8) {
        if (entry.size > max_inflated_bytes - inflated_)
            r.fail(name + ": inflating its declared " + std::to_string(entry.size) + " bytes would pass the bound of " +
                   std::to_string(max_inflated_bytes) + " bytes (16 GiB) inflated from one archive (" +
                   std::to_string(inflated_) + " so far)");
        inflated_ += entry.size;
        content = std::span<const std::byte>(buffer.data(), inflate_member(r, stored, entry.size, buffer, name));
    } else {
        r.fail(name + ": compression method " + std::to_string(entry.method) +
               " is not read (stored and deflate are: np.savez and np.savez_compressed)");
    }
    uLong check = crc32(0L, Z_NULL, 0);
    for (std::size_t done = 0; done < content.size();) {
        const std::size_t chunk = std::min<std::size_t>(content.size() - done, UINT_MAX);
        check = crc32(check, reinterpret_cast<const Bytef*>(content.data() + done), static_cast<uInt>(chunk));
        done += chunk;
    }
    if (check != entry.crc) r.fail(name + ": CRC-32 mismatch (the member's data is corrupt)");
    return content;
}

std::vector<std::byte> read_file_bytes(const std::string& path) {
    xgrad::detail::check_regular_file(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path + ": cannot open: " + std::strerror(errno));
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    if (size < 0) throw IoError(path + ": cannot read its size");
    in.seekg(0);
    std::vector<std::byte> bytes(static_cast<std::size_t>(size));
    if (!in.read(reinterpret_cast<char*>(bytes.data()), size)) throw IoError(path + ": read failed");
    return bytes;
}

}  // namespace xgrad::data::detail
