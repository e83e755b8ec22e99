#pragma once
/// \file
/// Softmax and log-softmax along an axis, numerically stable (the max is
/// subtracted first), composed from differentiable primitives.
#include <cstdint>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// e^(x - max) / Σ e^(x - max) along `axis`.
Tensor softmax(const Tensor& x, std::int64_t axis = -1);
/// x - logsumexp(x) along `axis`.
Tensor log_softmax(const Tensor& x, std::int64_t axis = -1);

}  // namespace xgrad
