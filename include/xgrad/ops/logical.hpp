#pragma once
/// \file
/// Predicates and logic on bool tensors (Dtype::boolean): isnan, isinf,
/// isfinite, logical_and/or/xor/not, any, all. Inputs may have any dtype (a
/// nonzero value is true, NaN included, as PyTorch); the result is bool.
/// None is differentiable.
///
///     Tensor bad = logical_not(isfinite(x));          // true at NaN and ±inf
///     if (any(bad).item<bool>()) { ... }
///     Tensor rows_ok = all(x > 0.0, {1});              // [N] from [N, C]
#include "xgrad/core/tensor.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad {

/// True where x is NaN (always false for int64, uint8 and bool).
Tensor isnan(const Tensor& x);
/// True where x is +inf or −inf (always false for int64, uint8 and bool).
Tensor isinf(const Tensor& x);
/// True where x is neither NaN nor ±inf (always true for int64, uint8 and bool).
Tensor isfinite(const Tensor& x);

/// a ∧ b with NumPy broadcasting; a and b of any dtypes, nonzero is true.
Tensor logical_and(const Tensor& a, const Tensor& b);
/// a ∨ b with NumPy broadcasting; a and b of any dtypes, nonzero is true.
Tensor logical_or(const Tensor& a, const Tensor& b);
/// a ⊕ b (exactly one true) with NumPy broadcasting; a and b of any dtypes.
Tensor logical_xor(const Tensor& a, const Tensor& b);
/// ¬x: true where x is zero (false at NaN, which is nonzero).
Tensor logical_not(const Tensor& x);

/// Whether any element is nonzero, over `axes` (empty: all) as sum() reduces.
/// An empty reduction gives false. x of any dtype.
Tensor any(const Tensor& x, const Axes& axes = {}, bool keepdims = false);
/// Whether every element is nonzero, over `axes` (empty: all) as sum()
/// reduces. An empty reduction gives true. x of any dtype.
Tensor all(const Tensor& x, const Axes& axes = {}, bool keepdims = false);

}  // namespace xgrad
