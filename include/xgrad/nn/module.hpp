#pragma once
/// \file
/// Module: the base of every layer and model. A module registers, by name,
/// its parameters (trainable weights), buffers (state that is saved but never
/// optimized, e.g. batch-norm moving statistics) and child modules, and gets
/// hierarchical names (`dense_1.kernel`), train/eval mode, freezing, weight
/// get/set, deep cloning and regularization losses from that registration.
///
/// Modules are ordinary classes held by std::shared_ptr (ModulePtr). A layer
/// implements forward(x, training) and, when its weights depend on the input
/// size, build(input_shape), which runs once, on the first call or when the
/// input shape is declared (lazy build, as in Keras).
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad::nn {

class Module;
using ModulePtr = std::shared_ptr<Module>;
class Initializer;

/// A named tensor owned by a module.
struct NamedTensor {
    std::string name;
    Tensor tensor;
};

class Module : public std::enable_shared_from_this<Module> {
public:
    virtual ~Module() = default;

    // ---- running ----------------------------------------------------------------
    /// The computation. `training` selects batch statistics, active dropout, etc.
    virtual Tensor forward(const Tensor& x, bool training) = 0;
    /// Runs the module in its current mode (is_training()), building it first if needed.
    Tensor operator()(const Tensor& x) { return call(x, is_training()); }
    /// Runs with an explicit mode: `model(x, true)` keeps dropout on at inference (MC Dropout).
    Tensor operator()(const Tensor& x, bool training) { return call(x, training); }
    Tensor call(const Tensor& x, bool training);

    // ---- building -----------------------------------------------------------------
    /// Creates the weights for inputs of shape `input_shape` ([batch, ...];
    /// the batch size is ignored). Called once; the default creates nothing.
    virtual void build(const Shape& input_shape);
    bool built() const noexcept { return built_; }
    /// Builds for `input_shape` unless already built.
    void ensure_built(const Shape& input_shape);
    /// The output shape for an input shape (batch dimension -1 = any). The
    /// default runs forward on a zero batch of one and reads the shape.
    virtual Shape output_shape(const Shape& input_shape);
    /// The input shape declared at construction (Keras' input_shape), without the batch dimension.
    const std::optional<Shape>& declared_input_shape() const noexcept { return input_shape_; }
    /// Declares the input shape (without the batch dimension), as Keras' input_shape.
    void set_input_shape(Shape shape) { input_shape_ = std::move(shape); }

    // ---- identity -----------------------------------------------------------------
    /// Keras-style unique name: `dense`, `dense_1`, … unless set.
    const std::string& name() const noexcept { return name_; }
    Module& set_name(std::string name);
    /// The class name shown by summary(): "Dense", "BatchNormalization", …
    const std::string& type_name() const noexcept { return type_name_; }

    // ---- registration ---------------------------------------------------------------
    /// Registers a weight; `trainable` false makes it a non-trainable weight
    /// (never given gradients, never optimized).
    void register_parameter(std::string name, Tensor value, bool trainable = true);
    /// Creates a weight of `shape` in the module's dtype with `initializer`
    /// and registers it (Keras' add_weight); returns it. Layers create their
    /// weights in build() this way: the shape is checked (ShapeError for a
    /// negative or overflowing one) and, while io::load() rebuilds a model
    /// from a file, bounded by the weights the file actually holds, before
    /// anything is allocated.
    Tensor& add_weight(std::string name, const Shape& shape, const Initializer& initializer, bool trainable = true);
    /// Registers state that is saved and loaded but not a parameter.
    void register_buffer(std::string name, Tensor value);
    /// This module's own weight or buffer by its short name ("kernel").
    /// Layers look their weights up here rather than caching handles, so a
    /// clone() or load swaps them everywhere at once.
    const Tensor& weight(std::string_view name) const;
    Tensor& weight(std::string_view name);
    bool has_weight(std::string_view name) const;
    /// Registers a child; its names are prefixed with the child's name.
    template <class M> std::shared_ptr<M> register_module(std::shared_ptr<M> child) {
        children_.push_back(child);
        return child;
    }

    // ---- parameters -----------------------------------------------------------------
    /// All weights, trainable and not, in registration order (Keras' `weights`).
    std::vector<Tensor> parameters() const;
    /// Weights that get gradients and are optimized.
    std::vector<Tensor> trainable_parameters() const;
    /// Weights and buffers that are not optimized.
    std::vector<Tensor> non_trainable_parameters() const;
    /// Hierarchical names: {"dense_1.kernel", tensor}, parameters and buffers.
    std::vector<NamedTensor> named_parameters() const;
    std::vector<NamedTensor> named_buffers() const;
    /// Every saved tensor (parameters then buffers) by hierarchical name.
    std::map<std::string, Tensor> state_dict() const;
    /// Copies values into the module's tensors by name. ValueError for a
    /// missing or unexpected name, ShapeError (naming both shapes) for a mismatch.
    void load_state_dict(const std::map<std::string, Tensor>& state);
    /// Weights in Keras order (per layer: parameters, then buffers).
    std::vector<Tensor> get_weights() const;
    /// Sets weights in get_weights() order (copies values).
    void set_weights(const std::vector<Tensor>& weights);
    /// Number of elements in all weights and buffers.
    std::int64_t count_params() const;

    /// The dtype weights are created in (float32 unless changed by to()).
    Dtype dtype() const noexcept { return dtype_; }
    /// Converts all weights and buffers (and later-built ones) to `dtype`,
    /// e.g. float64 for gradchecking a layer.
    Module& to(Dtype dtype);

    // ---- mode and freezing ----------------------------------------------------------------
    /// Training mode for this module and its children (Dropout, BatchNormalization).
    void train(bool on = true);
    void eval() { train(false); }
    bool is_training() const noexcept { return training_; }
    /// Freezes (false) or unfreezes (true) this module and its children: frozen
    /// weights get no gradients and optimizers skip them. Effective at once,
    /// without rebuilding.
    void set_trainable(bool trainable);
    bool trainable() const noexcept { return trainable_; }

    // ---- structure ---------------------------------------------------------------------
    const std::vector<ModulePtr>& children() const noexcept { return children_; }
    /// Regularization losses of this module and its children (added to the
    /// training loss by fit() or by hand). Computed from the current weights.
    virtual std::vector<Tensor> losses() const;
    /// Applies weight constraints (e.g. max-norm) after an optimizer step.
    virtual void apply_constraints();
    /// A deep copy: same configuration and weight values, independent storage.
    virtual ModulePtr clone() const = 0;

    // ---- saving ------------------------------------------------------------------------
    /// The layer's constructor options as strings (numbers printed to round-trip),
    /// e.g. Dense: {"units": "100", "activation": "relu", …}. io::save() stores
    /// it with the type name, and the factory registered with
    /// io::register_layer(type_name(), …) rebuilds the layer from it. Name,
    /// trainable flag, declared input shape, dtype and children are saved by
    /// io::save() itself. Default: no options.
    using Config = std::map<std::string, std::string>;
    virtual Config config() const { return {}; }
    /// The input shape ([batch, …]) the module was built with by ensure_built(), if any.
    const std::optional<Shape>& build_input_shape() const noexcept { return build_input_shape_; }

protected:
    explicit Module(std::string type_name, std::optional<Shape> input_shape = std::nullopt);
    Module(const Module& other);
    Module& operator=(const Module&) = delete;
    Module(Module&&) = default;

    /// For containers that reorder or drop children.
    std::vector<ModulePtr>& mutable_children() noexcept { return children_; }
    /// After a copy (clone()): gives this copy its own weight storage and children.
    void deep_copy_state();
    /// Whether this module's own parameters (not children) should get gradients.
    bool parameters_trainable() const noexcept { return trainable_; }

private:
    struct Entry {
        std::string name;
        Tensor tensor;
        bool trainable;  // false for non-trainable weights and buffers
        bool buffer;
    };
    void collect(const std::string& prefix, std::vector<NamedTensor>& out, bool buffers) const;
    std::string own_prefix() const;

    std::string type_name_;
    std::string name_;
    std::optional<Shape> input_shape_;
    std::optional<Shape> build_input_shape_;
    std::vector<Entry> entries_;
    std::vector<ModulePtr> children_;
    bool built_ = false;
    bool training_ = true;
    bool trainable_ = true;
    Dtype dtype_ = float32;
};

/// Keras-style unique name for a new layer of type `snake_name`: "dense",
/// "dense_1", … (a process-wide counter per name).
std::string unique_layer_name(const std::string& snake_name);
/// Restarts the counters (Keras' clear_session): the next dense is "dense" again.
void reset_layer_names();

/// CRTP helper: implements clone() with Derived's copy constructor.
template <class Derived> class Cloneable : public Module {
public:
    using Module::Module;
    ModulePtr clone() const override {
        auto copy = std::make_shared<Derived>(static_cast<const Derived&>(*this));
        copy->deep_copy_state();
        return copy;
    }
};

}  // namespace xgrad::nn
