#pragma once
/// \file
/// Config: the options of something configurable (a layer, an initializer,
/// an optimizer) as a flat map of strings, the form io::save() stores in the
/// architecture JSON. Numbers are printed so they read back to the same
/// double. An option whose value is itself configurable is stored as its
/// registered name under the option's key and its own options under
/// "key.option":
///
///     {"units": "100", "activation": "relu", "kernel_regularizer": "l1_l2",
///      "kernel_regularizer.l1": "0", "kernel_regularizer.l2": "0.01", …}
///
/// ConfigCodec<V> converts one option of type V; the built-in value types are
/// here, and each configurable kind specializes it (in namespace xgrad) in
/// its own header (nn::InitializerRef in nn/init.hpp, …).
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "xgrad/core/error.hpp"

namespace xgrad {

/// Option key → value text, sorted by key (see above).
using Config = std::map<std::string, std::string>;

/// Base of a ConfigCodec whose option has options of its own, stored under
/// "key." as well (a configurable object such as an initializer).
struct NestedConfigCodec {};

/// Reads and writes an option of type V under `key`. decode() returns false
/// when the key is absent (the option keeps its value) and throws ValueError
/// naming the key for a malformed value.
template <class V> struct ConfigCodec;

namespace detail {
[[noreturn]] inline void bad_config_value(const std::string& key, const std::string& value, const char* expected) {
    throw ValueError("config: '" + key + "' is not " + expected + ": '" + value + "'");
}
template <class N> bool decode_number(const Config& c, const std::string& key, N& out, const char* expected) {
    const auto it = c.find(key);
    if (it == c.end()) return false;
    const std::string& s = it->second;
    N v{};
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) bad_config_value(key, s, expected);
    out = v;
    return true;
}
}  // namespace detail

/// A number, as the shortest text that reads back to the same double.
template <> struct ConfigCodec<double> {
    /// `v` as the shortest text that reads back to it ("0.05").
    static std::string text(double v) {
        char buf[64];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        return std::string(buf, r.ptr);
    }
    /// Stores text(v) under `key`.
    static void encode(Config& c, const std::string& key, double v) { c[key] = text(v); }
    /// Reads `key`: false when absent, ValueError unless the whole value is a number.
    static bool decode(const Config& c, const std::string& key, double& out) {
        return detail::decode_number(c, key, out, "a number");
    }
};

/// An integer, in decimal.
template <> struct ConfigCodec<std::int64_t> {
    /// `v` in decimal.
    static std::string text(std::int64_t v) { return std::to_string(v); }
    /// Stores text(v) under `key`.
    static void encode(Config& c, const std::string& key, std::int64_t v) { c[key] = text(v); }
    /// Reads `key`: false when absent, ValueError unless the whole value is an integer.
    static bool decode(const Config& c, const std::string& key, std::int64_t& out) {
        return detail::decode_number(c, key, out, "an integer");
    }
};

/// A flag, as "true" or "false".
template <> struct ConfigCodec<bool> {
    /// "true" or "false".
    static std::string text(bool v) { return v ? "true" : "false"; }
    /// Stores text(v) under `key`.
    static void encode(Config& c, const std::string& key, bool v) { c[key] = text(v); }
    /// Reads `key`: false when absent, ValueError for anything but "true" and "false".
    static bool decode(const Config& c, const std::string& key, bool& out) {
        const auto it = c.find(key);
        if (it == c.end()) return false;
        if (it->second != "true" && it->second != "false") detail::bad_config_value(key, it->second, "true/false");
        out = it->second == "true";
        return true;
    }
};

/// A string, stored as is.
template <> struct ConfigCodec<std::string> {
    /// `v` in single quotes, for messages.
    static std::string text(const std::string& v) { return "'" + v + "'"; }
    /// Stores `v` unchanged under `key`.
    static void encode(Config& c, const std::string& key, const std::string& v) { c[key] = v; }
    /// Reads `key` as is; false when absent.
    static bool decode(const Config& c, const std::string& key, std::string& out) {
        const auto it = c.find(key);
        if (it == c.end()) return false;
        out = it->second;
        return true;
    }
};

/// Absent key = no value.
template <> struct ConfigCodec<std::optional<double>> {
    /// The number as ConfigCodec<double> prints it, or "none".
    static std::string text(const std::optional<double>& v) { return v ? ConfigCodec<double>::text(*v) : "none"; }
    /// Stores the number under `key`, or nothing for no value.
    static void encode(Config& c, const std::string& key, const std::optional<double>& v) {
        if (v) ConfigCodec<double>::encode(c, key, *v);
    }
    /// Reads `key` as a number: false when absent (`out` unchanged), ValueError when malformed.
    static bool decode(const Config& c, const std::string& key, std::optional<double>& out) {
        double v = 0;
        if (!ConfigCodec<double>::decode(c, key, v)) return false;
        out = v;
        return true;
    }
};

/// "[1,2,3]"
template <> struct ConfigCodec<std::vector<std::int64_t>> {
    /// The integers, comma-separated without spaces, in brackets.
    static std::string text(const std::vector<std::int64_t>& v) {
        std::string s = "[";
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (i) s += ',';
            s += std::to_string(v[i]);
        }
        return s + "]";
    }
    /// Stores text(v) under `key`.
    static void encode(Config& c, const std::string& key, const std::vector<std::int64_t>& v) { c[key] = text(v); }
    /// Reads `key` in that form ("[]" for an empty list): false when absent, ValueError for anything else.
    static bool decode(const Config& c, const std::string& key, std::vector<std::int64_t>& out);
};

/// The value of `key` as V, or `fallback` when absent (for hand-written factories).
template <class V> V config_get(const Config& c, const std::string& key, V fallback) {
    ConfigCodec<V>::decode(c, key, fallback);
    return fallback;
}
/// Stores `value` under `key`.
template <class V> void config_set(Config& c, const std::string& key, const V& value) {
    ConfigCodec<V>::encode(c, key, value);
}

/// A config of numeric options: config_numbers({{"mean", mean}, {"stddev", stddev}}).
Config config_numbers(std::initializer_list<std::pair<const char*, double>> options);

/// The entries under "key." with that prefix removed (the options of a
/// configurable option).
Config sub_config(const Config& c, const std::string& key);
/// Stores a configurable option: its registered `name` under `key` and its
/// `options` under "key.".
void put_sub_config(Config& c, const std::string& key, const std::string& name, const Config& options);

}  // namespace xgrad
