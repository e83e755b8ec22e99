#pragma once
/// \file
/// Trigonometric and hyperbolic functions on floating tensors (float32 /
/// float64; DtypeError for integer dtypes), as NumPy's and PyTorch's: NaN
/// outside a function's domain (asin of 2, acosh of 0.5). Each line gives
/// the derivative backward uses; all are differentiable to any order.
#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// sin x.            d = cos x
Tensor sin(const Tensor& x);
/// cos x.            d = −sin x
Tensor cos(const Tensor& x);
/// tan x.            d = 1 + tan² x
Tensor tan(const Tensor& x);
/// arcsin x, in [−π/2, π/2].   d = 1/√(1 − x²)
Tensor asin(const Tensor& x);
/// arccos x, in [0, π].        d = −1/√(1 − x²)
Tensor acos(const Tensor& x);
/// arctan x, in (−π/2, π/2).   d = 1/(1 + x²)
Tensor atan(const Tensor& x);
/// sinh x.           d = cosh x
Tensor sinh(const Tensor& x);
/// cosh x.           d = sinh x
Tensor cosh(const Tensor& x);
/// arsinh x.         d = 1/√(x² + 1)
Tensor asinh(const Tensor& x);
/// arcosh x, for x ≥ 1.        d = 1/√(x² − 1)
Tensor acosh(const Tensor& x);
/// artanh x, for |x| < 1.      d = 1/(1 − x²)
Tensor atanh(const Tensor& x);

}  // namespace xgrad
