// IDX reader. One code path for plain and gzip files: zlib's gzread reads a
// plain file transparently (gzdirect() tells which it was), so the header is
// parsed once; only the size check differs — a plain file's size is known
// before reading, a gzip stream's decompressed size only by reading it.
#include "xgrad/data/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <system_error>

#include "core/regular_file.hpp"

namespace xgrad::data {

namespace fs = std::filesystem;

std::size_t idx_itemsize(IdxType type) noexcept {
    switch (type) {
        case IdxType::uint8:
        case IdxType::int8: return 1;
        case IdxType::int16: return 2;
        case IdxType::int32:
        case IdxType::float32: return 4;
        case IdxType::float64: return 8;
    }
    return 0;
}

std::string_view idx_type_name(IdxType type) noexcept {
    switch (type) {
        case IdxType::uint8: return "uint8";
        case IdxType::int8: return "int8";
        case IdxType::int16: return "int16";
        case IdxType::int32: return "int32";
        case IdxType::float32: return "float32";
        case IdxType::float64: return "float64";
    }
    return "?";
}

std::uint32_t IdxArray::magic() const noexcept {
    return (static_cast<std::uint32_t>(type) << 8) | static_cast<std::uint32_t>(shape.size());
}

namespace {

bool is_known_type(std::uint8_t code) {
    switch (code) {
        case 0x08: case 0x09: case 0x0B: case 0x0C: case 0x0D: case 0x0E: return true;
        default: return false;
    }
}

bool is_integer_type(IdxType t) { return t != IdxType::float32 && t != IdxType::float64; }

std::string hex(std::uint32_t v, int digits) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%0*X", digits, v);
    return buf;
}

/// "1 unexpected byte", "2 unexpected bytes".
std::string unexpected_bytes(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " unexpected byte" : " unexpected bytes");
}

std::string dims_text(const Shape& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i) out += 'x';
        out += std::to_string(s[i]);
    }
    return out;
}

/// A file read through zlib (gzip or plain); errors name the file.
class Source {
public:
    explicit Source(const fs::path& path) : path_(path.string()) {
        xgrad::detail::check_regular_file(path_);
        errno = 0;
        file_ = gzopen(path_.c_str(), "rb");
        if (file_ == nullptr) {
            fail(std::string("cannot open: ") + (errno ? std::strerror(errno) : "out of memory"));
        }
        gzbuffer(file_, 1 << 17);
    }
    ~Source() {
        if (file_) gzclose(file_);
    }
    Source(const Source&) = delete;
    Source& operator=(const Source&) = delete;

    /// Reads up to n bytes (fewer only at the end of the data); throws on a
    /// read or decompression error.
    std::size_t read(void* dst, std::size_t n) {
        std::size_t got = 0;
        auto* p = static_cast<std::uint8_t*>(dst);
        while (got < n) {
            const auto chunk = static_cast<unsigned>(std::min<std::size_t>(n - got, 1u << 30));
            const int r = gzread(file_, p + got, chunk);
            if (r < 0) read_error();
            if (r == 0) break;
            got += static_cast<std::size_t>(r);
        }
        return got;
    }
    /// True for a plain file (valid after the first read).
    bool direct() const { return gzdirect(file_) != 0; }
    /// After a short read: " (the gzip stream ends early: …)" when zlib saw
    /// the compressed input end in the middle of the stream, else "".
    std::string early_end_note() const {
        int err = Z_OK;
        const std::string msg = zlib_message(&err);
        if (err == Z_BUF_ERROR) return " (the gzip stream ends early: " + msg + ")";
        return "";
    }
    const std::string& path() const { return path_; }

    [[noreturn]] void fail(const std::string& what) const { throw IoError(path_ + ": " + what); }

private:
    /// zlib's last error without the "<path>: " it puts in front.
    std::string zlib_message(int* err) const {
        std::string msg = gzerror(file_, err);
        if (msg.starts_with(path_ + ": ")) msg.erase(0, path_.size() + 2);
        return msg;
    }
    /// zlib decompresses ahead into its own buffer, so no exact offset is known.
    [[noreturn]] void read_error() const {
        int err = Z_OK;
        const std::string msg = zlib_message(&err);
        if (err == Z_ERRNO) fail(std::string("read error: ") + std::strerror(errno));
        fail("corrupt gzip stream: " + msg);
    }

    std::string path_;
    gzFile file_ = nullptr;
};

std::uint32_t be32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

/// Element i of big-endian data of IDX type T as a double or int64.
template <IdxType T> auto element(const std::uint8_t* b, std::int64_t i) {
    if constexpr (T == IdxType::uint8) {
        return static_cast<std::int64_t>(b[i]);
    } else if constexpr (T == IdxType::int8) {
        return static_cast<std::int64_t>(static_cast<std::int8_t>(b[i]));
    } else if constexpr (T == IdxType::int16) {
        const std::uint8_t* p = b + 2 * i;
        return static_cast<std::int64_t>(static_cast<std::int16_t>((p[0] << 8) | p[1]));
    } else if constexpr (T == IdxType::int32) {
        return static_cast<std::int64_t>(static_cast<std::int32_t>(be32(b + 4 * i)));
    } else if constexpr (T == IdxType::float32) {
        return static_cast<double>(std::bit_cast<float>(be32(b + 4 * i)));
    } else {
        const std::uint8_t* p = b + 8 * i;
        const std::uint64_t v = (std::uint64_t{be32(p)} << 32) | be32(p + 4);
        return std::bit_cast<double>(v);
    }
}

template <IdxType T, class Out> void convert(const std::uint8_t* b, std::int64_t n, Out* out, double divisor) {
    if constexpr (std::is_floating_point_v<Out>) {
        for (std::int64_t i = 0; i < n; ++i) out[i] = static_cast<Out>(static_cast<double>(element<T>(b, i)) / divisor);
    } else {
        for (std::int64_t i = 0; i < n; ++i) out[i] = static_cast<Out>(element<T>(b, i));
    }
}

}  // namespace

Tensor IdxArray::to_tensor(Dtype dtype, double divisor) const {
    const std::int64_t n = numel();
    if (bytes.size() != static_cast<std::size_t>(n) * idx_itemsize(type)) {
        throw ValueError("IdxArray::to_tensor: " + std::to_string(bytes.size()) + " bytes do not hold " +
                         std::to_string(n) + " " + std::string(idx_type_name(type)) + " values");
    }
    if (dtype == int64 && !is_integer_type(type)) {
        throw DtypeError("IdxArray::to_tensor: " + std::string(idx_type_name(type)) +
                         " values cannot be converted to int64 exactly");
    }
    if (!(divisor != 0.0)) throw ValueError("IdxArray::to_tensor: divisor must not be 0");
    if (dtype == uint8) {
        if (type != IdxType::uint8) {
            throw DtypeError("IdxArray::to_tensor: " + std::string(idx_type_name(type)) +
                             " values cannot be stored as uint8 exactly");
        }
        Tensor out(shape, uint8);
        if (!bytes.empty()) std::memcpy(out.raw_data(), bytes.data(), bytes.size());
        return out;
    }
    Tensor out(shape, dtype);
    const std::uint8_t* b = bytes.data();
    visit_dtype(dtype, [&](auto tag) {
        using Out = decltype(tag);
        Out* o = out.data<Out>();
        if (type == IdxType::uint8) {
            // 256 possible values: a table, so a 47-MB image file converts at memory speed.
            std::array<Out, 256> table;
            for (int v = 0; v < 256; ++v) {
                if constexpr (std::is_floating_point_v<Out>) table[v] = static_cast<Out>(v / divisor);
                else table[v] = static_cast<Out>(v);
            }
            for (std::int64_t i = 0; i < n; ++i) o[i] = table[b[i]];
            return;
        }
        switch (type) {
            case IdxType::int8: convert<IdxType::int8>(b, n, o, divisor); break;
            case IdxType::int16: convert<IdxType::int16>(b, n, o, divisor); break;
            case IdxType::int32: convert<IdxType::int32>(b, n, o, divisor); break;
            case IdxType::float32: convert<IdxType::float32>(b, n, o, divisor); break;
            case IdxType::float64: convert<IdxType::float64>(b, n, o, divisor); break;
            default: break;
        }
    });
    return out;
}

IdxArray read_idx(const fs::path& path) {
    Source src(path);

    // ---- header: magic number, then one int32 per dimension ----
    std::uint8_t magic[4];
    const std::size_t got_magic = src.read(magic, 4);
    if (got_magic < 4) {
        src.fail("truncated header: expected 4 bytes (the magic number), got " + std::to_string(got_magic) +
                 src.early_end_note());
    }
    const std::uint32_t magic_value = be32(magic);
    if (magic[0] != 0 || magic[1] != 0) {
        src.fail("bad magic number " + hex(magic_value, 8) +
                 " (bytes 0-3): an IDX file starts with two zero bytes, a type code and the number of "
                 "dimensions, e.g. 0x00000803 for MNIST images, 0x00000801 for labels" +
                 (magic[0] == 0x1f ? " (byte 0 is 0x1F: a damaged gzip header?)" : ""));
    }
    if (!is_known_type(magic[2])) {
        src.fail("unknown data type code " + hex(magic[2], 2) + " at byte 2 (magic number " + hex(magic_value, 8) +
                 "); expected 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32 or 0x0E float64");
    }
    const auto type = static_cast<IdxType>(magic[2]);
    const std::size_t ndims = magic[3];
    if (ndims == 0) {
        src.fail("zero dimensions at byte 3 (magic number " + hex(magic_value, 8) + "); expected at least 1");
    }
    const std::size_t header_bytes = 4 + 4 * ndims;
    std::vector<std::uint8_t> dims_raw(4 * ndims);
    const std::size_t got_dims = src.read(dims_raw.data(), dims_raw.size());
    if (got_dims < dims_raw.size()) {
        src.fail("truncated header: expected " + std::to_string(header_bytes) + " bytes (magic number and " +
                 std::to_string(ndims) + (ndims == 1 ? " dimension" : " dimensions") + "), got " +
                 std::to_string(4 + got_dims) + src.early_end_note());
    }

    IdxArray out;
    out.type = type;
    const std::size_t itemsize = idx_itemsize(type);
    constexpr std::int64_t max_bytes = std::int64_t{1} << 62;
    std::int64_t numel = 1;
    for (std::size_t i = 0; i < ndims; ++i) {
        const auto d = static_cast<std::int32_t>(be32(dims_raw.data() + 4 * i));
        if (d < 1) {
            src.fail("dimension " + std::to_string(i) + " of " + std::to_string(ndims) + " (bytes " +
                     std::to_string(4 + 4 * i) + "-" + std::to_string(7 + 4 * i) + ") is " + std::to_string(d) +
                     "; every dimension must be at least 1");
        }
        if (numel > max_bytes / static_cast<std::int64_t>(itemsize) / d) {
            src.fail("the header declares more than 2^62 data bytes (dimensions so far " + dims_text(out.shape) +
                     "x" + std::to_string(d) + ")");
        }
        numel *= d;
        out.shape.push_back(d);
    }
    const auto declared = static_cast<std::size_t>(numel) * itemsize;
    const std::string expectation = "expected " + std::to_string(declared) + " data bytes after the " +
                                    std::to_string(header_bytes) + "-byte header";

    // ---- data: exactly `declared` bytes, nothing after ----
    if (src.direct()) {
        // Plain file: compare with the file size before allocating anything.
        std::error_code ec;
        const auto file_size = fs::file_size(path, ec);
        if (!ec) {
            const std::size_t present = file_size >= header_bytes ? file_size - header_bytes : 0;
            if (present < declared) src.fail("truncated: " + expectation + ", got " + std::to_string(present));
            if (present > declared) {
                src.fail(unexpected_bytes(present - declared) + " after the " +
                         std::to_string(declared) + " data bytes the header declares (" + dims_text(out.shape) + " " +
                         std::string(idx_type_name(type)) + "): the file has " + std::to_string(file_size) +
                         " bytes, expected " + std::to_string(header_bytes + declared));
            }
        }
        out.bytes.resize(declared);
        const std::size_t got = src.read(out.bytes.data(), declared);
        if (got < declared) src.fail("truncated: " + expectation + ", got " + std::to_string(got));
    } else {
        // gzip: the decompressed size is known only by reading. The first
        // buffer is what the compressed file can hold at most (DEFLATE
        // expands at most 1032:1), up to 256 MB, so a lying header cannot
        // force a huge allocation, and a real file is read without growing
        // (each growth copies: 47-MB images would peak at 79 MB); past that
        // the buffer doubles with the data present.
        std::error_code ec;
        const std::uintmax_t compressed = fs::file_size(path, ec);
        const std::size_t most = ec ? std::size_t{1} << 24
                                    : static_cast<std::size_t>(std::min<std::uintmax_t>(compressed, 1u << 30) * 1032 + 4096);
        std::size_t got = 0;
        std::size_t capacity = std::min({declared, most, std::size_t{1} << 28});
        while (true) {
            out.bytes.resize(capacity);
            const std::size_t r = src.read(out.bytes.data() + got, capacity - got);
            got += r;
            if (got < capacity || capacity == declared) break;
            capacity = std::min(declared, capacity * 2);
        }
        if (got < declared) {
            src.fail("truncated: " + expectation + ", got " + std::to_string(got) + src.early_end_note());
        }
    }
    // Anything after the data? (For gzip this also reads to the end of the
    // stream, so zlib checks the CRC and length in the trailer.)
    std::size_t extra = 0;
    std::array<std::uint8_t, 1 << 16> scratch;
    while (const std::size_t r = src.read(scratch.data(), scratch.size())) extra += r;
    if (extra > 0) {
        src.fail(unexpected_bytes(extra) + " after the " + std::to_string(declared) +
                 " data bytes the header declares (" + dims_text(out.shape) + " " + std::string(idx_type_name(type)) +
                 ")");
    }
    const std::string note = src.early_end_note();
    if (!note.empty()) src.fail("corrupt gzip stream after the data" + note);
    return out;
}

Tensor read_idx_images(const fs::path& path, Pixels pixels) {
    IdxArray idx = read_idx(path);
    if (idx.shape.size() != 3) {
        throw IoError(path.string() + ": expected an image file with 3 dimensions [N, rows, cols] (magic 0x00000803), got " +
                      std::to_string(idx.shape.size()) + " (" + dims_text(idx.shape) + ", magic " + hex(idx.magic(), 8) +
                      ")");
    }
    if (pixels == Pixels::uint8) {
        if (idx.type != IdxType::uint8) {
            throw IoError(path.string() + ": uint8 pixels asked for, but the file holds " +
                          std::string(idx_type_name(idx.type)) + " values");
        }
        // The tensor keeps the bytes read from the file: no second copy.
        auto bytes = std::make_shared<std::vector<std::uint8_t>>(std::move(idx.bytes));
        return from_blob(bytes->data(), idx.shape, uint8, bytes);
    }
    return idx.to_tensor(float32, pixels == Pixels::scaled && idx.type == IdxType::uint8 ? 255.0 : 1.0);
}

Tensor read_idx_labels(const fs::path& path) {
    const IdxArray idx = read_idx(path);
    if (idx.shape.size() != 1) {
        throw IoError(path.string() + ": expected a label file with 1 dimension [N] (magic 0x00000801), got " +
                      std::to_string(idx.shape.size()) + " (" + dims_text(idx.shape) + ", magic " + hex(idx.magic(), 8) +
                      ")");
    }
    if (!is_integer_type(idx.type)) {
        throw IoError(path.string() + ": expected integer labels, got " + std::string(idx_type_name(idx.type)) +
                      " values (magic " + hex(idx.magic(), 8) + ")");
    }
    return idx.to_tensor(int64);
}

}  // namespace xgrad::data
