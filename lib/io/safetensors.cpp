#include "xgrad/io/safetensors.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/regular_file.hpp"
#include "io/atomic_file.hpp"
#include "io/json_util.hpp"
#include "core/bool_bytes.hpp"
#include "io/safetensors_dtype.hpp"

namespace xgrad::io {

static_assert(std::endian::native == std::endian::little, "xgrad writes tensor bytes as they are in memory");

namespace {

using nlohmann::json;

std::function<void(std::size_t)>& write_hook() {
    static std::function<void(std::size_t)> hook;
    return hook;
}

[[noreturn]] void fail(const std::string& what, const std::string& problem) {
    throw IoError(what + ": " + problem);
}

std::uint64_t read_u64_le(const std::byte* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<std::uint64_t>(p[i]);
    return v;
}

/// A non-negative integer JSON value (rejects floats, negatives, bools).
std::uint64_t as_u64(const json& j, const std::string& what, const std::string& field) {
    if (j.is_number_unsigned()) return j.get<std::uint64_t>();
    if (j.is_number_integer()) {
        const auto v = j.get<std::int64_t>();
        if (v >= 0) return static_cast<std::uint64_t>(v);
        fail(what, field + " is negative (" + std::to_string(v) + ")");
    }
    fail(what, field + " must be a non-negative integer, got " + j.dump());
}

struct Entry {
    std::string name;
    Dtype dtype;
    std::vector<std::int64_t> shape;
    std::uint64_t begin, end;
};

}  // namespace

void detail::set_write_hook(std::function<void(std::size_t)> hook) { write_hook() = std::move(hook); }

std::string serialize_safetensors(const std::map<std::string, Tensor>& tensors,
                                  const std::map<std::string, std::string>& metadata) {
    json header = json::object();
    std::uint64_t offset = 0;
    for (const auto& [name, t] : tensors) {
        if (name.empty() || name == "__metadata__")
            throw IoError("save_safetensors: invalid tensor name '" + name + "'");
        if (!t.defined()) throw IoError("save_safetensors: tensor '" + name + "' is undefined");
        std::vector<std::int64_t> shape(t.shape().begin(), t.shape().end());
        const std::uint64_t bytes = static_cast<std::uint64_t>(t.numel()) * itemsize(t.dtype());
        header[name] = {{"dtype", safetensors_dtype_code(t.dtype())}, {"shape", shape},
                        {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    std::string out;
    out.reserve(8 + text.size() + offset);
    const std::uint64_t n = text.size();
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
    out += text;
    for (const auto& [name, t] : tensors)
        out.append(static_cast<const char*>(t.raw_data()), static_cast<std::size_t>(t.numel()) * itemsize(t.dtype()));
    return out;
}

void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    const std::string image = serialize_safetensors(tensors, metadata);
    detail::write_file_atomically(path, image, write_hook());
}

TensorFile parse_safetensors(std::span<const std::byte> bytes, const std::string& what) {
    if (bytes.size() < 8) fail(what, "file too short for a safetensors header (" + std::to_string(bytes.size()) + " bytes)");
    const std::uint64_t n = read_u64_le(bytes.data());
    if (n > max_header_bytes) fail(what, "header length " + std::to_string(n) + " exceeds the 100 MB limit");
    if (n > bytes.size() - 8)
        fail(what, "header length " + std::to_string(n) + " exceeds the file size (" + std::to_string(bytes.size()) + ")");
    const char* hb = reinterpret_cast<const char*>(bytes.data() + 8);
    const json header = detail::parse_json_bounded(std::string_view(hb, n), what + ": header");
    if (!header.is_object()) fail(what, "header is not a JSON object");

    const std::uint64_t data_size = bytes.size() - 8 - n;
    const std::byte* data = bytes.data() + 8 + n;
    TensorFile out;
    std::vector<Entry> entries;
    for (const auto& [name, v] : header.items()) {
        if (name == "__metadata__") {
            if (!v.is_object()) fail(what, "__metadata__ must be an object of strings");
            for (const auto& [k, s] : v.items()) {
                if (!s.is_string()) fail(what, "__metadata__ value '" + k + "' is not a string");
                out.metadata[k] = s.get<std::string>();
            }
            continue;
        }
        const std::string where = "tensor '" + name + "'";
        if (!v.is_object()) fail(what, where + " is not a JSON object");
        for (const char* key : {"dtype", "shape", "data_offsets"})
            if (!v.contains(key)) fail(what, where + " has no \"" + key + "\"");
        const json& jd = v["dtype"];
        if (!jd.is_string()) fail(what, where + ": dtype is not a string");
        const std::string ds = jd.get<std::string>();
        const std::optional<Dtype> dtype = dtype_from_safetensors_code(ds);
        if (!dtype) fail(what, where + ": unsupported dtype '" + ds + "' (xgrad reads " + safetensors_dtype_codes() + ")");
        Entry e{name, *dtype, {}, 0, 0};
        const json& js = v["shape"];
        if (!js.is_array()) fail(what, where + ": shape is not an array");
        if (js.size() > 64) fail(what, where + ": rank " + std::to_string(js.size()) + " is too large");
        std::uint64_t numel = 1;
        for (const json& d : js) {
            const std::uint64_t dim = as_u64(d, what, where + ": shape dimension");
            if (dim > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
                __builtin_mul_overflow(numel, dim, &numel))
                fail(what, where + ": element count overflows");
            e.shape.push_back(static_cast<std::int64_t>(dim));
        }
        std::uint64_t nbytes = 0;
        if (__builtin_mul_overflow(numel, static_cast<std::uint64_t>(itemsize(e.dtype)), &nbytes))
            fail(what, where + ": byte size overflows");
        const json& jo = v["data_offsets"];
        if (!jo.is_array() || jo.size() != 2) fail(what, where + ": data_offsets must be [begin, end]");
        e.begin = as_u64(jo[0], what, where + ": data_offsets[0]");
        e.end = as_u64(jo[1], what, where + ": data_offsets[1]");
        if (e.begin > e.end) fail(what, where + ": data_offsets begin > end");
        if (e.end > data_size)
            fail(what, where + ": data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
                           "] lie outside the data (" + std::to_string(data_size) + " bytes)");
        if (e.end - e.begin != nbytes)
            fail(what, where + ": " + ds + " shape needs " + std::to_string(nbytes) + " bytes but data_offsets span " +
                           std::to_string(e.end - e.begin));
        entries.push_back(std::move(e));
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    std::uint64_t pos = 0;
    for (const Entry& e : entries) {
        if (e.begin < pos) fail(what, "tensor '" + e.name + "' overlaps the previous tensor's data");
        if (e.begin > pos) fail(what, "gap in the data before tensor '" + e.name + "' (bytes " + std::to_string(pos) +
                                          " to " + std::to_string(e.begin) + " belong to no tensor)");
        pos = e.end;
    }
    if (pos != data_size)
        fail(what, std::to_string(data_size - pos) + " trailing bytes after the last tensor's data");
    for (const Entry& e : entries) {
        if (e.dtype == Dtype::boolean) {
            if (const auto bad = xgrad::detail::first_non_bool_byte(data + e.begin, e.end - e.begin))
                fail(what, "tensor '" + e.name + "': BOOL byte " + std::to_string(std::to_integer<unsigned>(data[e.begin + *bad])) +
                               " at file offset " + std::to_string(8 + n + e.begin + *bad) + " is not 0 or 1");
        }
        Tensor t(Shape(e.shape), e.dtype);
        if (e.end > e.begin) std::memcpy(t.raw_data(), data + e.begin, e.end - e.begin);
        out.tensors.emplace(e.name, std::move(t));
    }
    return out;
}

TensorFile load_safetensors(const std::string& path) {
    xgrad::detail::check_regular_file(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path + ": cannot open for reading: " + std::strerror(errno));
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw IoError(path + ": cannot read the file size: " + ec.message());
    std::vector<std::byte> bytes(size);
    if (size && !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
        throw IoError(path + ": read failed");
    return parse_safetensors(bytes, path);
}

}  // namespace xgrad::io
