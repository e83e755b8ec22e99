#pragma once
// The .npy format's element codes ('descr', such as "<f4"): how the values
// are stored, and the dtype xgrad reads them as.
#include <cstddef>
#include <optional>
#include <string_view>

#include "xgrad/core/dtype.hpp"

namespace xgrad::data {

/// One 'descr': the stored element and the dtype it becomes.
struct NumpyElement {
    char byte_order = '<';      ///< '<' little, '>' big, '|' not applicable, '=' native (little here)
    char kind = 'f';            ///< 'f' float, 'i' signed, 'u' unsigned, 'b' bool
    std::size_t itemsize = 4;   ///< bytes per stored element: 1, 2, 4 or 8
    Dtype dtype = Dtype::float32;  ///< float32/float64 and bool as stored; uint8 → uint8; other integers → int64
};

/// The element a 'descr' names, or nullopt for one xgrad does not read
/// (float16, complex, strings, structured and datetime arrays).
std::optional<NumpyElement> numpy_element(std::string_view descr);

/// What numpy_element() reads, for the error message.
inline constexpr std::string_view numpy_readable_dtypes = "float32, float64, signed and unsigned integers, uint8, bool";

}  // namespace xgrad::data
