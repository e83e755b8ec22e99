#pragma once
/// \file
/// Module: the base of every layer and model. A module registers, by name,
/// its parameters (trainable weights), buffers (state that is saved but never
/// optimized, e.g. batch-norm moving statistics) and child modules, and gets
/// hierarchical names, train/eval mode, freezing, weight get/set, deep
/// cloning and regularization losses from that registration.
///
/// Names are registration paths, as in PyTorch: a child registered as
/// "encoder" whose Dense child is "dense" has the weight key
/// "encoder.dense.kernel"; every level appears, the root's own name never
/// does, and no process-wide counter is involved, so two models built alike
/// have identical state_dict() keys. Sequential registers its layers under
/// their Keras-style names made unique within the model (dense, dense_1, …).
///
/// A user model holds its children through typed handles, so that clone()
/// gives a copy whose handles point at the copy's own children:
///
///     class ResidualMlp : public nn::Cloneable<ResidualMlp> {
///     public:
///         ResidualMlp() : Cloneable("ResidualMlp") {
///             fc_ = register_module("fc", nn::Dense(64, "relu"));
///             out_ = register_module("out", nn::Dense(10));
///         }
///         Tensor forward(const Tensor& x, bool) override { return (*out_)(x + (*fc_)(x)); }
///     private:
///         nn::Child<nn::Dense> fc_, out_;        // keys "fc.kernel", "out.bias", …
///     };
///
/// Modules are ordinary classes held by std::shared_ptr (ModulePtr). A layer
/// implements forward(x, training) and, when its weights depend on the input
/// size, build(input_shape), which runs once, on the first call or when the
/// input shape is declared (lazy build, as in Keras). A model may instead
/// define forward with any other signature (forward(x, mask), several
/// outputs); forward(x, training) is needed only to be called with one
/// tensor, e.g. as a layer of a Sequential.
///
/// Training mode: model(x, training) sets the mode for every module called
/// while it runs, so children called as (*child)(x) follow it without the
/// flag being passed down by hand (Keras' call-context rule); model(x) uses
/// the model's own mode (train()/eval()).
///
/// Thread safety: none within a module; use one module from one thread at a
/// time. Separate modules in separate threads are independent.
#include <concepts>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "xgrad/core/hooks.hpp"
#include "xgrad/core/named_tensor.hpp"
#include "xgrad/core/tensor.hpp"
#include "xgrad/nn/config.hpp"

namespace xgrad::nn {

class Module;
/// How modules are held and shared (a layer in two models is one object).
using ModulePtr = std::shared_ptr<Module>;
class SymbolicTensor;
class SymbolicTensors;
class Initializer;

namespace detail {
/// Cloning a module tree: while a scope is open on this thread, cloned(m)
/// returns the copy of m made in that scope (cloning it on first request),
/// so a module shared within the tree stays shared, once, in the copy, and
/// typed handles (Child) are redirected to the copy. Outside a scope,
/// cloned(m) is m. Cloneable::clone() opens the scope.
class CloneScope {
public:
    CloneScope();
    ~CloneScope();
    CloneScope(const CloneScope&) = delete;
    CloneScope& operator=(const CloneScope&) = delete;

private:
    bool outermost_;
};
ModulePtr cloned(const ModulePtr& original);
}  // namespace detail

using xgrad::NamedTensor;

/// The outputs of a module called on a list of tensors (Module::call on a
/// vector): a vector that also converts to its tensor when it holds exactly
/// one, so a merge layer's result passes where a Tensor is expected:
/// `Tensor y = nn::Add()({a, b});`. The conversion is a ValueError giving the
/// count when there are several outputs (index them instead).
class Tensors : public std::vector<Tensor> {
public:
    using std::vector<Tensor>::vector;
    /// The outputs `outputs`.
    Tensors(std::vector<Tensor> outputs) : std::vector<Tensor>(std::move(outputs)) {}
    /// The only output (a copy of the handle; the data are shared).
    operator Tensor() const;
};

/// The base of every layer and model: registered weights, buffers and
/// children, with hierarchical names, train/eval mode, freezing, cloning
/// and config() for saving (see the file comment).
class Module : public std::enable_shared_from_this<Module> {
public:
    virtual ~Module() = default;

    // ---- running ----------------------------------------------------------------
    /// The computation. `training` selects batch statistics, active dropout,
    /// etc. The default throws: a module that defines only another signature
    /// cannot be called with one tensor.
    virtual Tensor forward(const Tensor& x, bool training);
    /// Runs the module in the current mode (is_training()), building it first if needed.
    Tensor operator()(const Tensor& x) { return call(x, is_training()); }
    /// Runs with an explicit mode, which also holds for every module called
    /// inside: `model(x, true)` keeps dropout on at inference (MC Dropout).
    Tensor operator()(const Tensor& x, bool training) { return call(x, training); }
    /// What both operator() overloads run: builds the module for `x`'s shape
    /// if needed, runs forward(x, training) with `training` as the mode of
    /// every module it reaches, then the hooks.
    Tensor call(const Tensor& x, bool training);

    // ---- several inputs / several outputs ---------------------------------------------
    /// The computation with several inputs and/or outputs (merge layers,
    /// functional models, a subclassed module with two inputs). The default
    /// accepts exactly one input and returns {forward(inputs[0], training)};
    /// any other count is a ValueError naming the module, its type and the
    /// count. A distinct name rather than a forward overload, so that a class
    /// overriding one of them does not hide the other.
    virtual std::vector<Tensor> forward_many(const std::vector<Tensor>& inputs, bool training);
    /// What the vector operator() overloads run, with the same mode scope as
    /// call(x, training). With one input the module is built for its shape
    /// if needed (as call(x, training)); a module with several inputs builds
    /// itself (in its constructor or in forward_many). ValueError for no
    /// inputs. Forward hooks (one tensor in, one out) see the call when it
    /// has one input and gives one output; backward hooks see the gradient
    /// of every output.
    Tensors call(const std::vector<Tensor>& inputs, bool training);
    /// Runs forward_many in the current mode (is_training()): `add({a, b})`.
    Tensors operator()(const std::vector<Tensor>& inputs) { return call(inputs, is_training()); }
    /// Runs forward_many with an explicit mode, as operator()(x, training).
    Tensors operator()(const std::vector<Tensor>& inputs, bool training) { return call(inputs, training); }
    /// The names of the inputs forward_many takes, in order. Default {}: one
    /// unnamed input. A functional Model: the names of its Input layers.
    virtual std::vector<std::string> input_names() const;
    /// The names of the outputs forward_many gives, in order. Default {}:
    /// one unnamed output. A functional Model: the names of the layers that
    /// produce its outputs (fit logs "<name>_loss", as Keras 2).
    virtual std::vector<std::string> output_names() const;

    // ---- functional API (nn/symbolic.hpp) ---------------------------------------------
    /// Calls the layer on a symbolic tensor (Keras' functional API): builds
    /// it for the tensor's shape, computes the output shape and records the
    /// call; the result feeds further layers and nn::Model. A layer held by a
    /// std::shared_ptr is that layer in the graph (calling it twice shares
    /// its weights); any other (a temporary, a named object) is copied into
    /// the graph on its first symbolic call, and later calls of the same
    /// object reuse that copy. ValueError for a layer with several outputs
    /// (use the list form); a shape the layer cannot take fails here, naming
    /// the layer and the shapes.
    SymbolicTensor operator()(const SymbolicTensor& x);
    /// The same for several inputs or outputs: `nn::Concatenate()({a, b})`;
    /// the result is usable as one tensor when the layer gives one.
    SymbolicTensors operator()(const std::vector<SymbolicTensor>& inputs);

    // ---- hooks --------------------------------------------------------------------
    /// Sees each call(x, training) of this module: its input and output.
    using ForwardHook = std::function<void(Module& module, const Tensor& input, const Tensor& output)>;
    /// Sees the gradient of this module's output when a backward pass reaches
    /// it (once per recorded call whose output requires grad).
    using BackwardHook = std::function<void(Module& module, const Tensor& grad_output)>;
    /// Adds a hook run after forward, in registration order. Hooks see calls
    /// through call() / operator() (as Sequential and fit make); a clone()
    /// starts without hooks. Costs nothing while none is set.
    HookHandle register_forward_hook(ForwardHook hook);
    /// Adds a hook run when the gradient of an output of this module is
    /// complete, before it flows into the module (a gradient hook on the
    /// output, Tensor::register_hook). To change the gradient, register a
    /// hook on the output tensor itself from a forward hook.
    HookHandle register_backward_hook(BackwardHook hook);

    // ---- building -----------------------------------------------------------------
    /// Creates the weights for inputs of shape `input_shape` ([batch, ...];
    /// the batch size is ignored). Called once; the default creates nothing.
    virtual void build(const Shape& input_shape);
    /// Whether build() has run (on the first call, or through ensure_built()).
    bool built() const noexcept { return built_; }
    /// Builds for `input_shape` unless already built.
    void ensure_built(const Shape& input_shape);
    /// The output shape for an input shape (batch dimension -1 = any). The
    /// default runs forward on a zero batch of one and reads the shape.
    virtual Shape output_shape(const Shape& input_shape);
    /// The output shapes for several input shapes (batch dimension -1 =
    /// any), for modules with several inputs or outputs. The default gives
    /// {output_shape(s)} for one shape, and otherwise runs forward_many on
    /// zero batches of one and reads the shapes.
    virtual std::vector<Shape> output_shapes(const std::vector<Shape>& input_shapes);
    /// The input shape declared at construction (Keras' input_shape), without the batch dimension.
    const std::optional<Shape>& declared_input_shape() const noexcept { return input_shape_; }
    /// Declares the input shape (without the batch dimension), as Keras' input_shape.
    void set_input_shape(Shape shape) { input_shape_ = std::move(shape); }

    // ---- identity -----------------------------------------------------------------
    /// The layer's name: set_name()'s, or the type in snake_case ("dense",
    /// "batch_normalization"). Sequential makes it unique within the model
    /// (dense, dense_1, …) when it adds a layer that is in no model yet.
    const std::string& name() const noexcept { return name_; }
    /// Renames the module (ValueError for an empty name); returns it for chaining.
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
    /// Creates a buffer as add_weight() creates a weight (same checks) and registers it.
    Tensor& add_buffer(std::string name, const Shape& shape, const Initializer& initializer);
    /// This module's own weight or buffer by its short name ("kernel").
    /// Layers look their weights up here rather than caching handles, so a
    /// clone() or load swaps them everywhere at once.
    const Tensor& weight(std::string_view name) const;
    /// The same, mutable.
    Tensor& weight(std::string_view name);
    /// Whether this module itself (not a child) has a weight or buffer called `name`.
    bool has_weight(std::string_view name) const;
    /// Registers a child under `name` (no '.', unique among this module's
    /// children and weights): its weights' keys start with "name.". Returns
    /// the child, to keep in a Child<M> handle. A layer value is moved into a
    /// new shared_ptr; a shared_ptr is shared (the same layer in two models).
    template <class M>
        requires std::derived_from<M, Module>
    std::shared_ptr<M> register_module(std::string name, std::shared_ptr<M> child) {
        add_child(std::move(name), child);
        return child;
    }
    /// The same for a layer value, moved (or copied) into a new shared_ptr.
    template <class M>
        requires std::derived_from<std::decay_t<M>, Module>
    std::shared_ptr<std::decay_t<M>> register_module(std::string name, M&& layer) {
        return register_module(std::move(name), std::make_shared<std::decay_t<M>>(std::forward<M>(layer)));
    }

    // ---- parameters -----------------------------------------------------------------
    /// All weights, trainable and not, in registration order (Keras' `weights`).
    std::vector<Tensor> parameters() const;
    /// Weights that get gradients and are optimized.
    std::vector<Tensor> trainable_parameters() const;
    /// What an optimizer needs (optim::ParamGroup(module) asks for it): the
    /// trainable parameters at each step, named by their state_dict key,
    /// prefixed with this module's name when it is a layer of a model (so a
    /// group of model[1] keeps state under "dense_1.kernel", as one of the
    /// whole model would), and apply_constraints() as the projection after
    /// each update. The module must outlive the source.
    ParameterSource parameter_source();
    /// Weights and buffers that are not optimized.
    std::vector<Tensor> non_trainable_parameters() const;
    /// Hierarchical names: {"dense_1.kernel", tensor}, parameters and buffers.
    std::vector<NamedTensor> named_parameters() const;
    /// The buffers alone, by hierarchical name ("batch_normalization.moving_mean").
    std::vector<NamedTensor> named_buffers() const;
    /// Every saved tensor (parameters then buffers) by hierarchical name.
    std::map<std::string, Tensor> state_dict() const;
    /// Copies values into the module's tensors by name, all or nothing:
    /// every name and shape is checked (as check_state_dict()) before the
    /// first value is copied, so a throw leaves every weight unchanged. A
    /// value of another dtype is converted to the weight's (as PyTorch does).
    void load_state_dict(const std::map<std::string, Tensor>& state);
    /// Whether load_state_dict(state) would succeed, without changing
    /// anything: ValueError for a missing or unexpected name, ShapeError
    /// (naming both shapes) for a value that does not fit its weight. Lets a loader that restores several
    /// objects (a checkpoint) check them all before changing any.
    void check_state_dict(const std::map<std::string, Tensor>& state) const;
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
    /// Inference mode for this module and its children: train(false).
    void eval() { train(false); }
    /// The mode a call uses now: inside model(x, training), that flag (for
    /// every module the call reaches); otherwise this module's train()/eval() mode.
    bool is_training() const noexcept;
    /// Freezes (false) or unfreezes (true) this module and its children: frozen
    /// weights get no gradients and optimizers skip them. Effective at once,
    /// without rebuilding.
    void set_trainable(bool trainable);
    /// This module's set_trainable() flag: false once frozen.
    bool trainable() const noexcept { return trainable_; }

    // ---- structure ---------------------------------------------------------------------
    /// The direct child modules, in registration order.
    const std::vector<ModulePtr>& children() const noexcept { return children_; }
    /// The names the children were registered under, in children() order.
    const std::vector<std::string>& child_names() const noexcept { return child_names_; }
    /// Whether this module has been registered as some module's child.
    bool has_parent() const noexcept { return registrations_ > 0; }
    /// Regularization losses of this module and its children (added to the
    /// training loss by fit() or by hand). Computed from the current weights.
    virtual std::vector<Tensor> losses() const;
    /// Applies weight constraints (e.g. max-norm) after an optimizer step.
    virtual void apply_constraints();
    /// A deep copy: same configuration and weight values, independent
    /// storage, children cloned (a child shared within the tree stays shared
    /// in the copy) and Child handles pointing into the copy. Tensors a
    /// module keeps outside its registered weights are shared, not copied:
    /// look weights up with weight(name).
    virtual ModulePtr clone() const = 0;

    // ---- saving ------------------------------------------------------------------------
    /// The option map of config.hpp (nn::Config).
    using Config = nn::Config;
    /// The layer's options (config.hpp), e.g. Dense: {"units": "100",
    /// "activation": "relu", …}. io::save() stores it with the type name, and
    /// the factory in nn::layer_registry() for type_name() rebuilds the layer
    /// from it. Layers derived from nn::Layer get it from their option table
    /// (layer.hpp). Name, trainable flag, declared input shape, dtype and
    /// children are saved by io::save() itself. Default: no options.
    virtual Config config() const { return {}; }
    /// The input shape ([batch, …]) the module was built with by ensure_built(), if any.
    const std::optional<Shape>& build_input_shape() const noexcept { return build_input_shape_; }

protected:
    /// A module of class `type_name` ("BatchNormalization"), named after it in
    /// snake_case ("batch_normalization"); `input_shape` as set_input_shape().
    explicit Module(std::string type_name, std::optional<Shape> input_shape = std::nullopt);
    /// Copies names, modes, flags and weight values (into new storage) and
    /// clones the children as clone() does; hooks are not copied.
    Module(const Module& other);
    Module& operator=(const Module&) = delete;
    /// Moves everything: weights, children, hooks.
    Module(Module&&) = default;

    /// Unregisters the last child (Sequential::pop).
    void remove_last_child();
    /// Whether `name` is free for a new child or weight.
    bool name_available(std::string_view name) const;
    /// Whether this module's own parameters (not children) should get gradients.
    bool parameters_trainable() const noexcept { return trainable_; }

private:
    struct Entry {
        std::string name;
        Tensor tensor;
        bool trainable;  // false for non-trainable weights and buffers
        bool buffer;
    };
    /// Hashes names for heterogeneous lookup (a string_view finds a std::string).
    struct NameHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view name) const noexcept { return std::hash<std::string_view>{}(name); }
    };
    /// Each weight of `this` tree paired with its value in `state`, after
    /// check_state_dict()'s checks.
    std::vector<std::pair<Tensor, const Tensor*>> match_state_dict(const std::map<std::string, Tensor>& state) const;
    /// A new tensor for add_weight()/add_buffer(), after the shape and budget checks.
    Tensor initial_value(const std::string& name, const Shape& shape, const Initializer& initializer) const;
    void collect(const std::string& prefix, std::vector<NamedTensor>& out, bool buffers) const;
    void add_child(std::string name, const ModulePtr& child);
    /// ValueError unless `name` is a valid, free name for a new `kind` ("child", "weight", "buffer").
    void check_new_name(std::string_view kind, const std::string& name) const;

    /// Runs the forward hooks on (x, out).
    void run_forward_hooks(const Tensor& x, const Tensor& out);
    /// Puts the backward hooks on `out`'s gradient.
    void add_backward_hooks(const Tensor& out);

    /// The layer in the graph for this object's symbolic calls (see operator()(SymbolicTensor)).
    ModulePtr symbolic_layer();

    std::weak_ptr<Module> symbolic_copy_;  // the copy a symbolic call made of this unshared object
    std::shared_ptr<xgrad::detail::HookList<ForwardHook>> forward_hooks_;    // null until a hook is added
    std::shared_ptr<xgrad::detail::HookList<BackwardHook>> backward_hooks_;  // null until a hook is added
    std::string type_name_;
    std::string name_;
    std::optional<Shape> input_shape_;
    std::optional<Shape> build_input_shape_;
    std::vector<Entry> entries_;
    std::vector<ModulePtr> children_;
    std::vector<std::string> child_names_;
    // The names of entries_ and children_: name_available() in constant
    // time, so registering n children or weights is linear, not quadratic.
    std::unordered_set<std::string, NameHash, std::equal_to<>> taken_names_;
    std::size_t registrations_ = 0;  // how many times this module was registered as a child
    bool built_ = false;
    bool training_ = true;
    bool trainable_ = true;
    Dtype dtype_ = float32;
};

/// CRTP helper: implements clone() with Derived's copy constructor, inside
/// a detail::CloneScope (Module's copy constructor deep-copies weights and
/// children; Child members follow).
template <class Derived> class Cloneable : public Module {
public:
    using Module::Module;
    /// A deep copy made by Derived's copy constructor (see Module::clone()).
    ModulePtr clone() const override {
        detail::CloneScope scope;
        return std::make_shared<Derived>(static_cast<const Derived&>(*this));
    }
};

/// A typed handle to a child module, used like a pointer: `(*fc_)(x)`,
/// `fc_->units()`. Copied by clone() (inside a CloneScope), it points at the
/// copy's child; copied anywhere else, at the same child.
template <class M> class Child {
public:
    Child() = default;
    /// Holds `module`, e.g. the result of register_module().
    Child(std::shared_ptr<M> module) : ptr_(std::move(module)) {}
    /// Inside a clone(), points at the copy of `other`'s child; elsewhere at the same child.
    Child(const Child& other) : ptr_(std::static_pointer_cast<M>(detail::cloned(other.ptr_))) {}
    /// Repoints the handle as the copy constructor does.
    Child& operator=(const Child& other) {
        ptr_ = std::static_pointer_cast<M>(detail::cloned(other.ptr_));
        return *this;
    }
    /// Moves the handle; it keeps pointing at the same child, even inside a clone().
    Child(Child&&) noexcept = default;
    /// Moves the handle, as the move constructor does.
    Child& operator=(Child&&) noexcept = default;

    /// Member access on the child: `fc_->units()`.
    M* operator->() const noexcept { return ptr_.get(); }
    /// The child, e.g. to call it: `(*fc_)(x)`.
    M& operator*() const noexcept { return *ptr_; }
    /// The shared pointer to the child (null for an empty handle).
    const std::shared_ptr<M>& ptr() const noexcept { return ptr_; }
    /// Whether it points at a child.
    explicit operator bool() const noexcept { return static_cast<bool>(ptr_); }

private:
    std::shared_ptr<M> ptr_;
};

}  // namespace xgrad::nn
