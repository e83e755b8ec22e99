// IDX reader: files written byte by byte here (headers by hand, gzip by zlib
// itself), read back with exact values; every corruption gives an IoError
// that starts with the file's path and names the problem.
#include <sys/stat.h>

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <type_traits>
#include <unistd.h>

#include "../test_helpers.hpp"

using namespace xgrad;
using namespace xgrad::data;
namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

namespace {

/// A fresh directory, removed with everything in it at the end of the test.
struct TempDir {
    fs::path path;
    TempDir() {
        static int counter = 0;
        path = fs::temp_directory_path() /
               ("xgrad_data_idx_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

/// Header: 0x00 0x00, type code, number of dims, then each dim as a big-endian int32.
Bytes idx_header(std::uint8_t type, const std::vector<std::uint32_t>& dims) {
    Bytes b = {0, 0, type, static_cast<std::uint8_t>(dims.size())};
    for (std::uint32_t d : dims) {
        b.push_back(static_cast<std::uint8_t>(d >> 24));
        b.push_back(static_cast<std::uint8_t>(d >> 16));
        b.push_back(static_cast<std::uint8_t>(d >> 8));
        b.push_back(static_cast<std::uint8_t>(d));
    }
    return b;
}

Bytes concat(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// gzip (RFC 1952) of `data`, compressed by zlib.
Bytes gzip(const Bytes& data) {
    z_stream s{};
    BOOST_REQUIRE(deflateInit2(&s, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    Bytes out(deflateBound(&s, data.size()) + 64);
    s.next_in = const_cast<Bytef*>(data.data());
    s.avail_in = static_cast<uInt>(data.size());
    s.next_out = out.data();
    s.avail_out = static_cast<uInt>(out.size());
    BOOST_REQUIRE(deflate(&s, Z_FINISH) == Z_STREAM_END);
    out.resize(s.total_out);
    deflateEnd(&s);
    return out;
}

fs::path write(const fs::path& path, const Bytes& bytes) {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return path;
}

/// Pseudo-random bytes (incompressible enough that a cut gzip stream loses data).
Bytes noise(std::size_t n) {
    Bytes b(n);
    std::uint32_t s = 12345;
    for (auto& v : b) v = static_cast<std::uint8_t>((s = s * 1664525u + 1013904223u) >> 24);
    return b;
}

/// `f()` throws an IoError whose message starts with "<path>: " and contains `text`.
template <class F> void check_io_error(const fs::path& path, const std::string& text, F&& f) {
    try {
        f();
        BOOST_ERROR("no IoError for " << path << " (expected: " << text << ")");
    } catch (const IoError& e) {
        const std::string m = e.what();
        BOOST_TEST(m.rfind(path.string() + ": ", 0) == 0u, "message does not start with the path: " << m);
        BOOST_TEST(m.find(text) != std::string::npos, "expected \"" << text << "\" in: " << m);
    }
}

const Bytes pixels = {0, 1, 2, 51, 127, 128, 200, 254, 255, 17, 34, 68};  // 2 images of 2 x 3

}  // namespace

BOOST_AUTO_TEST_SUITE(data_idx)

BOOST_AUTO_TEST_CASE(io_error_is_an_xgrad_error) {
    BOOST_TEST((std::is_base_of_v<Error, IoError>));
}

BOOST_AUTO_TEST_CASE(plain_uint8_images_read_exactly) {
    TempDir dir;
    const fs::path p = write(dir.path / "images-idx3-ubyte", concat(idx_header(0x08, {2, 2, 3}), pixels));
    const IdxArray a = read_idx(p);
    BOOST_TEST((a.type == IdxType::uint8));
    BOOST_TEST((a.shape == Shape{2, 2, 3}));
    BOOST_TEST(a.magic() == 0x00000803u);
    BOOST_TEST(a.bytes == pixels, boost::test_tools::per_element());

    const Tensor x = read_idx_images(p);
    BOOST_TEST((x.dtype() == float32));
    BOOST_TEST((x.shape() == Shape{2, 2, 3}));
    std::vector<float> expected;  // the notebook's X / 255. (division in double), then float32
    for (std::uint8_t v : pixels) expected.push_back(static_cast<float>(v / 255.0));
    BOOST_TEST(x.to_vector<float>() == expected, boost::test_tools::per_element());

    const Tensor raw = read_idx_images(p, Pixels::raw);
    BOOST_TEST(raw.to_vector<float>() == std::vector<float>(pixels.begin(), pixels.end()),
               boost::test_tools::per_element());

    const Tensor bytes = read_idx_images(p, Pixels::uint8);
    BOOST_TEST((bytes.dtype() == uint8));
    BOOST_TEST((bytes.shape() == Shape{2, 2, 3}));
    BOOST_TEST(bytes.to_vector<std::uint8_t>() == pixels, boost::test_tools::per_element());
    BOOST_TEST((a.to_tensor(uint8).to_vector<std::uint8_t>() == pixels));
}

BOOST_AUTO_TEST_CASE(gzip_file_gives_the_same_values) {
    TempDir dir;
    const Bytes file = concat(idx_header(0x08, {2, 2, 3}), pixels);
    const fs::path gz = write(dir.path / "images-idx3-ubyte.gz", gzip(file));
    const Bytes on_disk = [&] {
        std::ifstream f(gz, std::ios::binary);
        return Bytes(std::istreambuf_iterator<char>(f), {});
    }();
    BOOST_TEST_REQUIRE(on_disk.size() > 2u);
    BOOST_TEST((on_disk[0] == 0x1f && on_disk[1] == 0x8b));
    const IdxArray a = read_idx(gz);
    BOOST_TEST((a.shape == Shape{2, 2, 3}));
    BOOST_TEST(a.bytes == pixels, boost::test_tools::per_element());
    BOOST_TEST(read_idx_images(gz, Pixels::raw).to_vector<float>() == std::vector<float>(pixels.begin(), pixels.end()),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(labels_become_int64) {
    TempDir dir;
    const Bytes labels = {9, 0, 0, 3, 255};
    for (bool gz : {false, true}) {
        const Bytes file = concat(idx_header(0x08, {5}), labels);
        const fs::path p = write(dir.path / (gz ? "labels.gz" : "labels"), gz ? gzip(file) : file);
        const Tensor y = read_idx_labels(p);
        BOOST_TEST((y.dtype() == int64));
        BOOST_TEST((y.shape() == Shape{5}));
        BOOST_TEST(y.to_vector<std::int64_t>() == std::vector<std::int64_t>({9, 0, 0, 3, 255}),
                   boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(other_type_codes_are_big_endian) {
    TempDir dir;
    // int8: 0xFF = -1, 0x80 = -128, 0x7F = 127
    const fs::path i8 = write(dir.path / "i8", concat(idx_header(0x09, {3}), {0xFF, 0x80, 0x7F}));
    BOOST_TEST(read_idx_labels(i8).to_vector<std::int64_t>() == std::vector<std::int64_t>({-1, -128, 127}),
               boost::test_tools::per_element());
    // int16: 0x0102 = 258, 0xFFFE = -2
    const fs::path i16 = write(dir.path / "i16", concat(idx_header(0x0B, {2}), {0x01, 0x02, 0xFF, 0xFE}));
    BOOST_TEST(read_idx_labels(i16).to_vector<std::int64_t>() == std::vector<std::int64_t>({258, -2}),
               boost::test_tools::per_element());
    // int32: 0x80000000 = -2^31, 0x00010000 = 65536
    const fs::path i32 = write(dir.path / "i32", concat(idx_header(0x0C, {2}), {0x80, 0, 0, 0, 0, 1, 0, 0}));
    BOOST_TEST(read_idx_labels(i32).to_vector<std::int64_t>() == std::vector<std::int64_t>({-2147483648LL, 65536}),
               boost::test_tools::per_element());
    // float32: 0x3FC00000 = 1.5, 0xC0200000 = -2.5; [1, 1, 2] image "file"
    const fs::path f32 = write(dir.path / "f32", concat(idx_header(0x0D, {1, 1, 2}), {0x3F, 0xC0, 0, 0, 0xC0, 0x20, 0, 0}));
    const IdxArray a = read_idx(f32);
    BOOST_TEST((a.type == IdxType::float32));
    BOOST_TEST(a.magic() == 0x00000D03u);
    BOOST_TEST(a.to_tensor(float64).to_vector<double>() == std::vector<double>({1.5, -2.5}), boost::test_tools::per_element());
    // normalize applies to uint8 pixels only
    BOOST_TEST(read_idx_images(f32).to_vector<float>() == std::vector<float>({1.5f, -2.5f}), boost::test_tools::per_element());
    // float64: 0xC002000000000000 = -2.25
    const fs::path f64 = write(dir.path / "f64", concat(idx_header(0x0E, {1}), {0xC0, 0x02, 0, 0, 0, 0, 0, 0}));
    BOOST_TEST(read_idx(f64).to_tensor(float32).to_vector<float>() == std::vector<float>({-2.25f}), boost::test_tools::per_element());
    CHECK_THROWS_WITH(read_idx(f64).to_tensor(int64), DtypeError, "float64 values cannot be converted to int64");
    BOOST_TEST(idx_itemsize(IdxType::int16) == 2u);
    BOOST_TEST(idx_type_name(IdxType::float64) == "float64");
}

BOOST_AUTO_TEST_CASE(missing_file_and_directory) {
    TempDir dir;
    check_io_error(dir.path / "nope-idx3-ubyte.gz", "cannot open: No such file or directory",
                   [&] { read_idx(dir.path / "nope-idx3-ubyte.gz"); });
    check_io_error(dir.path, "is a directory", [&] { read_idx(dir.path); });
    const auto fifo = dir.path / "fifo-idx3-ubyte";  // opening it would wait for a writer forever
    BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    check_io_error(fifo, "is not a regular file (a FIFO)", [&] { read_idx(fifo); });
}

BOOST_AUTO_TEST_CASE(bad_header_fields) {
    TempDir dir;
    for (bool gz : {false, true}) {
        auto file = [&](const std::string& name, const Bytes& bytes) {
            return write(dir.path / (name + (gz ? ".gz" : "")), gz ? gzip(bytes) : bytes);
        };
        const fs::path empty = file("empty", {});
        check_io_error(empty, "truncated header: expected 4 bytes (the magic number), got 0", [&] { read_idx(empty); });
        const fs::path short_magic = file("short_magic", {0, 0, 8});
        check_io_error(short_magic, "truncated header: expected 4 bytes (the magic number), got 3",
                       [&] { read_idx(short_magic); });
        const fs::path magic = file("magic", {0x12, 0x34, 0x08, 0x03, 0, 0, 0, 1});
        check_io_error(magic, "bad magic number 0x12340803 (bytes 0-3)", [&] { read_idx(magic); });
        const fs::path type = file("type", concat(idx_header(0x07, {3}), {1, 2, 3}));
        check_io_error(type, "unknown data type code 0x07 at byte 2 (magic number 0x00000701)", [&] { read_idx(type); });
        const fs::path zero_rank = file("zero_rank", {0, 0, 8, 0, 1, 2, 3});
        check_io_error(zero_rank, "zero dimensions at byte 3 (magic number 0x00000800)", [&] { read_idx(zero_rank); });
        const fs::path zero_dim = file("zero_dim", idx_header(0x08, {2, 0, 3}));
        check_io_error(zero_dim, "dimension 1 of 3 (bytes 8-11) is 0; every dimension must be at least 1",
                       [&] { read_idx(zero_dim); });
        const fs::path negative = file("negative", concat(idx_header(0x08, {0xFFFFFFFFu}), {1}));
        check_io_error(negative, "dimension 0 of 1 (bytes 4-7) is -1", [&] { read_idx(negative); });
        Bytes cut = idx_header(0x08, {60000, 28, 28});
        cut.resize(10);
        const fs::path short_header = file("short_header", cut);
        check_io_error(short_header, "truncated header: expected 16 bytes (magic number and 3 dimensions), got 10",
                       [&] { read_idx(short_header); });
        const fs::path huge = file("huge", idx_header(0x0E, {0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF}));
        check_io_error(huge, "the header declares more than 2^62 data bytes", [&] { read_idx(huge); });
    }
    // A gzip file whose second magic byte was damaged reads as a plain file.
    const fs::path damaged = write(dir.path / "damaged.gz", {0x1f, 0x0b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8});
    check_io_error(damaged, "bad magic number 0x1F0B0800 (bytes 0-3)", [&] { read_idx(damaged); });
    check_io_error(damaged, "(byte 0 is 0x1F: a damaged gzip header?)", [&] { read_idx(damaged); });
}

BOOST_AUTO_TEST_CASE(truncated_and_extra_data) {
    TempDir dir;
    for (bool gz : {false, true}) {
        auto file = [&](const std::string& name, const Bytes& bytes) {
            return write(dir.path / (name + (gz ? ".gz" : "")), gz ? gzip(bytes) : bytes);
        };
        const fs::path truncated = file("truncated", concat(idx_header(0x08, {2, 2, 3}), {1, 2, 3, 4, 5}));
        check_io_error(truncated, "truncated: expected 12 data bytes after the 16-byte header, got 5",
                       [&] { read_idx(truncated); });
        const fs::path no_data = file("no_data", idx_header(0x08, {7}));
        check_io_error(no_data, "truncated: expected 7 data bytes after the 8-byte header, got 0",
                       [&] { read_idx_labels(no_data); });
        const fs::path int32 = file("int32", concat(idx_header(0x0C, {3}), Bytes(11, 0)));
        check_io_error(int32, "truncated: expected 12 data bytes after the 8-byte header, got 11", [&] { read_idx(int32); });
        const fs::path extra = file("extra", concat(concat(idx_header(0x08, {2, 2, 3}), pixels), {7, 7}));
        check_io_error(extra, "2 unexpected bytes after the 12 data bytes the header declares (2x2x3 uint8)",
                       [&] { read_idx(extra); });
        const fs::path extra1 = file("extra1", concat(concat(idx_header(0x08, {2, 2, 3}), pixels), {7}));
        check_io_error(extra1, "1 unexpected byte after the 12 data bytes", [&] { read_idx(extra1); });
        // A hostile header (2.16e14 bytes) over 3 bytes of data: an error, not an allocation.
        const fs::path hostile = file("hostile", concat(idx_header(0x08, {60000, 60000, 60000}), {1, 2, 3}));
        check_io_error(hostile, "truncated: expected 216000000000000 data bytes after the 16-byte header, got 3",
                       [&] { read_idx(hostile); });
    }
    // The plain file's message also gives the file size.
    const fs::path extra = dir.path / "extra";
    check_io_error(extra, "the file has 30 bytes, expected 28", [&] { read_idx(extra); });
}

BOOST_AUTO_TEST_CASE(corrupt_gzip_streams) {
    TempDir dir;
    const Bytes data = noise(1000);
    const Bytes good = gzip(concat(idx_header(0x08, {1000}), data));
    BOOST_TEST(read_idx(write(dir.path / "good.gz", good)).bytes == data, boost::test_tools::per_element());

    // Cut in the middle of the compressed data: fewer bytes than declared, and zlib saw the input end.
    const fs::path cut = write(dir.path / "cut.gz", Bytes(good.begin(), good.begin() + static_cast<long>(good.size() / 2)));
    check_io_error(cut, "truncated: expected 1000 data bytes after the 8-byte header, got ", [&] { read_idx(cut); });
    check_io_error(cut, "(the gzip stream ends early: unexpected end of file)", [&] { read_idx(cut); });

    // Cut inside the 8-byte trailer: all data present, stream incomplete.
    const fs::path cut_trailer = write(dir.path / "cut_trailer.gz", Bytes(good.begin(), good.end() - 3));
    check_io_error(cut_trailer, "corrupt gzip stream after the data (the gzip stream ends early",
                   [&] { read_idx(cut_trailer); });

    // Wrong CRC-32 in the trailer.
    Bytes bad_crc = good;
    bad_crc[bad_crc.size() - 8] ^= 0xFF;
    const fs::path crc = write(dir.path / "crc.gz", bad_crc);
    check_io_error(crc, "corrupt gzip stream: incorrect data check", [&] { read_idx(crc); });

    // A reserved deflate block type right after the 10-byte gzip header.
    Bytes bad_block = good;
    bad_block[10] = 0xFF;
    const fs::path block = write(dir.path / "block.gz", bad_block);
    check_io_error(block, "corrupt gzip stream: invalid block type", [&] { read_idx(block); });

    // Gzip magic followed by garbage.
    const fs::path garbage = write(dir.path / "garbage.gz", {0x1f, 0x8b, 0x42, 0x00, 1, 2, 3, 4, 5, 6, 7, 8});
    check_io_error(garbage, "corrupt gzip stream: unknown compression method",
                   [&] { read_idx(garbage); });
}

BOOST_AUTO_TEST_CASE(images_and_labels_check_the_kind_of_file) {
    TempDir dir;
    const fs::path labels = write(dir.path / "labels", concat(idx_header(0x08, {3}), {1, 2, 3}));
    check_io_error(labels, "expected an image file with 3 dimensions [N, rows, cols] (magic 0x00000803), got 1 (3, magic 0x00000801)",
                   [&] { read_idx_images(labels); });
    const fs::path images = write(dir.path / "images", concat(idx_header(0x08, {2, 2, 3}), pixels));
    check_io_error(images, "expected a label file with 1 dimension [N] (magic 0x00000801), got 3 (2x2x3, magic 0x00000803)",
                   [&] { read_idx_labels(images); });
    const fs::path floats = write(dir.path / "floats", concat(idx_header(0x0D, {1}), {0x3F, 0xC0, 0, 0}));
    check_io_error(floats, "expected integer labels, got float32 values (magic 0x00000D01)", [&] { read_idx_labels(floats); });
}

BOOST_AUTO_TEST_SUITE_END()
