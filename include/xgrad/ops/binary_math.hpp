#pragma once
/// \file
/// Binary elementwise math on floating tensors (float32/float64; both
/// operands of one dtype, DtypeError otherwise) with NumPy broadcasting, as
/// NumPy's and PyTorch's functions of the same names. Gradients go to both
/// operands, summed back to their shapes with sum_to_shape(); each line gives
/// the derivatives backward uses.
#include <optional>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// The angle of the point (x, y) in (−π, π], y first as std::atan2.
/// d/dy = x/(x² + y²), d/dx = −y/(x² + y²)
Tensor atan2(const Tensor& y, const Tensor& x);
/// a − b·trunc(a/b): the remainder with the dividend's sign (C's fmod,
/// torch.fmod). d/da = 1, d/db = −trunc(a/b)
Tensor fmod(const Tensor& a, const Tensor& b);
/// a − b·floor(a/b): the remainder with the divisor's sign (Python's %,
/// torch.remainder, np.remainder). d/da = 1, d/db = −floor(a/b)
Tensor remainder(const Tensor& a, const Tensor& b);
/// log(eᵃ + eᵇ), computed as max(a, b) + log1p(e^−|a−b|): no overflow for
/// large inputs; −inf for two −inf. d/da = σ(a − b), d/db = σ(b − a)
Tensor logaddexp(const Tensor& a, const Tensor& b);
/// √(a² + b²) without overflow or underflow (std::hypot).
/// d/da = a/hypot, d/db = b/hypot (NaN at a = b = 0, as PyTorch)
Tensor hypot(const Tensor& a, const Tensor& b);
/// min(max(x, lo), hi) with tensor bounds broadcast against x (torch.clamp
/// with tensor bounds); an undefined bound (`Tensor()`) is no bound; where
/// lo > hi the result is hi; NaN in x stays NaN. The gradient goes to x
/// where lo ≤ x ≤ hi, to lo where x < lo (and lo < hi), to hi where x > hi
/// (or hi < lo), each summed to its operand's shape, as PyTorch's. Op "clip".
///     clip(x, zeros({}), ones({3}))   // each column limited to [0, 1]
Tensor clip(const Tensor& x, const Tensor& lo, const Tensor& hi);
/// x with NaN replaced by `nan`, +inf by `posinf` and −inf by `neginf`
/// (defaults: the dtype's largest and lowest finite values, as NumPy and
/// PyTorch). d = 1 where x is finite, else 0.
Tensor nan_to_num(const Tensor& x, double nan = 0.0, std::optional<double> posinf = std::nullopt,
                  std::optional<double> neginf = std::nullopt);

}  // namespace xgrad
