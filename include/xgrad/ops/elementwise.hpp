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
/// 1 where a != b, else 0.
Tensor ne(const Tensor& a, const Tensor& b);
/// 1 where a < b, else 0.
Tensor lt(const Tensor& a, const Tensor& b);
/// 1 where a <= b, else 0.
Tensor le(const Tensor& a, const Tensor& b);
/// 1 where a > b, else 0.
Tensor gt(const Tensor& a, const Tensor& b);
/// 1 where a >= b, else 0.
Tensor ge(const Tensor& a, const Tensor& b);

/// add(a, b).
Tensor operator+(const Tensor& a, const Tensor& b);
/// sub(a, b).
Tensor operator-(const Tensor& a, const Tensor& b);
/// mul(a, b).
Tensor operator*(const Tensor& a, const Tensor& b);
/// div(a, b).
Tensor operator/(const Tensor& a, const Tensor& b);
/// neg(a).
Tensor operator-(const Tensor& a);
/// add(a, s).
Tensor operator+(const Tensor& a, double s);
/// add(a, −s).
Tensor operator-(const Tensor& a, double s);
/// mul(a, s).
Tensor operator*(const Tensor& a, double s);
/// div(a, s): a true division by s (not a · (1/s)).
Tensor operator/(const Tensor& a, double s);
/// add(a, s).
Tensor operator+(double s, const Tensor& a);
/// sub(s, a).
Tensor operator-(double s, const Tensor& a);
/// mul(a, s).
Tensor operator*(double s, const Tensor& a);
/// div(s, a).
Tensor operator/(double s, const Tensor& a);
/// eq(a, b): a 0/1 mask, not a bool.
Tensor operator==(const Tensor& a, const Tensor& b);
/// ne(a, b): a 0/1 mask, not a bool.
Tensor operator!=(const Tensor& a, const Tensor& b);
/// lt(a, b).
Tensor operator<(const Tensor& a, const Tensor& b);
/// le(a, b).
Tensor operator<=(const Tensor& a, const Tensor& b);
/// gt(a, b).
Tensor operator>(const Tensor& a, const Tensor& b);
/// ge(a, b).
Tensor operator>=(const Tensor& a, const Tensor& b);
/// lt(a, s).
Tensor operator<(const Tensor& a, double s);
/// le(a, s).
Tensor operator<=(const Tensor& a, double s);
/// gt(a, s).
Tensor operator>(const Tensor& a, double s);
/// ge(a, s).
Tensor operator>=(const Tensor& a, double s);

}  // namespace xgrad
