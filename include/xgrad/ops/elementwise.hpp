#pragma once
/// \file
/// Binary elementwise arithmetic with NumPy broadcasting, comparisons and
/// selection. Both operands must have the same dtype (DtypeError otherwise);
/// a scalar operand takes the tensor's dtype.
///
/// Gradients undo broadcasting with sum_to_shape() (shape_ops.hpp).
///
/// Comparisons return bool (Dtype::boolean), as PyTorch's do; before step 15
/// they returned 0/1 in the operands' dtype. Arithmetic refuses a bool
/// operand (DtypeError naming the conversion), so code that used a
/// comparison as a 0/1 factor converts it: `mul(x, x > 0.0)` becomes
/// `mul(x, (x > 0.0).to(x.dtype()))`, or better `where(x > 0.0, x, zeros({}, x.dtype()))`.
/// where() takes a bool condition only: a 0/1 float mask converts with
/// `.to(xgrad::boolean)`.
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
/// a where `condition` is true, else b (broadcast over all three; a and b of
/// any one dtype). `condition` must be bool: DtypeError for another dtype,
/// naming `.to(xgrad::boolean)`. d/da = condition, d/db = !condition.
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);

/// a == b as a bool tensor (broadcast; operands of any one dtype, bool and
/// uint8 included; NaN compares unequal to everything). Not differentiable.
Tensor eq(const Tensor& a, const Tensor& b);
/// a != b as a bool tensor (NaN != anything is true). Not differentiable.
Tensor ne(const Tensor& a, const Tensor& b);
/// a < b as a bool tensor. Not differentiable.
Tensor lt(const Tensor& a, const Tensor& b);
/// a <= b as a bool tensor. Not differentiable.
Tensor le(const Tensor& a, const Tensor& b);
/// a > b as a bool tensor. Not differentiable.
Tensor gt(const Tensor& a, const Tensor& b);
/// a >= b as a bool tensor. Not differentiable.
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
/// eq(a, b): a bool tensor, not a C++ bool.
Tensor operator==(const Tensor& a, const Tensor& b);
/// ne(a, b): a bool tensor, not a C++ bool.
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
/// eq(a, s), s converted to a's dtype.
Tensor operator==(const Tensor& a, double s);
/// ne(a, s), s converted to a's dtype.
Tensor operator!=(const Tensor& a, double s);

}  // namespace xgrad
