#pragma once
/// \file
/// Sorting and searching along an axis, in PyTorch's element order: NaN
/// above +inf (last ascending, first descending), −0 equal to +0. Equal
/// elements keep their input order, so every result is deterministic.
/// Gradients flow through the picked values only: dx scatters g back to the
/// positions `indices` names (differentiable to any order). Errors name the
/// op, the axis and its length.
#include <cstdint>

#include "xgrad/core/tensor.hpp"
#include "xgrad/ops/values_and_indices.hpp"

namespace xgrad {

/// x sorted along `axis`, with the int64 positions of the sorted values. The
/// sort is always stable (ties keep their input order); `stable` is accepted
/// for PyTorch's signature.   dx = scatter_add(0, indices, g)
ValuesAndIndices sort(const Tensor& x, std::int64_t axis = -1, bool descending = false, bool stable = true);
/// The int64 positions that sort x along `axis` (stable). Not differentiable.
Tensor argsort(const Tensor& x, std::int64_t axis = -1, bool descending = false);
/// The k largest (or smallest) elements along `axis`, 0 ≤ k ≤ the axis
/// length, in sorted order (`sorted` false: in the order of their positions);
/// ties go to the lower position. ValueError for k out of range.
/// dx = scatter_add(0, indices, g)
ValuesAndIndices topk(const Tensor& x, std::int64_t k, std::int64_t axis = -1, bool largest = true,
                      bool sorted = true);
/// The k-th smallest element along `axis` (1-based k, as PyTorch), and its
/// position; the axis is removed unless `keepdim`. ValueError for k out of
/// [1, axis length].   dx = scatter_add(0, indices, g)
ValuesAndIndices kthvalue(const Tensor& x, std::int64_t k, std::int64_t axis = -1, bool keepdim = false);

/// The result of unique(); `inverse` and `counts` are undefined tensors
/// unless asked for.
struct UniqueResult {
    Tensor values;   ///< The distinct elements, 1-D.
    Tensor inverse;  ///< int64, x's shape: the position in `values` of each element of x.
    Tensor counts;   ///< int64, values' shape: how often each distinct element occurs.
};

/// The distinct elements of x, flattened (torch.unique without dim):
/// ascending when `sorted`, else in the order of first occurrence (PyTorch
/// leaves that order unspecified). NaNs count as one value (NumPy's
/// equal_nan; PyTorch keeps each NaN apart); −0 and +0 are one value. Not
/// differentiable.
UniqueResult unique(const Tensor& x, bool sorted = true, bool return_inverse = false, bool return_counts = false);

/// For each element of `values`, the int64 position in `sorted_sequence`
/// where it would be inserted to keep the order: the first such position, or
/// the last when `right`. The sequence is 1-D, or has values' rank and
/// leading dimensions (each row searched by the matching row of values);
/// dtypes must match. The result has values' shape. Not differentiable.
Tensor searchsorted(const Tensor& sorted_sequence, const Tensor& values, bool right = false);

}  // namespace xgrad
