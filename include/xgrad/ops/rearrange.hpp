#pragma once
/// \file
/// Rearranging elements: repetition (tile, repeat_interleave), reversal and
/// rotation (flip, roll), moving axes (movedim) and broadcasting several
/// tensors together (meshgrid, broadcast_tensors). Every result is a new
/// contiguous tensor; every op is differentiable to any order (the
/// gradients sum the copies back, or undo the move).
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// x repeated reps[d] times along each dimension d (np.tile, torch.tile):
/// the shorter of x's shape and reps is padded with leading 1s. reps >= 0.
/// dx = g summed over the copies
Tensor tile(const Tensor& x, const std::vector<std::int64_t>& reps);
/// Each element (each slice along `axis`) repeated `repeats` >= 0 times in
/// place: [a, b] → [a, a, b, b]. Without an axis, x is flattened first.
/// dx = g summed over the copies
Tensor repeat_interleave(const Tensor& x, std::int64_t repeats, std::optional<std::int64_t> axis = std::nullopt);
/// As above with a repeat count per slice: `repeats` is int64, 1-D, with
/// one entry per slice along the axis (or a single entry for all).
Tensor repeat_interleave(const Tensor& x, const Tensor& repeats, std::optional<std::int64_t> axis = std::nullopt);
/// x reversed along each of `axes` (each at most once).   dx = flip(g, axes)
Tensor flip(const Tensor& x, const std::vector<std::int64_t>& axes);
/// x rotated by shifts[i] positions along axes[i] (elements leaving one end
/// enter at the other; an axis given twice adds its shifts).
/// dx = roll(g, −shifts, axes)
Tensor roll(const Tensor& x, const std::vector<std::int64_t>& shifts, const std::vector<std::int64_t>& axes);
/// x rotated by `shift` positions as if flattened, in x's shape.   dx = roll(g, −shift)
Tensor roll(const Tensor& x, std::int64_t shift);
/// Coordinate grids of 1-D (or scalar) tensors of one dtype: output i has
/// every input's length as a dimension and varies along dimension i.
/// indexing "ij": matrix order; "xy": Cartesian (the first two dimensions
/// swapped), as NumPy's and PyTorch's meshgrid.   dx_i = g_i summed over the other dimensions
std::vector<Tensor> meshgrid(const std::vector<Tensor>& tensors, std::string_view indexing = "ij");
/// Every tensor broadcast (NumPy rules) to their common shape.
/// dx_i = g_i summed over the broadcast dimensions
std::vector<Tensor> broadcast_tensors(const std::vector<Tensor>& tensors);
/// x with dimension `source` moved to position `destination`, the others
/// keeping their order.   dx = movedim(g, destination, source)
Tensor movedim(const Tensor& x, std::int64_t source, std::int64_t destination);
/// x with dimensions source[i] moved to positions destination[i] (lists of
/// equal length, no repeats), the others filling the free positions in order.
Tensor movedim(const Tensor& x, const std::vector<std::int64_t>& source, const std::vector<std::int64_t>& destination);

}  // namespace xgrad
