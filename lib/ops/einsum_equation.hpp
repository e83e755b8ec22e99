#pragma once
// The einsum equation: parsing "ij,jk->ik" and binding it to the operands'
// shapes (ellipsis expansion, size checks, the implicit output). The result
// is a Contraction, which einsum.cpp lowers to permute + reshape + matmul
// (tensordot builds its Contraction directly).
#include <string_view>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad::detail {

/// Which index ("label") each dimension carries. Labels are small integers:
/// einsum numbers the letters A–Z as 0–25, a–z as 26–51 and the broadcast
/// ellipsis dimensions from 52 on, left to right.
struct Contraction {
    /// One label per dimension of each operand (a label may repeat: a diagonal).
    std::vector<std::vector<int>> inputs;
    /// One label per dimension of the result, each once, each in some input.
    std::vector<int> output;
};

/// Parses `equation` and checks it against the operands: ValueError for a
/// malformed equation (naming the offending character and its position) or
/// an operand count that does not match, ShapeError for a rank that does not
/// match an operand's indices, sizes of one index that differ (other than 1,
/// which broadcasts) and ellipsis dimensions that do not broadcast.
Contraction parse_einsum(std::string_view equation, const std::vector<Tensor>& operands);

}  // namespace xgrad::detail
