#pragma once
// The safetensors format's dtype codes ("F32", "F64", "I64", "U8", "BOOL"): one
// switch, read back through the same switch (core/dtype_codes.hpp).
#include <optional>
#include <string>
#include <string_view>

#include "xgrad/core/dtype.hpp"

namespace xgrad::io {

/// The safetensors code of d: "F32", "F64", "I64", "U8" or "BOOL".
std::string_view safetensors_dtype_code(Dtype d);

/// The dtype of a safetensors code, or nullopt for a code xgrad does not read.
std::optional<Dtype> dtype_from_safetensors_code(std::string_view code);

/// "F32, F64, I64, U8, BOOL": the codes xgrad reads, for error messages.
std::string safetensors_dtype_codes();

}  // namespace xgrad::io
