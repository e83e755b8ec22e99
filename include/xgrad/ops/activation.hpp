#pragma once
/// \file
/// Pointwise activations that are ops of their own (fused forward + backward).
/// The full Keras activation set is in nn/activations (step 2) and is built on these.
#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// tanh x.                         d = 1 - tanh²x
Tensor tanh(const Tensor& x);
/// 1/(1 + e^-x), stable for large |x|.   d = σ(x)(1 - σ(x))
Tensor sigmoid(const Tensor& x);
/// max(x, 0); NaN stays NaN.       d = 1 where x > 0, else 0
Tensor relu(const Tensor& x);
/// ln(1 + e^x), stable: max(x,0) + log1p(e^-|x|).   d = σ(x)
Tensor softplus(const Tensor& x);
/// scale·x where x > 0, else scale·alpha·(eˣ − 1): ELU (scale 1) and SELU
/// (nn::selu's constants) in one pass.   d = scale where x > 0, else scale·alpha·eˣ
Tensor scaled_elu(const Tensor& x, double alpha, double scale);

}  // namespace xgrad
