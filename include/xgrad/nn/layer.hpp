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

#include "xgrad/core/option_table.hpp"
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

using xgrad::OptionKind;
using xgrad::Requirement;
/// The requirements (core/option_table.hpp): nn::require::positive, …
namespace require = xgrad::require;
/// The option table of layer type T (core/option_table.hpp): errors name
/// the layer as "name (Type)", and before_build options are locked once it has weights.
template <class T> using Options = OptionTable<T>;

}  // namespace xgrad::nn

namespace xgrad {
/// Layers in option errors: "dense_1 (Dense): units must be positive, got 0".
template <class T>
    requires std::is_base_of_v<nn::Module, T>
struct OptionSubject<T> {
    /// "name (Type)".
    static std::string label(const T& layer, const std::string& type) { return layer.name() + " (" + type + ")"; }
    /// Set once the layer has weights.
    static const char* locked(const T& layer) {
        return layer.built() ? "must be set before the layer is built" : nullptr;
    }
};
}  // namespace xgrad

namespace xgrad::nn {

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

    /// Stores `value` in `member` (of Derived or a base of it) after checking
    /// it against the option table.
    template <class V, class Owner, class A>
        requires std::derived_from<Derived, Owner>
    Derived& set(V Owner::*member, A&& value) {
        Derived::options().set(static_cast<Derived&>(*this), static_cast<V Derived::*>(member), V(std::forward<A>(value)));
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
