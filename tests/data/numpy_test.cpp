// .npy and .npz files written by Debian's python3-numpy (tests/data/
// write_numpy_files.py, run at build time): values and dtypes for every
// supported kind, Fortran order and byte order, stored and deflated zips;
// then hostile files (truncated, lying headers, corrupt zips) give IoErrors
// that name what is wrong.
#include <sys/stat.h>

#include <sys/resource.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "../test_helpers.hpp"

using namespace xgrad;
using xgrad_test::values;
namespace tt = boost::test_tools;

namespace {

std::string file(const std::string& name) { return std::string(XGRAD_NUMPY_FILES) + "/" + name; }

std::vector<std::byte> bytes_of(const std::string& name) {
    std::ifstream in(file(name), std::ios::binary);
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> out(chars.size());
    std::memcpy(out.data(), chars.data(), chars.size());
    return out;
}

std::vector<std::byte> bytes_of_text(const std::string& text) {
    std::vector<std::byte> out(text.size());
    std::memcpy(out.data(), text.data(), text.size());
    return out;
}

/// A version-1 .npy file with `header` (padded as NumPy pads) and `data_bytes` zero bytes.
std::vector<std::byte> npy(const std::string& header, std::size_t data_bytes) {
    std::string h = header;
    while ((10 + h.size() + 1) % 64 != 0) h += ' ';
    h += '\n';
    std::string out = "\x93NUMPY\x01";
    out += '\0';
    out += static_cast<char>(h.size() & 0xFF);
    out += static_cast<char>(h.size() >> 8);
    out += h;
    out.append(data_bytes, '\0');
    return bytes_of_text(out);
}

/// The process's peak resident set so far, in MiB.
long peak_rss_mib() {
    struct rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(data_numpy)

BOOST_AUTO_TEST_CASE(floats_in_every_layout) {
    const Tensor a = data::read_npy(file("numpy_f32.npy"));
    BOOST_TEST((a.dtype() == float32));
    BOOST_TEST(a.shape() == Shape({3, 4}));
    for (int i = 0; i < 12; ++i) BOOST_TEST(values(a)[i] == i / 8.0);
    // Fortran order: element [i, j, k] is 12i + 4j + k − 5.5 whatever the storage order.
    const Tensor f = data::read_npy(file("numpy_f64_fortran.npy"));
    BOOST_TEST((f.dtype() == float64));
    BOOST_TEST(f.shape() == Shape({2, 3, 4}));
    for (int i = 0; i < 24; ++i) BOOST_TEST(values(f)[i] == i - 5.5);
    BOOST_TEST(values(data::read_npy(file("numpy_f32_big_endian.npy"))) == std::vector<double>({-2, -1, 0, 1, 2}),
               tt::per_element());
    const Tensor scalar = data::read_npy(file("numpy_scalar.npy"));
    BOOST_TEST(scalar.rank() == 0u);
    BOOST_TEST(scalar.item() == 2.5);
    BOOST_TEST(data::read_npy(file("numpy_empty.npy")).shape() == Shape({0, 3}));
}

BOOST_AUTO_TEST_CASE(integers_and_bytes) {
    const auto ints = [](const std::string& name) {
        const Tensor t = data::read_npy(file(name));
        BOOST_TEST((t.dtype() == int64));
        return t.to_vector<std::int64_t>();
    };
    BOOST_TEST(ints("numpy_i32_big_endian.npy") == std::vector<std::int64_t>({-3, 0, 70000}), tt::per_element());
    BOOST_TEST(ints("numpy_i8.npy") == std::vector<std::int64_t>({-128, -1, 0, 127}), tt::per_element());
    BOOST_TEST(ints("numpy_i16.npy") == std::vector<std::int64_t>({-32768, 5, 32767}), tt::per_element());
    BOOST_TEST(ints("numpy_u16.npy") == std::vector<std::int64_t>({0, 65535}), tt::per_element());
    BOOST_TEST(ints("numpy_u32.npy") == std::vector<std::int64_t>({4294967295}), tt::per_element());
    const Tensor version2 = data::read_npy(file("numpy_version2.npy"));
    BOOST_TEST(version2.shape() == Shape({2, 3}));
    BOOST_TEST(version2.to_vector<std::int64_t>() == std::vector<std::int64_t>({0, 1, 2, 3, 4, 5}), tt::per_element());
    const Tensor u8 = data::read_npy(file("numpy_u8.npy"));
    BOOST_TEST((u8.dtype() == uint8));
    BOOST_TEST(values(u8) == std::vector<double>({0, 255, 7, 8}), tt::per_element());
    const Tensor flags = data::read_npy(file("numpy_bool.npy"));  // '|b1'
    BOOST_TEST((flags.dtype() == boolean));
    BOOST_TEST(flags.to_vector<bool>() == std::vector<bool>({true, false, true}), tt::per_element());
}

// Fortran order reorders raw items of any size: element [i, j, k] is 12i + 4j + k
// (bool: whether that is odd) whatever the dtype, also inside an .npz.
BOOST_AUTO_TEST_CASE(fortran_order_in_every_dtype) {
    std::vector<double> expected(24), odd(24);
    for (int i = 0; i < 24; ++i) expected[i] = i, odd[i] = i % 2;
    const Tensor u8 = data::read_npy(file("numpy_u8_fortran.npy"));
    BOOST_TEST((u8.dtype() == uint8));
    BOOST_TEST(u8.shape() == Shape({2, 3, 4}));
    BOOST_TEST(values(u8) == expected, tt::per_element());
    const Tensor flags = data::read_npy(file("numpy_bool_fortran.npy"));
    BOOST_TEST((flags.dtype() == boolean));
    BOOST_TEST(flags.shape() == Shape({2, 3, 4}));
    BOOST_TEST(values(flags) == odd, tt::per_element());
    const Tensor i16 = data::read_npy(file("numpy_i16_fortran.npy"));  // big-endian too
    BOOST_TEST((i16.dtype() == int64));
    for (int i = 0; i < 24; ++i) BOOST_TEST(i16.to_vector<std::int64_t>()[i] == i - 5);
    const Tensor f32 = data::read_npy(file("numpy_f32_fortran.npy"));
    BOOST_TEST((f32.dtype() == float32));
    BOOST_TEST(values(f32) == expected, tt::per_element());

    const auto arrays = data::read_npz(file("numpy_fortran.npz"));
    const Tensor member = arrays.at("u8");
    BOOST_TEST(member.shape() == Shape({3, 4}));
    BOOST_TEST(values(member) == std::vector<double>(expected.begin(), expected.begin() + 12), tt::per_element());
    std::vector<double> thirds(12);
    for (int i = 0; i < 12; ++i) thirds[i] = (12 + i) % 3 == 0;
    BOOST_TEST(values(arrays.at("flags")) == thirds, tt::per_element());
    // A hand-written 2 x 3 column-major uint8 array: the file holds 0 3 1 4 2 5.
    std::vector<std::byte> bytes = npy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", 6);
    for (int i = 0; i < 6; ++i) bytes[bytes.size() - 6 + i] = std::byte(std::array{0, 3, 1, 4, 2, 5}[i]);
    BOOST_TEST(values(data::parse_npy(bytes, "f.npy")) == std::vector<double>({0, 1, 2, 3, 4, 5}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(npz_stored_and_deflated) {
    for (const char* name : {"numpy_stored.npz", "numpy_deflated.npz"}) {
        BOOST_TEST_CONTEXT(name) {
            const auto arrays = data::read_npz(file(name));
            BOOST_TEST(arrays.size() == 3u);
            BOOST_TEST(values(arrays.at("x_train")) == values(data::read_npy(file("numpy_f32.npy"))), tt::per_element());
            BOOST_TEST(arrays.at("y_train").to_vector<std::int64_t>() == std::vector<std::int64_t>({0, 1, 2}),
                       tt::per_element());
            BOOST_TEST((arrays.at("note").dtype() == uint8));
        }
    }
    const Tensor big = data::read_npz(file("numpy_large.npz")).at("big");
    BOOST_TEST(big.shape() == Shape({300000}));
    const float* v = big.data<float>();
    for (const int i : {0, 1, 65535, 65536, 299999})
        BOOST_TEST(v[i] == std::sin(static_cast<float>(i)), tt::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(unsupported_dtypes_are_named) {
    CHECK_THROWS_WITH(data::read_npy(file("numpy_f16.npy")), IoError, "unsupported dtype '<f2'");
    CHECK_THROWS_WITH(data::read_npy(file("numpy_structured.npy")), IoError, "structured arrays are not read");
    CHECK_THROWS_WITH(data::read_npy(file("numpy_u64_too_large.npy")), IoError,
                      "uint64 value 9223372036854775808 at element 1 does not fit in int64");
    CHECK_THROWS_WITH(data::read_npy(file("missing.npy")), IoError, "missing.npy: cannot open");
}

// '|b1' bytes other than 0 or 1 are no C++ bool: refused with the file offset.
BOOST_AUTO_TEST_CASE(bool_bytes_other_than_0_or_1_are_refused) {
    std::vector<std::byte> bytes = npy("{'descr': '|b1', 'fortran_order': False, 'shape': (4,), }", 4);
    bytes[bytes.size() - 3] = std::byte{1};
    const Tensor ok = data::parse_npy(bytes, "b.npy");
    BOOST_TEST((ok.dtype() == boolean));
    BOOST_TEST(ok.to_vector<bool>() == std::vector<bool>({false, true, false, false}), tt::per_element());
    bytes[bytes.size() - 1] = std::byte{2};  // the data starts at byte 128
    CHECK_THROWS_WITH(data::parse_npy(bytes, "b.npy"), IoError, "b.npy: bool byte 2 at file offset 131 is not 0 or 1");
    // Checked in file order before a Fortran-order array is reordered.
    std::vector<std::byte> fortran = npy("{'descr': '|b1', 'fortran_order': True, 'shape': (2, 3), }", 6);
    fortran[128 + 4] = std::byte{7};
    CHECK_THROWS_WITH(data::parse_npy(fortran, "f.npy"), IoError, "f.npy: bool byte 7 at file offset 132 is not 0 or 1");
}

BOOST_AUTO_TEST_CASE(hostile_npy_headers) {
    const std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    BOOST_TEST(data::parse_npy(npy(header, 24), "ok").shape() == Shape({2, 3}));
    CHECK_THROWS_WITH(data::parse_npy(npy(header, 20), "t.npy"), IoError,
                      "t.npy: truncated: the header declares [2,3] (24 data bytes) after byte 128, got 20");
    CHECK_THROWS_WITH(data::parse_npy(npy(header, 25), "t.npy"), IoError, "1 unexpected byte after the data, from byte 152");
    CHECK_THROWS_WITH(data::parse_npy(bytes_of_text("\x93NUMPX\x01"), "t.npy"), IoError, "shorter than the 10-byte start");
    CHECK_THROWS_WITH(data::parse_npy(bytes_of_text("PK\x03\x04 not npy at all"), "t.npy"), IoError, "not a .npy file");
    std::vector<std::byte> v9 = npy(header, 24);
    v9[6] = std::byte{9};
    CHECK_THROWS_WITH(data::parse_npy(v9, "t.npy"), IoError, "unsupported .npy version 9.0");
    std::vector<std::byte> long_header = npy(header, 24);
    long_header[9] = std::byte{0x7F};  // header length 0x7F76: past the end
    CHECK_THROWS_WITH(data::parse_npy(long_header, "t.npy"), IoError, "truncated: the header declares 32630 bytes from byte 10, the file has 152 bytes");
    // A shape whose byte count overflows 64 bits, and one that only lies.
    CHECK_THROWS_WITH(data::parse_npy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 0),
                                      "t.npy"),
                      IoError, "is too large");
    CHECK_THROWS_WITH(data::parse_npy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 1000), }", 8),
                                      "t.npy"),
                      IoError, "(8000000000000 data bytes) after byte 128, got 8");
    CHECK_THROWS_WITH(data::parse_npy(npy("{'descr': '<f4', 'shape': (2,), }", 8), "t.npy"), IoError,
                      "lacks one of descr, fortran_order and shape");
    CHECK_THROWS_WITH(data::parse_npy(npy("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", 8), "t.npy"),
                      IoError, "fortran_order must be True or False (header byte 44)");
    CHECK_THROWS_WITH(data::parse_npy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", 8), "t.npy"),
                      IoError, "tuple of non-negative integers");
    CHECK_THROWS_WITH(data::parse_npy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", 8), "t.npy"),
                      IoError, "unexpected key 'x'");
    CHECK_THROWS_WITH(data::parse_npy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,) ", 8), "t.npy"),
                      IoError, "malformed header: expected ','");
}

BOOST_AUTO_TEST_CASE(hostile_zips) {
    const std::vector<std::byte> good = bytes_of("numpy_deflated.npz");
    BOOST_TEST(data::parse_npz(good, "z.npz").size() == 3u);
    CHECK_THROWS_WITH(data::parse_npz(bytes_of_text("not a zip"), "z.npz"), IoError, "z.npz: not a zip file");
    // Cut anywhere: the end record is gone, or points past the end.
    for (const std::size_t keep : {good.size() - 1, good.size() / 2, std::size_t{30}}) {
        BOOST_TEST_CONTEXT("first " << keep << " bytes") {
            const std::vector<std::byte> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(keep));
            BOOST_CHECK_THROW(data::parse_npz(cut, "z.npz"), IoError);
        }
    }
    // A flipped byte inside the first member's data: corrupt deflate data or a CRC mismatch.
    std::vector<std::byte> flipped = good;
    flipped[90] ^= std::byte{0x55};
    BOOST_CHECK_THROW(data::parse_npz(flipped, "z.npz"), IoError);
    // The directory offset pointing past the end names the byte.
    std::vector<std::byte> far = good;
    const std::size_t end = good.size() - 22;
    far[end + 16] = far[end + 17] = far[end + 18] = std::byte{0x7F};
    CHECK_THROWS_WITH(data::parse_npz(far, "z.npz"), IoError, "the central directory at byte");
    // A member declaring a larger size than it inflates to.
    std::vector<std::byte> lying = good;
    const std::size_t directory = std::to_integer<std::size_t>(good[end + 16]) |
                                  std::to_integer<std::size_t>(good[end + 17]) << 8 |
                                  std::to_integer<std::size_t>(good[end + 18]) << 16;
    lying[directory + 24] ^= std::byte{0x01};  // uncompressed size of the first entry, low byte
    CHECK_THROWS_WITH(data::parse_npz(lying, "z.npz"), IoError, "z.npz: ");
}

BOOST_AUTO_TEST_CASE(zip_bombs) {
    // 100 directory entries inflating one deflated 1-MiB array: refused
    // before anything is inflated, naming the first two and their bytes.
    const std::vector<std::byte> bomb = bytes_of("numpy_zip_bomb.npz");
    const std::size_t packed = std::to_integer<std::size_t>(bomb[18]) | std::to_integer<std::size_t>(bomb[19]) << 8;
    const std::string range = "(bytes 0-" + std::to_string(30 + 5 + packed - 1) + ")";
    const long before = peak_rss_mib();
    CHECK_THROWS_WITH(data::read_npz(file("numpy_zip_bomb.npz")), IoError,
                      file("numpy_zip_bomb.npz") + ": members 'a0.npy' " + range + " and 'a1.npy' " + range +
                          " overlap");
    BOOST_TEST(peak_rss_mib() - before < 16);
    // A 64-MiB member that is not an array is never inflated.
    const auto arrays = data::read_npz(file("numpy_skipped_member.npz"));
    BOOST_TEST(arrays.size() == 1u);
    BOOST_TEST(values(arrays.at("x")) == std::vector<double>({0, 1, 2}), tt::per_element());
    BOOST_TEST(peak_rss_mib() - before < 16);
    // A member declaring more than one archive may inflate (17 GiB, in ZIP64 fields).
    CHECK_THROWS_WITH(data::read_npz(file("numpy_inflate_bound.npz")), IoError,
                      "numpy_inflate_bound.npz: big.npy: inflating its declared 18253611008 bytes would pass the "
                      "bound of 17179869184 bytes (16 GiB) inflated from one archive (0 so far)");
}

BOOST_AUTO_TEST_CASE(directories_are_named) {
    const std::string dir = std::filesystem::temp_directory_path().string();
    CHECK_THROWS_WITH(data::read_npy(dir), IoError, dir + ": is a directory");
    CHECK_THROWS_WITH(data::read_npz(dir), IoError, dir + ": is a directory");
    // Opening a FIFO would wait for a writer forever.
    const std::string fifo = dir + "/xgrad_numpy_test_fifo";
    std::filesystem::remove(fifo);
    BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK_THROWS_WITH(data::read_npy(fifo), IoError, fifo + ": is not a regular file (a FIFO)");
    CHECK_THROWS_WITH(data::read_npz(fifo), IoError, fifo + ": is not a regular file (a FIFO)");
    std::filesystem::remove(fifo);
    CHECK_THROWS_WITH(data::read_npy("/dev/zero"), IoError, "/dev/zero: is not a regular file (a device)");
}

BOOST_AUTO_TEST_SUITE_END()
