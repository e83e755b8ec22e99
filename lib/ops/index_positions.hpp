#pragma once
// Every indexing update and read in xgrad goes through flat positions: the
// int64 tensor P, of the indexed result's shape, holding the row-major
// offset into x of each element of x[indices]. Reading is then
// out = x.flat[P] and writing out.flat[P] = v; both are differentiable to
// any order (their backwards are each other, written with xgrad ops).
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad::detail {

/// True when `from` broadcasts to exactly `to` (NumPy rules, `to` unchanged).
bool broadcasts_to(const Shape& from, const Shape& to);

/// P for x[indices] (NumPy/PyTorch semantics; int64, the result's shape).
/// Errors (IndexError, ValueError, ShapeError, DtypeError) start with `op`.
Tensor index_positions(const Shape& x_shape, const std::vector<TensorIndex>& indices, const char* op);

/// x.flat[positions], of positions' shape; positions are in range.
///     backward: put_positions(zeros, positions, g, accumulate)
Tensor take_positions(const Tensor& x, const Tensor& positions);

/// x with out.flat[positions] = v (the last of repeated positions wins), or
/// += v with accumulate (repeats add up); v has positions' shape and x's dtype.
///     backward: dx = g (accumulate) or g with the written positions zeroed;
///               dv = g.flat[positions], 0 for the writes a later one overwrote
Tensor put_positions(const Tensor& x, const Tensor& positions, const Tensor& v, bool accumulate);

}  // namespace xgrad::detail
