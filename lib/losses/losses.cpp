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
#include "xgrad/losses/losses.hpp"

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

Tensor binary_crossentropy(const Tensor& y_true, const Tensor& y_pred, bool from_logits, Reduction reduction) {
    const auto [y, z] = align("binary_crossentropy", y_true, y_pred);
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

Tensor categorical_crossentropy(const Tensor& y_true, const Tensor& y_pred, bool from_logits, Reduction reduction) {
    check_pred("categorical_crossentropy", y_pred);
    if (!(y_true.shape() == y_pred.shape())) {
        throw ShapeError("categorical_crossentropy: y_true shape " + to_string(y_true.shape()) +
                         " and y_pred shape " + to_string(y_pred.shape()) +
                         " differ (one-hot targets expected; use sparse_categorical_crossentropy for class indices)");
    }
    const Tensor y = y_true.to(y_pred.dtype());
    return reduce(-sum(y * log_probabilities(y_pred, from_logits), {-1}), reduction);
}

Tensor sparse_categorical_crossentropy(const Tensor& labels, const Tensor& y_pred, bool from_logits,
                                       Reduction reduction) {
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
    Tensor index;
    if (labels.shape() == batch) index = unsqueeze(labels, -1);
    else if (labels.shape() == batch_1) index = labels;
    else {
        throw ShapeError(std::string(op) + ": labels shape " + to_string(labels.shape()) +
                         " does not match y_pred shape " + to_string(y_pred.shape()) + " (expected labels " +
                         to_string(batch) + " or " + to_string(batch_1) + ")");
    }
    const std::int64_t classes = y_pred.shape().back();
    const std::int64_t* lab = labels.data<std::int64_t>();
    for (std::int64_t i = 0; i < labels.numel(); ++i) {
        if (lab[i] < 0 || lab[i] >= classes) {
            throw IndexError(std::string(op) + ": label " + std::to_string(lab[i]) + " at position " +
                             std::to_string(i) + " is out of range for " + std::to_string(classes) +
                             " classes (valid labels 0.." + std::to_string(classes - 1) + ", y_pred shape " +
                             to_string(y_pred.shape()) + ")");
        }
    }
    const Tensor picked = gather(log_probabilities(y_pred, from_logits), -1, index);  // batch_1
    return reduce(-squeeze(picked, -1), reduction);
}

// ---- configured losses --------------------------------------------------------------

MeanSquaredError::MeanSquaredError(Reduction r)
    : Loss("mean_squared_error", [r](const Tensor& t, const Tensor& p) { return mean_squared_error(t, p, r); }) {}

MeanAbsoluteError::MeanAbsoluteError(Reduction r)
    : Loss("mean_absolute_error", [r](const Tensor& t, const Tensor& p) { return mean_absolute_error(t, p, r); }) {}

Huber::Huber(double delta, Reduction r)
    : Loss("huber", [delta, r](const Tensor& t, const Tensor& p) { return huber(t, p, delta, r); }) {
    if (!(delta > 0)) throw ValueError("Huber: delta must be positive, got " + std::to_string(delta));
}

BinaryCrossentropy::BinaryCrossentropy(bool from_logits, Reduction r)
    : Loss("binary_crossentropy", [from_logits, r](const Tensor& t, const Tensor& p) {
          return binary_crossentropy(t, p, from_logits, r);
      }) {}

CategoricalCrossentropy::CategoricalCrossentropy(bool from_logits, Reduction r)
    : Loss("categorical_crossentropy", [from_logits, r](const Tensor& t, const Tensor& p) {
          return categorical_crossentropy(t, p, from_logits, r);
      }) {}

SparseCategoricalCrossentropy::SparseCategoricalCrossentropy(bool from_logits, Reduction r)
    : Loss("sparse_categorical_crossentropy", [from_logits, r](const Tensor& t, const Tensor& p) {
          return sparse_categorical_crossentropy(t, p, from_logits, r);
      }) {}

// ---- registry ----------------------------------------------------------------------

namespace {
/// The built-in losses, each also under its short alias (mse, mae, bce).
std::vector<std::pair<std::string, Loss>> builtin_losses() {
    const Loss mse("mean_squared_error", [](const Tensor& t, const Tensor& p) { return mean_squared_error(t, p); });
    const Loss mae("mean_absolute_error", [](const Tensor& t, const Tensor& p) { return mean_absolute_error(t, p); });
    const Loss bce("binary_crossentropy", [](const Tensor& t, const Tensor& p) { return binary_crossentropy(t, p); });
    return {{"mean_squared_error", mse},
         {"mse", mse},
         {"mean_absolute_error", mae},
         {"mae", mae},
         {"binary_crossentropy", bce},
         {"bce", bce},
         {"huber", Loss("huber", [](const Tensor& t, const Tensor& p) { return huber(t, p); })},
         {"categorical_crossentropy", Loss("categorical_crossentropy",
                                           [](const Tensor& t, const Tensor& p) { return categorical_crossentropy(t, p); })},
         {"sparse_categorical_crossentropy",
          Loss("sparse_categorical_crossentropy",
               [](const Tensor& t, const Tensor& p) { return sparse_categorical_crossentropy(t, p); })}};
}
}  // namespace

Registry<Loss>& loss_registry() {
    static Registry<Loss> registry("loss", builtin_losses());
    return registry;
}

Loss get_loss(std::string_view name) { return loss_registry().get(name); }

void register_loss(const std::string& name, Loss::Fn fn) { loss_registry().add(name, Loss(name, std::move(fn))); }

std::vector<std::string> loss_names() { return loss_registry().names(); }

Loss::Loss(const char* name) : Loss(get_loss(name)) {}

}  // namespace xgrad::losses
