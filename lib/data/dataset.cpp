// Dataset and its cuts. Every subset is one gather_rows() per tensor: rows
// copied with memcpy, consecutive rows merged into one copy.
#include "xgrad/data/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace xgrad::data {

Tensor gather_rows(const Tensor& t, std::span<const std::int64_t> rows) {
    if (t.rank() == 0) throw ShapeError("gather_rows: expected a tensor with a first dimension, got shape []");
    const std::int64_t n = t.size(0);
    Shape shape = t.shape();
    shape[0] = 1;
    const auto row_bytes = static_cast<std::size_t>(shape.numel()) * itemsize(t.dtype());
    shape[0] = static_cast<std::int64_t>(rows.size());
    for (std::size_t j = 0; j < rows.size(); ++j) {
        if (rows[j] < 0 || rows[j] >= n) {
            throw IndexError("gather_rows: index " + std::to_string(rows[j]) + " at position " + std::to_string(j) +
                             " is out of range for " + std::to_string(n) + " rows (shape " + to_string(t.shape()) +
                             ")");
        }
    }
    Tensor out(shape, t.dtype());
    if (row_bytes == 0) return out;
    const auto* src = static_cast<const unsigned char*>(t.raw_data());
    auto* dst = static_cast<unsigned char*>(out.raw_data());
    for (std::size_t j = 0; j < rows.size();) {
        std::size_t run = 1;  // rows[j], rows[j]+1, … copied at once
        while (j + run < rows.size() && rows[j + run] == rows[j] + static_cast<std::int64_t>(run)) ++run;
        std::memcpy(dst + j * row_bytes, src + static_cast<std::size_t>(rows[j]) * row_bytes, run * row_bytes);
        j += run;
    }
    return out;
}

namespace {

void check_samples(const Tensor& t, const std::string& what, const Tensor& first, const std::string& first_what) {
    if (!t.defined()) throw ValueError("Dataset: " + what + " is undefined");
    if (t.rank() == 0) throw ShapeError("Dataset: " + what + " needs a sample dimension, got shape []");
    if (t.size(0) != first.size(0)) {
        throw ShapeError("Dataset: " + first_what + " and " + what +
                         " must have the same number of samples (first dimension), got " + first_what + " " +
                         to_string(first.shape()) + " and " + what + " " + to_string(t.shape()));
    }
}

std::vector<Tensor> gather_each(const std::vector<Tensor>& tensors, std::span<const std::int64_t> rows) {
    std::vector<Tensor> out;
    out.reserve(tensors.size());
    for (const Tensor& t : tensors) out.push_back(gather_rows(t, rows));
    return out;
}

// Rows [begin, end) of t without a copy: the rows of a contiguous tensor are
// one block, kept alive by t's storage. No autograd history.
Tensor row_block(const Tensor& t, std::int64_t begin, std::int64_t end) {
    Shape shape = t.shape();
    const std::size_t row_bytes = static_cast<std::size_t>(t.numel() / std::max<std::int64_t>(shape[0], 1)) *
                                  itemsize(t.dtype());
    shape[0] = end - begin;
    auto* first = static_cast<unsigned char*>(t.raw_data()) + static_cast<std::size_t>(begin) * row_bytes;
    return from_blob(first, shape, t.dtype(), t.impl()->storage);
}

}  // namespace

Dataset::Dataset(Tensor x, Tensor y) {
    if (!x.defined()) {
        if (y.defined()) throw ValueError("Dataset: y given without x");
        return;
    }
    check_samples(x, "x", x, "x");
    if (y.defined()) check_samples(y, "y", x, "x");
    inputs_.push_back(std::move(x));
    if (y.defined()) targets_.push_back(std::move(y));
}

Dataset::Dataset(std::vector<Tensor> inputs, std::vector<Tensor> targets)
    : inputs_(std::move(inputs)), targets_(std::move(targets)) {
    if (inputs_.empty()) throw ValueError("Dataset: no inputs given");
    for (std::size_t i = 0; i < inputs_.size(); ++i)
        check_samples(inputs_[i], "input " + std::to_string(i), inputs_[0], "input 0");
    for (std::size_t i = 0; i < targets_.size(); ++i)
        check_samples(targets_[i], "target " + std::to_string(i), inputs_[0], "input 0");
}

const Tensor& Dataset::x() const {
    static const Tensor none;
    return inputs_.empty() ? none : inputs_[0];
}

const Tensor& Dataset::y() const {
    static const Tensor none;
    return targets_.empty() ? none : targets_[0];
}

Batch Dataset::get(std::span<const std::int64_t> rows) const {
    if (inputs_.empty()) {
        if (rows.empty()) return {};
        throw IndexError("Dataset::get: the dataset is empty");
    }
    Batch b;
    b.inputs = gather_each(inputs_, rows);
    b.targets = gather_each(targets_, rows);
    b.x = b.inputs[0];
    if (!b.targets.empty()) b.y = b.targets[0];
    return b;
}

Dataset Dataset::subset(std::span<const std::int64_t> rows) const {
    Batch b = get(rows);  // IndexError for rows of an empty dataset
    if (b.inputs.empty()) return {};
    return Dataset(std::move(b.inputs), std::move(b.targets));
}

Dataset Dataset::subset(const Tensor& index) const {
    if (index.dtype() != int64) {
        throw DtypeError("Dataset::subset: index must be int64, got " + std::string(dtype_name(index.dtype())));
    }
    if (index.rank() != 1) {
        throw ShapeError("Dataset::subset: index must be 1-D, got shape " + to_string(index.shape()));
    }
    return subset(std::span<const std::int64_t>(index.data<std::int64_t>(), static_cast<std::size_t>(index.numel())));
}

Dataset Dataset::range(std::int64_t start, std::int64_t stop) const {
    const std::int64_t n = size();
    const std::int64_t b = start < 0 ? start + n : start, e = stop < 0 ? stop + n : stop;
    if (b < 0 || e > n || b > e) {
        throw IndexError("Dataset::range: [" + std::to_string(start) + ", " + std::to_string(stop) +
                         ") does not select a range of the " + std::to_string(n) + " samples");
    }
    if (inputs_.empty()) return {};
    std::vector<Tensor> inputs, targets;
    for (const Tensor& t : inputs_) inputs.push_back(row_block(t, b, e));
    for (const Tensor& t : targets_) targets.push_back(row_block(t, b, e));
    return Dataset(std::move(inputs), std::move(targets));
}

std::pair<Dataset, Dataset> split_at(const Dataset& d, std::int64_t n) {
    const std::int64_t size = d.size();
    const std::int64_t at = n < 0 ? n + size : n;
    if (at < 0 || at > size) {
        throw IndexError("split_at: cannot split " + std::to_string(size) + " samples at " + std::to_string(n));
    }
    return {d.range(0, at), d.range(at, size)};
}

std::pair<Dataset, Dataset> validation_split(const Dataset& d, double fraction) {
    if (!(fraction > 0.0 && fraction < 1.0)) {
        throw ValueError("validation_split: the fraction must be in (0, 1), got " + std::to_string(fraction));
    }
    // Keras: split_at = int(num_samples * (1. - validation_split)), same double arithmetic.
    const auto at = static_cast<std::int64_t>(std::floor(static_cast<double>(d.size()) * (1.0 - fraction)));
    if (at <= 0 || at >= d.size()) {
        throw ValueError("validation_split: " + std::to_string(d.size()) +
                         " samples are not enough to split them into non-empty training and validation sets with "
                         "validation_split=" + std::to_string(fraction));
    }
    return split_at(d, at);
}

Dataset filter_classes(const Dataset& d, std::span<const std::int64_t> classes, bool remap) {
    const Tensor& y = d.y();
    if (!y.defined()) throw ValueError("filter_classes: the dataset has no labels");
    if (y.dtype() != int64) {
        throw DtypeError("filter_classes: labels must be int64, got " + std::string(dtype_name(y.dtype())));
    }
    if (y.rank() != 1) throw ShapeError("filter_classes: labels must be 1-D [N], got shape " + to_string(y.shape()));
    for (std::size_t i = 0; i < classes.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (classes[i] == classes[j]) {
                throw ValueError("filter_classes: class " + std::to_string(classes[i]) + " is listed twice");
            }
    const std::int64_t* labels = y.data<std::int64_t>();
    std::vector<std::int64_t> rows, new_labels;
    for (std::int64_t i = 0; i < d.size(); ++i) {
        for (std::size_t k = 0; k < classes.size(); ++k) {
            if (labels[i] == classes[k]) {
                rows.push_back(i);
                new_labels.push_back(remap ? static_cast<std::int64_t>(k) : labels[i]);
                break;
            }
        }
    }
    std::vector<Tensor> targets = gather_each(d.targets(), rows);
    targets[0] = from_vector<std::int64_t>(new_labels, {static_cast<std::int64_t>(rows.size())});
    return Dataset(gather_each(d.inputs(), rows), std::move(targets));
}

}  // namespace xgrad::data
