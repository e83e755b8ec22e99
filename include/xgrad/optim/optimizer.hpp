#pragma once
/// \file
/// Optimizer: applies a chain of gradient transforms (transform.hpp) to
/// parameters, outside autograd, with a learning rate (a number or a
/// Schedule), parameter groups, a step counter and a saveable state.
///
///     optim::Adam opt(model);                  // a Module: its trainable parameters, looked up at each step
///     for (auto& [x, y] : batches) {
///         opt.zero_grad();
///         losses::sparse_categorical_crossentropy(y, model(x)).backward();
///         opt.step();                          // clip → weight decay → update → projection (constraints)
///     }
///     auto saved = opt.state_dict();           // {"iterations", "learning_rate", "dense.kernel/adam.momentum", …}
///
/// One step, for every parameter that requires grad and has a gradient (the
/// others — frozen, or not reached by backward — are skipped, their state
/// untouched): copy the gradient into the slot's update buffer, run the
/// transform over all of them (so global-norm clipping sees every
/// gradient), add each update to its parameter, then run each group's
/// projection (a module's weight constraints, e.g. max-norm, as Keras
/// applies them after every step).
///
/// Parameters come in groups of named tensors; the optimizer never sees a
/// module. A group built from a Module takes its parameter_source(): the
/// trainable parameters at every step, so freezing and unfreezing layers
/// (set_trainable) takes effect without a new optimizer, named by their key
/// in the module's state_dict ("dense_1.kernel"), prefixed with the module's
/// name when the module is a layer of a model (a group of model[1] alone
/// still says "dense_1.kernel"); two groups that would name two parameters
/// alike are a ValueError. A group of plain tensors names them "params.0",
/// "params.1", … ("params_2.0" in group 2). State is never keyed by address.
///
/// Step count: Keras semantics, one global t = iterations() + 1 for every
/// parameter (bias corrections use it). PyTorch keeps a step per parameter,
/// which differs only for a parameter that starts training late (e.g. a layer
/// unfrozen mid-training: here its first Adam bias correction uses the global t).
///
/// Hot path: after the first step, step() allocates no tensor memory (state
/// and update buffers are created once per parameter and updated in place
/// with plain loops), and for tensor groups no heap memory at all; a live
/// group allocates the small vector its source returns.
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "xgrad/core/config.hpp"
#include "xgrad/core/named_tensor.hpp"
#include "xgrad/core/option_table.hpp"
#include "xgrad/core/tensor.hpp"
#include "xgrad/optim/schedule.hpp"
#include "xgrad/optim/transform.hpp"

namespace xgrad::optim {

/// A learning rate: a number, or a Schedule (any callable double(std::int64_t)).
class LearningRate {
public:
    /// A constant rate (implicit, so a plain number converts).
    LearningRate(double value) : value_(value) {}
    /// A Schedule: any callable double(std::int64_t) that is not a number
    /// (ValueError when it is empty, e.g. a default std::function).
    template <class F>
        requires(std::is_invocable_r_v<double, const F&, std::int64_t> && !std::is_arithmetic_v<F> &&
                 !std::is_same_v<std::decay_t<F>, LearningRate>)
    LearningRate(F schedule) : schedule_(std::move(schedule)) {
        if (!schedule_) throw ValueError("LearningRate: empty schedule");
    }
    /// Whether the rate is a Schedule (else a constant).
    bool is_schedule() const noexcept { return static_cast<bool>(schedule_); }
    /// The rate for the update at 0-based `step`.
    double operator()(std::int64_t step) const { return schedule_ ? schedule_(step) : value_; }

private:
    double value_ = 0.0;
    Schedule schedule_;
};

}  // namespace xgrad::optim

namespace xgrad {
/// A learning rate in a config: a number. A Schedule has no config
/// (ValueError when encoding one).
template <> struct ConfigCodec<optim::LearningRate> {
    /// Stores the number under `key`; ValueError for a Schedule.
    static void encode(Config& c, const std::string& key, const optim::LearningRate& lr);
    /// Reads `key` as a number: false when absent, ValueError when malformed.
    static bool decode(const Config& c, const std::string& key, optim::LearningRate& out);
};
}  // namespace xgrad

namespace xgrad::optim {

/// A type that hands its parameters to optimizers (nn::Module).
template <class M>
concept ProvidesParameters = requires(M& m) {
    { m.parameter_source() } -> std::same_as<ParameterSource>;
};

/// Parameters sharing a learning-rate scale: tensors (named or not), or a
/// live ParameterSource such as a Module (its trainable parameters at each
/// step; the module must outlive the optimizer unless given as a shared_ptr).
///
///     // Fine-tuning: reused layers learn 10× slower than the new head.
///     optim::SGD opt(*head, optim::SGDOptions().learning_rate(0.01));
///     opt.add_param_group(optim::ParamGroup(*base).lr_scale(0.1));
///
/// A group's learning rate is the optimizer's (number or schedule) times
/// lr_scale, so set_learning_rate(), schedules and ReduceLROnPlateau move
/// all groups together and keep their ratios. (PyTorch gives each group an
/// absolute lr, and its schedulers rescale each one.)
class ParamGroup {
public:
    /// Fixed tensors, named "params.0", "params.1", … ("params_2.0" in group 2).
    ParamGroup(std::vector<Tensor> params) : params_(std::move(params)) {}
    /// Fixed tensors as a braced list, `ParamGroup({w, b})`, named as above.
    ParamGroup(std::initializer_list<Tensor> params) : params_(params) {}
    /// Fixed tensors with the names their state is kept under.
    ParamGroup(std::vector<NamedTensor> params);
    /// A live source, asked at every step.
    ParamGroup(ParameterSource source);
    /// Anything that provides a ParameterSource (nn::Module: its trainable
    /// parameters at each step, its weight constraints after each update).
    template <ProvidesParameters M> ParamGroup(M& source) : ParamGroup(source.parameter_source()) {}
    /// As ParamGroup(M&), but the group keeps `source` alive (ValueError when null).
    template <ProvidesParameters M>
    ParamGroup(std::shared_ptr<M> source) : ParamGroup(with_owner(std::move(source))) {}

    /// This group's learning rate as a multiple of the optimizer's (default 1).
    ParamGroup& lr_scale(double scale) { return lr_scale_ = scale, *this; }
    /// The multiple of the optimizer's learning rate this group uses (default 1).
    double lr_scale() const noexcept { return lr_scale_; }

    /// Whether the parameters come from a live source (else fixed tensors).
    bool is_live() const noexcept { return static_cast<bool>(source_.parameters); }
    /// The live source (empty for a group of fixed tensors).
    const ParameterSource& source() const noexcept { return source_; }
    /// The fixed tensors (empty for a live group).
    const std::vector<Tensor>& tensors() const noexcept { return params_; }
    /// Their names (empty: "params.i").
    const std::vector<std::string>& names() const noexcept { return names_; }
    /// The parameters the optimizer would update now.
    std::vector<Tensor> parameters() const { return is_live() ? source_.parameters() : params_; }

private:
    template <class M> static ParameterSource with_owner(std::shared_ptr<M> source) {
        if (!source) throw ValueError("ParamGroup: null parameter source");
        ParameterSource s = source->parameter_source();
        s.owner = std::move(source);
        return s;
    }
    std::vector<Tensor> params_;
    std::vector<std::string> names_;
    ParameterSource source_;
    double lr_scale_ = 1.0;
};

/// The optimizer every built-in one derives from: runs a GradientTransform
/// (chain) over parameter groups with a learning rate, as described above.
class Optimizer {
public:
    /// An optimizer with no parameters yet (see add_param_group()).
    Optimizer(GradientTransformPtr transform, LearningRate learning_rate, std::string name = "Optimizer");
    /// Updates `params` with `transform` (usually a chain ending in
    /// scale_by_learning_rate()). ValueError when no part of `transform`
    /// reads the learning rate (GradientTransform::reads_learning_rate()).
    Optimizer(ParamGroup params, GradientTransformPtr transform, LearningRate learning_rate,
              std::string name = "Optimizer");
    virtual ~Optimizer();
    Optimizer(const Optimizer&) = delete;
    Optimizer& operator=(const Optimizer&) = delete;

    /// The class name: "SGD", "Adam", … ("Optimizer" for a hand-built chain).
    const std::string& name() const noexcept { return name_; }
    /// The transform run at every step (for the built-in optimizers, a Chain).
    const GradientTransformPtr& transform() const noexcept { return transform_; }
    /// Its options by Keras' get_config keys (NamedOptimizer). ValueError
    /// here: a hand-built chain has no option table.
    virtual Config config() const;

    // ---- parameters -------------------------------------------------------------------
    /// Adds parameters, e.g. a pretrained base with a smaller lr_scale. A
    /// tensor in two groups is a ValueError (at the step that meets it).
    Optimizer& add_param_group(ParamGroup group);
    /// The group added i-th, 0-based (IndexError when out of range).
    const ParamGroup& param_group(std::size_t i) const;
    /// Groups added so far, the constructor's `params` included.
    std::size_t num_param_groups() const noexcept { return groups_.size(); }

    // ---- stepping -----------------------------------------------------------------------
    /// One update of every parameter that requires grad and has a gradient;
    /// then iterations() + 1 and the groups' projections (weight constraints).
    void step();
    /// Drops the gradient of every parameter in every group ("no gradient yet").
    void zero_grad();
    /// Updates done so far (Keras' `iterations`).
    std::int64_t iterations() const noexcept { return iterations_; }

    // ---- learning rate ----------------------------------------------------------------------
    /// The learning rate of the next step (a schedule evaluated at iterations()).
    double learning_rate() const { return learning_rate_(iterations_); }
    /// The next step's learning rate of group `group` (times its lr_scale).
    double learning_rate(std::size_t group) const;
    /// Sets a constant learning rate (training callbacks call this). When the
    /// learning rate is a Schedule this is a ValueError, as in Keras; replace
    /// the schedule with set_learning_rate(LearningRate) instead.
    void set_learning_rate(double learning_rate);
    /// Replaces the learning rate with a number or a schedule.
    void set_learning_rate(LearningRate learning_rate) { learning_rate_ = std::move(learning_rate); }
    /// Whether the learning rate is a Schedule (then set_learning_rate(double) is a ValueError).
    bool has_schedule() const noexcept { return learning_rate_.is_schedule(); }
    /// A schedule for the momentum coefficient (SGD/RMSprop momentum, β1 of
    /// the Adam family and Lion), e.g. OneCycle::momentum_schedule(); an
    /// empty Schedule removes it.
    void set_momentum_schedule(Schedule schedule) { momentum_schedule_ = std::move(schedule); }

    // ---- state ------------------------------------------------------------------------------
    /// A copy of the state: "iterations" (int64), "learning_rate" (float64,
    /// when it is a number), shared transform state ("nadam.u_product"), and
    /// per parameter "<parameter>/<state>" ("dense.kernel/adam.momentum").
    /// Parameters get state at their first update.
    std::map<std::string, Tensor> state_dict() const;
    /// Restores state_dict() output: copies values into existing state (same
    /// shapes, else ShapeError) and keeps the entries of parameters not
    /// updated yet until their first step; parameters absent from `state`
    /// restart from fresh state. An optimizer restored from another's state
    /// then takes bit-identical steps. "learning_rate" is restored when this
    /// optimizer's learning rate is a number (a schedule resumes from
    /// "iterations"). All or nothing: every check of check_state_dict()
    /// runs before the first change.
    void load_state_dict(const std::map<std::string, Tensor>& state);
    /// Whether load_state_dict(state) would succeed, without changing
    /// anything: ValueError for a missing, negative, fractional or too large
    /// "iterations", a non-finite "learning_rate", missing shared state, or a
    /// key naming no state of this optimizer's transform or the state of no
    /// parameter in its groups; ShapeError for a value whose shape differs
    /// from the state it restores (for a parameter not updated yet, the
    /// state its first step would create).
    void check_state_dict(const std::map<std::string, Tensor>& state) const;

private:
    struct Slot {
        std::string key;
        std::size_t group;
        Tensor param;
        Tensor update;
        std::vector<Tensor> state;
    };
    struct Group {
        ParamGroup group;
        std::vector<std::ptrdiff_t> slot_of;  // tensor groups: slot index per position, −1 before the first update
    };
    /// check_state_dict()'s checks; returns the per-parameter entries of `state` (key, value).
    std::vector<std::pair<const std::string*, const Tensor*>> match_state_dict(
        const std::map<std::string, Tensor>& state) const;
    /// The name of tensor `index` of fixed group `group`: its given name, else "params.i" ("params_g.i").
    std::string tensor_key(std::size_t group, std::size_t index) const;
    /// Every parameter of every group (frozen ones of live groups included) by its state key.
    std::unordered_map<std::string, Tensor> parameters_by_key() const;
    std::size_t slot_for_tensor(std::size_t group, std::size_t index);
    std::size_t slot_for_live_param(std::size_t group, const Tensor& param);
    std::size_t create_slot(std::string key, const Tensor& param, std::size_t group);
    void add_view(std::size_t slot, const Tensor& param, const Tensor& grad, double learning_rate);
    void update_slots(std::size_t first, std::size_t last, const StepInfo& info);

    std::string name_;
    GradientTransformPtr transform_;
    LearningRate learning_rate_;
    Schedule momentum_schedule_;
    std::int64_t iterations_ = 0;
    std::vector<std::string> state_names_;
    std::vector<std::string> global_names_;
    std::vector<Tensor> global_state_;
    std::vector<Group> groups_;
    std::vector<std::unique_ptr<Slot>> slots_;
    std::unordered_map<std::string, std::size_t> slot_by_key_;
    std::unordered_map<const void*, std::size_t> slot_by_impl_;  // a lookup cache; slots hold their tensor, so addresses stay unique
    std::map<std::string, Tensor> pending_;                      // loaded state of parameters without a slot yet
    std::vector<SlotView> views_;                                // reused every step
    std::vector<Tensor> grads_;                                  // views_[i]'s gradient, copied into its update
    std::vector<std::size_t> task_bounds_;                       // views_ split into parallel tasks
};

/// Options every Keras optimizer shares, as chained setters on each
/// optimizer's options (SGDOptions().learning_rate(0.1).clipnorm(1.0)).
/// At most one of clipvalue, clipnorm, global_clipnorm (ValueError when the
/// optimizer is built otherwise, as Keras).
///
/// Each options class declares its options once, in the OptionTable its
/// static options() returns (keys are Keras' get_config names), starting
/// from option_table() here. The setters store a value as given; the
/// optimizer's constructor refuses invalid options (as Keras' does), and
/// from_config() checks every value against the table's requirements.
template <class Derived>
class OptimizerOptions {
public:
    /// A number or a Schedule; the default depends on the optimizer.
    Derived& learning_rate(LearningRate lr) { return learning_rate_ = std::move(lr), self(); }
    /// The learning rate, a number or a Schedule.
    const LearningRate& learning_rate() const noexcept { return learning_rate_; }
    /// Decoupled weight decay θ ← θ − θ·wd·η before each update (Keras'
    /// weight_decay; 0 = none, the default except AdamW's 0.004).
    Derived& weight_decay(double wd) { return weight_decay_ = wd, self(); }
    /// The decoupled weight decay wd (0 = none).
    double weight_decay() const noexcept { return weight_decay_; }
    /// Clip each gradient element to [−v, v] (default: no clipping).
    Derived& clipvalue(double v) { return clipvalue_ = v, self(); }
    /// The element-wise clip bound v, if set.
    const std::optional<double>& clipvalue() const noexcept { return clipvalue_; }
    /// Rescale each gradient tensor to norm ≤ c (default: no clipping).
    Derived& clipnorm(double c) { return clipnorm_ = c, self(); }
    /// The per-tensor norm bound c, if set.
    const std::optional<double>& clipnorm() const noexcept { return clipnorm_; }
    /// Rescale all gradients together to global norm ≤ c (default: no clipping).
    Derived& global_clipnorm(double c) { return global_clipnorm_ = c, self(); }
    /// The global norm bound c, if set.
    const std::optional<double>& global_clipnorm() const noexcept { return global_clipnorm_; }

protected:
    /// For a derived options class: its optimizer's default learning rate and weight decay.
    explicit OptimizerOptions(double default_learning_rate, double default_weight_decay = 0.0)
        : learning_rate_(default_learning_rate), weight_decay_(default_weight_decay) {}

    /// A table of Derived's options, named Derived::optimizer_name, holding
    /// the shared ones: learning_rate, weight_decay (>= 0), clipvalue,
    /// clipnorm, global_clipnorm (each > 0 when set).
    static OptionTable<Derived> option_table() {
        using O = OptimizerOptions;
        return OptionTable<Derived>(Derived::optimizer_name)
            .add("learning_rate", &O::learning_rate_)
            .add("weight_decay", &O::weight_decay_, require::non_negative)
            .add("clipvalue", &O::clipvalue_, require::positive)
            .add("clipnorm", &O::clipnorm_, require::positive)
            .add("global_clipnorm", &O::global_clipnorm_, require::positive);
    }

private:
    Derived& self() noexcept { return static_cast<Derived&>(*this); }
    LearningRate learning_rate_;
    double weight_decay_;
    std::optional<double> clipvalue_, clipnorm_, global_clipnorm_;
};

/// An optimizer defined by its options type: Options::optimizer_name is its
/// name() and Options::transform() builds its chain. Every built-in
/// optimizer is one (`using Adam = NamedOptimizer<AdamOptions>`), and a user
/// optimizer can be too: an options class derived from OptimizerOptions with
/// those two members.
///
///     optim::Adam opt(model, optim::AdamOptions().learning_rate(1e-3).clipnorm(1.0));
///     optim::SGD sgd(model, 0.01);                // the learning rate alone
template <class Options> class NamedOptimizer : public Optimizer {
public:
    /// An optimizer with no parameters yet (see add_param_group()), configured
    /// by `options` (ValueError when they are invalid).
    explicit NamedOptimizer(Options options = {})
        : Optimizer(options.transform(), options.learning_rate(), Options::optimizer_name),
          options_(std::move(options)) {}
    /// Updates `params` (a Module, tensors or a ParamGroup) as `options` say
    /// (ValueError when they are invalid).
    explicit NamedOptimizer(ParamGroup params, Options options = {})
        : Optimizer(std::move(params), options.transform(), options.learning_rate(), Options::optimizer_name),
          options_(std::move(options)) {}
    /// Updates `params` with the default options but `learning_rate` (a number or a Schedule).
    NamedOptimizer(ParamGroup params, LearningRate learning_rate)
        : NamedOptimizer(std::move(params), Options().learning_rate(std::move(learning_rate))) {}
    /// The options it was built with.
    const Options& options() const noexcept { return options_; }

    /// Its options by Keras' get_config keys (Options::options()' table),
    /// with the current learning rate (set_learning_rate() and
    /// ReduceLROnPlateau change it). ValueError when the learning rate is a
    /// Schedule, which has no config, or when Options declares no options()
    /// table (as Optimizer::config()).
    Config config() const override {
        if constexpr (requires { Options::options(); }) {
            if (has_schedule()) throw ValueError(name() + ": the learning rate is a Schedule, which has no config");
            Options current = options_;
            current.learning_rate(learning_rate());
            return Options::options().config(current);
        } else {
            return Optimizer::config();
        }
    }
    /// A new optimizer with no parameters yet (add_param_group()) and the
    /// options in `config`, defaults for absent keys. ValueError naming the
    /// optimizer and the key for an unknown key, a malformed value or one
    /// outside its range, or for options the constructor refuses.
    static std::unique_ptr<NamedOptimizer> from_config(const Config& config) {
        Options options;
        Options::options().apply(options, config);
        return std::make_unique<NamedOptimizer>(std::move(options));
    }

private:
    Options options_;
};

/// The transforms Keras runs before every update rule: the clip option that
/// is set, then decoupled weight decay. `optimizer` names the caller in errors.
std::vector<GradientTransformPtr> keras_prefix(const std::string& optimizer, std::optional<double> clipvalue,
                                               std::optional<double> clipnorm, std::optional<double> global_clipnorm,
                                               double weight_decay);
/// keras_prefix() for the clip options and weight decay set in `o`.
template <class D>
std::vector<GradientTransformPtr> keras_prefix(const std::string& optimizer, const OptimizerOptions<D>& o) {
    return keras_prefix(optimizer, o.clipvalue(), o.clipnorm(), o.global_clipnorm(), o.weight_decay());
}

}  // namespace xgrad::optim

