#include <sys/stat.h>

#include <chrono>
#include <cstring>

#include "../test_helpers.hpp"
#include "io/safetensors_dtype.hpp"
#include "io_test_util.hpp"
#include "xgrad/io/model.hpp"
#include "xgrad/io/safetensors.hpp"

using namespace xgrad;
using xgrad_test::TempDir;

namespace {

std::span<const std::byte> as_bytes(const std::string& s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

/// A file image from a header text (padded here only if `pad`) and raw data.
std::string image(std::string header, const std::string& data, bool pad = true) {
    if (pad) header.append((8 - header.size() % 8) % 8, ' ');
    std::string out;
    const std::uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
    return out + header + data;
}

/// The IoError message parse_safetensors() gives, or "" when it parses.
std::string error_of(const std::string& bytes) {
    try {
        io::parse_safetensors(as_bytes(bytes), "bad.safetensors");
    } catch (const IoError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(io_safetensors)

BOOST_AUTO_TEST_CASE(layout_matches_the_spec_byte_for_byte) {
    // One F32 tensor [1, 2]: header {"a":{"data_offsets":[0,8],"dtype":"F32","shape":[2]}} (keys sorted),
    // 54 characters padded with two spaces to 56; data 1.0f = 00 00 80 3F, 2.0f = 00 00 00 40.
    const std::string img = io::serialize_safetensors({{"a", tensor({1.0, 2.0})}});
    const std::string header = R"({"a":{"data_offsets":[0,8],"dtype":"F32","shape":[2]}})";
    BOOST_TEST(header.size() == 54u);
    BOOST_TEST(img.size() == 8u + 56u + 8u);
    BOOST_TEST(static_cast<unsigned char>(img[0]) == 56u);
    for (int i = 1; i < 8; ++i) BOOST_TEST(img[i] == 0);
    BOOST_TEST(img.substr(8, 56) == header + "  ");
    const unsigned char data[8] = {0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40};
    BOOST_TEST(std::memcmp(img.data() + 64, data, 8) == 0);
}

BOOST_AUTO_TEST_CASE(round_trip_all_dtypes_empty_tensors_and_metadata) {
    TempDir dir;
    const std::string path = dir.file("t.safetensors");
    std::map<std::string, Tensor> t{{"f32", tensor({{1.5, -2.25}, {3.0, 1e-30}})},
                                    {"f64", tensor({0.1, 0.2, 0.3}, float64)},
                                    {"i64", from_vector<std::int64_t>(std::vector<std::int64_t>{-1, 1LL << 40}, {2})},
                                    {"u8", tensor({0.0, 7.0, 255.0}, uint8)},
                                    {"mask", tensor({{1, 0, 0}, {0, 1, 1}}, boolean)},
                                    {"empty_mask", zeros({0}, boolean)},
                                    {"empty", zeros({0, 3})},
                                    {"scalar", scalar(7.0)}};
    io::save_safetensors(path, t, {{"format", "pt"}, {"note", "héllo \"quoted\""}});
    const io::TensorFile f = io::load_safetensors(path);
    BOOST_TEST(f.metadata.at("note") == "héllo \"quoted\"");
    BOOST_TEST(f.tensors.size() == t.size());
    for (const auto& [name, v] : t) {
        const Tensor& r = f.tensors.at(name);
        BOOST_TEST((r.dtype() == v.dtype()));
        BOOST_TEST((r.shape() == v.shape()));
        BOOST_TEST(xgrad_test::values(r) == xgrad_test::values(v), boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(failed_save_leaves_the_old_file_and_no_temporary) {
    TempDir dir;
    const std::string path = dir.file("model.safetensors");
    io::save_safetensors(path, {{"w", tensor({1.0, 2.0})}});
    const std::string before = xgrad_test::slurp(path);
    // A 3 MB tensor is written in 1 MB chunks: fail after the first (a full disk).
    io::detail::set_write_hook([](std::size_t written) {
        if (written >= (1u << 20)) throw IoError("simulated: no space left on device");
    });
    BOOST_CHECK_THROW(io::save_safetensors(path, {{"w", zeros({3 << 18})}}), IoError);
    io::detail::set_write_hook({});
    BOOST_TEST(xgrad_test::slurp(path) == before);
    int files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path)) files += e.is_regular_file();
    BOOST_TEST(files == 1);  // the temporary file was removed
    // A save that succeeds replaces the file.
    io::save_safetensors(path, {{"w", tensor({3.0})}});
    BOOST_TEST(xgrad_test::values(io::load_safetensors(path).tensors.at("w")) == std::vector<double>{3.0});
}

BOOST_AUTO_TEST_CASE(hostile_headers_give_io_errors_naming_the_problem) {
    const std::string d8(8, '\0');
    struct Case {
        std::string bytes, expect;
    };
    std::string huge(8, '\0');
    huge[7] = 0x7f;  // header length ~9e18
    std::string too_long = image("{}", "");
    too_long[0] = 64;  // claims 64 header bytes, the file has 8
    const std::vector<Case> cases{
        {"", "too short"},
        {"abc", "too short"},
        {huge, "100 MB"},
        {too_long, "exceeds the file size"},
        {image("{\"a\":", ""), "invalid JSON"},
        {image("[1,2]", ""), "not a JSON object"},
        {image(std::string(100, '[') + std::string(100, ']'), ""), "nested deeper"},
        {image(R"({"a":{"dtype":"BF16","shape":[4],"data_offsets":[0,8]}})", d8), "unsupported dtype 'BF16'"},
        {image(R"({"a":{"dtype":7,"shape":[2],"data_offsets":[0,8]}})", d8), "dtype is not a string"},
        {image(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", d8), "negative"},
        {image(R"({"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}})", d8), "non-negative integer"},
        {image(R"({"a":{"dtype":"F32","shape":"2","data_offsets":[0,8]}})", d8), "shape is not an array"},
        {image(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", d8), "needs 12 bytes but data_offsets span 8"},
        {image(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,8]}})", d8), "overflows"},
        {image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})", d8), "outside the data"},
        {image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", d8), "begin > end"},
        {image(R"({"a":{"dtype":"F32","shape":[2]}})", d8), "no \"data_offsets\""},
        {image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", d8), "[begin, end]"},
        {image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
               d8 + "xxxx"),
         "overlaps"},
        {image(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", d8), "gap"},
        {image(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", d8), "trailing bytes"},
        {image(R"({"__metadata__":{"k":1}})", ""), "is not a string"},
        {image(R"({"__metadata__":[]})", ""), "__metadata__ must be an object"},
        {image(R"({"a":3})", ""), "is not a JSON object"},
        // two tensors of one name: which is "the" tensor is up to the parser, so neither
        {image(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
               d8),
         "key \"a\" appears twice"},
        {image(R"({"__metadata__":{"k":"1","k":"2"}})", ""), "key \"k\" appears twice"},
    };
    for (const Case& c : cases) {
        const std::string msg = error_of(c.bytes);
        BOOST_TEST_INFO("expected: " << c.expect);
        BOOST_TEST(contains(msg, c.expect), msg);
        BOOST_TEST(contains(msg, "bad.safetensors"));
    }
}

// Step 13, finding 5: the header parser (json::parse with a callback)
// rescanned the enclosing object after every value, so a header of n tensors
// took time quadratic in n (minutes for the 10^6 layers a 100 MB header holds).
BOOST_AUTO_TEST_CASE(bool_tensors_are_bool_one_byte_each) {
    // Header {"m":{"data_offsets":[0,3],"dtype":"BOOL","shape":[3]}} and bytes 01 00 01.
    const std::string img = io::serialize_safetensors({{"m", tensor({1, 0, 1}, boolean)}});
    BOOST_TEST(img.find(R"({"m":{"data_offsets":[0,3],"dtype":"BOOL","shape":[3]}})") == 8u);
    BOOST_TEST(img.substr(img.size() - 3) == std::string("\x01\x00\x01", 3));
    const Tensor m = io::parse_safetensors(as_bytes(img), "m.safetensors").tensors.at("m");
    BOOST_TEST((m.dtype() == boolean));
    BOOST_TEST(m.to_vector<bool>() == std::vector<bool>({true, false, true}), boost::test_tools::per_element());
}

// A BOOL byte other than 0 or 1 is no C++ bool: the file is refused, naming
// the tensor, the byte and its offset in the file (PyTorch would read it as true).
BOOST_AUTO_TEST_CASE(bool_bytes_other_than_0_or_1_are_refused) {
    const std::string header = R"({"m":{"data_offsets":[0,4],"dtype":"BOOL","shape":[2,2]}})";  // 57 bytes, padded to 64
    BOOST_TEST(error_of(image(header, std::string("\x01\x00\x00\x01", 4))).empty());
    const std::string bad = image(header, std::string("\x01\x00\x02\x01", 4));
    BOOST_TEST(error_of(bad) == "bad.safetensors: tensor 'm': BOOL byte 2 at file offset 74 is not 0 or 1");
    BOOST_TEST(contains(error_of(image(header, std::string("\x00\x00\x00\xff", 4))), "BOOL byte 255 at file offset 75"));
}

BOOST_AUTO_TEST_CASE(header_parsing_is_linear_in_the_tensor_count) {
    constexpr int n = 100'000;
    std::string header = "{";
    for (int i = 0; i < n; ++i)
        header += (i ? ",\"t" : "\"t") + std::to_string(i) + R"(":{"dtype":"F32","shape":[0],"data_offsets":[0,0]})";
    header += "}";
    const auto start = std::chrono::steady_clock::now();
    const io::TensorFile f = io::parse_safetensors(as_bytes(image(header, "")), "many.safetensors");
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    BOOST_TEST(f.tensors.size() == static_cast<std::size_t>(n));
    BOOST_TEST((f.tensors.at("t99999").shape() == Shape{0}));
    BOOST_TEST(took.count() < 10.0, "parsing " << n << " tensors took " << took.count() << " s");
}

BOOST_AUTO_TEST_CASE(every_truncation_and_bit_flip_is_an_io_error_or_a_valid_file) {
    const std::string good = io::serialize_safetensors(
        {{"k", tensor({{1.0, 2.0}, {3.0, 4.0}})}, {"b", tensor({0.5}, float64)}}, {{"m", "v"}});
    for (std::size_t n = 0; n < good.size(); ++n) BOOST_TEST(!error_of(good.substr(0, n)).empty());
    int rejected = 0;
    for (std::size_t i = 0; i < good.size(); ++i) {
        for (int bit = 0; bit < 8; bit += 3) {
            std::string bad = good;
            bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
            rejected += !error_of(bad).empty();  // throws only IoError, never crashes
        }
    }
    BOOST_TEST(rejected > 0);
}

BOOST_AUTO_TEST_CASE(missing_file_and_invalid_names) {
    BOOST_CHECK_THROW(io::load_safetensors("/nonexistent/x.safetensors"), IoError);
    TempDir dir;
    BOOST_CHECK_THROW(io::save_safetensors(dir.file("a"), {{"__metadata__", scalar(1.0)}}), IoError);
    BOOST_CHECK_THROW(io::save_safetensors(dir.file("a"), {{"", scalar(1.0)}}), IoError);
    BOOST_CHECK_THROW(io::save_safetensors("/nonexistent/dir/a.safetensors", {{"a", scalar(1.0)}}), IoError);
    // Not regular files: a directory reported a meaningless size, and opening a FIFO waited for a writer forever.
    CHECK_THROWS_WITH(io::load_safetensors(dir.path.string()), IoError, dir.path.string() + ": is a directory");
    const std::string fifo = dir.file("fifo");
    BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK_THROWS_WITH(io::load_safetensors(fifo), IoError, fifo + ": is not a regular file (a FIFO)");
    CHECK_THROWS_WITH(io::load(fifo), IoError, fifo + ": is not a regular file (a FIFO)");
}

// The format's codes are one mapping, read back through itself.
BOOST_AUTO_TEST_CASE(every_dtype_round_trips_through_its_safetensors_code) {
    std::vector<std::string> codes;
    for (Dtype d : all_dtypes) {
        const std::string code(io::safetensors_dtype_code(d));
        codes.push_back(code);
        BOOST_TEST((io::dtype_from_safetensors_code(code) == d), code);
    }
    BOOST_TEST(codes == (std::vector<std::string>{"F32", "F64", "I64", "U8", "BOOL"}), boost::test_tools::per_element());
    BOOST_TEST(io::safetensors_dtype_codes() == "F32, F64, I64, U8, BOOL");
    for (const char* unknown : {"BF16", "F16", "float32", "f32", ""})
        BOOST_TEST(!io::dtype_from_safetensors_code(unknown), unknown);
    CHECK_THROWS_WITH(io::safetensors_dtype_code(static_cast<Dtype>(9)), DtypeError, "invalid dtype value 9");
}

BOOST_AUTO_TEST_SUITE_END()
