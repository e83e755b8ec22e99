#pragma once
/// \file
/// Reductions over one or several axes. `axes` empty means all axes; negative
/// axes count from the end; `keepdims` keeps reduced axes with size 1.
#include <cstdint>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// Axes to reduce over: empty for all, negative counting from the end.
using Axes = std::vector<std::int64_t>;

/// Σ x.                      d = 1 (broadcast back). For a bool x, the number
/// of true elements as int64 (as PyTorch).
Tensor sum(const Tensor& x, const Axes& axes = {}, bool keepdims = false);
/// Σ x / n.                  d = 1/n
Tensor mean(const Tensor& x, const Axes& axes = {}, bool keepdims = false);
/// Σ (x - mean)² / (n - ddof). (ddof 0: population variance, as Keras BN uses)
Tensor var(const Tensor& x, const Axes& axes = {}, bool keepdims = false, std::int64_t ddof = 0);
/// √var.
Tensor std(const Tensor& x, const Axes& axes = {}, bool keepdims = false, std::int64_t ddof = 0);
/// Same as xgrad::std, callable unqualified under `using namespace xgrad;`
/// (where a bare `std(x)` is ambiguous with namespace std).
inline Tensor stddev(const Tensor& x, const Axes& axes = {}, bool keepdims = false, std::int64_t ddof = 0) {
    return xgrad::std(x, axes, keepdims, ddof);
}
/// Largest value; on ties the gradient is shared equally among the maxima.
Tensor max(const Tensor& x, const Axes& axes = {}, bool keepdims = false);
/// Smallest value; on ties the gradient is shared equally.
Tensor min(const Tensor& x, const Axes& axes = {}, bool keepdims = false);
/// log Σ e^x, stable for large |x| (max subtracted first).   d = softmax(x)
Tensor logsumexp(const Tensor& x, const Axes& axes = {}, bool keepdims = false);
/// Index (int64) of the first largest value along `axis`. Not differentiable.
Tensor argmax(const Tensor& x, std::int64_t axis = -1, bool keepdims = false);
/// Index (int64) of the first smallest value along `axis`. Not differentiable.
Tensor argmin(const Tensor& x, std::int64_t axis = -1, bool keepdims = false);

}  // namespace xgrad
