#pragma once
// Helpers shared by the optimizer kernels: raw loops over contiguous data,
// outside autograd, with the dtype dispatched once per tensor.
#include <cstdint>
#include <utility>

#include "xgrad/core/dtype.hpp"
#include "xgrad/core/tensor.hpp"

namespace xgrad::optim::detail {

/// Calls f(T{}) with T = float or double, the dtype of `t` (DtypeError naming `who` otherwise).
template <class F> void visit(const Tensor& t, const char* who, F&& f) {
    visit_floating(t.dtype(), who, std::forward<F>(f));
}

/// Marks an in-place write of `t` (autograd checks saved tensors' versions).
inline void bump_version(const Tensor& t) { t.impl()->storage->bump_version(); }

/// Sum of squares in double.
template <class T> double sum_squares(const T* p, std::int64_t n) {
    double s = 0.0;
    for (std::int64_t i = 0; i < n; ++i) s += static_cast<double>(p[i]) * static_cast<double>(p[i]);
    return s;
}

/// p[i] *= factor.
template <class T> void scale_in_place(T* p, std::int64_t n, double factor) {
    const T f = static_cast<T>(factor);
    for (std::int64_t i = 0; i < n; ++i) p[i] *= f;
}

}  // namespace xgrad::optim::detail
