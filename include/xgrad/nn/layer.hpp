#pragma once
/// \file
/// Layer<Derived>: the base of layers whose options are declared once, in a
/// table, from which come the setters' validation, config() and
/// from_config() (and so io::save() and io::load()). The layer registers
/// itself by type name in its own .cpp:
///
///     class Scale : public nn::Layer<Scale> {
///     public:
///         explicit Scale(double factor = 1.0) { set(&Scale::factor_, factor); }
///         Scale& factor(double f) { return set(&Scale::factor_, f); }   // validated
///         Tensor forward(const Tensor& x, bool) override { return x * factor_; }
///         static const nn::Options<Scale>& options() {
///             static const auto o = nn::Options<Scale>("Scale").add("factor", &Scale::factor_, nn::require::positive);
///             return o;
///         }
///     private:
///         double factor_ = 1.0;
///     };
///     XGRAD_REGISTER_LAYER(Scale);     // in the .cpp: io::load() now rebuilds it
///
/// An option's type needs a ConfigCodec (config.hpp): numbers, bools,
/// strings, lists of integers, optional numbers, ActivationFn,
/// InitializerRef, RegularizerRef, ConstraintRef.
#include <concepts>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "xgrad/core/registry.hpp"
#include "xgrad/nn/config.hpp"
#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

/// Rebuilds a layer from its config; `children` are the already-rebuilt
/// child modules (for containers such as Sequential, empty otherwise).
using LayerFactory = std::function<ModulePtr(const Config& config, const std::vector<ModulePtr>& children)>;
/// Every layer type io::load() can rebuild, by Module::type_name().
Registry<LayerFactory>& layer_registry();
/// Registers (or replaces) the factory for `type_name`.
void register_layer(std::string type_name, LayerFactory factory);

/// A condition on a numeric option (on each entry of a list of integers),
/// checked by every setter and by from_config().
struct Requirement {
    const char* text;  ///< The condition in error messages: "must be positive"
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
}  // namespace require

/// How an option behaves besides its value.
enum class OptionKind {
    plain,
    required,      ///< from_config() fails without it (a constructor argument without default)
    before_build,  ///< cannot change once the layer has weights
};

/// The option table of layer type T. Built once (a function-local static in
/// T::options()) and read-only afterwards, so it is safe to share between threads.
template <class T> class Options {
public:
    /// `make_default` creates the instance from_config() sets the options on
    /// (default: T's default constructor).
    explicit Options(std::string type_name, std::function<std::shared_ptr<T>()> make_default = nullptr)
        : type_name_(std::move(type_name)), make_default_(std::move(make_default)) {
        if (!make_default_) {
            if constexpr (std::is_default_constructible_v<T>) make_default_ = [] { return std::make_shared<T>(); };
        }
    }

    /// Declares option `key` stored in `member`, with optional numeric requirements.
    template <class V>
    Options& add(std::string key, V T::*member, OptionKind kind = OptionKind::plain,
                 std::vector<Requirement> requirements = {}) {
        fields_.push_back(std::make_shared<Field<V>>(std::move(key), kind, member, std::move(requirements)));
        return *this;
    }
    /// The same with one requirement.
    template <class V> Options& add(std::string key, V T::*member, Requirement requirement) {
        return add(std::move(key), member, OptionKind::plain, {requirement});
    }
    /// The same with a kind and one requirement.
    template <class V> Options& add(std::string key, V T::*member, OptionKind kind, Requirement requirement) {
        return add(std::move(key), member, kind, std::vector<Requirement>{requirement});
    }

    /// The layer's type name: its Module::type_name() and layer_registry() key.
    const std::string& type_name() const noexcept { return type_name_; }

    /// Every option of `layer` (Module::config()).
    Config config(const T& layer) const {
        Config c;
        for (const auto& f : fields_) f->encode(layer, c);
        return c;
    }
    /// A new layer with `config`'s options (defaults for absent ones);
    /// ValueError for a missing required option, an unknown key or an invalid value.
    std::shared_ptr<T> from_config(const Config& config) const {
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
        if (!make_default_) throw ValueError(type_name_ + ": Options declared without a way to make an instance");
        std::shared_ptr<T> layer = make_default_();
        for (const auto& f : fields_) f->decode(*layer, config, type_name_);
        return layer;
    }
    /// Validates `value` for the option stored in `member` and stores it.
    template <class V> void set(T& layer, V T::*member, V value) const {
        for (const auto& f : fields_) {
            if (const auto* typed = dynamic_cast<const Field<V>*>(f.get()); typed && typed->member == member) {
                typed->validate(layer, value, type_name_);
                layer.*member = std::move(value);
                return;
            }
        }
        throw ValueError(type_name_ + ": set() of a member not declared in options()");
    }

private:
    struct FieldBase {
        FieldBase(std::string key, OptionKind kind, bool nested) : key(std::move(key)), kind(kind), nested(nested) {}
        virtual ~FieldBase() = default;
        virtual void encode(const T& layer, Config& c) const = 0;
        /// Sets the option from `c` when present, validated.
        virtual void decode(T& layer, const Config& c, const std::string& type) const = 0;
        std::string key;
        OptionKind kind;
        bool nested;  // its value has options of its own ("key.option")
    };
    template <class V> struct Field final : FieldBase {
        Field(std::string key, OptionKind kind, V T::*member, std::vector<Requirement> requirements)
            : FieldBase(std::move(key), kind, std::is_base_of_v<detail::NestedCodec, ConfigCodec<V>>), member(member),
              requirements(std::move(requirements)) {
            if constexpr (!numeric)
                if (!this->requirements.empty()) throw ValueError("Options: requirements apply to numeric options only");
        }
        static constexpr bool list = std::is_same_v<V, std::vector<std::int64_t>>;
        static constexpr bool numeric = std::is_arithmetic_v<V> || std::is_same_v<V, std::optional<double>> || list;
        void encode(const T& layer, Config& c) const override {
            try {
                ConfigCodec<V>::encode(c, this->key, layer.*member);
            } catch (const ValueError& e) {
                throw ValueError(layer.name() + " (" + layer.type_name() + "): " + e.what());
            }
        }
        void decode(T& layer, const Config& c, const std::string& type) const override {
            V value = layer.*member;
            if (!ConfigCodec<V>::decode(c, this->key, value)) return;
            validate(layer, value, type);
            layer.*member = std::move(value);
        }
        void validate(const T& layer, const V& value, const std::string& type) const {
            const auto who = [&] { return layer.name() + " (" + type + "): " + this->key; };
            if (this->kind == OptionKind::before_build && layer.built())
                throw ValueError(who() + " must be set before the layer is built");
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

    std::string type_name_;
    std::function<std::shared_ptr<T>()> make_default_;
    std::vector<std::shared_ptr<const FieldBase>> fields_;
};

/// CRTP base of a layer with an option table: Derived provides
/// `static const Options<Derived>& options()`. Gives the input_shape()
/// setter, config(), from_config() and set() for validated setters.
template <class Derived> class Layer : public Cloneable<Derived> {
public:
    /// Declares the input shape (without the batch dimension), as Keras' input_shape.
    Derived& input_shape(Shape shape) {
        this->set_input_shape(std::move(shape));
        return static_cast<Derived&>(*this);
    }
    /// Every option in Derived::options()' table (Options::config).
    Config config() const override { return Derived::options().config(static_cast<const Derived&>(*this)); }
    /// A new layer from a config (see Options::from_config).
    static std::shared_ptr<Derived> from_config(const Config& config) { return Derived::options().from_config(config); }

protected:
    /// Takes the type name from Derived::options(); `input_shape` as Keras'
    /// input_shape (without the batch dimension).
    explicit Layer(std::optional<Shape> input_shape = std::nullopt)
        : Cloneable<Derived>(Derived::options().type_name(), std::move(input_shape)) {}
    /// Copies as Module's copy constructor does (used by clone()).
    Layer(const Layer&) = default;

    /// Stores `value` in `member` after checking it against the option table.
    template <class V, class A> Derived& set(V Derived::*member, A&& value) {
        Derived::options().set(static_cast<Derived&>(*this), member, V(std::forward<A>(value)));
        return static_cast<Derived&>(*this);
    }
};

namespace detail {
struct LayerRegistrar {
    LayerRegistrar(std::string type_name, LayerFactory factory) { register_layer(std::move(type_name), std::move(factory)); }
};
template <class T> LayerFactory factory_of() {
    return [](const Config& config, const std::vector<ModulePtr>& children) -> ModulePtr {
        if (!children.empty()) throw ValueError(T::options().type_name() + " takes no child layers");
        return T::from_config(config);
    };
}
}  // namespace detail

}  // namespace xgrad::nn

/// Pastes `a` and `b` without expanding them; use XGRAD_LAYER_CONCAT.
#define XGRAD_LAYER_CONCAT2(a, b) a##b
/// Pastes `a` and `b` after expanding them (a unique name from __COUNTER__).
#define XGRAD_LAYER_CONCAT(a, b) XGRAD_LAYER_CONCAT2(a, b)
/// Registers layer type `Type` (a Layer<Type>) for io::load(), at load time.
#define XGRAD_REGISTER_LAYER(Type)                                                          \
    static const ::xgrad::nn::detail::LayerRegistrar XGRAD_LAYER_CONCAT(xgrad_layer_, __COUNTER__)( \
        Type::options().type_name(), ::xgrad::nn::detail::factory_of<Type>())
