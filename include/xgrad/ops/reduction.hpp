#pragma once
/// \file
/// Reductions over one or several axes. `axes` empty means all axes; negative
/// axes count from the end; `keepdims` keeps reduced axes with size 1.
#include <cstdint>
#include <string_view>
#include <vector>

#include "xgrad/core/tensor.hpp"
#include "xgrad/ops/values_and_indices.hpp"

namespace xgrad {

/// Axes to reduce over: empty for all, negative counting from the end.
using Axes = std::vector<std::int64_t>;

/// Σ x.                      d = 1 (broadcast back). For a bool x, the number
/// of true elements as int64 (as PyTorch).
Tensor sum(const Tensor& x, const Axes& axes = {}, bool keepdims = false);
/// Σ x / n.                  d = 1/n
Tensor mean(const Tensor& x, const Axes& axes = {}, bool keepdims = false);
/// Σ (x − mean)² / max(0, n − correction): correction 0 (the default, NumPy's
/// ddof 0) is the population variance Keras' batch norm uses, 1 the unbiased
/// one (PyTorch 2's default; its `correction`, NumPy's `ddof`). correction ≥ n
/// divides by 0, as PyTorch: inf, or NaN where all elements are equal
/// (0/0). ValueError for a negative correction or an empty group.
/// d = 2 (x − mean) / (n − correction)
Tensor var(const Tensor& x, const Axes& axes = {}, bool keepdims = false, std::int64_t correction = 0);
/// √var, with var's `correction`.
Tensor std(const Tensor& x, const Axes& axes = {}, bool keepdims = false, std::int64_t correction = 0);
/// Same as xgrad::std, callable unqualified under `using namespace xgrad;`
/// (where a bare `std(x)` is ambiguous with namespace std).
inline Tensor stddev(const Tensor& x, const Axes& axes = {}, bool keepdims = false, std::int64_t correction = 0) {
    return xgrad::std(x, axes, keepdims, correction);
}
/// Largest value; on ties the gradient is shared equally among the maxima
/// (the same as amax; PyTorch's max(x, dim) instead routes it to the one
/// index it returns). ValueError naming the axes for an empty group.
Tensor max(const Tensor& x, const Axes& axes = {}, bool keepdims = false);
/// Smallest value; on ties the gradient is shared equally (as amin).
Tensor min(const Tensor& x, const Axes& axes = {}, bool keepdims = false);
/// Largest value over `axes`, torch.amax: on ties the gradient is split
/// evenly among the maxima; ValueError naming the op and axes for an empty group.
Tensor amax(const Tensor& x, const Axes& axes = {}, bool keepdims = false);
/// Smallest value over `axes`, torch.amin (ties as amax).
Tensor amin(const Tensor& x, const Axes& axes = {}, bool keepdims = false);
/// Π x over `axes` (also int64); 1 for an empty group. The gradient Π_{j≠i} x_j
/// is exact with zeros (one zero: only that element's gradient is nonzero;
/// several: all 0), from exclusive running products rather than out/x.
Tensor prod(const Tensor& x, const Axes& axes = {}, bool keepdims = false);
/// The vector norm of x over `axes` (all of them flattened together, empty =
/// all), torch.linalg.vector_norm: ord p gives (Σ |x|^p)^(1/p); 1: Σ|x|;
/// 2: Euclidean; INFINITY: max|x|, −INFINITY: min|x| (gradient split among
/// ties); 0: the count of nonzero elements (gradient 0). At x = 0 the
/// gradient is 0 (PyTorch's subgradient).   d = sign(x)·|x|^(p−1)/norm^(p−1)
Tensor norm(const Tensor& x, double ord = 2.0, const Axes& axes = {}, bool keepdims = false);
/// The Frobenius norm ("fro", the only accepted name: the nuclear norm is
/// linalg's matrix_norm) over exactly two axes (default the last two):
/// √Σx², the same as norm(x, 2, axes). ValueError otherwise.
Tensor norm(const Tensor& x, std::string_view ord, const Axes& axes = {-2, -1}, bool keepdims = false);
/// The lower median of all elements (element ⌊(n−1)/2⌋ of a stable sort,
/// equal values in index order; torch.median()); NaN if any element is NaN.
/// The gradient goes to the element picked. ValueError for an empty tensor.
Tensor median(const Tensor& x);
/// The lower median along `axis` and its int64 index (element ⌊(n−1)/2⌋ of
/// a stable sort of the slice; PyTorch leaves the index among equal values
/// unspecified); NaN and its first index if the slice has a NaN. The
/// gradient goes to the index. ValueError for an empty axis.
ValuesAndIndices median(const Tensor& x, std::int64_t axis, bool keepdims = false);
/// log Σ e^x, stable for large |x| (max subtracted first).   d = softmax(x)
Tensor logsumexp(const Tensor& x, const Axes& axes = {}, bool keepdims = false);
/// Index (int64) of the first largest value along `axis`. Not differentiable.
Tensor argmax(const Tensor& x, std::int64_t axis = -1, bool keepdims = false);
/// Index (int64) of the first smallest value along `axis`. Not differentiable.
Tensor argmin(const Tensor& x, std::int64_t axis = -1, bool keepdims = false);

}  // namespace xgrad
