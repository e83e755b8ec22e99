#pragma once
/// \file
/// Indexing with the indexing object (xgrad/core/tensor_index.hpp), flat
/// take, nonzero/argwhere. Results are new contiguous tensors (never views).
///
/// Semantics are PyTorch's, which are NumPy's except for one case:
/// - integers, slices (step > 0; bounds clamp as in Python), None and one
///   Ellipsis select as in basic indexing; negative integers count from the end;
/// - tensors are advanced indices: int64 positions along one dimension, or a
///   bool mask over as many dimensions as it has (the same as its nonzero()
///   columns). The index tensors broadcast together to a shape B;
/// - B replaces the indexed dimensions where they stand when the advanced
///   indices are adjacent, and goes first otherwise. Integers are applied
///   before this rule (PyTorch), so for x of shape [2,3,4], `x[0, :, idx]`
///   has shape [3, len(idx)]; NumPy counts the 0 as an advanced index and
///   gives [len(idx), 3].
/// Out-of-range positions raise IndexError naming the op, the dimension, the
/// index and the size.
#include <cstdint>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// x[indices]: `index(x, {Slice(1, None, 2), None, Ellipsis, 3, idx})`.
/// backward: the gradient added into zeros of x's shape at the selected
/// positions (repeated positions add up).
Tensor index(const Tensor& x, const std::vector<TensorIndex>& indices);

/// A new tensor: x with x[indices] = v, or x[indices] += v with accumulate;
/// v broadcasts to the shape of x[indices] and has x's dtype; x is unchanged.
/// Repeated positions: with accumulate they all add up; without, the last
/// write in row-major order of x[indices] wins (NumPy's rule; PyTorch leaves
/// it undefined), and only that write gets a gradient.
/// backward: dx = g (accumulate) or g with the written positions zeroed;
///           dv = g[indices] summed over v's broadcast dimensions.
Tensor index_put(const Tensor& x, const std::vector<TensorIndex>& indices, const Tensor& v,
                 bool accumulate = false);

/// x.flatten()[index] (torch.take, np.take without axis): int64 `index` of
/// any shape, negative counting from the end; the result has index's shape.
/// backward: the gradient added into zeros of x's shape at `index`.
Tensor take(const Tensor& x, const Tensor& index);

/// The positions of x's nonzero (true) elements as int64 [n, rank], in
/// row-major order (torch.nonzero; np.argwhere). Not differentiable.
Tensor nonzero(const Tensor& x);

/// The same as nonzero() (np.argwhere). Not differentiable.
Tensor argwhere(const Tensor& x);

}  // namespace xgrad
