#pragma once
/// \file
/// Config: the options of a layer (or of an initializer, regularizer,
/// constraint) as a flat map of strings, the form io::save() stores in the
/// architecture JSON. Numbers are printed so they read back to the same
/// double. An option whose value is itself configurable is stored as its
/// registered name under the option's key and its own options under
/// "key.option":
///
///     {"units": "100", "activation": "relu", "kernel_regularizer": "l1_l2",
///      "kernel_regularizer.l1": "0", "kernel_regularizer.l2": "0.01", …}
///
/// ConfigCodec<V> converts one option of type V; the built-in value types are
/// here, and each configurable kind specializes it in its own header
/// (InitializerRef in init.hpp, RegularizerRef in regularizers.hpp, …).
#include <charconv>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "xgrad/core/error.hpp"
#include "xgrad/core/registry.hpp"

namespace xgrad::nn {

/// Option key → value text, sorted by key (see above).
using Config = std::map<std::string, std::string>;

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

/// The registry of a configurable kind: factories from a config.
template <class Ptr> using ConfigFactory = std::function<Ptr(const Config&)>;

namespace detail {
/// Stores a configurable object (Initializer, Regularizer, Constraint: name()
/// and config()) under `key`. ValueError, at save time rather than as a
/// silent drop at load time, when `registry` cannot rebuild it: its name is
/// not registered, or the registered factory gives back another config.
template <class Object, class Ptr>
void encode_object(Config& c, const std::string& key, const Object& object, const Registry<ConfigFactory<Ptr>>& registry) {
    const std::string name = object.name();
    const Config options = object.config();
    if (!registry.contains(name))
        throw ValueError("config: " + key + " '" + name + "' is not a registered " + registry.what() +
                         ", so it cannot be saved (register a factory under that name)");
    if (const Ptr rebuilt = registry.get(name)(options); !rebuilt || rebuilt->config() != options)
        throw ValueError("config: " + key + " '" + name + "': the registered factory does not rebuild it from its config()");
    put_sub_config(c, key, name, options);
}
/// The object stored under `key` by encode_object (`key` present).
/// ValueError for an unknown name or an option its factory does not know.
template <class Ptr>
Ptr decode_object(const Config& c, const std::string& key, const Registry<ConfigFactory<Ptr>>& registry) {
    const std::string& name = c.at(key);
    const Config options = sub_config(c, key);
    Ptr object = registry.get(name)(options);
    if (!object) throw ValueError("config: " + key + " '" + name + "': the factory returned null");
    const Config understood = object->config();
    for (const auto& entry : options)
        if (!understood.count(entry.first))
            throw ValueError("config: " + key + " '" + name + "' has no option '" + entry.first + "'");
    return object;
}
/// Marks the codecs whose options are stored under "key." as well.
struct NestedCodec {};
/// The ConfigCodec of a handle to a configurable object (InitializerRef,
/// OptionalRef) rebuilt through `registry()`; an empty handle is an absent key.
template <class Ref, auto registry> struct ObjectCodec : NestedCodec {
    static void encode(Config& c, const std::string& key, const Ref& ref) {
        if (ref) encode_object(c, key, *ref, registry());
    }
    static bool decode(const Config& c, const std::string& key, Ref& out) {
        if (!c.count(key)) return false;
        out = Ref(decode_object(c, key, registry()));
        return true;
    }
};
}  // namespace detail

/// An optional handle to a configurable object of kind T (a regularizer, a
/// constraint): a registered name (its default parameters), any T object, or
/// empty. Saved through the kind's `registry()`.
template <class T, auto registry> class OptionalRef {
public:
    /// A shared, immutable T.
    using Ptr = std::shared_ptr<const T>;
    /// Empty: no object.
    OptionalRef() = default;
    /// The object registered under `name`, with its default parameters
    /// (ValueError listing the known names otherwise).
    OptionalRef(const char* name) : ptr_(registry().get(name)(Config{})) {}
    /// Shares `ptr`; a null `ptr` gives an empty handle.
    OptionalRef(Ptr ptr) : ptr_(std::move(ptr)) {}
    /// A shared copy of the T object `object`.
    template <class O>
        requires std::is_base_of_v<T, std::decay_t<O>>
    OptionalRef(O&& object) : ptr_(std::make_shared<std::decay_t<O>>(std::forward<O>(object))) {}
    /// Whether it holds an object.
    explicit operator bool() const noexcept { return ptr_ != nullptr; }
    /// The object; the handle must not be empty.
    const T& operator*() const noexcept { return *ptr_; }
    /// The shared pointer, null when empty.
    const Ptr& ptr() const noexcept { return ptr_; }

private:
    Ptr ptr_;
};
template <class T, auto registry>
struct ConfigCodec<OptionalRef<T, registry>> : detail::ObjectCodec<OptionalRef<T, registry>, registry> {};

}  // namespace xgrad::nn
