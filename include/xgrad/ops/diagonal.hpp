#pragma once
/// \file
/// Triangles and diagonals of matrices (the last two dimensions, or the two
/// named ones): tril, triu, diagonal, diag, trace. Every result is a new
/// contiguous tensor; every op is differentiable to any order. `offset` / k
/// counts diagonals above the main one (negative: below), as NumPy and PyTorch.
#include <cstdint>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// x with the elements above diagonal k of its last two dimensions set to 0
/// (batched over the leading ones).   dx = tril(g, k)
Tensor tril(const Tensor& x, std::int64_t k = 0);
/// x with the elements below diagonal k of its last two dimensions set to 0.   dx = triu(g, k)
Tensor triu(const Tensor& x, std::int64_t k = 0);
/// The diagonal `offset` of the matrices spanned by dimensions dim1 and dim2,
/// as a new last dimension (those two removed), as torch.diagonal.
/// dx = g placed on that diagonal of zeros
Tensor diagonal(const Tensor& x, std::int64_t offset = 0, std::int64_t dim1 = 0, std::int64_t dim2 = 1);
/// 1-D x: the square matrix with x on diagonal `offset` and zeros elsewhere;
/// 2-D x: its diagonal `offset` as a 1-D tensor (np.diag, torch.diag).
Tensor diag(const Tensor& x, std::int64_t offset = 0);
/// The sum of the main diagonal of a 2-D x, as a scalar.   dx = g · I
Tensor trace(const Tensor& x);

}  // namespace xgrad
