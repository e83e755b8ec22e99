// Losses: composites of differentiable ops (sub, square, abs, where, clip, log,
// softplus, log_softmax, gather, mean, sum), so gradients of any order come
// from those ops' backward formulas; nothing here records its own node.
//
//   mse     per = mean_last((p − y)²)                    d/dp = 2(p − y)/D
//   mae     per = mean_last(|p − y|)                     d/dp = sign(p − y)/D
//   huber   per = mean_last(|e| ≤ δ ? ½e² : δ|e| − ½δ²)  d/de = clip(e, −δ, δ)/D
//   bce     per = mean_last(−y log p − (1 − y) log(1 − p)),  p clipped to [ε, 1 − ε]
//           logits: mean_last(softplus(z) − z·y)          d/dz = (σ(z) − y)/D
//   cce     per = −Σ_last y·log(clip(p / Σp, ε, 1 − ε))  or −Σ_last y·log_softmax(z)
//   sparse  per = −log p[label] picked by gather on the same log-probabilities
//   logcosh per = mean_last(x + softplus(−2x) − log 2), x = p − y   d/dx = tanh(x)/D
//   poisson per = mean_last(p − y·log(p + ε))
//   kld     per = Σ_last t·log(t/q), t, q = y, p clipped to [ε, 1]
//   cosine  per = −Σ_axis ŷ·p̂, x̂ = x / sqrt(max(Σx², ε²)) = x / max(‖x‖, ε)
//   hinge   per = mean_last(max(1 − y·p, 0)), squared: its square; 0/1 labels → 2y − 1
#include "xgrad/losses/losses.hpp"

#include <algorithm>
#include <numbers>
#include <string>
#include <utility>

#include "losses/check_pred.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"
#include "xgrad/ops/softmax.hpp"

namespace xgrad::losses {

namespace {

using detail::check_pred;

/// Keras' squeeze_or_expand_to_same_rank, then y_true in y_pred's dtype and an
/// exact shape match (no silent broadcasting of [N] against [N, 1]).
std::pair<Tensor, Tensor> align(const char* op, Tensor y_true, Tensor y_pred) {
    check_pred(op, y_pred);
    const std::size_t rt = y_true.rank(), rp = y_pred.rank();
    if (rt == rp + 1 && y_true.shape().back() == 1) {
        if (rp == 1) y_pred = unsqueeze(y_pred, -1);
        else y_true = squeeze(y_true, -1);
    } else if (rp == rt + 1 && y_pred.shape().back() == 1) {
        if (rt == 1) y_true = unsqueeze(y_true, -1);
        else y_pred = squeeze(y_pred, -1);
    }
    if (!(y_true.shape() == y_pred.shape())) {
        throw ShapeError(std::string(op) + ": y_true shape " + to_string(y_true.shape()) + " and y_pred shape " +
                         to_string(y_pred.shape()) + " differ");
    }
    check_pred(op, y_pred);  // a squeeze may have left y_pred 0-d
    return {y_true.to(y_pred.dtype()), y_pred};
}

/// The per-sample mean over the last axis.
Tensor mean_last(const Tensor& x) { return mean(x, {-1}); }

/// label_smoothing must be a fraction (Keras does not check; a value outside
/// [0, 1] makes negative targets).
void check_label_smoothing(const char* op, double s) {
    if (!(s >= 0 && s <= 1)) {
        throw ValueError(std::string(op) + ": label_smoothing must be in [0, 1], got " + ConfigCodec<double>::text(s));
    }
}

/// Keras' convert_binary_labels_to_hinge: labels that are all 0 or 1 become
/// 2y − 1; any other labels (−1/1 included) are used as they are.
Tensor hinge_labels(const Tensor& y) {
    const bool binary = visit_floating(y.dtype(), "hinge", [&](auto zero) {
        using T = decltype(zero);
        const T* v = y.data<T>();
        return std::all_of(v, v + y.numel(), [](T x) { return x == T(0) || x == T(1); });
    });
    return binary ? 2.0 * y - 1.0 : y;
}

/// max(1 − y·p, 0) with hinge labels.
Tensor hinge_margin(const char* op, const Tensor& y_true, const Tensor& y_pred) {
    const auto [t, p] = align(op, y_true, y_pred);
    return relu(1.0 - hinge_labels(t) * p);
}

/// x / max(‖x‖₂, ε) along `axis`; the square root of max(Σx², ε²) has the
/// same value and a finite derivative at x = 0.
Tensor l2_normalize(const Tensor& x, std::int64_t axis) {
    return x * rsqrt(maximum(sum(square(x), {axis}, true), full({}, epsilon * epsilon, x.dtype())));
}

/// log of probabilities normalized along the last axis and clipped to [ε, 1 − ε],
/// or log_softmax of logits.
Tensor log_probabilities(const Tensor& y_pred, bool from_logits) {
    if (from_logits) return log_softmax(y_pred, -1);
    const Tensor p = y_pred / sum(y_pred, {-1}, true);
    return log(clip(p, epsilon, 1.0 - epsilon));
}

}  // namespace

std::string_view reduction_name(Reduction r) noexcept {
    switch (r) {
        case Reduction::mean: return "mean";
        case Reduction::sum: return "sum";
        case Reduction::none: return "none";
    }
    return "?";
}

Tensor reduce(const Tensor& per_sample, Reduction reduction) {
    switch (reduction) {
        case Reduction::mean: return mean(per_sample);
        case Reduction::sum: return sum(per_sample);
        case Reduction::none: return per_sample;
    }
    throw ValueError("losses::reduce: unknown reduction");
}

Tensor mean_squared_error(const Tensor& y_true, const Tensor& y_pred, Reduction reduction) {
    const auto [t, p] = align("mean_squared_error", y_true, y_pred);
    return reduce(mean_last(square(p - t)), reduction);
}

Tensor mean_absolute_error(const Tensor& y_true, const Tensor& y_pred, Reduction reduction) {
    const auto [t, p] = align("mean_absolute_error", y_true, y_pred);
    return reduce(mean_last(abs(p - t)), reduction);
}

Tensor huber(const Tensor& y_true, const Tensor& y_pred, double delta, Reduction reduction) {
    if (!(delta > 0)) throw ValueError("huber: delta must be positive, got " + std::to_string(delta));
    const auto [t, p] = align("huber", y_true, y_pred);
    const Tensor e = p - t;
    const Tensor a = abs(e);
    // Both branches are finite everywhere, so where() passes no NaN to either.
    const Tensor per = where(a <= delta, 0.5 * square(e), delta * a - 0.5 * delta * delta);
    return reduce(mean_last(per), reduction);
}

Tensor binary_crossentropy(const Tensor& y_true, const Tensor& y_pred, bool from_logits, Reduction reduction,
                           double label_smoothing) {
    check_label_smoothing("binary_crossentropy", label_smoothing);
    auto [y, z] = align("binary_crossentropy", y_true, y_pred);
    if (label_smoothing > 0) y = y * (1.0 - label_smoothing) + 0.5 * label_smoothing;
    if (from_logits) {
        // softplus(z) = max(z, 0) + log1p(e^−|z|) (the softplus op's own stable
        // form), so this is Keras' max(z,0) − z·y + log(1 + e^−|z|) with the
        // exact derivative σ(z) − y, also at z = 0.
        return reduce(mean_last(softplus(z) - z * y), reduction);
    }
    const Tensor p = clip(z, epsilon, 1.0 - epsilon);
    const Tensor bce = -(y * log(p) + (1.0 - y) * log(1.0 - p));
    return reduce(mean_last(bce), reduction);
}

Tensor categorical_crossentropy(const Tensor& y_true, const Tensor& y_pred, bool from_logits, Reduction reduction,
                                double label_smoothing) {
    check_label_smoothing("categorical_crossentropy", label_smoothing);
    check_pred("categorical_crossentropy", y_pred);
    if (!(y_true.shape() == y_pred.shape())) {
        throw ShapeError("categorical_crossentropy: y_true shape " + to_string(y_true.shape()) +
                         " and y_pred shape " + to_string(y_pred.shape()) +
                         " differ (one-hot targets expected; use sparse_categorical_crossentropy for class indices)");
    }
    Tensor y = y_true.to(y_pred.dtype());
    if (label_smoothing > 0) {
        const auto classes = static_cast<double>(y_pred.shape().back());
        y = y * (1.0 - label_smoothing) + label_smoothing / classes;
    }
    return reduce(-sum(y * log_probabilities(y_pred, from_logits), {-1}), reduction);
}

Tensor sparse_categorical_crossentropy(const Tensor& labels, const Tensor& y_pred, bool from_logits,
                                       Reduction reduction, std::optional<std::int64_t> ignore_class) {
    constexpr const char* op = "sparse_categorical_crossentropy";
    check_pred(op, y_pred);
    if (labels.dtype() != int64) {
        throw DtypeError(std::string(op) + ": labels must be int64 class indices, got " +
                         std::string(dtype_name(labels.dtype())) +
                         " (convert with .to(int64), or use categorical_crossentropy for one-hot targets)");
    }
    // labels: y_pred's shape without the class axis, optionally with a trailing 1.
    Shape batch = y_pred.shape();
    batch.erase(batch.size() - 1);
    Shape batch_1 = batch;
    batch_1.push_back(1);
    if (!(labels.shape() == batch) && !(labels.shape() == batch_1)) {
        throw ShapeError(std::string(op) + ": labels shape " + to_string(labels.shape()) +
                         " does not match y_pred shape " + to_string(y_pred.shape()) + " (expected labels " +
                         to_string(batch) + " or " + to_string(batch_1) + ")");
    }
    const std::int64_t classes = y_pred.shape().back();
    const std::int64_t* lab = labels.data<std::int64_t>();
    const std::int64_t n = labels.numel();
    // With ignore_class: ignored positions pick class 0 (any valid index) and
    // are multiplied by a 0 in `valid`, Keras' mask.
    std::vector<std::int64_t> picked_labels;
    std::vector<double> valid;
    if (ignore_class) {
        picked_labels.assign(lab, lab + n);
        valid.assign(static_cast<std::size_t>(n), 1.0);
    }
    for (std::int64_t i = 0; i < n; ++i) {
        if (ignore_class && lab[i] == *ignore_class) {
            picked_labels[static_cast<std::size_t>(i)] = 0;
            valid[static_cast<std::size_t>(i)] = 0.0;
        } else if (lab[i] < 0 || lab[i] >= classes) {
            throw IndexError(std::string(op) + ": label " + std::to_string(lab[i]) + " at position " +
                             std::to_string(i) + " is out of range for " + std::to_string(classes) +
                             " classes (valid labels 0.." + std::to_string(classes - 1) + ", y_pred shape " +
                             to_string(y_pred.shape()) + ")");
        }
    }
    const Tensor index = ignore_class ? from_vector(picked_labels, batch_1) : reshape(labels, batch_1);
    const Tensor per = -squeeze(gather(log_probabilities(y_pred, from_logits), -1, index), -1);  // batch
    if (!ignore_class) return reduce(per, reduction);
    const Tensor masked = per * from_vector(valid, batch).to(y_pred.dtype());
    if (reduction != Reduction::mean) return reduce(masked, reduction);
    double count = 0;
    for (double v : valid) count += v;
    // Keras 3 (apply_mask): Σ valid losses / (valid + ε).
    return sum(masked) / (count + epsilon);
}

Tensor log_cosh(const Tensor& y_true, const Tensor& y_pred, Reduction reduction) {
    const auto [t, p] = align("log_cosh", y_true, y_pred);
    const Tensor x = p - t;
    return reduce(mean_last(x + softplus(-2.0 * x) - std::numbers::ln2), reduction);
}

Tensor poisson(const Tensor& y_true, const Tensor& y_pred, Reduction reduction) {
    const auto [t, p] = align("poisson", y_true, y_pred);
    return reduce(mean_last(p - t * log(p + epsilon)), reduction);
}

Tensor kl_divergence(const Tensor& y_true, const Tensor& y_pred, Reduction reduction) {
    const auto [t, p] = align("kl_divergence", y_true, y_pred);
    const Tensor tc = clip(t, epsilon, 1.0), pc = clip(p, epsilon, 1.0);
    return reduce(sum(tc * log(tc / pc), {-1}), reduction);
}

Tensor cosine_similarity(const Tensor& y_true, const Tensor& y_pred, std::int64_t axis, Reduction reduction) {
    const auto [t, p] = align("cosine_similarity", y_true, y_pred);
    const auto rank = static_cast<std::int64_t>(p.rank());
    if (axis < -rank || axis >= rank) {
        throw IndexError("cosine_similarity: axis " + std::to_string(axis) + " is out of range for shape " +
                         to_string(p.shape()) + " (rank " + std::to_string(rank) + ")");
    }
    return reduce(-sum(l2_normalize(t, axis) * l2_normalize(p, axis), {axis}), reduction);
}

Tensor hinge(const Tensor& y_true, const Tensor& y_pred, Reduction reduction) {
    return reduce(mean_last(hinge_margin("hinge", y_true, y_pred)), reduction);
}

Tensor squared_hinge(const Tensor& y_true, const Tensor& y_pred, Reduction reduction) {
    return reduce(mean_last(square(hinge_margin("squared_hinge", y_true, y_pred))), reduction);
}

// ---- configured losses --------------------------------------------------------------

namespace {

/// Keras' name of a reduction in a loss config.
std::string keras_reduction(Reduction r) { return r == Reduction::mean ? "sum_over_batch_size" : std::string(reduction_name(r)); }

/// The config every built-in loss has: its reduction.
Config reduction_config(Reduction r) { return {{"reduction", keras_reduction(r)}}; }

Config with(Config c, const std::string& key, const std::string& value) {
    c[key] = value;
    return c;
}

}  // namespace

MeanSquaredError::MeanSquaredError(Reduction r)
    : Loss("mean_squared_error", [r](const Tensor& t, const Tensor& p) { return mean_squared_error(t, p, r); },
           reduction_config(r)) {}

MeanAbsoluteError::MeanAbsoluteError(Reduction r)
    : Loss("mean_absolute_error", [r](const Tensor& t, const Tensor& p) { return mean_absolute_error(t, p, r); },
           reduction_config(r)) {}

Huber::Huber(double delta, Reduction r)
    : Loss("huber", [delta, r](const Tensor& t, const Tensor& p) { return huber(t, p, delta, r); },
           with(reduction_config(r), "delta", ConfigCodec<double>::text(delta))) {
    if (!(delta > 0)) throw ValueError("Huber: delta must be positive, got " + std::to_string(delta));
}

LogCosh::LogCosh(Reduction r)
    : Loss("log_cosh", [r](const Tensor& t, const Tensor& p) { return log_cosh(t, p, r); }, reduction_config(r)) {}

Poisson::Poisson(Reduction r)
    : Loss("poisson", [r](const Tensor& t, const Tensor& p) { return poisson(t, p, r); }, reduction_config(r)) {}

KLDivergence::KLDivergence(Reduction r)
    : Loss("kl_divergence", [r](const Tensor& t, const Tensor& p) { return kl_divergence(t, p, r); },
           reduction_config(r)) {}

CosineSimilarity::CosineSimilarity(std::int64_t axis, Reduction r)
    : Loss("cosine_similarity", [axis, r](const Tensor& t, const Tensor& p) { return cosine_similarity(t, p, axis, r); },
           with(reduction_config(r), "axis", ConfigCodec<std::int64_t>::text(axis))) {}

Hinge::Hinge(Reduction r)
    : Loss("hinge", [r](const Tensor& t, const Tensor& p) { return hinge(t, p, r); }, reduction_config(r)) {}

SquaredHinge::SquaredHinge(Reduction r)
    : Loss("squared_hinge", [r](const Tensor& t, const Tensor& p) { return squared_hinge(t, p, r); },
           reduction_config(r)) {}

BinaryCrossentropy::BinaryCrossentropy(bool from_logits, Reduction r) : BinaryCrossentropy(from_logits, 0.0, r) {}

BinaryCrossentropy::BinaryCrossentropy(bool from_logits, double label_smoothing, Reduction r)
    : Loss("binary_crossentropy",
           [from_logits, label_smoothing, r](const Tensor& t, const Tensor& p) {
               return binary_crossentropy(t, p, from_logits, r, label_smoothing);
           },
           with(with(reduction_config(r), "from_logits", ConfigCodec<bool>::text(from_logits)), "label_smoothing",
                ConfigCodec<double>::text(label_smoothing))) {
    check_label_smoothing("BinaryCrossentropy", label_smoothing);
}

CategoricalCrossentropy::CategoricalCrossentropy(bool from_logits, Reduction r)
    : CategoricalCrossentropy(from_logits, 0.0, r) {}

CategoricalCrossentropy::CategoricalCrossentropy(bool from_logits, double label_smoothing, Reduction r)
    : Loss("categorical_crossentropy",
           [from_logits, label_smoothing, r](const Tensor& t, const Tensor& p) {
               return categorical_crossentropy(t, p, from_logits, r, label_smoothing);
           },
           with(with(reduction_config(r), "from_logits", ConfigCodec<bool>::text(from_logits)), "label_smoothing",
                ConfigCodec<double>::text(label_smoothing))) {
    check_label_smoothing("CategoricalCrossentropy", label_smoothing);
}

SparseCategoricalCrossentropy::SparseCategoricalCrossentropy(bool from_logits, Reduction r)
    : SparseCategoricalCrossentropy(from_logits, std::nullopt, r) {}

SparseCategoricalCrossentropy::SparseCategoricalCrossentropy(bool from_logits,
                                                             std::optional<std::int64_t> ignore_class, Reduction r)
    : Loss("sparse_categorical_crossentropy",
           [from_logits, ignore_class, r](const Tensor& t, const Tensor& p) {
               return sparse_categorical_crossentropy(t, p, from_logits, r, ignore_class);
           },
           // An absent "ignore_class" is Keras' None.
           ignore_class ? with(with(reduction_config(r), "from_logits", ConfigCodec<bool>::text(from_logits)),
                               "ignore_class", ConfigCodec<std::int64_t>::text(*ignore_class))
                        : with(reduction_config(r), "from_logits", ConfigCodec<bool>::text(from_logits))) {}

// ---- registry ----------------------------------------------------------------------

namespace {
/// The built-in losses with their defaults, each also under its short alias
/// (mse, mae, bce, kld, logcosh).
std::vector<std::pair<std::string, Loss>> builtin_losses() {
    const Loss mse = MeanSquaredError(), mae = MeanAbsoluteError(), bce = BinaryCrossentropy();
    const Loss kld = KLDivergence(), logcosh = LogCosh();
    return {{"mean_squared_error", mse},
            {"mse", mse},
            {"mean_absolute_error", mae},
            {"mae", mae},
            {"binary_crossentropy", bce},
            {"bce", bce},
            {"huber", Huber()},
            {"log_cosh", logcosh},
            {"logcosh", logcosh},
            {"poisson", Poisson()},
            {"kl_divergence", kld},
            {"kld", kld},
            {"cosine_similarity", CosineSimilarity()},
            {"hinge", Hinge()},
            {"squared_hinge", SquaredHinge()},
            {"categorical_crossentropy", CategoricalCrossentropy()},
            {"sparse_categorical_crossentropy", SparseCategoricalCrossentropy()}};
}

/// A built-in loss's options as read from a config.
struct LossOptions {
    Reduction reduction = Reduction::mean;
    bool from_logits = false;
    double label_smoothing = 0.0;
    std::optional<std::int64_t> ignore_class;
    double delta = 1.0;
    std::int64_t axis = -1;
};

/// Reads `config` for the loss `name`, which takes "reduction" and `keys`.
LossOptions read_options(const std::string& name, const Config& config, std::initializer_list<std::string_view> keys) {
    for (const auto& [key, value] : config) {
        if (key != "reduction" && std::find(keys.begin(), keys.end(), key) == keys.end()) {
            std::string known = "reduction";
            for (std::string_view k : keys) known += ", " + std::string(k);
            throw ValueError("loss '" + name + "': unknown config key '" + key + "' (known: " + known + ")");
        }
    }
    LossOptions o;
    try {
        std::string reduction = "sum_over_batch_size";
        ConfigCodec<std::string>::decode(config, "reduction", reduction);
        if (reduction == "sum_over_batch_size" || reduction == "mean") o.reduction = Reduction::mean;
        else if (reduction == "sum") o.reduction = Reduction::sum;
        else if (reduction == "none") o.reduction = Reduction::none;
        else throw ValueError("config: 'reduction' is not sum_over_batch_size, mean, sum or none: '" + reduction + "'");
        ConfigCodec<bool>::decode(config, "from_logits", o.from_logits);
        ConfigCodec<double>::decode(config, "label_smoothing", o.label_smoothing);
        std::int64_t ignore = 0;
        if (ConfigCodec<std::int64_t>::decode(config, "ignore_class", ignore)) o.ignore_class = ignore;
        ConfigCodec<double>::decode(config, "delta", o.delta);
        ConfigCodec<std::int64_t>::decode(config, "axis", o.axis);
    } catch (const ValueError& e) {
        throw ValueError("loss '" + name + "': " + e.what());
    }
    return o;
}
}  // namespace

Loss loss_from_config(std::string_view name, const Config& config) {
    const Loss registered = get_loss(name);
    // A user's loss (registered under any name, a built-in's included) has no options.
    if (registered.config().empty()) {
        throw ValueError("loss '" + std::string(name) + "' has no config (only the built-in losses are configurable)");
    }
    const std::string& canonical = registered.name();
    const auto options = [&](std::initializer_list<std::string_view> keys) { return read_options(canonical, config, keys); };
    if (canonical == "mean_squared_error") return MeanSquaredError(options({}).reduction);
    if (canonical == "mean_absolute_error") return MeanAbsoluteError(options({}).reduction);
    if (canonical == "log_cosh") return LogCosh(options({}).reduction);
    if (canonical == "poisson") return Poisson(options({}).reduction);
    if (canonical == "kl_divergence") return KLDivergence(options({}).reduction);
    if (canonical == "hinge") return Hinge(options({}).reduction);
    if (canonical == "squared_hinge") return SquaredHinge(options({}).reduction);
    if (canonical == "huber") {
        const LossOptions o = options({"delta"});
        return Huber(o.delta, o.reduction);
    }
    if (canonical == "cosine_similarity") {
        const LossOptions o = options({"axis"});
        return CosineSimilarity(o.axis, o.reduction);
    }
    if (canonical == "binary_crossentropy") {
        const LossOptions o = options({"from_logits", "label_smoothing"});
        return BinaryCrossentropy(o.from_logits, o.label_smoothing, o.reduction);
    }
    if (canonical == "categorical_crossentropy") {
        const LossOptions o = options({"from_logits", "label_smoothing"});
        return CategoricalCrossentropy(o.from_logits, o.label_smoothing, o.reduction);
    }
    if (canonical == "sparse_categorical_crossentropy") {
        const LossOptions o = options({"from_logits", "ignore_class"});
        return SparseCategoricalCrossentropy(o.from_logits, o.ignore_class, o.reduction);
    }
    throw ValueError("loss '" + std::string(name) + "' has no config");
}

Registry<Loss>& loss_registry() {
    static Registry<Loss> registry("loss", builtin_losses());
    return registry;
}

Loss get_loss(std::string_view name) { return loss_registry().get(name); }

void register_loss(const std::string& name, Loss::Fn fn) { loss_registry().add(name, Loss(name, std::move(fn))); }

std::vector<std::string> loss_names() { return loss_registry().names(); }

Loss::Loss(const char* name) : Loss(get_loss(name)) {}

}  // namespace xgrad::losses
