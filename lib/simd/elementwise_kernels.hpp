#pragma once
// The elementwise kernels: unary math, trigonometric functions and activations, binary arithmetic
// and comparisons, the scaled ELU (SELU) and its gradient.
#include <cstdint>

#include "simd/floating_kernels.hpp"

namespace xgrad::simd {

/// out[i] = f(x[i]).
enum class Unary {
    exp, log, log1p, expm1, sqrt, abs, erf, tanh, sigmoid, relu, softplus, square,
    sin, cos, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh,
    count
};

/// out[i] = a[i·da] ∘ b[i·db]; the comparisons give 1 or 0.
enum class Binary { add, sub, mul, div, maximum, minimum, eq, ne, lt, le, gt, ge, count };

/// The elementwise kernels for element type T.
template <class T> struct ElementwiseKernels {
    using UnaryFn = void (*)(const T* x, T* out, std::int64_t n);
    using BinaryFn = void (*)(const T* a, std::int64_t da, const T* b, std::int64_t db, T* out, std::int64_t n);

    UnaryFn unary[static_cast<int>(Unary::count)];
    BinaryFn binary[static_cast<int>(Binary::count)];
    /// out = scale·x for x > 0, else scale_alpha·(eˣ − 1).
    void (*scaled_elu)(const T* x, T* out, std::int64_t n, T scale, T scale_alpha);
    /// out = g·scale for x > 0, else g·scale_alpha·eˣ.
    void (*scaled_elu_grad)(const T* g, const T* x, T* out, std::int64_t n, T scale, T scale_alpha);

    UnaryFn operator[](Unary f) const { return unary[static_cast<int>(f)]; }
    BinaryFn operator[](Binary f) const { return binary[static_cast<int>(f)]; }
};

/// Each level's table, defined in its build of elementwise_kernels.cpp.
namespace sse2 { extern const FloatingKernels<ElementwiseKernels> elementwise; }
namespace avx2 { extern const FloatingKernels<ElementwiseKernels> elementwise; }
namespace avx512 { extern const FloatingKernels<ElementwiseKernels> elementwise; }

}  // namespace xgrad::simd
