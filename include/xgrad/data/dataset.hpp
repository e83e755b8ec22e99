#pragma once
/// \file
/// Dataset: samples x and targets y along the first dimension, and the ways to
/// cut one: index subsets, ranges, the train/validation splits of Keras and of
/// the notebook, and a class filter (the notebook's transfer-learning tasks).
///
///     Dataset full(x_train_full, y_train_full);          // [60000,28,28], [60000]
///     auto [train, valid] = data::split_at(full, -5000);  // first 55000, last 5000
///     auto [tr, va] = data::validation_split(full, 0.1);  // Keras: the last 10 %
///     Dataset a = data::filter_classes(train, {0, 1, 2, 3, 4, 7, 8, 9});   // labels 7,8,9 → 5,6,7
///     Dataset wide_deep({x_wide, x_deep}, {y, y});        // two inputs, two targets
///
/// Subsets copy the selected rows into new contiguous tensors (one gather);
/// ranges and splits share the rows instead (one block of a contiguous
/// tensor, like NumPy's slicing: writing into one writes into the other).
/// Neither carries autograd history.
#include <cstdint>
#include <initializer_list>
#include <span>
#include <utility>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad::data {

/// Rows `rows` of t along dimension 0, copied into a new contiguous tensor
/// [rows.size(), t.shape[1:]...] of t's dtype (one memcpy per row, one for a
/// run of consecutive rows). IndexError for a row outside [0, t.size(0)).
///
///     Tensor b = data::gather_rows(x, std::vector<std::int64_t>{4, 0, 2});   // [3, 28, 28]
Tensor gather_rows(const Tensor& t, std::span<const std::int64_t> rows);

/// One batch: samples x [B, ...] and targets y [B, ...] (undefined when the
/// dataset has no targets); for a dataset of several inputs or targets,
/// all of them in `inputs` and `targets` (x and y are their first).
struct Batch {
    Tensor x;  ///< Samples [B, ...]: the first input.
    Tensor y;  ///< Targets [B, ...]: the first target; undefined without targets.
    std::vector<Tensor> inputs;   ///< Every input's rows, in the dataset's order (x is inputs[0]).
    std::vector<Tensor> targets;  ///< Every target's rows (y is targets[0]); empty without targets.
    /// Number of samples B (0 when x is undefined).
    std::int64_t size() const { return x.defined() ? x.size(0) : 0; }
};

/// Samples and optional targets sharing their first dimension: one tensor
/// each (x, y), or several (a model's inputs and outputs, in its order).
/// Copies share the tensors.
class Dataset {
public:
    /// An empty dataset (size 0, x undefined).
    Dataset() = default;
    /// x and y share their first dimension (ShapeError naming both shapes
    /// otherwise); y may be undefined for inputs without targets (predict).
    /// The tensors are shared, not copied.
    explicit Dataset(Tensor x, Tensor y = Tensor());
    /// Several inputs and targets (targets may be empty), all with the same
    /// number of samples: ShapeError naming the first tensor that differs
    /// ("input 1" or "target 0") and both shapes; ValueError for no inputs.
    Dataset(std::vector<Tensor> inputs, std::vector<Tensor> targets);

    /// Number of samples: x.size(0).
    std::int64_t size() const { return inputs_.empty() ? 0 : inputs_[0].size(0); }
    /// True when size() is 0.
    bool empty() const { return size() == 0; }
    /// Samples [N, ...]: the first input (undefined for an empty dataset).
    const Tensor& x() const;
    /// Targets [N, ...]: the first target; undefined when the dataset has none.
    const Tensor& y() const;
    /// Every input, in order (empty for an empty dataset).
    const std::vector<Tensor>& inputs() const { return inputs_; }
    /// Every target, in order (empty without targets).
    const std::vector<Tensor>& targets() const { return targets_; }
    /// Whether there are targets.
    bool has_targets() const { return !targets_.empty(); }

    /// Samples `rows`, in that order (repeats allowed), copied: one gather per tensor.
    Batch get(std::span<const std::int64_t> rows) const;
    /// The samples at a 1-D int64 `index` tensor, in that order.
    Dataset subset(const Tensor& index) const;
    /// The samples `rows`, in that order, copied into a new dataset.
    Dataset subset(std::span<const std::int64_t> rows) const;
    /// Samples start..stop-1, sharing this dataset's memory (no copy);
    /// negative values count from the end (Python's [start:stop]);
    /// IndexError unless 0 <= start <= stop <= size() after that.
    Dataset range(std::int64_t start, std::int64_t stop) const;

private:
    std::vector<Tensor> inputs_, targets_;
};

/// (first n samples, the rest); a negative n counts from the end, so
/// split_at(d, -5000) is the notebook's (X[:-5000], X[-5000:]). IndexError
/// when |n| > size().
std::pair<Dataset, Dataset> split_at(const Dataset& d, std::int64_t n);

/// Keras' validation_split: the LAST `fraction` of the samples, taken before
/// any shuffling, is the validation set:
///     split = floor(size · (1 − fraction));   (train, valid) = split_at(d, split)
/// ValueError unless 0 < fraction < 1 and both parts are non-empty.
std::pair<Dataset, Dataset> validation_split(const Dataset& d, double fraction);

/// The samples whose label (y: int64 [N]) is one of `classes`, in their
/// original order. remap: label classes[k] becomes k (so {0,1,2,3,4,7,8,9}
/// maps 7,8,9 to 5,6,7, and {5, 6} maps sandal → 0, shirt → 1); otherwise
/// labels are kept. ValueError for repeated classes, DtypeError/ShapeError
/// for labels that are not int64 [N].
Dataset filter_classes(const Dataset& d, std::span<const std::int64_t> classes, bool remap = true);
/// As above, for a braced list: filter_classes(d, {5, 6}).
inline Dataset filter_classes(const Dataset& d, std::initializer_list<std::int64_t> classes, bool remap = true) {
    return filter_classes(d, std::span<const std::int64_t>(classes.begin(), classes.size()), remap);
}

}  // namespace xgrad::data
