#pragma once
/// \file
/// Softmax and log-softmax along an axis, numerically stable (the max is
/// subtracted first), composed from differentiable primitives.
///
/// Non-finite inputs (as in PyTorch): a row along `axis` that holds a NaN or
/// a +inf, or holds only -inf, comes out NaN in every element, and so does
/// any loss computed from it; -inf beside finite values acts as a mask
/// (probability exactly 0, log-probability -inf). NaN in, NaN out: a
/// diverged logit is never turned into plausible-looking probabilities.
#include <cstdint>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// e^(x - max) / Σ e^(x - max) along `axis`.
Tensor softmax(const Tensor& x, std::int64_t axis = -1);
/// x - logsumexp(x) along `axis`.
Tensor log_softmax(const Tensor& x, std::int64_t axis = -1);

}  // namespace xgrad
