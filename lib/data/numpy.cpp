// .npy and .npz reading. An .npy file is
//   "\x93NUMPY", major, minor version bytes,
//   the header's length (2 bytes little-endian in version 1, 4 in 2 and 3),
//   the header: a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
//   padded with spaces to a multiple of 64 bytes and ended by '\n',
//   then the values, row-major (column-major when fortran_order).
#include "xgrad/data/numpy.hpp"

#include <bit>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "core/bool_bytes.hpp"
#include "data/numpy_dtype.hpp"
#include "data/zip.hpp"
#include "xgrad/core/error.hpp"

namespace xgrad::data {
namespace {

struct Header {
    NumpyElement element;
    bool fortran_order = false;
    Shape shape;
};

/// The header dict, parsed the way NumPy writes it (and Python would read
/// it: either quote, any spacing, a trailing comma).
class HeaderParser {
public:
    HeaderParser(std::string_view text, const std::string& name, std::size_t offset)
        : text_(text), name_(name), offset_(offset) {}

    Header parse() {
        Header h;
        bool descr = false, order = false, shape = false;
        expect('{');
        while (!peek('}')) {
            const std::string key = string_literal();
            expect(':');
            if (key == "descr") {
                if (!peek('\'') && !peek('"'))
                    fail("unsupported dtype: 'descr' is not a string (structured arrays are not read)");
                dtype(string_literal(), h);
                descr = true;
            } else if (key == "fortran_order") {
                h.fortran_order = boolean();
                order = true;
            } else if (key == "shape") {
                h.shape = tuple();
                shape = true;
            } else {
                fail("unexpected key '" + key + "' in the header (expected descr, fortran_order and shape)");
            }
            if (!peek('}')) expect(',');
        }
        expect('}');
        skip_space();
        if (pos_ != text_.size()) fail("unexpected text after the header's dict");
        if (!descr || !order || !shape) fail("the header lacks one of descr, fortran_order and shape");
        return h;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw IoError(name_ + ": " + what + " (header byte " + std::to_string(offset_ + pos_) + ")");
    }
    void skip_space() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }
    bool peek(char c) {
        skip_space();
        return pos_ < text_.size() && text_[pos_] == c;
    }
    void expect(char c) {
        if (!peek(c)) fail(std::string("malformed header: expected '") + c + "'");
        ++pos_;
    }
    std::string string_literal() {
        skip_space();
        if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) fail("malformed header: expected a string");
        const char quote = text_[pos_++];
        const std::size_t end = text_.find(quote, pos_);
        if (end == std::string_view::npos) fail("malformed header: unterminated string");
        std::string s(text_.substr(pos_, end - pos_));
        pos_ = end + 1;
        return s;
    }
    bool boolean() {
        skip_space();
        for (const auto& [word, value] : {std::pair{std::string_view("True"), true}, {"False", false}}) {
            if (text_.substr(pos_, word.size()) == word) {
                pos_ += word.size();
                return value;
            }
        }
        fail("malformed header: fortran_order must be True or False");
    }
    Shape tuple() {
        expect('(');
        std::vector<std::int64_t> dims;
        while (!peek(')')) {
            skip_space();
            std::int64_t d = 0;
            const std::size_t start = pos_;
            while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
                if (d > (std::numeric_limits<std::int64_t>::max() - 9) / 10) fail("a dimension is too large");
                d = d * 10 + (text_[pos_++] - '0');
            }
            if (pos_ == start) fail("malformed header: the shape must be a tuple of non-negative integers");
            if (pos_ < text_.size() && text_[pos_] == 'L') ++pos_;  // Python 2's long suffix
            dims.push_back(d);
            if (!peek(')')) expect(',');
        }
        expect(')');
        return Shape(dims);
    }
    void dtype(const std::string& descr, Header& h) {
        const std::optional<NumpyElement> element = numpy_element(descr);
        if (!element) fail("unsupported dtype '" + descr + "' (read: " + std::string(numpy_readable_dtypes) + ")");
        h.element = *element;
    }

    std::string_view text_;
    const std::string& name_;
    std::size_t offset_;
    std::size_t pos_ = 0;
};

/// The element at `p` as an unsigned integer of e.itemsize bytes in e's byte order.
std::uint64_t load(const std::byte* p, const NumpyElement& e) {
    std::uint64_t v = 0;
    const bool big = e.byte_order == '>';
    for (std::size_t i = 0; i < e.itemsize; ++i) {
        const std::size_t at = big ? i : e.itemsize - 1 - i;
        v = (v << 8) | std::to_integer<std::uint64_t>(p[at]);
    }
    return v;
}

/// Values in file order into a tensor of `shape` (the reversed shape for Fortran order).
Tensor convert(const std::byte* data, const NumpyElement& e, const Shape& shape, const std::string& name) {
    const std::int64_t n = shape.numel();
    Tensor t(shape, e.dtype);
    switch (e.dtype) {
        case Dtype::float32:
        case Dtype::float64:
            if (e.byte_order != '>') {  // little-endian, as this machine
                if (n > 0) std::memcpy(t.raw_data(), data, static_cast<std::size_t>(n) * e.itemsize);
                return t;
            }
            for (std::int64_t i = 0; i < n; ++i) {
                const std::uint64_t bits = load(data + i * e.itemsize, e);
                if (e.itemsize == 4) t.data<float>()[i] = std::bit_cast<float>(static_cast<std::uint32_t>(bits));
                else t.data<double>()[i] = std::bit_cast<double>(bits);
            }
            return t;
        case Dtype::uint8:
        case Dtype::boolean:  // bytes checked to be 0 or 1 by parse_npy
            if (n > 0) std::memcpy(t.raw_data(), data, static_cast<std::size_t>(n));
            return t;
        case Dtype::int64: {
            auto* out = t.data<std::int64_t>();
            const unsigned bits = static_cast<unsigned>(e.itemsize * 8);
            for (std::int64_t i = 0; i < n; ++i) {
                const std::uint64_t v = load(data + i * e.itemsize, e);
                if (e.kind == 'u') {
                    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                        throw IoError(name + ": uint64 value " + std::to_string(v) + " at element " +
                                      std::to_string(i) + " does not fit in int64");
                    out[i] = static_cast<std::int64_t>(v);
                } else if (bits == 64) {
                    out[i] = static_cast<std::int64_t>(v);
                } else {
                    const std::uint64_t sign = std::uint64_t{1} << (bits - 1);
                    out[i] = static_cast<std::int64_t>(v ^ sign) - static_cast<std::int64_t>(sign);  // sign-extend
                }
            }
            return t;
        }
    }
    throw_invalid_dtype(e.dtype);
}

/// The elements of a column-major array of h.shape (non-empty, rank >= 2)
/// moved, still as raw items of h.element.itemsize bytes, into row-major order:
/// this works alike for every dtype, before any tensor (or tensor op) exists.
std::vector<std::byte> fortran_to_row_major(const std::byte* data, const Header& h) {
    const std::size_t rank = h.shape.size(), item = h.element.itemsize;
    // Column-major strides, in elements: axis 0 varies fastest.
    std::vector<std::size_t> stride(rank), index(rank, 0);
    std::size_t count = 1;
    for (std::size_t a = 0; a < rank; ++a) {
        stride[a] = count;
        count *= static_cast<std::size_t>(h.shape[a]);
    }
    std::vector<std::byte> out(count * item);
    const std::size_t inner = static_cast<std::size_t>(h.shape[rank - 1]), inner_stride = stride[rank - 1];
    std::byte* to = out.data();
    for (std::size_t row = 0; row < count / inner; ++row) {
        std::size_t from = 0;
        for (std::size_t a = 0; a + 1 < rank; ++a) from += index[a] * stride[a];
        for (std::size_t k = 0; k < inner; ++k, to += item) std::memcpy(to, data + (from + k * inner_stride) * item, item);
        // The row-major index of the next row: the last outer axis counts fastest.
        for (std::size_t a = rank - 1; a-- > 0;) {
            if (++index[a] < static_cast<std::size_t>(h.shape[a])) break;
            index[a] = 0;
        }
    }
    return out;
}

}  // namespace

Tensor parse_npy(std::span<const std::byte> bytes, const std::string& name) {
    constexpr std::string_view magic = "\x93NUMPY";
    if (bytes.size() < 10)
        throw IoError(name + ": truncated: " + std::to_string(bytes.size()) +
                      " bytes, shorter than the 10-byte start of a .npy file");
    if (std::memcmp(bytes.data(), magic.data(), magic.size()) != 0)
        throw IoError(name + ": not a .npy file: bytes 0-5 are not \\x93NUMPY");
    const auto major = std::to_integer<int>(bytes[6]), minor = std::to_integer<int>(bytes[7]);
    if (major < 1 || major > 3)
        throw IoError(name + ": unsupported .npy version " + std::to_string(major) + "." + std::to_string(minor));
    const std::size_t length_bytes = major == 1 ? 2 : 4, start = 8 + length_bytes;
    if (bytes.size() < start) throw IoError(name + ": truncated inside the header length at byte 8");
    std::uint64_t header_length = 0;
    for (std::size_t i = 0; i < length_bytes; ++i)
        header_length |= std::to_integer<std::uint64_t>(bytes[8 + i]) << (8 * i);
    if (header_length > bytes.size() - start)
        throw IoError(name + ": truncated: the header declares " + std::to_string(header_length) + " bytes from byte " +
                      std::to_string(start) + ", the file has " + std::to_string(bytes.size()) + " bytes");
    const std::string_view text(reinterpret_cast<const char*>(bytes.data() + start), header_length);
    const Header h = HeaderParser(text, name, start).parse();

    // Element count and data size, refusing overflow.
    std::uint64_t count = 1;
    for (const std::int64_t d : h.shape) {
        if (d != 0 && count > std::numeric_limits<std::uint64_t>::max() / 8 / static_cast<std::uint64_t>(d))
            throw IoError(name + ": the shape " + to_string(h.shape) + " is too large");
        count *= static_cast<std::uint64_t>(d);
    }
    const std::uint64_t expected = count * h.element.itemsize, data_start = start + header_length;
    const std::uint64_t present = bytes.size() - data_start;
    if (present < expected)
        throw IoError(name + ": truncated: the header declares " + to_string(h.shape) + " (" + std::to_string(expected) +
                      " data bytes) after byte " + std::to_string(data_start) + ", got " + std::to_string(present));
    if (present > expected)
        throw IoError(name + ": " + std::to_string(present - expected) +
                      (present - expected == 1 ? " unexpected byte" : " unexpected bytes") + " after the data, from byte " +
                      std::to_string(data_start + expected));
    const std::byte* data = bytes.data() + data_start;
    if (h.element.dtype == Dtype::boolean) {
        if (const auto bad = xgrad::detail::first_non_bool_byte(data, expected))
            throw IoError(name + ": bool byte " + std::to_string(std::to_integer<unsigned>(data[*bad])) +
                          " at file offset " + std::to_string(data_start + *bad) + " is not 0 or 1");
    }
    if (!h.fortran_order || h.shape.size() < 2 || count == 0) return convert(data, h.element, h.shape, name);
    const std::vector<std::byte> row_major = fortran_to_row_major(data, h);
    return convert(row_major.data(), h.element, h.shape, name);
}

Tensor read_npy(const std::filesystem::path& path) {
    const auto bytes = detail::read_file_bytes(path.string());
    return parse_npy(bytes, path.string());
}

std::map<std::string, Tensor> parse_npz(std::span<const std::byte> bytes, const std::string& name) {
    std::map<std::string, Tensor> arrays;
    detail::ZipArchive zip(bytes, name);
    std::vector<std::byte> buffer;  // one inflated member at a time
    for (const detail::ZipEntry& entry : zip.entries()) {
        const std::string_view suffix = ".npy";
        if (!entry.name.ends_with(suffix)) continue;  // np.load lists only .npy members as arrays too
        arrays.emplace(entry.name.substr(0, entry.name.size() - suffix.size()),
                       parse_npy(zip.read(entry, buffer), name + ": " + entry.name));
    }
    return arrays;
}

std::map<std::string, Tensor> read_npz(const std::filesystem::path& path) {
    const auto bytes = detail::read_file_bytes(path.string());
    return parse_npz(bytes, path.string());
}

}  // namespace xgrad::data
