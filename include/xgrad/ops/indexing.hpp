#pragma once
/// \file
/// Index-based selection with int64 indices; indices out of range throw
/// IndexError naming the op, the index and the dimension.
#include <cstdint>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// Rows (slices) of x along `axis` picked by the 1-D int64 `index`.   backward: scatter-add
Tensor index_select(const Tensor& x, std::int64_t axis, const Tensor& index);
/// out[i][j] = x[i][index[i][j]] along `axis` (index has x's rank; PyTorch's gather,
/// NumPy's take_along_axis).   backward: scatter_add
Tensor gather(const Tensor& x, std::int64_t axis, const Tensor& index);
/// gather(x, axis, index) with NumPy's argument order (np.take_along_axis).
inline Tensor take_along_axis(const Tensor& x, const Tensor& index, std::int64_t axis) {
    return gather(x, axis, index);
}
/// A copy of x with src added at the positions `index` names along `axis`
/// (index and src have the same shape). Differentiable in x and src.
Tensor scatter_add(const Tensor& x, std::int64_t axis, const Tensor& index, const Tensor& src);
/// int64 labels [*] → [*, num_classes] of 0/1 in `dtype`. Not differentiable.
Tensor one_hot(const Tensor& labels, std::int64_t num_classes, Dtype dtype = float32);

}  // namespace xgrad
