#pragma once
// A tensor seen as [outer, dim, inner] around one axis: the layout loops of
// the ops that select, split or join along an axis walk.
#include <cstddef>
#include <cstdint>

#include "xgrad/core/shape.hpp"

namespace xgrad::detail {

/// outer: product of the dimensions before `axis`; dim: its size; inner:
/// product of those after it (a block's length in elements).
struct AxisView {
    std::int64_t outer = 1, dim = 1, inner = 1;
};

inline AxisView axis_view(const Shape& s, std::size_t axis) {
    AxisView v;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i < axis) v.outer *= s[i];
        else if (i == axis) v.dim = s[i];
        else v.inner *= s[i];
    }
    return v;
}

}  // namespace xgrad::detail
