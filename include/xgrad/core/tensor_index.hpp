#pragma once
/// \file
/// The indexing object (PyTorch's torch::indexing): the entries of
/// `x.index({Slice(1, None, 2), NewAxis, Ellipsis, 3, idx_tensor})`. This
/// header only names them; their meaning (NumPy/PyTorch basic and advanced
/// indexing) lives in xgrad/ops/advanced_indexing.hpp.
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// The type of None: a missing slice bound, or (as an index entry) a new
/// size-1 dimension.
struct NoneIndex {};
/// A missing slice bound (`Slice(None, 3)`), or a new axis (`x.index({None})`).
inline constexpr NoneIndex None{};
/// Same as None as an index entry (NumPy's np.newaxis).
inline constexpr NoneIndex NewAxis{};

/// The type of Ellipsis.
struct EllipsisIndex {};
/// As many full slices as the dimensions the other entries leave (Python's `...`).
inline constexpr EllipsisIndex Ellipsis{};

/// A slice bound: an integer (negative counts from the end) or None.
class SliceBound {
public:
    /// An integer bound.
    SliceBound(std::int64_t value) : value_(value) {}
    /// A missing bound.
    SliceBound(NoneIndex) {}
    /// The bound; empty when None.
    const std::optional<std::int64_t>& value() const noexcept { return value_; }

private:
    std::optional<std::int64_t> value_;
};

/// Python's `start:stop:step` along one dimension: Slice() is `:`,
/// Slice(1, None, 2) is `1::2`. Bounds clamp to the dimension as in Python;
/// step must be positive (ValueError when indexing otherwise).
class Slice {
public:
    /// `start:stop:step`; None bounds mean the whole dimension.
    Slice(SliceBound start = None, SliceBound stop = None, std::int64_t step = 1)
        : start_(start), stop_(stop), step_(step) {}
    /// The start (None: 0).
    const std::optional<std::int64_t>& start() const noexcept { return start_.value(); }
    /// The stop (None: the dimension's size).
    const std::optional<std::int64_t>& stop() const noexcept { return stop_.value(); }
    /// The step (> 0).
    std::int64_t step() const noexcept { return step_; }

private:
    SliceBound start_, stop_;
    std::int64_t step_;
};

/// One entry of an index: None/NewAxis, Ellipsis, an integer, a Slice, or a
/// tensor (int64 indices along one dimension, or a bool mask over as many
/// dimensions as it has).
class TensorIndex {
public:
    /// A new size-1 dimension.
    TensorIndex(NoneIndex) : entry_(NoneIndex{}) {}
    /// The dimensions the other entries leave, in full.
    TensorIndex(EllipsisIndex) : entry_(EllipsisIndex{}) {}
    /// One position (negative counts from the end); removes the dimension.
    TensorIndex(std::int64_t position) : entry_(position) {}
    /// As above, from an int literal.
    TensorIndex(int position) : entry_(std::int64_t{position}) {}
    /// bool is not a position (x.index({true}) would silently mean x[1]).
    TensorIndex(bool) = delete;
    /// A range of positions.
    TensorIndex(Slice slice) : entry_(slice) {}
    /// Advanced indexing: int64 positions, or a bool mask.
    TensorIndex(Tensor tensor) : entry_(std::move(tensor)) {}

    /// True for None/NewAxis.
    bool is_none() const noexcept { return std::holds_alternative<NoneIndex>(entry_); }
    /// True for Ellipsis.
    bool is_ellipsis() const noexcept { return std::holds_alternative<EllipsisIndex>(entry_); }
    /// True for an integer.
    bool is_integer() const noexcept { return std::holds_alternative<std::int64_t>(entry_); }
    /// True for a Slice.
    bool is_slice() const noexcept { return std::holds_alternative<Slice>(entry_); }
    /// True for a tensor.
    bool is_tensor() const noexcept { return std::holds_alternative<Tensor>(entry_); }
    /// The integer (only when is_integer()).
    std::int64_t integer() const { return std::get<std::int64_t>(entry_); }
    /// The slice (only when is_slice()).
    const Slice& slice() const { return std::get<Slice>(entry_); }
    /// The tensor (only when is_tensor()).
    const Tensor& tensor() const { return std::get<Tensor>(entry_); }

private:
    std::variant<NoneIndex, EllipsisIndex, std::int64_t, Slice, Tensor> entry_;
};

/// What `x.at({...})` returns (JAX's `x.at[...]`): set() and add() give a new
/// tensor, x with the indexed elements replaced or increased; x is unchanged.
class IndexedUpdate {
public:
    /// The tensor and the index it updates.
    IndexedUpdate(Tensor x, std::vector<TensorIndex> indices) : x_(std::move(x)), indices_(std::move(indices)) {}
    /// x with x[indices] = v (v broadcast to the indexed shape). See xgrad::index_put.
    Tensor set(const Tensor& v) const;
    /// set() with a number (converted to x's dtype).
    Tensor set(double v) const;
    /// x with x[indices] += v, repeated positions adding up. See xgrad::index_put.
    Tensor add(const Tensor& v) const;
    /// add() with a number (converted to x's dtype).
    Tensor add(double v) const;
    /// x[indices] (the same as x.index(indices)).
    Tensor get() const;

private:
    Tensor x_;
    std::vector<TensorIndex> indices_;
};

}  // namespace xgrad
