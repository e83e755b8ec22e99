#pragma once
/// \file
/// Shape manipulation. Tensors are contiguous, so reshape/flatten/squeeze/
/// unsqueeze share the data; transpose, permute, expand, slice, concat, stack
/// and split copy.
#include <array>
#include <cstdint>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// Same data, new shape; one dimension may be -1 (inferred).
Tensor reshape(const Tensor& x, const Shape& shape);
/// Merges dimensions start_dim..end_dim into one.
Tensor flatten(const Tensor& x, std::int64_t start_dim = 0, std::int64_t end_dim = -1);
/// Removes all size-1 dimensions.
Tensor squeeze(const Tensor& x);
/// Removes dimension `axis`, which must have size 1.
Tensor squeeze(const Tensor& x, std::int64_t axis);
/// Inserts a size-1 dimension at `axis` (in the result's numbering).
Tensor unsqueeze(const Tensor& x, std::int64_t axis);
/// Swaps two dimensions.
Tensor transpose(const Tensor& x, std::int64_t dim0, std::int64_t dim1);
/// Reorders dimensions: result dim i is x's dim dims[i].
Tensor permute(const Tensor& x, const std::vector<std::int64_t>& dims);
/// Broadcasts x to `shape` (NumPy rules).      backward: sum_to_shape
Tensor expand(const Tensor& x, const Shape& shape);
/// expand() under NumPy's name (np.broadcast_to).
inline Tensor broadcast_to(const Tensor& x, const Shape& shape) { return expand(x, shape); }
/// Sums g over the dimensions that broadcasting added or stretched, giving
/// `shape`: the one helper that undoes broadcasting in every binary op's backward.
Tensor sum_to_shape(const Tensor& g, const Shape& shape);
/// Elements start, start+step, … < stop along `axis` (negative start/stop count from the end).
Tensor slice(const Tensor& x, std::int64_t axis, std::int64_t start, std::int64_t stop,
             std::int64_t step = 1);
/// Joins tensors along an existing axis.
Tensor concat(const std::vector<Tensor>& tensors, std::int64_t axis = 0);
/// Joins tensors along a new axis.
Tensor stack(const std::vector<Tensor>& tensors, std::int64_t axis = 0);
/// Splits into pieces of the given sizes along `axis` (sizes must add up).
std::vector<Tensor> split(const Tensor& x, const std::vector<std::int64_t>& sizes,
                          std::int64_t axis = 0);
/// Pads with `value`: widths[d] = {before, after} elements along dimension
/// d (NumPy's np.pad pairs; one per dimension, all >= 0). Composite (concat
/// of constant blocks): gradients of any order. Op "pad".
///     pad(images, {{0, 0}, {1, 1}, {1, 1}, {0, 0}})   // one zero pixel around [N, H, W, C]
Tensor pad(const Tensor& x, const std::vector<std::array<std::int64_t, 2>>& widths, double value = 0.0);
/// Splits into `sections` equal pieces along `axis` (PyTorch's chunk; a
/// separate name so `split(x, {2})` always means sizes).
std::vector<Tensor> chunk(const Tensor& x, std::int64_t sections, std::int64_t axis = 0);

}  // namespace xgrad
