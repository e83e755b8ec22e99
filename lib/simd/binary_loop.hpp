#pragma once
// The loop of a binary elementwise op over one row, shared by the generic
// ops (lib/ops/kernels.hpp) and the per-level kernels (elementwise_kernels.cpp):
// the unit-stride and broadcast-scalar cases are separate loops the compiler
// vectorizes. Only <cstdint>: the per-level builds instantiate it with their
// own functor types, so no instantiation is shared between levels.
#include <cstdint>

namespace xgrad::simd {

/// out[i] = f(a[i·da], b[i·db]) for i < n; O is T, or bool for a comparison.
template <class T, class F, class O>
void binary_loop(F f, const T* a, std::int64_t da, const T* b, std::int64_t db, O* out, std::int64_t n) {
    if (da == 1 && db == 1) {
        for (std::int64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
    } else if (da == 1 && db == 0) {
        const T s = *b;
        for (std::int64_t i = 0; i < n; ++i) out[i] = f(a[i], s);
    } else if (da == 0 && db == 1) {
        const T s = *a;
        for (std::int64_t i = 0; i < n; ++i) out[i] = f(s, b[i]);
    } else {
        for (std::int64_t i = 0; i < n; ++i) out[i] = f(a[i * da], b[i * db]);
    }
}

}  // namespace xgrad::simd
