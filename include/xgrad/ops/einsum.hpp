#pragma once
/// \file
/// Einstein summation and tensor contraction on float32/float64, lowered to
/// permute + reshape + batched matmul: a matmul-shaped equation runs at
/// matmul's speed. Both are composites of differentiable ops (matmul,
/// permute, reshape, sum, slice), so gradients of any order come free.
#include <cstdint>
#include <string_view>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// Einstein summation, as torch.einsum / np.einsum:
///     einsum("bhqd,bhkd->bhqk", {q, k})   // attention scores
/// Indices are the letters a–z and A–Z; spaces are ignored. An index
/// repeated within one operand takes the diagonal ("ii->i", trace "ii->");
/// indices missing from the output are summed. Without "->" the output is
/// NumPy's implicit one: the ellipsis dimensions, then the indices that occur
/// once, in ASCII order (upper case first). "..." stands for the dimensions
/// not named, broadcast across operands (right-aligned, as NumPy); like
/// PyTorch they are summed when the output has no "...". An index of size 1
/// broadcasts against the same index of another size (PyTorch's rule).
/// Operands are contracted pairwise in a greedy order (the pair whose
/// product has the fewest elements first; PyTorch 1.13 goes left to right):
/// "i,j,ij->" never builds the i×j outer product. An index occurring in one
/// operand only and not in the output is summed before the product.
/// The result is a new tensor, also for "ij->ij" (PyTorch returns a view).
/// ValueError: `einsum: 'ij,jk->iz': index 'z' at position 8 is not in any operand`
/// (also malformed ellipsis, invalid characters, operand count); ShapeError
/// naming the operand for a rank or size that does not fit; DtypeError for
/// non-floating or mixed dtypes.
Tensor einsum(std::string_view equation, const std::vector<Tensor>& operands);

/// Sums the products of a's axes `axes_a` with b's axes `axes_b` (pairwise,
/// equal sizes); the result has a's remaining axes, then b's (np.tensordot,
/// torch.tensordot). Negative axes count from the end.
/// ValueError for lists of different lengths, axes out of range or
/// repeated; ShapeError naming both axes and shapes when sizes differ.
Tensor tensordot(const Tensor& a, const Tensor& b, const std::vector<std::int64_t>& axes_a,
                 const std::vector<std::int64_t>& axes_b);
/// tensordot over the last `dims` axes of a and the first `dims` of b
/// (dims = 0: the outer product; 1: matmul for matrices).
Tensor tensordot(const Tensor& a, const Tensor& b, std::int64_t dims = 2);

}  // namespace xgrad
