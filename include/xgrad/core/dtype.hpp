#pragma once
/// \file
/// Element types. A tensor's dtype is a runtime property; kernels are written
/// once as templates and reached through visit_dtype().
///
/// uint8 is a storage dtype: it holds raw data such as image pixels at a
/// quarter of float32's memory, and can be created, converted (.to()),
/// batched (data::gather_rows), saved and printed, but no op computes on it.
/// Convert it with .to(float32), or start the model with nn::Rescaling,
/// which converts each batch.
///
/// bool (Dtype::boolean, C++ `bool`: one byte holding 0 or 1) is what the
/// comparisons, isnan/isinf/isfinite and the logical ops return, and what
/// where() and the masked ops take. It converts both ways with .to(): into
/// bool a value becomes `value != 0` (NaN → true, −0.0 → false, as PyTorch),
/// out of bool true/false become 1/0. Arithmetic refuses it (DtypeError naming
/// the conversion, where PyTorch would promote); sum() of a bool tensor counts
/// its true elements as int64.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "xgrad/core/error.hpp"

namespace xgrad {

/// The element type of a tensor. float32 is the default for floating-point data;
/// int64 holds labels and indices; uint8 stores raw data; boolean holds masks (see above).
enum class Dtype : std::uint8_t { float32, float64, int64, uint8, boolean };

inline constexpr Dtype float32 = Dtype::float32;  ///< Shorthand for Dtype::float32 (`xgrad::float32`).
inline constexpr Dtype float64 = Dtype::float64;  ///< Shorthand for Dtype::float64.
inline constexpr Dtype int64 = Dtype::int64;      ///< Shorthand for Dtype::int64.
inline constexpr Dtype uint8 = Dtype::uint8;      ///< Shorthand for Dtype::uint8.
inline constexpr Dtype boolean = Dtype::boolean;  ///< Shorthand for Dtype::boolean, named "bool" (`xgrad::boolean`).

/// Every dtype, in declaration order. Every switch over Dtype lists each
/// case with no default (the build makes a missed case an error:
/// -Werror=switch), and ends in throw_invalid_dtype() for a value outside
/// the enumeration; a dtype added to Dtype is added here too (the test
/// core/tensor checks every value dtype_name() accepts is listed).
inline constexpr std::array<Dtype, 5> all_dtypes = {Dtype::float32, Dtype::float64, Dtype::int64, Dtype::uint8,
                                                    Dtype::boolean};

/// Throws DtypeError for `d`, a value outside the enumeration (a Dtype cast
/// from a corrupted byte): the tail of every exhaustive switch over Dtype.
[[noreturn]] void throw_invalid_dtype(Dtype d);

/// "float32", "float64", "int64", "uint8" or "bool": the name the API, the model
/// files and the error messages use. DtypeError for a value outside the enumeration.
constexpr std::string_view dtype_name(Dtype d) {
    switch (d) {
        case Dtype::float32: return "float32";
        case Dtype::float64: return "float64";
        case Dtype::int64: return "int64";
        case Dtype::uint8: return "uint8";
        case Dtype::boolean: return "bool";
    }
    throw_invalid_dtype(d);
}

/// The dtype named `name` by dtype_name(). DtypeError for any other name,
/// listing the valid ones: `unknown dtype 'float16' (xgrad has float32, float64, int64, uint8, bool)`.
Dtype dtype_from_name(std::string_view name);

/// Bytes per element. DtypeError for a value outside the enumeration.
constexpr std::size_t itemsize(Dtype d) {
    switch (d) {
        case Dtype::float32: return 4;
        case Dtype::float64: return 8;
        case Dtype::int64: return 8;
        case Dtype::uint8: return 1;
        case Dtype::boolean: return 1;
    }
    throw_invalid_dtype(d);
}

/// True for float32 and float64.
constexpr bool is_floating(Dtype d) noexcept { return d == Dtype::float32 || d == Dtype::float64; }

/// Maps a C++ element type to its Dtype in `value`; a compile error for
/// any other type (a 2-byte float never passes for another dtype).
template <class T> struct dtype_of {
    static_assert(sizeof(T) == 0, "xgrad has no Dtype for this C++ type: use float, double, std::int64_t, std::uint8_t or bool");
};
/// float is stored as float32.
template <> struct dtype_of<float> { static constexpr Dtype value = Dtype::float32; };
/// double is stored as float64.
template <> struct dtype_of<double> { static constexpr Dtype value = Dtype::float64; };
/// std::int64_t is stored as int64.
template <> struct dtype_of<std::int64_t> { static constexpr Dtype value = Dtype::int64; };
/// std::uint8_t is stored as uint8.
template <> struct dtype_of<std::uint8_t> { static constexpr Dtype value = Dtype::uint8; };
/// bool is stored as bool, one byte holding 0 or 1.
template <> struct dtype_of<bool> { static constexpr Dtype value = Dtype::boolean; };
/// \var dtype_of<float>::value
/// Dtype::float32.
/// \var dtype_of<double>::value
/// Dtype::float64.
/// \var dtype_of<std::int64_t>::value
/// Dtype::int64.
/// \var dtype_of<std::uint8_t>::value
/// Dtype::uint8.
/// \var dtype_of<bool>::value
/// Dtype::boolean.

/// The Dtype of C++ type T (float, double, std::int64_t, std::uint8_t or bool).
template <class T> inline constexpr Dtype dtype_v = dtype_of<T>::value;

/// Calls f(T{}) with T the C++ type of d, for the dtypes ops compute on
/// (float32, float64, int64): the one place where runtime dtypes become
/// template parameters. DtypeError for uint8, which holds data only, and for
/// bool, which holds masks (both errors name the conversion).
template <class F> decltype(auto) visit_dtype(Dtype d, F&& f) {
    switch (d) {
        case Dtype::float32: return std::forward<F>(f)(float{});
        case Dtype::float64: return std::forward<F>(f)(double{});
        case Dtype::int64: return std::forward<F>(f)(std::int64_t{});
        case Dtype::uint8:
            throw DtypeError("uint8 tensors hold data only: convert with .to(float32) first, or start the model "
                             "with nn::Rescaling");
        case Dtype::boolean:
            throw DtypeError("bool tensors hold masks and take no arithmetic: convert with .to(float32) (or the "
                             "dtype you compute in) first");
    }
    throw_invalid_dtype(d);
}

/// As visit_dtype(), and also uint8 and bool: for creating, filling,
/// converting, moving, reading and printing tensors, which every dtype supports.
template <class F> decltype(auto) visit_any_dtype(Dtype d, F&& f) {
    if (d == Dtype::uint8) return std::forward<F>(f)(std::uint8_t{});
    if (d == Dtype::boolean) return std::forward<F>(f)(bool{});
    return visit_dtype(d, std::forward<F>(f));
}

/// As visit_dtype(), but only for floating dtypes; `op` names the caller in the error.
template <class F> decltype(auto) visit_floating(Dtype d, const char* op, F&& f) {
    switch (d) {
        case Dtype::float32: return std::forward<F>(f)(float{});
        case Dtype::float64: return std::forward<F>(f)(double{});
        case Dtype::int64:
        case Dtype::uint8:
        case Dtype::boolean:
            throw DtypeError(std::string(op) + ": expected a floating dtype (float32 or float64), got " +
                             std::string(dtype_name(d)));
    }
    throw_invalid_dtype(d);
}

}  // namespace xgrad
