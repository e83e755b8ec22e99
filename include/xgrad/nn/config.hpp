#pragma once
/// \file
/// The nn side of Config (core/config.hpp): the options of initializers,
/// regularizers and constraints, stored by registered name. An option whose
/// value is such an object is stored as its registered name under the
/// option's key and its own options under "key.option":
///
///     {"kernel_regularizer": "l1_l2", "kernel_regularizer.l1": "0", "kernel_regularizer.l2": "0.01"}
///
/// Config, ConfigCodec, config_get and the other core names are available
/// as nn::Config, nn::ConfigCodec, … as before. A ConfigCodec specialization
/// goes in namespace xgrad (the primary template's).
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "xgrad/core/config.hpp"
#include "xgrad/core/error.hpp"
#include "xgrad/core/registry.hpp"

namespace xgrad::nn {

using xgrad::Config;
using xgrad::ConfigCodec;
using xgrad::config_get;
using xgrad::config_numbers;
using xgrad::config_set;
using xgrad::put_sub_config;
using xgrad::sub_config;

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
/// The ConfigCodec of a handle to a configurable object (InitializerRef,
/// OptionalRef) rebuilt through `registry()`; an empty handle is an absent key.
template <class Ref, auto registry> struct ObjectCodec : NestedConfigCodec {
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
}  // namespace xgrad::nn

namespace xgrad {
/// Stores an OptionalRef through its kind's registry (absent key: empty).
template <class T, auto registry>
struct ConfigCodec<nn::OptionalRef<T, registry>> : nn::detail::ObjectCodec<nn::OptionalRef<T, registry>, registry> {};
}  // namespace xgrad
