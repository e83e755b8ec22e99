#pragma once
/// \file
/// Unary elementwise math on floating tensors (float32/float64; DtypeError
/// for int64 unless noted). Each line gives the derivative used by backward.
#include <optional>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// e^x.              d = e^x
Tensor exp(const Tensor& x);
/// ln x.             d = 1/x
Tensor log(const Tensor& x);
/// ln(1 + x), accurate for small x.   d = 1/(1 + x)
Tensor log1p(const Tensor& x);
/// e^x - 1, accurate for small x.     d = e^x
Tensor expm1(const Tensor& x);
/// √x.               d = 1/(2√x)
Tensor sqrt(const Tensor& x);
/// 1/√x.             d = -1/(2 x√x)
Tensor rsqrt(const Tensor& x);
/// |x|.              d = sign(x) (0 at 0)
Tensor abs(const Tensor& x);
/// -1, 0 or 1 (also int64). Not differentiable (gradient 0).
Tensor sign(const Tensor& x);
/// The error function.   d = 2/√π · e^(−x²)
Tensor erf(const Tensor& x);
/// x².               d = 2x
Tensor square(const Tensor& x);
/// 1/x (inf at 0, as IEEE division).   d = −1/x²
Tensor reciprocal(const Tensor& x);
/// Limits x to [lo, hi] (either bound optional). d = 1 inside, 0 where clamped.
Tensor clamp(const Tensor& x, std::optional<double> lo, std::optional<double> hi);
/// Same as clamp (NumPy's name).
inline Tensor clip(const Tensor& x, std::optional<double> lo, std::optional<double> hi) {
    return clamp(x, lo, hi);
}

}  // namespace xgrad
