#pragma once
/// \file
/// Binary elementwise arithmetic with NumPy broadcasting, comparisons and
/// selection. Both operands must have the same dtype (DtypeError otherwise);
/// a scalar operand takes the tensor's dtype.
///
/// Gradients undo broadcasting with sum_to_shape() (shape_ops.hpp).
#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// a + b.                d/da = 1, d/db = 1
Tensor add(const Tensor& a, const Tensor& b);
/// a - b.                d/da = 1, d/db = -1
Tensor sub(const Tensor& a, const Tensor& b);
/// a * b.                d/da = b, d/db = a
Tensor mul(const Tensor& a, const Tensor& b);
/// a / b.                d/da = 1/b, d/db = -a/b²
Tensor div(const Tensor& a, const Tensor& b);
/// a · s for a constant s (in a's dtype). d/da = s. `a * s` and `s * a` call
/// this: no scalar tensor, no broadcasting.
Tensor mul(const Tensor& a, double s);
/// a + s for a constant s (in a's dtype). d/da = 1. `a + s`, `s + a` and
/// `a - s` (as a + (−s), the same value) call this.
Tensor add(const Tensor& a, double s);
/// -a.
Tensor neg(const Tensor& a);
/// a ^ b (elementwise).  d/da = b·a^(b-1), d/db = a^b·log(a)
Tensor pow(const Tensor& a, const Tensor& b);
/// a ^ p for a constant p. d/da = p·a^(p-1)
Tensor pow(const Tensor& a, double p);
/// max(a, b); the gradient goes to a where a ≥ b, else to b.
Tensor maximum(const Tensor& a, const Tensor& b);
/// min(a, b); the gradient goes to a where a ≤ b, else to b.
Tensor minimum(const Tensor& a, const Tensor& b);
/// a where mask != 0, else b (broadcast over all three). Differentiable in a and b.
Tensor where(const Tensor& mask, const Tensor& a, const Tensor& b);

/// Comparisons: masks of 1 and 0 in the operands' dtype (not differentiable).
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a);
Tensor operator+(const Tensor& a, double s);
Tensor operator-(const Tensor& a, double s);
Tensor operator*(const Tensor& a, double s);
Tensor operator/(const Tensor& a, double s);
Tensor operator+(double s, const Tensor& a);
Tensor operator-(double s, const Tensor& a);
Tensor operator*(double s, const Tensor& a);
Tensor operator/(double s, const Tensor& a);
Tensor operator==(const Tensor& a, const Tensor& b);
Tensor operator!=(const Tensor& a, const Tensor& b);
Tensor operator<(const Tensor& a, const Tensor& b);
Tensor operator<=(const Tensor& a, const Tensor& b);
Tensor operator>(const Tensor& a, const Tensor& b);
Tensor operator>=(const Tensor& a, const Tensor& b);
Tensor operator<(const Tensor& a, double s);
Tensor operator<=(const Tensor& a, double s);
Tensor operator>(const Tensor& a, double s);
Tensor operator>=(const Tensor& a, double s);

}  // namespace xgrad
