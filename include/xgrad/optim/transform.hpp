#pragma once
/// \file
/// Gradient transforms, the parts optimizers are built from (after optax's
/// GradientTransformation). An optimizer is a chain of transforms that turns
/// each parameter's gradient into the update added to the parameter:
///
///     // Adam with global-norm clipping, in optax's words:
///     auto adam = chain({clip_by_global_norm(1.0), scale_by_adam(), scale_by_learning_rate()});
///     optim::Optimizer opt(model, adam, /*learning_rate=*/1e-3);
///
/// A transform holds configuration only. Its state (moments, accumulators)
/// lives in the Optimizer, one set of named tensors per parameter ("slot")
/// plus optional shared state, so it can be saved by name, restored, and
/// never keyed by address. update() rewrites the updates in place, outside
/// autograd, and must not allocate: all state is created once by init_*().
///
/// Sign convention: updates are *added* to the parameters. Transforms before
/// scale_by_learning_rate() see gradient-like values (pointing uphill); it
/// multiplies by −η, after which values are steps (pointing downhill).
///
/// The familiar optimizers (sgd.hpp, adam.hpp, …) are such chains with Keras'
/// order: clip → decoupled weight decay → update rule → learning rate
/// (→ momentum for SGD/RMSprop, whose Keras velocity includes η).
///
/// Your own transform: derive from PerParameterTransform (or use
/// make_transform) and insert it anywhere in a chain:
///
///     // Gradient centralization for kernels [in, out]: subtract each column's mean.
///     auto centralize = make_transform("centralize", [](SlotView& s, const StepInfo&) {
///         if (s.update.rank() != 2) return;
///         double* u = s.update.data<double>(); ...
///     });
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "xgrad/core/tensor.hpp"
#include "xgrad/optim/schedule.hpp"

namespace xgrad::optim {

/// One parameter as a transform sees it during a step.
struct SlotView {
    /// In: the update so far (at the start of the chain, a copy of the
    /// gradient); out: the transformed update. Same shape and dtype as param;
    /// owned by the optimizer, so writing it never touches param.grad().
    Tensor update;
    /// The parameter. Transforms may read it; decoupled weight decay writes it, as Keras does.
    Tensor param;
    /// This transform's state tensors for this parameter, in slot_state_names() order.
    std::span<Tensor> state;
    /// This parameter's learning rate at this step: the optimizer's (schedule
    /// evaluated at iterations()) times the parameter group's lr_scale.
    double learning_rate = 0.0;
};

/// What every transform sees about the current step.
struct StepInfo {
    /// t = 1, 2, …: the optimizer's iterations() + 1 (Keras' local_step).
    std::int64_t step = 1;
    /// Set when the optimizer has a momentum schedule (OneCycle): replaces
    /// the momentum coefficient of scale_by_momentum and β1 of the Adam family and Lion.
    std::optional<double> momentum;
};

/// A step of the gradient pipeline.
class GradientTransform {
public:
    virtual ~GradientTransform() = default;
    /// A short name, used to prefix state keys in a chain ("adam", "momentum").
    virtual std::string name() const = 0;
    /// The hyperparameters as text ("momentum=0.9, nesterov=false"), numbers
    /// written so they read back to the same double: two transforms of one
    /// name compute alike when their configs are equal (fit compares them
    /// across the ranks of a distributed run). Empty when it has none or does
    /// not tell (a schedule, a make_transform callable).
    virtual std::string config() const { return {}; }
    /// Names of the per-parameter state tensors ("momentum", "velocity").
    virtual std::vector<std::string> slot_state_names() const { return {}; }
    /// Fresh per-parameter state for `param`, one tensor per slot_state_names() entry.
    virtual std::vector<Tensor> init_slot_state(const Tensor& /*param*/) const { return {}; }
    /// Names of state shared by all parameters (e.g. Nadam's "u_product").
    virtual std::vector<std::string> global_state_names() const { return {}; }
    /// Fresh shared state, one tensor per global_state_names() entry.
    virtual std::vector<Tensor> init_global_state() const { return {}; }
    /// Rewrites every slot's update (and state) in place. `slots` holds the
    /// parameters being updated this step (those with a gradient), from every
    /// parameter group; `global_state` this transform's shared state.
    virtual void update(std::span<SlotView> slots, std::span<Tensor> global_state, const StepInfo& info) = 0;
    /// Whether update() uses SlotView::learning_rate. An Optimizer refuses a
    /// transform that never does: its learning rate would be ignored, and
    /// without scale_by_learning_rate()'s −η the updates would go uphill.
    virtual bool reads_learning_rate() const { return false; }
    /// True when update() treats each slot on its own and uses no shared
    /// state. The optimizer then runs the whole chain one slot at a time while
    /// that slot is in cache, different slots in parallel on xgrad's threads
    /// (core/threads.hpp): update() must be safe to call concurrently for
    /// different slots.
    virtual bool per_parameter() const { return false; }
};
/// How transforms are held and passed around: shared, as they hold configuration only.
using GradientTransformPtr = std::shared_ptr<GradientTransform>;

/// A transform that treats each parameter on its own: implement update_slot().
/// update_slot() may run concurrently for different slots (per_parameter()).
class PerParameterTransform : public GradientTransform {
public:
    void update(std::span<SlotView> slots, std::span<Tensor> global_state, const StepInfo& info) final;
    /// Rewrites `slot.update` (and `slot.state`) in place for one parameter.
    virtual void update_slot(SlotView& slot, const StepInfo& info) = 0;
    bool per_parameter() const final { return true; }
};

/// A stateless per-parameter transform from a callable (called concurrently
/// for different slots, see per_parameter()); `reads_learning_rate`
/// says whether `fn` uses SlotView::learning_rate (see GradientTransform).
GradientTransformPtr make_transform(std::string name, std::function<void(SlotView&, const StepInfo&)> fn,
                                    bool reads_learning_rate = false);

/// Applies `transforms` in order. State keys get the child's name as a
/// prefix ("adam.momentum"); a repeated name gets a suffix ("scale_1").
/// Nested chains are allowed.
class Chain final : public GradientTransform {
public:
    /// The chain of `transforms`, in order (ValueError for a null one).
    explicit Chain(std::vector<GradientTransformPtr> transforms);
    std::string name() const override { return "chain"; }
    /// The chained transforms as "name(config), name(config), …", in order.
    std::string config() const override;
    std::vector<std::string> slot_state_names() const override;
    std::vector<Tensor> init_slot_state(const Tensor& param) const override;
    std::vector<std::string> global_state_names() const override;
    std::vector<Tensor> init_global_state() const override;
    void update(std::span<SlotView> slots, std::span<Tensor> global_state, const StepInfo& info) override;
    /// True when any transform of the chain reads it.
    bool reads_learning_rate() const override;
    /// True when every transform of the chain is.
    bool per_parameter() const override;
    /// The chained transforms, in the order they run.
    const std::vector<GradientTransformPtr>& transforms() const noexcept { return transforms_; }

private:
    std::vector<GradientTransformPtr> transforms_;
    std::vector<std::string> prefixes_;
    std::vector<std::size_t> slot_offsets_, slot_counts_, global_offsets_, global_counts_;
    std::size_t slot_total_ = 0;
};

/// chain({a, b, c}): a, then b, then c.
GradientTransformPtr chain(std::vector<GradientTransformPtr> transforms);

// ---- scaling ----------------------------------------------------------------------

/// u ← −η·u with η the slot's learning rate (the optimizer's learning rate,
/// number or Schedule, times the group's lr_scale). The learning rate is
/// held by the Optimizer rather than this transform, so that fit()'s
/// callbacks and parameter groups can change it.
GradientTransformPtr scale_by_learning_rate();
/// u ← factor·u.
GradientTransformPtr scale(double factor);
/// u ← schedule(t − 1)·u (optax's scale_by_schedule; no sign change).
GradientTransformPtr scale_by_schedule(Schedule schedule);

// ---- weight decay -------------------------------------------------------------------

/// Decoupled weight decay, as Keras applies every optimizer's `weight_decay`
/// (and AdamW): θ ← θ − θ·wd·η, written straight into the parameter with the
/// slot's η; the update passes through unchanged. Keras places it after
/// clipping and before the update rule. PyTorch's AdamW is the same; its
/// SGD/Adam `weight_decay` is the coupled add_weight_decay below.
GradientTransformPtr decoupled_weight_decay(double weight_decay);
/// Coupled (L2) weight decay, PyTorch's SGD/Adam `weight_decay`: u ← u + wd·θ.
/// Put it before the update rule.
GradientTransformPtr add_weight_decay(double weight_decay);

}  // namespace xgrad::optim
