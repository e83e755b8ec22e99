#pragma once
// The hot elementwise loops as raw-pointer kernels, compiled once per x86-64
// vector level (isa_kernels.cpp, see lib/meson.build) and chosen once per
// process from the CPU (dispatch.cpp): the library runs on any x86-64 CPU
// and still uses AVX2 or AVX-512 where the CPU has them.
#include <cstdint>

namespace xgrad::simd {

/// The vector levels, widest last; each has its own build of isa_kernels.cpp.
enum class Level { sse2, avx2, avx512 };

/// out[i] = f(x[i]).
enum class Unary { exp, log, log1p, expm1, sqrt, abs, erf, tanh, sigmoid, relu, softplus, square, count };

/// out[i] = a[i·da] ∘ b[i·db]; the comparisons give 1 or 0.
enum class Binary { add, sub, mul, div, maximum, minimum, eq, ne, lt, le, gt, ge, count };

/// The kernels for one floating type.
template <class T> struct TypedKernels {
    using UnaryFn = void (*)(const T* x, T* out, std::int64_t n);
    using BinaryFn = void (*)(const T* a, std::int64_t da, const T* b, std::int64_t db, T* out, std::int64_t n);

    UnaryFn unary[static_cast<int>(Unary::count)];
    BinaryFn binary[static_cast<int>(Binary::count)];
    /// out = scale·x for x > 0, else scale_alpha·(eˣ − 1).
    void (*scaled_elu)(const T* x, T* out, std::int64_t n, T scale, T scale_alpha);
    /// out = g·scale for x > 0, else g·scale_alpha·eˣ.
    void (*scaled_elu_grad)(const T* g, const T* x, T* out, std::int64_t n, T scale, T scale_alpha);
    /// Folds one window pixel into a max pooling's running maxima over c
    /// channels: where pixel[ch] is larger (or the first NaN), best[ch] takes
    /// it and winner[ch] takes index.
    void (*max_pool_step)(const T* pixel, T* best, std::int32_t* winner, std::int32_t index, std::int64_t c);
    /// Adam in place: m += (g − m)·c1; v += (g² − v)·c2; g = m·scale/(√v + eps).
    void (*adam)(T* g, T* m, T* v, std::int64_t n, T c1, T c2, T scale, T eps);
    /// p += u (an optimizer step).
    void (*add_to)(T* p, const T* u, std::int64_t n);
    /// p *= factor.
    void (*scale)(T* p, std::int64_t n, T factor);

    // Batch normalization over x [rows, channels], channels last; sums in double.
    /// sum[c] += Σ_r x[r, c].
    void (*channel_sums)(const T* x, std::int64_t rows, std::int64_t channels, double* sum);
    /// out[c] += Σ_r (x[r, c] − mean[c])².
    void (*channel_squared_deviations)(const T* x, const double* mean, std::int64_t rows, std::int64_t channels,
                                       double* out);
    /// sum_g[c] += Σ_r g[r, c]; sum_gh[c] += Σ_r g[r, c]·h[r, c].
    void (*channel_sums_with_products)(const T* g, const T* h, std::int64_t rows, std::int64_t channels,
                                       double* sum_g, double* sum_gh);
    /// x̂ = (x − shift)·inv_std and y = x̂·scale + offset, per channel.
    void (*normalize_rows)(const T* x, const T* shift, const T* inv_std, const T* scale, const T* offset,
                           std::int64_t rows, std::int64_t channels, T* x_hat, T* y);
    /// dx = factor·(g − mean_g − x̂·mean_gx), per channel.
    void (*input_gradient_rows)(const T* g, const T* x_hat, const T* mean_g, const T* mean_gx, const T* factor,
                                std::int64_t rows, std::int64_t channels, T* dx);

    UnaryFn operator[](Unary f) const { return unary[static_cast<int>(f)]; }
    BinaryFn operator[](Binary f) const { return binary[static_cast<int>(f)]; }
};

/// Every kernel at one level.
struct KernelTable {
    Level level;
    TypedKernels<float> f32;
    TypedKernels<double> f64;

    template <class T> const TypedKernels<T>& of() const {
        if constexpr (sizeof(T) == sizeof(float)) return f32;
        else return f64;
    }
};

/// The table of each level, defined in its build of isa_kernels.cpp.
namespace sse2 { extern const KernelTable table; }
namespace avx2 { extern const KernelTable table; }
namespace avx512 { extern const KernelTable table; }

/// The level's name: "sse2", "avx2" or "avx512".
const char* level_name(Level level);

/// Whether this CPU (and its operating system) runs the level's instructions.
bool cpu_supports(Level level);

/// The level to use: the widest the CPU supports, or `requested` (a level
/// name, from XGRAD_SIMD) when not null. ValueError for an unknown name or a
/// level the CPU lacks.
Level choose_level(const char* requested);

/// The table of `level`, or nullptr when the CPU lacks it.
const KernelTable* kernels_for(Level level);

/// This process's table: choose_level(getenv("XGRAD_SIMD")), chosen on first use.
const KernelTable& kernels();

/// This process's kernels for T (float or double).
template <class T> const TypedKernels<T>& kernels_of() { return kernels().of<T>(); }

}  // namespace xgrad::simd
