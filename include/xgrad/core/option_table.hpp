#pragma once
/// \file
/// OptionTable<T>: the options of a configurable type T declared once (key,
/// member, kind, numeric requirements), from which come validated setters,
/// config() and from_config(). Layers (nn::Options = OptionTable) and
/// optimizer options use it:
///
///     struct Decay {
///         double rate = 0.5;
///         static const OptionTable<Decay>& options() {
///             static const auto o = OptionTable<Decay>("Decay").add("rate", &Decay::rate, require::unit_interval);
///             return o;
///         }
///     };
///     Decay::options().config(Decay{});                 // {"rate": "0.5"}
///     Decay::options().from_config({{"rate", "2"}});    // ValueError: Decay: rate must be in [0, 1], got 2
///
/// An option's type needs a ConfigCodec (config.hpp). How errors name an
/// object, and whether a before_build option can still change, come from
/// OptionSubject<T> (nn specializes it for layers).
#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "xgrad/core/config.hpp"
#include "xgrad/core/error.hpp"

namespace xgrad {

/// A condition on a numeric option (on each entry of a list of integers),
/// checked by every validated setter and by from_config().
struct Requirement {
    const char* text;       ///< The condition in error messages: "must be positive"
    bool (*holds)(double);  ///< Whether a value meets it.
};
namespace require {
/// v > 0, e.g. units or filters.
inline constexpr Requirement positive{"must be positive", [](double v) { return v > 0; }};
/// v >= 0.
inline constexpr Requirement non_negative{"must be >= 0", [](double v) { return v >= 0; }};
/// 0 <= v <= 1.
inline constexpr Requirement unit_interval{"must be in [0, 1]", [](double v) { return v >= 0 && v <= 1; }};
/// 0 <= v < 1, e.g. a dropout rate.
inline constexpr Requirement rate{"must be in [0, 1)", [](double v) { return v >= 0 && v < 1; }};
/// 0 < v <= 1, e.g. Lion's β1.
inline constexpr Requirement positive_fraction{"must be in (0, 1]", [](double v) { return v > 0 && v <= 1; }};
}  // namespace require

/// How an option behaves besides its value.
enum class OptionKind {
    plain,
    required,      ///< from_config() fails without it (a constructor argument without default)
    before_build,  ///< cannot change once OptionSubject<T>::locked() says so (a layer with weights)
};

/// How OptionTable<T> names an object in errors and when it locks
/// before_build options. The default: by the table's type name, never locked.
template <class T> struct OptionSubject {
    /// The prefix of error messages about `object` of table `type`: "SGD".
    static std::string label(const T&, const std::string& type) { return type; }
    /// Why a before_build option of `object` cannot change now, or null when it can.
    static const char* locked(const T&) { return nullptr; }
};

/// The option table of type T. Built once (a function-local static in
/// T::options()) and read-only afterwards, so it is safe to share between threads.
template <class T> class OptionTable {
public:
    /// `make_default` creates the instance from_config() sets the options on
    /// (default: T's default constructor).
    explicit OptionTable(std::string type_name, std::function<std::shared_ptr<T>()> make_default = nullptr)
        : type_name_(std::move(type_name)), make_default_(std::move(make_default)) {
        if (!make_default_) {
            if constexpr (std::is_default_constructible_v<T>) make_default_ = [] { return std::make_shared<T>(); };
        }
    }

    /// Declares option `key` stored in `member` (a data member of T or of a
    /// base of T), with optional numeric requirements.
    template <class V, class Owner>
        requires std::derived_from<T, Owner>
    OptionTable& add(std::string key, V Owner::*member, OptionKind kind = OptionKind::plain,
                     std::vector<Requirement> requirements = {}) {
        fields_.push_back(std::make_shared<Field<V>>(std::move(key), kind, static_cast<V T::*>(member),
                                                     std::move(requirements)));
        return *this;
    }
    /// The same with one requirement.
    template <class V, class Owner>
        requires std::derived_from<T, Owner>
    OptionTable& add(std::string key, V Owner::*member, Requirement requirement) {
        return add(std::move(key), member, OptionKind::plain, {requirement});
    }
    /// The same with a kind and one requirement.
    template <class V, class Owner>
        requires std::derived_from<T, Owner>
    OptionTable& add(std::string key, V Owner::*member, OptionKind kind, Requirement requirement) {
        return add(std::move(key), member, kind, std::vector<Requirement>{requirement});
    }
    /// T's name in errors and, for a layer, its Module::type_name() and layer_registry() key.
    const std::string& type_name() const noexcept { return type_name_; }
    /// The option keys, in declaration order.
    std::vector<std::string> keys() const {
        std::vector<std::string> out;
        out.reserve(fields_.size());
        for (const auto& f : fields_) out.push_back(f->key);
        return out;
    }

    /// Every option of `object`.
    Config config(const T& object) const {
        Config c;
        for (const auto& f : fields_) f->encode(object, c, type_name_);
        return c;
    }
    /// A new T with `config`'s options (defaults for absent ones); see apply().
    std::shared_ptr<T> from_config(const Config& config) const {
        check_keys(config);
        if (!make_default_) throw ValueError(type_name_ + ": options declared without a way to make an instance");
        std::shared_ptr<T> object = make_default_();
        decode(*object, config);
        return object;
    }
    /// Sets the options present in `config` on `object`. ValueError for a
    /// missing required option, an unknown key, a malformed value or one
    /// that fails its requirements, before any option changes.
    void apply(T& object, const Config& config) const {
        check_keys(config);
        T changed = object;
        decode(changed, config);
        object = std::move(changed);
    }
    /// Validates `value` for the option stored in `member` and stores it.
    template <class V> void set(T& object, V T::*member, V value) const {
        for (const auto& f : fields_) {
            if (const auto* typed = dynamic_cast<const Field<V>*>(f.get()); typed && typed->member == member) {
                typed->validate(object, value, type_name_);
                object.*member = std::move(value);
                return;
            }
        }
        throw ValueError(type_name_ + ": set() of a member not declared in options()");
    }

private:
    struct FieldBase {
        FieldBase(std::string key, OptionKind kind, bool nested) : key(std::move(key)), kind(kind), nested(nested) {}
        virtual ~FieldBase() = default;
        virtual void encode(const T& object, Config& c, const std::string& type) const = 0;
        /// Sets the option from `c` when present, validated.
        virtual void decode(T& object, const Config& c, const std::string& type) const = 0;
        std::string key;
        OptionKind kind;
        bool nested;  // its value has options of its own ("key.option")
    };
    template <class V> struct Field final : FieldBase {
        Field(std::string key, OptionKind kind, V T::*member, std::vector<Requirement> requirements)
            : FieldBase(std::move(key), kind, std::is_base_of_v<NestedConfigCodec, ConfigCodec<V>>), member(member),
              requirements(std::move(requirements)) {
            if constexpr (!numeric)
                if (!this->requirements.empty()) throw ValueError("Options: requirements apply to numeric options only");
        }
        static constexpr bool list = std::is_same_v<V, std::vector<std::int64_t>>;
        static constexpr bool numeric = std::is_arithmetic_v<V> || std::is_same_v<V, std::optional<double>> || list;
        void encode(const T& object, Config& c, const std::string& type) const override {
            try {
                ConfigCodec<V>::encode(c, this->key, object.*member);
            } catch (const ValueError& e) {
                throw ValueError(OptionSubject<T>::label(object, type) + ": " + e.what());
            }
        }
        void decode(T& object, const Config& c, const std::string& type) const override {
            V value = object.*member;
            if (!ConfigCodec<V>::decode(c, this->key, value)) return;
            validate(object, value, type);
            object.*member = std::move(value);
        }
        void validate(const T& object, const V& value, const std::string& type) const {
            const auto who = [&] { return OptionSubject<T>::label(object, type) + ": " + this->key; };
            if (this->kind == OptionKind::before_build)
                if (const char* why = OptionSubject<T>::locked(object)) throw ValueError(who() + " " + why);
            if constexpr (list) {
                for (const Requirement& r : requirements)
                    for (const std::int64_t entry : value)
                        if (!r.holds(static_cast<double>(entry)))
                            throw ValueError(who() + " " + r.text + ", got " + ConfigCodec<V>::text(value));
            } else if constexpr (numeric) {
                std::optional<double> v;
                if constexpr (std::is_same_v<V, std::optional<double>>) v = value;
                else v = static_cast<double>(value);
                for (const Requirement& r : requirements)
                    if (v && !r.holds(*v))
                        throw ValueError(who() + " " + r.text + ", got " + ConfigCodec<V>::text(value));
            }
        }
        V T::*member;
        std::vector<Requirement> requirements;
    };

    void check_keys(const Config& config) const {
        for (const auto& [key, value] : config) {
            bool known = false;
            for (const auto& f : fields_) {
                const bool sub_key = f->nested && key.starts_with(f->key + ".");
                if (sub_key && !config.count(f->key))
                    throw ValueError(type_name_ + ": config has '" + key + "' but no '" + f->key + "'");
                known = known || key == f->key || sub_key;
            }
            if (!known) throw ValueError(type_name_ + ": unknown option '" + key + "' in config");
        }
        for (const auto& f : fields_)
            if (f->kind == OptionKind::required && !config.count(f->key))
                throw ValueError(type_name_ + ": config lacks the required option '" + f->key + "'");
    }
    void decode(T& object, const Config& config) const {
        for (const auto& f : fields_) f->decode(object, config, type_name_);
    }

    std::string type_name_;
    std::function<std::shared_ptr<T>()> make_default_;
    std::vector<std::shared_ptr<const FieldBase>> fields_;
};

}  // namespace xgrad
