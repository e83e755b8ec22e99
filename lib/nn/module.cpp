#include "xgrad/nn/module.hpp"

#include <span>
#include <type_traits>
#include <unordered_map>

#include "nn/weight_budget.hpp"
#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/nn/module_tracer.hpp"

namespace xgrad::nn {

namespace {

// forward() (or forward_many()) while a tracer is installed: a ModuleTracer
// is told of the call and may take it as one unit, with the module's own ops
// silenced.
template <class Forward>
auto traced_forward(Module& module, OpTracer& tracer, std::span<const Tensor> inputs, Forward forward) {
    auto* module_tracer = dynamic_cast<ModuleTracer*>(&tracer);
    if (!module_tracer) return forward();
    const bool as_unit = module_tracer->enter_module(module, inputs);
    decltype(forward()) out;
    {
        const OpTracerGuard silenced(as_unit ? nullptr : &tracer);
        out = forward();
    }
    if constexpr (std::is_same_v<decltype(out), Tensor>) module_tracer->leave_module(module, inputs, {&out, 1}, as_unit);
    else module_tracer->leave_module(module, inputs, out, as_unit);
    return out;
}

std::string snake_case(const std::string& camel) {
    std::string out;
    for (std::size_t i = 0; i < camel.size(); ++i) {
        const char c = camel[i];
        if (std::isupper(static_cast<unsigned char>(c))) {
            const bool boundary = i > 0 && (std::islower(static_cast<unsigned char>(camel[i - 1])) ||
                                            (i + 1 < camel.size() && std::islower(static_cast<unsigned char>(camel[i + 1])) &&
                                             std::isupper(static_cast<unsigned char>(camel[i - 1]))));
            if (boundary) out += '_';
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else {
            out += c;
        }
    }
    return out;
}

// The clone in progress on this thread: original → copy.
constinit thread_local std::unordered_map<const Module*, ModulePtr>* clone_map = nullptr;

// The training flag of the innermost model(x, training) call running on this thread.
constinit thread_local std::optional<bool> call_training;

// Every module a call reaches runs in `training` mode (restored after, also
// when forward throws).
class ModeScope {
public:
    explicit ModeScope(bool training) : saved_(call_training) { call_training = training; }
    ~ModeScope() { call_training = saved_; }
    ModeScope(const ModeScope&) = delete;
    ModeScope& operator=(const ModeScope&) = delete;

private:
    std::optional<bool> saved_;
};

/// Zero batches of one for shapes whose batch dimension may be -1 (any).
Shape probe_shape(const Shape& shape) {
    Shape probe = shape;
    if (!probe.empty() && probe[0] < 0) probe[0] = 1;
    return probe;
}

/// `out` with the batch dimension given back as -1 when the input's was.
Shape with_any_batch(Shape out, const Shape& input_shape) {
    if (!out.empty() && !input_shape.empty() && input_shape[0] < 0) out[0] = -1;
    return out;
}

}  // namespace

namespace detail {

CloneScope::CloneScope() : outermost_(clone_map == nullptr) {
    if (outermost_) clone_map = new std::unordered_map<const Module*, ModulePtr>();
}

CloneScope::~CloneScope() {
    if (outermost_) {
        delete clone_map;
        clone_map = nullptr;
    }
}

ModulePtr cloned(const ModulePtr& original) {
    if (!clone_map || !original) return original;
    if (const auto it = clone_map->find(original.get()); it != clone_map->end()) return it->second;
    ModulePtr copy = original->clone();
    clone_map->emplace(original.get(), copy);
    return copy;
}

}  // namespace detail

Module::Module(std::string type_name, std::optional<Shape> input_shape)
    : type_name_(std::move(type_name)), name_(snake_case(type_name_)), input_shape_(std::move(input_shape)) {}

Module::Module(const Module& other)
    : std::enable_shared_from_this<Module>(), type_name_(other.type_name_), name_(other.name_),
      input_shape_(other.input_shape_), build_input_shape_(other.build_input_shape_), entries_(other.entries_),
      child_names_(other.child_names_), taken_names_(other.taken_names_), built_(other.built_), training_(other.training_),
      trainable_(other.trainable_), dtype_(other.dtype_) {
    NoGradGuard no_grad;
    for (Entry& e : entries_) {
        const bool had_grad = e.tensor.requires_grad();
        e.tensor = e.tensor.clone().detach();
        if (had_grad) e.tensor.requires_grad_(true);
    }
    const detail::CloneScope scope;  // joins clone()'s scope; a plain copy gets one of its own
    for (const ModulePtr& child : other.children_) {
        children_.push_back(detail::cloned(child));
        ++children_.back()->registrations_;
    }
}

namespace detail {

namespace {
constinit thread_local std::optional<std::uint64_t> weight_budget;
}

WeightBudget::WeightBudget(std::uint64_t bytes) noexcept : saved_(weight_budget) { weight_budget = bytes; }
WeightBudget::~WeightBudget() { weight_budget = saved_; }
std::optional<std::uint64_t> WeightBudget::remaining() noexcept { return weight_budget; }
void WeightBudget::spend(std::uint64_t bytes) noexcept { *weight_budget -= bytes; }

}  // namespace detail

Tensor Module::call(const Tensor& x, bool training) {
    ensure_built(x.shape());
    const ModeScope mode(training);
    OpTracer* const tracer = active_op_tracer();
    auto run = [&] { return forward(x, training); };
    Tensor out = tracer ? traced_forward(*this, *tracer, std::span<const Tensor>(&x, 1), run) : run();
    if (forward_hooks_) run_forward_hooks(x, out);
    if (backward_hooks_) add_backward_hooks(out);
    return out;
}

Tensors::operator Tensor() const {
    if (size() != 1)
        throw ValueError("a module call gave " + std::to_string(size()) +
                         " outputs, used here as one tensor (index them instead)");
    return front();
}

Tensors Module::call(const std::vector<Tensor>& inputs, bool training) {
    if (inputs.empty()) throw ValueError(name_ + " (" + type_name_ + ") called on no inputs");
    if (inputs.size() == 1) ensure_built(inputs[0].shape());
    const ModeScope mode(training);
    OpTracer* const tracer = active_op_tracer();
    auto run = [&] { return forward_many(inputs, training); };
    std::vector<Tensor> outs = tracer ? traced_forward(*this, *tracer, inputs, run) : run();
    if (forward_hooks_ && inputs.size() == 1 && outs.size() == 1) run_forward_hooks(inputs[0], outs[0]);
    if (backward_hooks_)
        for (const Tensor& out : outs) add_backward_hooks(out);
    return outs;
}

std::vector<Tensor> Module::forward_many(const std::vector<Tensor>& inputs, bool training) {
    if (inputs.size() != 1)
        throw ValueError(name_ + " (" + type_name_ + ") takes one input, got " + std::to_string(inputs.size()));
    return {forward(inputs[0], training)};
}

std::vector<std::string> Module::input_names() const { return {}; }

std::vector<std::string> Module::output_names() const { return {}; }

HookHandle Module::register_forward_hook(ForwardHook hook) {
    if (!hook) throw ValueError("register_forward_hook: the hook is empty");
    return xgrad::detail::add_hook(forward_hooks_, std::move(hook));
}

HookHandle Module::register_backward_hook(BackwardHook hook) {
    if (!hook) throw ValueError("register_backward_hook: the hook is empty");
    return xgrad::detail::add_hook(backward_hooks_, std::move(hook));
}

void Module::run_forward_hooks(const Tensor& x, const Tensor& out) {
    for (const ForwardHook& hook : forward_hooks_->snapshot()) hook(*this, x, out);
}

void Module::add_backward_hooks(const Tensor& out) {
    // Only an output with a node of this graph gets the hook: a leaf output
    // (a layer passing its input through) would keep it for good.
    if (backward_hooks_->empty() || !out.defined() || !out.requires_grad() || out.is_leaf())
        return;
    // Weak: a graph that outlives the module must not call into it.
    std::weak_ptr<xgrad::detail::HookList<BackwardHook>> hooks = backward_hooks_;
    Tensor(out).register_hook([hooks, self = this](const Tensor& grad) {
        if (const auto live = hooks.lock()) {
            for (const BackwardHook& hook : live->snapshot()) hook(*self, grad);
        }
        return Tensor();
    });
}

Tensor Module::forward(const Tensor&, bool) {
    throw ValueError(name_ + " (" + type_name_ +
                     ") has no forward(x, training), so it cannot be called with one tensor (e.g. as a layer of a "
                     "Sequential); call its own forward");
}

bool Module::is_training() const noexcept { return call_training.value_or(training_); }

void Module::build(const Shape&) {}

void Module::ensure_built(const Shape& input_shape) {
    if (built_) return;
    build(input_shape);
    built_ = true;
    build_input_shape_ = input_shape;
}

Shape Module::output_shape(const Shape& input_shape) {
    NoGradGuard no_grad;
    return with_any_batch(call(zeros(probe_shape(input_shape)), false).shape(), input_shape);
}

std::vector<Shape> Module::output_shapes(const std::vector<Shape>& input_shapes) {
    if (input_shapes.size() == 1) return {output_shape(input_shapes[0])};
    if (input_shapes.empty()) throw ValueError(name_ + " (" + type_name_ + "): no input shapes");
    std::vector<Tensor> probes;
    probes.reserve(input_shapes.size());
    for (const Shape& s : input_shapes) probes.push_back(zeros(probe_shape(s)));
    NoGradGuard no_grad;
    std::vector<Shape> out;
    for (const Tensor& t : call(probes, false)) out.push_back(with_any_batch(t.shape(), input_shapes[0]));
    return out;
}

Module& Module::set_name(std::string name) {
    if (name.empty()) throw ValueError(type_name_ + ": a layer name cannot be empty");
    name_ = std::move(name);
    return *this;
}

bool Module::name_available(std::string_view name) const {
    return !taken_names_.contains(name);
}

void Module::check_new_name(std::string_view kind, const std::string& name) const {
    if (name.empty() || name.find('.') != std::string::npos)
        throw ValueError(name_ + ": invalid " + std::string(kind) + " name '" + name + "' (non-empty, without '.')");
    if (!name_available(name)) throw ValueError(name_ + ": the name '" + name + "' is already taken");
}

void Module::add_child(std::string name, const ModulePtr& child) {
    check_new_name("child", name);
    if (!child) throw ValueError(name_ + ": child '" + name + "' is null");
    if (child.get() == this) throw ValueError(name_ + ": a module cannot be its own child");
    children_.push_back(child);
    taken_names_.insert(name);
    child_names_.push_back(std::move(name));
    ++child->registrations_;
}

void Module::remove_last_child() {
    if (children_.empty()) throw ValueError(name_ + ": no child to remove");
    --children_.back()->registrations_;
    children_.pop_back();
    taken_names_.erase(child_names_.back());
    child_names_.pop_back();
}

void Module::register_parameter(std::string name, Tensor value, bool trainable) {
    check_new_name("weight", name);
    if (is_floating(value.dtype())) value.requires_grad_(trainable && trainable_);
    taken_names_.insert(name);
    entries_.push_back({std::move(name), std::move(value), trainable, false});
}

Tensor Module::initial_value(const std::string& name, const Shape& shape, const Initializer& initializer) const {
    const std::string what = name_ + " (" + type_name_ + "): weight '" + name + "'";
    const auto bytes = static_cast<std::uint64_t>(checked_numel(shape, what)) * itemsize(dtype_);
    if (const auto left = detail::WeightBudget::remaining()) {
        if (bytes > *left)
            throw ValueError(what + " of shape " + to_string(shape) + " needs " + std::to_string(bytes) +
                             " bytes, more than the " + std::to_string(*left) + " bytes of weights left in the file");
        detail::WeightBudget::spend(bytes);
        // Built from a file whose tensors overwrite every weight: running the
        // initializer would be wasted, and "orthogonal" is cubic in the size.
        return zeros(shape, dtype_);
    }
    return initializer(shape, dtype_);
}

Tensor& Module::add_weight(std::string name, const Shape& shape, const Initializer& initializer, bool trainable) {
    Tensor value = initial_value(name, shape, initializer);
    register_parameter(std::move(name), std::move(value), trainable);
    return entries_.back().tensor;
}

Tensor& Module::add_buffer(std::string name, const Shape& shape, const Initializer& initializer) {
    Tensor value = initial_value(name, shape, initializer);
    register_buffer(std::move(name), std::move(value));
    return entries_.back().tensor;
}

void Module::register_buffer(std::string name, Tensor value) {
    check_new_name("buffer", name);
    taken_names_.insert(name);
    entries_.push_back({std::move(name), std::move(value), false, true});
}

const Tensor& Module::weight(std::string_view name) const {
    for (const Entry& e : entries_)
        if (e.name == name) return e.tensor;
    throw ValueError(name_ + " (" + type_name_ + "): no weight named '" + std::string(name) + "'" +
                     (built_ ? "" : " (the layer is not built yet: call it once or declare its input shape)"));
}

Tensor& Module::weight(std::string_view name) {
    return const_cast<Tensor&>(static_cast<const Module&>(*this).weight(name));
}

bool Module::has_weight(std::string_view name) const {
    for (const Entry& e : entries_)
        if (e.name == name) return true;
    return false;
}

std::vector<Tensor> Module::parameters() const {
    std::vector<Tensor> out;
    for (const auto& [name, t] : named_parameters()) out.push_back(t);
    return out;
}

std::vector<Tensor> Module::trainable_parameters() const {
    std::vector<Tensor> out;
    for (const Entry& e : entries_)
        if (!e.buffer && e.trainable && trainable_) out.push_back(e.tensor);
    for (const ModulePtr& c : children_)
        for (const Tensor& t : c->trainable_parameters()) out.push_back(t);
    return out;
}

ParameterSource Module::parameter_source() {
    ParameterSource source;
    source.parameters = [this] { return trainable_parameters(); };
    source.named_parameters = [this] {
        const std::string prefix = has_parent() ? name_ + "." : std::string();
        std::vector<NamedTensor> named;
        for (NamedTensor& nt : named_parameters())
            if (nt.tensor.requires_grad()) named.push_back({prefix + nt.name, std::move(nt.tensor)});
        return named;
    };
    source.all_named_parameters = [this] {
        const std::string prefix = has_parent() ? name_ + "." : std::string();
        std::vector<NamedTensor> named = named_parameters();
        for (NamedTensor& nt : named) nt.name.insert(0, prefix);
        return named;
    };
    source.project = [this] { apply_constraints(); };
    source.identity = this;
    return source;
}

std::vector<Tensor> Module::non_trainable_parameters() const {
    std::vector<Tensor> out;
    for (const Entry& e : entries_)
        if (e.buffer || !e.trainable || !trainable_) out.push_back(e.tensor);
    for (const ModulePtr& c : children_)
        for (const Tensor& t : c->non_trainable_parameters()) out.push_back(t);
    return out;
}

void Module::collect(const std::string& prefix, std::vector<NamedTensor>& out, bool buffers) const {
    for (const Entry& e : entries_)
        if (e.buffer == buffers) out.push_back({prefix + e.name, e.tensor});
    for (std::size_t i = 0; i < children_.size(); ++i) children_[i]->collect(prefix + child_names_[i] + ".", out, buffers);
}

std::vector<NamedTensor> Module::named_parameters() const {
    std::vector<NamedTensor> out;
    collect("", out, false);
    return out;
}

std::vector<NamedTensor> Module::named_buffers() const {
    std::vector<NamedTensor> out;
    collect("", out, true);
    return out;
}

std::map<std::string, Tensor> Module::state_dict() const {
    std::map<std::string, Tensor> out;
    for (auto& [n, t] : named_parameters()) out.emplace(n, t);
    for (auto& [n, t] : named_buffers()) out.emplace(n, t);
    return out;
}

std::vector<std::pair<Tensor, const Tensor*>> Module::match_state_dict(const std::map<std::string, Tensor>& state) const {
    const auto mine = state_dict();
    for (const auto& [name, t] : state) {
        if (!mine.count(name)) throw ValueError("load_state_dict: unexpected weight '" + name + "'");
    }
    std::vector<std::pair<Tensor, const Tensor*>> matched;
    matched.reserve(mine.size());
    for (const auto& [name, target] : mine) {
        const auto it = state.find(name);
        if (it == state.end()) throw ValueError("load_state_dict: missing weight '" + name + "'");
        const Tensor& value = it->second;
        if (value.shape() != target.shape()) {
            throw ShapeError("load_state_dict: weight '" + name + "' has shape " + to_string(target.shape()) +
                             " but the value has " + to_string(value.shape()));
        }
        matched.emplace_back(target, &value);
    }
    return matched;
}

void Module::check_state_dict(const std::map<std::string, Tensor>& state) const { match_state_dict(state); }

void Module::load_state_dict(const std::map<std::string, Tensor>& state) {
    const auto matched = match_state_dict(state);
    NoGradGuard no_grad;
    for (const auto& [target, value] : matched) Tensor(target).copy_(*value);
}

std::vector<Tensor> Module::get_weights() const {
    std::vector<Tensor> out;
    for (const Entry& e : entries_) out.push_back(e.tensor);
    for (const ModulePtr& c : children_)
        for (const Tensor& t : c->get_weights()) out.push_back(t);
    return out;
}

void Module::set_weights(const std::vector<Tensor>& weights) {
    std::vector<Tensor> mine = get_weights();
    if (weights.size() != mine.size()) {
        throw ValueError(name_ + ": set_weights got " + std::to_string(weights.size()) + " arrays, the layer has " +
                         std::to_string(mine.size()) + " weights");
    }
    NoGradGuard no_grad;
    for (std::size_t i = 0; i < mine.size(); ++i) {
        if (weights[i].shape() != mine[i].shape()) {
            throw ShapeError(name_ + ": set_weights: weight " + std::to_string(i) + " has shape " +
                             to_string(mine[i].shape()) + " but the value has " + to_string(weights[i].shape()));
        }
        mine[i].copy_(weights[i]);
    }
}

std::int64_t Module::count_params() const {
    std::int64_t n = 0;
    for (const Tensor& t : get_weights()) n += t.numel();
    return n;
}

Module& Module::to(Dtype dtype) {
    if (!is_floating(dtype)) throw DtypeError(name_ + ": weights must be float32 or float64");
    dtype_ = dtype;
    NoGradGuard no_grad;
    for (Entry& e : entries_) {
        if (!is_floating(e.tensor.dtype()) || e.tensor.dtype() == dtype) continue;
        const bool had_grad = e.tensor.requires_grad();
        e.tensor = e.tensor.to(dtype);
        if (had_grad) e.tensor.requires_grad_(true);
    }
    for (const ModulePtr& c : children_) c->to(dtype);
    return *this;
}

void Module::train(bool on) {
    training_ = on;
    for (const ModulePtr& c : children_) c->train(on);
}

void Module::set_trainable(bool trainable) {
    trainable_ = trainable;
    for (Entry& e : entries_)
        if (!e.buffer && e.trainable && is_floating(e.tensor.dtype())) e.tensor.requires_grad_(trainable);
    for (const ModulePtr& c : children_) c->set_trainable(trainable);
}

std::vector<Tensor> Module::losses() const {
    std::vector<Tensor> out;
    for (const ModulePtr& c : children_)
        for (const Tensor& t : c->losses()) out.push_back(t);
    return out;
}

void Module::apply_constraints() {
    for (const ModulePtr& c : children_) c->apply_constraints();
}

}  // namespace xgrad::nn
