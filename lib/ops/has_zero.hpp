#pragma once
// Whether a tensor holds an exact zero: the backward formulas of prod and
// cumprod divide by x only when it does not.
#include <cstdint>

#include "xgrad/core/tensor.hpp"

namespace xgrad::detail {

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
