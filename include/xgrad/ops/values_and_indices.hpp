#pragma once
/// \file
/// The result of the ops that pick elements along an axis (sort, topk,
/// kthvalue, median, cummax, …): the values and where they came from.
#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// Values and their int64 positions along the op's axis, as PyTorch's
/// (values, indices) tuples; unpacks with `auto [values, indices] = sort(x);`.
/// Gradients flow through `values` only.
struct ValuesAndIndices {
    Tensor values;   ///< The picked values, differentiable.
    Tensor indices;  ///< int64 positions along the axis.
};

}  // namespace xgrad
