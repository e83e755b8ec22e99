#include "xgrad/optim/optimizer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/thread_pool.hpp"
#include "loops.hpp"
#include "xgrad/core/threads.hpp"
#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/optim/clip.hpp"

namespace xgrad::optim {

ParamGroup::ParamGroup(std::vector<NamedTensor> params) {
    for (NamedTensor& p : params) {
        names_.push_back(std::move(p.name));
        params_.push_back(std::move(p.tensor));
    }
}

ParamGroup::ParamGroup(ParameterSource source) : source_(std::move(source)) {
    if (!source_.parameters || !source_.named_parameters)
        throw ValueError("ParamGroup: a parameter source needs both parameters and named_parameters");
}

Optimizer::Optimizer(GradientTransformPtr transform, LearningRate learning_rate, std::string name)
    : name_(std::move(name)), transform_(std::move(transform)), learning_rate_(std::move(learning_rate)) {
    if (!transform_) throw ValueError(name_ + ": null transform");
    if (!transform_->reads_learning_rate())
        throw ValueError(name_ + ": the transform '" + transform_->name() +
                         "' never reads the learning rate, so it would be ignored and the updates would follow the "
                         "gradient uphill; end the chain with scale_by_learning_rate()");
    state_names_ = transform_->slot_state_names();
    global_names_ = transform_->global_state_names();
    global_state_ = transform_->init_global_state();
    if (global_state_.size() != global_names_.size())
        throw ValueError(name_ + ": the transform made the wrong number of shared state tensors");
}

Optimizer::Optimizer(ParamGroup params, GradientTransformPtr transform, LearningRate learning_rate, std::string name)
    : Optimizer(std::move(transform), std::move(learning_rate), std::move(name)) {
    add_param_group(std::move(params));
}

Optimizer::~Optimizer() = default;

Optimizer& Optimizer::add_param_group(ParamGroup group) {
    const std::size_t n = group.tensors().size();
    for (std::size_t i = 0; i < n; ++i)
        if (!group.tensors()[i].defined())
            throw ValueError(name_ + ": parameter " + std::to_string(i) + " of group " + std::to_string(groups_.size()) +
                             " is an undefined tensor");
    groups_.push_back({std::move(group), std::vector<std::ptrdiff_t>(n, -1)});
    return *this;
}

const ParamGroup& Optimizer::param_group(std::size_t i) const {
    if (i >= groups_.size())
        throw IndexError(name_ + ": param_group " + std::to_string(i) + " out of range (" +
                         std::to_string(groups_.size()) + " groups)");
    return groups_[i].group;
}

double Optimizer::learning_rate(std::size_t group) const { return learning_rate() * param_group(group).lr_scale(); }

void Optimizer::set_learning_rate(double learning_rate) {
    if (learning_rate_.is_schedule()) {
        throw ValueError(name_ + ": the learning rate is a Schedule, so set_learning_rate(double) cannot change it "
                                 "(as in Keras); pass a new LearningRate to replace the schedule");
    }
    learning_rate_ = LearningRate(learning_rate);
}

// ---- slots --------------------------------------------------------------------------------

std::size_t Optimizer::create_slot(std::string key, const Tensor& param, std::size_t group) {
    if (slot_by_impl_.count(param.impl().get())) {
        throw ValueError(name_ + ": parameter '" + key + "' is also '" + slots_[slot_by_impl_[param.impl().get()]]->key +
                         "': a tensor can be in only one parameter group, once");
    }
    if (slot_by_key_.count(key)) throw ValueError(name_ + ": two parameters are named '" + key + "'");
    auto slot = std::make_unique<Slot>();
    slot->key = key;
    slot->group = group;
    slot->param = param;
    slot->update = empty(param.shape(), param.dtype());
    slot->state = transform_->init_slot_state(param);
    if (slot->state.size() != state_names_.size())
        throw ValueError(name_ + ": the transform made the wrong number of state tensors for '" + key + "'");
    // State restored by load_state_dict() before this parameter's first update.
    for (std::size_t j = 0; j < state_names_.size(); ++j) {
        const auto it = pending_.find(key + "/" + state_names_[j]);
        if (it == pending_.end()) continue;
        if (it->second.shape() != slot->state[j].shape()) {
            throw ShapeError(name_ + ": loaded state '" + it->first + "' has shape " + to_string(it->second.shape()) +
                             " but the parameter needs " + to_string(slot->state[j].shape()));
        }
        slot->state[j].copy_(it->second);
        pending_.erase(it);
    }
    const std::size_t index = slots_.size();
    slots_.push_back(std::move(slot));
    slot_by_key_.emplace(std::move(key), index);
    slot_by_impl_.emplace(param.impl().get(), index);
    return index;
}

std::string Optimizer::tensor_key(std::size_t group, std::size_t index) const {
    const ParamGroup& g = groups_[group].group;
    return !g.names().empty() ? g.names()[index]
           : group == 0       ? "params." + std::to_string(index)
                              : "params_" + std::to_string(group) + "." + std::to_string(index);
}

std::size_t Optimizer::slot_for_tensor(std::size_t group, std::size_t index) {
    Group& g = groups_[group];
    if (g.slot_of[index] < 0)
        g.slot_of[index] = static_cast<std::ptrdiff_t>(create_slot(tensor_key(group, index), g.group.tensors()[index], group));
    return static_cast<std::size_t>(g.slot_of[index]);
}

std::unordered_map<std::string, Tensor> Optimizer::parameters_by_key() const {
    std::unordered_map<std::string, Tensor> out;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
        const ParamGroup& group = groups_[g].group;
        if (!group.is_live()) {
            for (std::size_t i = 0; i < group.tensors().size(); ++i) out.emplace(tensor_key(g, i), group.tensors()[i]);
            continue;
        }
        const ParameterSource& source = group.source();
        for (NamedTensor& nt : source.all_named_parameters ? source.all_named_parameters() : source.named_parameters())
            out.emplace(std::move(nt.name), std::move(nt.tensor));
    }
    return out;
}

std::size_t Optimizer::slot_for_live_param(std::size_t group, const Tensor& param) {
    if (const auto it = slot_by_impl_.find(param.impl().get()); it != slot_by_impl_.end()) return it->second;
    // First update of this tensor: find its name.
    std::string key;
    for (const NamedTensor& nt : groups_[group].group.source().named_parameters())
        if (nt.tensor.is_same(param)) key = nt.name;
    if (key.empty()) throw ValueError(name_ + ": a parameter of group " + std::to_string(group) + " has no name");
    if (const auto it = slot_by_key_.find(key); it != slot_by_key_.end()) {
        if (slots_[it->second]->group != group)
            throw ValueError(name_ + ": parameter groups " + std::to_string(slots_[it->second]->group) + " and " +
                             std::to_string(group) + " both have a parameter named '" + key +
                             "' (give the modules distinct names with set_name)");
        // The source replaced this weight's tensor (e.g. to(float64)): keep the
        // state under its name, converted, and forget the old tensor.
        Slot& slot = *slots_[it->second];
        if (slot.param.shape() != param.shape()) {
            throw ShapeError(name_ + ": parameter '" + key + "' changed shape from " + to_string(slot.param.shape()) +
                             " to " + to_string(param.shape()));
        }
        slot_by_impl_.erase(slot.param.impl().get());
        if (param.dtype() != slot.param.dtype()) {
            for (Tensor& t : slot.state) t = t.to(param.dtype());
            slot.update = empty(param.shape(), param.dtype());
        }
        slot.param = param;
        slot_by_impl_.emplace(param.impl().get(), it->second);
        return it->second;
    }
    return create_slot(key, param, group);
}

void Optimizer::add_view(std::size_t index, const Tensor& param, const Tensor& grad, double learning_rate) {
    Slot& slot = *slots_[index];
    if (grad.shape() != param.shape()) {
        throw ShapeError(name_ + ": gradient of '" + slot.key + "' has shape " + to_string(grad.shape()) +
                         ", the parameter " + to_string(param.shape()));
    }
    views_.push_back(SlotView{slot.update, param, std::span<Tensor>(slot.state), learning_rate});
    grads_.push_back(grad);
}

namespace {

void copy_gradient(const Tensor& grad, Tensor& update) {
    if (grad.dtype() == update.dtype()) {
        std::memcpy(update.raw_data(), grad.raw_data(), static_cast<std::size_t>(grad.numel()) * itemsize(grad.dtype()));
    } else {
        update.copy_(grad);
    }
}

void add_update(const SlotView& v) {
    detail::visit(v.param, "optimizer step", [&](auto tag) {
        using T = decltype(tag);
        simd::optimizer_kernels<T>().add_to(v.param.data<T>(), v.update.data<T>(), v.param.numel());
    });
    detail::bump_version(v.param);
}

// Slots with fewer elements than this in all run on the calling thread.
constexpr std::int64_t kParallelElements = std::int64_t{1} << 15;

}  // namespace

void Optimizer::update_slots(std::size_t first, std::size_t last, const StepInfo& info) {
    for (std::size_t i = first; i < last; ++i) {
        copy_gradient(grads_[i], views_[i].update);
        transform_->update(std::span<SlotView>(&views_[i], 1), global_state_, info);
        add_update(views_[i]);
    }
}

// ---- step ---------------------------------------------------------------------------------

void Optimizer::step() {
    NoGradGuard no_grad;
    const double base_lr = learning_rate_(iterations_);
    views_.clear();
    grads_.clear();
    for (std::size_t g = 0; g < groups_.size(); ++g) {
        const ParamGroup& group = groups_[g].group;
        const double lr = base_lr * group.lr_scale();
        if (group.is_live()) {
            for (const Tensor& p : group.source().parameters()) {
                if (!p.requires_grad()) continue;
                const Tensor grad = p.grad();
                if (!grad.defined()) continue;
                add_view(slot_for_live_param(g, p), p, grad, lr);
            }
        } else {
            for (std::size_t i = 0; i < group.tensors().size(); ++i) {
                const Tensor& p = group.tensors()[i];
                if (!p.requires_grad()) continue;
                const Tensor grad = p.grad();
                if (!grad.defined()) continue;
                add_view(slot_for_tensor(g, i), p, grad, lr);
            }
        }
    }

    StepInfo info;
    info.step = iterations_ + 1;
    if (momentum_schedule_) info.momentum = momentum_schedule_(iterations_);
    if (transform_->per_parameter()) {
        // Gradient copy, whole chain and parameter update per slot while it is
        // in cache (one pass over memory instead of one per transform), the
        // slots split into runs of about equal element counts, one task each.
        std::int64_t total = 0;
        for (const SlotView& v : views_) total += v.param.numel();
        const std::int64_t tasks =
            total < kParallelElements ? 1 : std::min<std::int64_t>(4 * num_threads(), std::ssize(views_));
        std::vector<std::size_t>& bounds = task_bounds_;
        bounds.assign(1, 0);
        std::int64_t seen = 0;
        for (std::size_t i = 0; i < views_.size(); ++i) {
            seen += views_[i].param.numel();
            if (seen * tasks >= total * std::ssize(bounds) || i + 1 == views_.size()) bounds.push_back(i + 1);
        }
        xgrad::detail::parallel_for(std::ssize(bounds) - 1,
                                    [&](std::int64_t t) { update_slots(bounds[t], bounds[t + 1], info); });
    } else {
        for (std::size_t i = 0; i < views_.size(); ++i) copy_gradient(grads_[i], views_[i].update);
        transform_->update(views_, global_state_, info);
        for (const SlotView& v : views_) add_update(v);
    }
    views_.clear();
    grads_.clear();
    ++iterations_;

    // Projections (Keras applies weight constraints after every update). A
    // source shared by two groups is projected once.
    for (std::size_t g = 0; g < groups_.size(); ++g) {
        const ParameterSource& source = groups_[g].group.source();
        if (!source.project) continue;
        bool seen = false;
        for (std::size_t h = 0; h < g && source.identity; ++h) seen = seen || groups_[h].group.source().identity == source.identity;
        if (!seen) source.project();
    }
}

void Optimizer::zero_grad() {
    for (const Group& g : groups_)
        for (Tensor p : g.group.parameters()) p.zero_grad();
}

// ---- state ---------------------------------------------------------------------------------

std::map<std::string, Tensor> Optimizer::state_dict() const {
    std::map<std::string, Tensor> out;
    out.emplace("iterations", scalar(static_cast<double>(iterations_), int64));
    if (!learning_rate_.is_schedule()) out.emplace("learning_rate", scalar(learning_rate_(0), float64));
    for (std::size_t j = 0; j < global_names_.size(); ++j) out.emplace(global_names_[j], global_state_[j].clone().detach());
    for (const auto& slot : slots_)
        for (std::size_t j = 0; j < state_names_.size(); ++j)
            out.emplace(slot->key + "/" + state_names_[j], slot->state[j].clone().detach());
    for (const auto& [key, t] : pending_) out.emplace(key, t.clone().detach());
    return out;
}

std::vector<std::pair<const std::string*, const Tensor*>> Optimizer::match_state_dict(
    const std::map<std::string, Tensor>& state) const {
    const auto it = state.find("iterations");
    if (it == state.end()) throw ValueError(name_ + ": load_state_dict: missing 'iterations'");
    if (it->second.numel() != 1) throw ShapeError(name_ + ": load_state_dict: 'iterations' must have one element");
    const double iterations = it->second.item();
    if (!(iterations >= 0)) throw ValueError(name_ + ": load_state_dict: negative 'iterations'");
    // An int64 count: larger or fractional values cannot come from state_dict().
    if (!(iterations < 0x1p63) || iterations != std::floor(iterations))
        throw ValueError(name_ + ": load_state_dict: 'iterations' is " + std::to_string(iterations) +
                         ", not a whole number of steps below 2^63");
    if (const auto lr = state.find("learning_rate"); lr != state.end()) {
        if (lr->second.numel() != 1)
            throw ShapeError(name_ + ": load_state_dict: 'learning_rate' must have one element, not shape " +
                             to_string(lr->second.shape()));
        if (const double v = lr->second.item(); !std::isfinite(v))
            throw ValueError(name_ + ": load_state_dict: 'learning_rate' is " + std::to_string(v) + ", not finite");
    }
    for (const std::string& n : global_names_)
        if (!state.count(n)) throw ValueError(name_ + ": load_state_dict: missing shared state '" + n + "'");

    std::vector<std::pair<const std::string*, const Tensor*>> per_slot;
    for (const auto& [key, t] : state) {
        if (key == "iterations" || key == "learning_rate") continue;
        if (std::find(global_names_.begin(), global_names_.end(), key) != global_names_.end()) continue;
        const std::size_t slash = key.rfind('/');
        const std::string suffix = slash == std::string::npos ? std::string() : key.substr(slash + 1);
        if (slash == std::string::npos ||
            std::find(state_names_.begin(), state_names_.end(), suffix) == state_names_.end()) {
            throw ValueError(name_ + ": load_state_dict: unexpected key '" + key + "' (this optimizer's state per "
                                     "parameter is '<parameter>/<state>' with <state> one of its transform's names)");
        }
        per_slot.emplace_back(&key, &t);
    }
    for (std::size_t j = 0; j < global_names_.size(); ++j) {
        const Tensor& t = state.at(global_names_[j]);
        if (t.shape() != global_state_[j].shape())
            throw ShapeError(name_ + ": load_state_dict: '" + global_names_[j] + "' has shape " + to_string(t.shape()) +
                             ", expected " + to_string(global_state_[j].shape()));
    }
    // State of a parameter not updated yet is checked against the state its
    // first step would create, so a bad entry fails here and not at that step.
    std::optional<std::unordered_map<std::string, Tensor>> parameters;
    std::string fresh_of;  // the parameter `fresh` was made for (keys of one parameter are adjacent)
    std::vector<Tensor> fresh;
    for (const auto& [key, t] : per_slot) {
        const std::size_t slash = key->rfind('/');
        const std::string param = key->substr(0, slash);
        const std::size_t j = static_cast<std::size_t>(
            std::find(state_names_.begin(), state_names_.end(), key->substr(slash + 1)) - state_names_.begin());
        const Tensor* expected = nullptr;
        if (const auto s = slot_by_key_.find(param); s != slot_by_key_.end()) {
            expected = &slots_[s->second]->state[j];
        } else {
            if (!parameters) parameters = parameters_by_key();
            const auto p = parameters->find(param);
            if (p == parameters->end())
                throw ValueError(name_ + ": load_state_dict: '" + *key + "' is state of '" + param +
                                 "', which is not a parameter of this optimizer");
            if (fresh.empty() || fresh_of != param) {
                fresh = transform_->init_slot_state(p->second);
                fresh_of = param;
            }
            expected = &fresh[j];
        }
        if (t->shape() != expected->shape())
            throw ShapeError(name_ + ": load_state_dict: '" + *key + "' has shape " + to_string(t->shape()) +
                             ", the parameter's state " + to_string(expected->shape()));
    }
    return per_slot;
}

void Optimizer::check_state_dict(const std::map<std::string, Tensor>& state) const { match_state_dict(state); }

void Optimizer::load_state_dict(const std::map<std::string, Tensor>& state) {
    // Every check runs before the first change.
    const auto per_slot = match_state_dict(state);
    NoGradGuard no_grad;
    const double iterations = state.at("iterations").item();
    iterations_ = static_cast<std::int64_t>(iterations);
    if (const auto lr = state.find("learning_rate"); lr != state.end() && !learning_rate_.is_schedule())
        learning_rate_ = LearningRate(lr->second.item());
    for (std::size_t j = 0; j < global_names_.size(); ++j) global_state_[j].copy_(state.at(global_names_[j]));
    // Parameters absent from `state` restart from fresh state.
    for (auto& slot : slots_) {
        std::vector<Tensor> fresh = transform_->init_slot_state(slot->param);
        for (std::size_t j = 0; j < state_names_.size(); ++j) slot->state[j].copy_(fresh[j]);
    }
    pending_.clear();
    for (const auto& [key, t] : per_slot) {
        const std::size_t slash = key->rfind('/');
        const auto s = slot_by_key_.find(key->substr(0, slash));
        if (s == slot_by_key_.end()) {
            pending_.emplace(*key, t->clone().detach());
            continue;
        }
        Slot& slot = *slots_[s->second];
        const std::size_t j = static_cast<std::size_t>(
            std::find(state_names_.begin(), state_names_.end(), key->substr(slash + 1)) - state_names_.begin());
        slot.state[j].copy_(*t);
    }
}

// ---- Keras options ---------------------------------------------------------------------------

std::vector<GradientTransformPtr> keras_prefix(const std::string& optimizer, std::optional<double> clipvalue,
                                               std::optional<double> clipnorm, std::optional<double> global_clipnorm,
                                               double weight_decay) {
    const int set = int(clipvalue.has_value()) + int(clipnorm.has_value()) + int(global_clipnorm.has_value());
    if (set > 1) {
        const auto show = [](const std::optional<double>& v) { return v ? std::to_string(*v) : std::string("None"); };
        throw ValueError(optimizer + ": only one of clipnorm, clipvalue and global_clipnorm can be set; got clipnorm=" +
                         show(clipnorm) + ", clipvalue=" + show(clipvalue) + ", global_clipnorm=" + show(global_clipnorm));
    }
    std::vector<GradientTransformPtr> out;
    if (clipvalue) out.push_back(clip_by_value(*clipvalue));
    if (clipnorm) out.push_back(clip_by_norm(*clipnorm));
    if (global_clipnorm) out.push_back(clip_by_global_norm(*global_clipnorm));
    if (weight_decay < 0) throw ValueError(optimizer + ": weight_decay must be >= 0, got " + std::to_string(weight_decay));
    if (weight_decay > 0) out.push_back(decoupled_weight_decay(weight_decay));
    return out;
}

Config Optimizer::config() const {
    throw ValueError(name_ + ": no option table, so no config (a NamedOptimizer whose options class has options() has one)");
}

}  // namespace xgrad::optim

namespace xgrad {

void ConfigCodec<optim::LearningRate>::encode(Config& c, const std::string& key, const optim::LearningRate& lr) {
    if (lr.is_schedule()) throw ValueError(key + " is a Schedule, which has no config");
    ConfigCodec<double>::encode(c, key, lr(0));
}

bool ConfigCodec<optim::LearningRate>::decode(const Config& c, const std::string& key, optim::LearningRate& out) {
    double value = 0;
    if (!ConfigCodec<double>::decode(c, key, value)) return false;
    out = value;
    return true;
}

}  // namespace xgrad
