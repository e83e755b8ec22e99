// Dtype names: the inverse of dtype_name(), and the error for a value
// outside the enumeration.
#include "xgrad/core/dtype.hpp"

#include "core/dtype_codes.hpp"

namespace xgrad {

void throw_invalid_dtype(Dtype d) {
    throw DtypeError("invalid dtype value " + std::to_string(static_cast<unsigned>(d)) + " (xgrad has " +
                     detail::dtype_code_list(dtype_name) + ")");
}

Dtype dtype_from_name(std::string_view name) {
    if (const auto d = detail::find_dtype(name, dtype_name)) return *d;
    throw DtypeError("unknown dtype '" + std::string(name) + "' (xgrad has " + detail::dtype_code_list(dtype_name) +
                     ")");
}

}  // namespace xgrad
