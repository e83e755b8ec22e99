#include "xgrad/optim/transform.hpp"

#include <map>

#include "config_text.hpp"
#include "loops.hpp"

namespace xgrad::optim {

void PerParameterTransform::update(std::span<SlotView> slots, std::span<Tensor>, const StepInfo& info) {
    for (SlotView& s : slots) update_slot(s, info);
}

namespace {

class FnTransform final : public PerParameterTransform {
public:
    FnTransform(std::string name, std::function<void(SlotView&, const StepInfo&)> fn, bool reads_learning_rate)
        : name_(std::move(name)), fn_(std::move(fn)), reads_learning_rate_(reads_learning_rate) {}
    std::string name() const override { return name_; }
    void update_slot(SlotView& slot, const StepInfo& info) override { fn_(slot, info); }
    bool reads_learning_rate() const override { return reads_learning_rate_; }

private:
    std::string name_;
    std::function<void(SlotView&, const StepInfo&)> fn_;
    bool reads_learning_rate_;
};

class ScaleByLearningRate final : public PerParameterTransform {
public:
    std::string name() const override { return "learning_rate"; }
    bool reads_learning_rate() const override { return true; }
    void update_slot(SlotView& s, const StepInfo&) override {
        detail::visit(s.update, "scale_by_learning_rate", [&](auto tag) {
            using T = decltype(tag);
            detail::scale_in_place(s.update.data<T>(), s.update.numel(), -s.learning_rate);
        });
    }
};

class Scale final : public PerParameterTransform {
public:
    explicit Scale(double factor) : factor_(factor) {}
    std::string name() const override { return "scale"; }
    std::string config() const override { return detail::config_text({{"factor", detail::config_value(factor_)}}); }
    void update_slot(SlotView& s, const StepInfo&) override {
        detail::visit(s.update, "scale", [&](auto tag) {
            using T = decltype(tag);
            detail::scale_in_place(s.update.data<T>(), s.update.numel(), factor_);
        });
    }

private:
    double factor_;
};

class ScaleBySchedule final : public PerParameterTransform {
public:
    explicit ScaleBySchedule(Schedule schedule) : schedule_(std::move(schedule)) {
        if (!schedule_) throw ValueError("scale_by_schedule: empty schedule");
    }
    std::string name() const override { return "schedule"; }
    void update_slot(SlotView& s, const StepInfo& info) override {
        const double factor = schedule_(info.step - 1);
        detail::visit(s.update, "scale_by_schedule", [&](auto tag) {
            using T = decltype(tag);
            detail::scale_in_place(s.update.data<T>(), s.update.numel(), factor);
        });
    }

private:
    Schedule schedule_;
};

void check_weight_decay(double wd, const char* who) {
    if (!(wd >= 0)) throw ValueError(std::string(who) + ": weight_decay must be >= 0, got " + std::to_string(wd));
}

class DecoupledWeightDecay final : public PerParameterTransform {
public:
    explicit DecoupledWeightDecay(double wd) : wd_(wd) { check_weight_decay(wd, "decoupled_weight_decay"); }
    std::string name() const override { return "weight_decay"; }
    std::string config() const override { return detail::config_text({{"weight_decay", detail::config_value(wd_)}}); }
    bool reads_learning_rate() const override { return true; }
    void update_slot(SlotView& s, const StepInfo&) override {
        detail::visit(s.param, "decoupled_weight_decay", [&](auto tag) {
            using T = decltype(tag);
            // Keras: variable − variable · wd · lr.
            const T wd = static_cast<T>(wd_), lr = static_cast<T>(s.learning_rate);
            T* p = s.param.data<T>();
            for (std::int64_t i = 0; i < s.param.numel(); ++i) p[i] = p[i] - p[i] * wd * lr;
        });
        detail::bump_version(s.param);
    }

private:
    double wd_;
};

class AddWeightDecay final : public PerParameterTransform {
public:
    explicit AddWeightDecay(double wd) : wd_(wd) { check_weight_decay(wd, "add_weight_decay"); }
    std::string name() const override { return "add_weight_decay"; }
    std::string config() const override { return detail::config_text({{"weight_decay", detail::config_value(wd_)}}); }
    void update_slot(SlotView& s, const StepInfo&) override {
        detail::visit(s.update, "add_weight_decay", [&](auto tag) {
            using T = decltype(tag);
            const T wd = static_cast<T>(wd_);
            T* u = s.update.data<T>();
            const T* p = s.param.data<T>();
            for (std::int64_t i = 0; i < s.update.numel(); ++i) u[i] += wd * p[i];
        });
    }

private:
    double wd_;
};

}  // namespace

GradientTransformPtr make_transform(std::string name, std::function<void(SlotView&, const StepInfo&)> fn,
                                    bool reads_learning_rate) {
    if (!fn) throw ValueError("make_transform: empty function for '" + name + "'");
    return std::make_shared<FnTransform>(std::move(name), std::move(fn), reads_learning_rate);
}

// ---- Chain --------------------------------------------------------------------------------

Chain::Chain(std::vector<GradientTransformPtr> transforms) : transforms_(std::move(transforms)) {
    std::map<std::string, int> seen;
    std::size_t slot_offset = 0, global_offset = 0;
    for (std::size_t k = 0; k < transforms_.size(); ++k) {
        if (!transforms_[k]) throw ValueError("chain: transform " + std::to_string(k) + " is null");
        const std::string base = transforms_[k]->name();
        const int n = seen[base]++;
        prefixes_.push_back(n == 0 ? base : base + "_" + std::to_string(n));
        const std::size_t slots = transforms_[k]->slot_state_names().size();
        const std::size_t globals = transforms_[k]->global_state_names().size();
        slot_offsets_.push_back(slot_offset);
        slot_counts_.push_back(slots);
        global_offsets_.push_back(global_offset);
        global_counts_.push_back(globals);
        slot_offset += slots;
        global_offset += globals;
    }
    slot_total_ = slot_offset;
}

std::string Chain::config() const {
    std::string out;
    for (const GradientTransformPtr& t : transforms_) out += (out.empty() ? "" : ", ") + t->name() + "(" + t->config() + ")";
    return out;
}

std::vector<std::string> Chain::slot_state_names() const {
    std::vector<std::string> out;
    for (std::size_t k = 0; k < transforms_.size(); ++k)
        for (const std::string& n : transforms_[k]->slot_state_names()) out.push_back(prefixes_[k] + "." + n);
    return out;
}

std::vector<Tensor> Chain::init_slot_state(const Tensor& param) const {
    std::vector<Tensor> out;
    for (std::size_t k = 0; k < transforms_.size(); ++k) {
        std::vector<Tensor> part = transforms_[k]->init_slot_state(param);
        if (part.size() != slot_counts_[k]) {
            throw ValueError("chain: transform '" + prefixes_[k] + "' made " + std::to_string(part.size()) +
                             " state tensors for " + std::to_string(slot_counts_[k]) + " names");
        }
        for (Tensor& t : part) out.push_back(std::move(t));
    }
    return out;
}

std::vector<std::string> Chain::global_state_names() const {
    std::vector<std::string> out;
    for (std::size_t k = 0; k < transforms_.size(); ++k)
        for (const std::string& n : transforms_[k]->global_state_names()) out.push_back(prefixes_[k] + "." + n);
    return out;
}

std::vector<Tensor> Chain::init_global_state() const {
    std::vector<Tensor> out;
    for (std::size_t k = 0; k < transforms_.size(); ++k) {
        std::vector<Tensor> part = transforms_[k]->init_global_state();
        if (part.size() != global_counts_[k]) {
            throw ValueError("chain: transform '" + prefixes_[k] + "' made " + std::to_string(part.size()) +
                             " shared state tensors for " + std::to_string(global_counts_[k]) + " names");
        }
        for (Tensor& t : part) out.push_back(std::move(t));
    }
    return out;
}

void Chain::update(std::span<SlotView> slots, std::span<Tensor> global_state, const StepInfo& info) {
    // Each child sees only its part of every slot's state: the views are
    // narrowed in place and widened back at the end (no allocation).
    std::size_t current = 0;  // where the views' state spans start, relative to the full state
    for (std::size_t k = 0; k < transforms_.size(); ++k) {
        for (SlotView& s : slots) s.state = std::span<Tensor>(s.state.data() - current + slot_offsets_[k], slot_counts_[k]);
        current = slot_offsets_[k];
        transforms_[k]->update(slots, global_state.subspan(global_offsets_[k], global_counts_[k]), info);
    }
    for (SlotView& s : slots) s.state = std::span<Tensor>(s.state.data() - current, slot_total_);
}

bool Chain::reads_learning_rate() const {
    for (const GradientTransformPtr& t : transforms_)
        if (t->reads_learning_rate()) return true;
    return false;
}

bool Chain::per_parameter() const {
    for (const GradientTransformPtr& t : transforms_)
        if (!t->per_parameter()) return false;
    return true;
}

GradientTransformPtr chain(std::vector<GradientTransformPtr> transforms) {
    return std::make_shared<Chain>(std::move(transforms));
}

// ---- scaling and weight decay ------------------------------------------------------------------

GradientTransformPtr scale_by_learning_rate() { return std::make_shared<ScaleByLearningRate>(); }
GradientTransformPtr scale(double factor) { return std::make_shared<Scale>(factor); }
GradientTransformPtr scale_by_schedule(Schedule schedule) { return std::make_shared<ScaleBySchedule>(std::move(schedule)); }
GradientTransformPtr decoupled_weight_decay(double weight_decay) {
    return std::make_shared<DecoupledWeightDecay>(weight_decay);
}
GradientTransformPtr add_weight_decay(double weight_decay) { return std::make_shared<AddWeightDecay>(weight_decay); }

}  // namespace xgrad::optim
