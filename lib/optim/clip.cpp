#include "xgrad/optim/clip.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "config_text.hpp"
#include "loops.hpp"

namespace xgrad::optim {
namespace {

void check_threshold(double v, const char* who) {
    if (!(v > 0)) throw ValueError(std::string(who) + ": the threshold must be > 0, got " + std::to_string(v));
}

template <class T> void clamp_in_place(T* p, std::int64_t n, double v) {
    const T hi = static_cast<T>(v), lo = -hi;
    for (std::int64_t i = 0; i < n; ++i) p[i] = std::min(std::max(p[i], lo), hi);
}

double squared_norm(const Tensor& t) {
    double s = 0.0;
    detail::visit(t, "clip", [&](auto tag) {
        using T = decltype(tag);
        s = detail::sum_squares(t.data<T>(), t.numel());
    });
    return s;
}

void scale_tensor(const Tensor& t, double factor) {
    detail::visit(t, "clip", [&](auto tag) {
        using T = decltype(tag);
        detail::scale_in_place(t.data<T>(), t.numel(), factor);
    });
}

class ClipByValue final : public PerParameterTransform {
public:
    explicit ClipByValue(double v) : v_(v) { check_threshold(v, "clip_by_value"); }
    std::string name() const override { return "clip_by_value"; }
    std::string config() const override { return detail::config_text({{"clipvalue", detail::config_value(v_)}}); }
    void update_slot(SlotView& s, const StepInfo&) override {
        detail::visit(s.update, "clip_by_value", [&](auto tag) {
            using T = decltype(tag);
            clamp_in_place(s.update.data<T>(), s.update.numel(), v_);
        });
    }

private:
    double v_;
};

class ClipByNorm final : public PerParameterTransform {
public:
    explicit ClipByNorm(double c) : c_(c) { check_threshold(c, "clip_by_norm"); }
    std::string name() const override { return "clip_by_norm"; }
    std::string config() const override { return detail::config_text({{"clipnorm", detail::config_value(c_)}}); }
    void update_slot(SlotView& s, const StepInfo&) override {
        const double norm = std::sqrt(squared_norm(s.update));
        if (norm > c_) scale_tensor(s.update, c_ / norm);  // u · c / max(‖u‖, c)
    }

private:
    double c_;
};

class ClipByGlobalNorm final : public GradientTransform {
public:
    explicit ClipByGlobalNorm(double c) : c_(c) { check_threshold(c, "clip_by_global_norm"); }
    std::string name() const override { return "clip_by_global_norm"; }
    std::string config() const override { return detail::config_text({{"global_clipnorm", detail::config_value(c_)}}); }
    void update(std::span<SlotView> slots, std::span<Tensor>, const StepInfo&) override {
        double sum = 0.0;
        for (const SlotView& s : slots) sum += squared_norm(s.update);
        const double norm = std::sqrt(sum);
        if (!(norm > c_)) return;  // u · c / max(N, c); a NaN norm leaves the updates as they are
        for (const SlotView& s : slots) scale_tensor(s.update, c_ / norm);
    }

private:
    double c_;
};

}  // namespace

GradientTransformPtr clip_by_value(double v) { return std::make_shared<ClipByValue>(v); }
GradientTransformPtr clip_by_norm(double c) { return std::make_shared<ClipByNorm>(c); }
GradientTransformPtr clip_by_global_norm(double c) { return std::make_shared<ClipByGlobalNorm>(c); }

void clip_grad_value(const std::vector<Tensor>& params, double v) {
    check_threshold(v, "clip_grad_value");
    for (const Tensor& p : params) {
        const Tensor g = p.grad();
        if (!g.defined()) continue;
        detail::visit(g, "clip_grad_value", [&](auto tag) {
            using T = decltype(tag);
            clamp_in_place(g.data<T>(), g.numel(), v);
        });
        detail::bump_version(g);
    }
}

double clip_grad_norm(const std::vector<Tensor>& params, double max_norm, double norm_type, bool error_if_nonfinite) {
    if (!(max_norm >= 0)) throw ValueError("clip_grad_norm: max_norm must be >= 0, got " + std::to_string(max_norm));
    if (!(norm_type > 0)) throw ValueError("clip_grad_norm: norm_type must be > 0, got " + std::to_string(norm_type));
    const bool inf_norm = std::isinf(norm_type);
    double acc = 0.0;  // Σ|g|^p, or max |g|
    bool any = false;
    for (const Tensor& p : params) {
        const Tensor g = p.grad();
        if (!g.defined()) continue;
        any = true;
        detail::visit(g, "clip_grad_norm", [&](auto tag) {
            using T = decltype(tag);
            const T* d = g.data<T>();
            if (inf_norm) {
                for (std::int64_t i = 0; i < g.numel(); ++i) {
                    const double a = std::abs(static_cast<double>(d[i]));
                    if (a > acc || std::isnan(a)) acc = a;
                }
            } else if (norm_type == 2.0) {
                acc += detail::sum_squares(d, g.numel());
            } else {
                for (std::int64_t i = 0; i < g.numel(); ++i) acc += std::pow(std::abs(static_cast<double>(d[i])), norm_type);
            }
        });
    }
    if (!any) return 0.0;
    const double total = inf_norm ? acc : norm_type == 2.0 ? std::sqrt(acc) : std::pow(acc, 1.0 / norm_type);
    if (!std::isfinite(total) && error_if_nonfinite) {
        throw ValueError("clip_grad_norm: the total norm of order " + std::to_string(norm_type) +
                         " of the gradients is non-finite (" + std::to_string(total) +
                         "), so it cannot be clipped; pass error_if_nonfinite = false to clip anyway");
    }
    const double coef = std::min(max_norm / (total + 1e-6), 1.0);
    const bool nan_coef = std::isnan(coef);
    for (const Tensor& p : params) {
        const Tensor g = p.grad();
        if (!g.defined()) continue;
        // PyTorch multiplies by the clamped coefficient (1 when not clipping: a no-op here).
        if (coef < 1.0 || nan_coef) {
            scale_tensor(g, coef);
            detail::bump_version(g);
        }
    }
    return total;
}

}  // namespace xgrad::optim
