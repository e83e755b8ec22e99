#pragma once
/// \file
/// Sequential: a stack of layers, each feeding the next.
///
///     Sequential model{
///         Flatten({28, 28}),
///         BatchNormalization(),
///         Dense(300, "relu", "he_normal"),
///         Dense(10, "softmax"),
///     };
///     model.add(Dense(5));
///     Sequential head(model.layers().begin(), model.layers().end() - 1);  // shares those layers
///     auto copy = model.clone();                                          // independent weights
#include <initializer_list>
#include <iosfwd>
#include <unordered_map>
#include <vector>

#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

/// Anything that can be a layer: a ModulePtr (shared), a temporary layer
/// (moved into a shared_ptr) or a named layer (copied with clone(): an
/// independent layer, weights included).
class AnyModule {
public:
    /// Shares an existing layer.
    AnyModule(ModulePtr ptr) : ptr_(std::move(ptr)) {}
    /// Shares an existing layer held by a pointer to its own type.
    template <class M>
        requires std::is_base_of_v<Module, M>
    AnyModule(std::shared_ptr<M> ptr) : ptr_(std::move(ptr)) {}
    /// A layer object: a temporary is moved into a new shared_ptr, a named one is cloned.
    template <class M>
        requires std::is_base_of_v<Module, std::decay_t<M>>
    AnyModule(M&& layer) {
        if constexpr (std::is_lvalue_reference_v<M>) ptr_ = layer.clone();
        else ptr_ = std::make_shared<std::decay_t<M>>(std::move(layer));
    }
    /// The layer (null if given a null pointer, which Sequential::add() rejects).
    const ModulePtr& ptr() const noexcept { return ptr_; }

private:
    ModulePtr ptr_;
};

/// A model that applies its layers in order (Keras' Sequential, PyTorch's nn.Sequential).
class Sequential : public Cloneable<Sequential> {
public:
    Sequential();
    /// The layers in order, each added with add().
    Sequential(std::initializer_list<AnyModule> layers);
    /// A model over existing layer objects (shared, not copied), e.g. all but the last of another model's.
    template <class It> Sequential(It first, It last) : Sequential() {
        for (; first != last; ++first) add(*first);
    }
    /// A model over existing layers (shared, not copied).
    explicit Sequential(const std::vector<ModulePtr>& layers) : Sequential(layers.begin(), layers.end()) {}

    /// Appends a layer (and builds it if the model's input shape is known).
    Sequential& add(AnyModule layer);
    /// Removes the last layer.
    void pop();

    /// Layer i; negative counts from the end. IndexError when out of range.
    const ModulePtr& operator[](std::int64_t i) const;
    /// Layer i cast to its type: `model.layer<Dense>(1)`.
    template <class M> std::shared_ptr<M> layer(std::int64_t i) const {
        auto p = std::dynamic_pointer_cast<M>((*this)[i]);
        if (!p) throw ValueError("Sequential: layer " + std::to_string(i) + " is a " + (*this)[i]->type_name());
        return p;
    }
    /// The layers in order (the model's children).
    const std::vector<ModulePtr>& layers() const noexcept { return children(); }
    /// Number of layers.
    std::size_t size() const noexcept { return children().size(); }
    /// Iterator to the first layer, for range-for over the layers.
    auto begin() const noexcept { return children().begin(); }
    /// Iterator past the last layer.
    auto end() const noexcept { return children().end(); }

    Tensor forward(const Tensor& x, bool training) override;
    void build(const Shape& input_shape) override;
    Shape output_shape(const Shape& input_shape) override;

    /// Keras-style table: layer name (type), output shape, param #, then
    /// Total / Trainable / Non-trainable params with their size in bytes.
    /// With `show_options`, each layer's row is followed by its options
    /// (config(), from its option table): "units=300 activation=relu …".
    std::string summary(bool show_options = false) const;

private:
    /// Lowers the suffix search start of "base" when pop() frees "base_k".
    void free_suffix(const std::string& key);

    std::vector<Shape> output_shapes_;  // per layer, known once built (batch = -1)
    std::optional<Shape> built_input_;
    // Per layer name: add() gave (or found taken) every suffix up to this
    // one, so the next search for a free "name_k" starts after it.
    std::unordered_map<std::string, std::uint64_t> last_suffix_;
};

}  // namespace xgrad::nn
