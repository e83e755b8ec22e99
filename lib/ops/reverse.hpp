#pragma once
// Reversal along one axis, for the backward formulas of the scans and of
// prod: a gather by a descending index, so differentiable to any order.
#include <cstdint>

#include "xgrad/core/tensor.hpp"
#include "xgrad/ops/indexing.hpp"

namespace xgrad::detail {

/// x in reverse order along `axis` (a normalized axis of x).
inline Tensor reverse_along(const Tensor& x, std::size_t axis) {
    const std::int64_t n = x.shape()[axis];
    return index_select(x, static_cast<std::int64_t>(axis), arange(static_cast<double>(n - 1), -1.0, -1.0, int64));
}

/// True when some element of the floating tensor x is exactly zero (the
/// gradients of prod and cumprod then avoid dividing by x).
inline bool has_zero(const Tensor& x) {
    return visit_floating(x.dtype(), "has_zero", [&](auto tag) {
        using T = decltype(tag);
        const T* p = x.data<T>();
        for (std::int64_t i = 0; i < x.numel(); ++i)
            if (p[i] == T(0)) return true;
        return false;
    });
}

}  // namespace xgrad::detail
