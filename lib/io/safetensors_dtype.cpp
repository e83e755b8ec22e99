#include "io/safetensors_dtype.hpp"

#include "core/dtype_codes.hpp"

namespace xgrad::io {

std::string_view safetensors_dtype_code(Dtype d) {
    switch (d) {
        case Dtype::float32: return "F32";
        case Dtype::float64: return "F64";
        case Dtype::int64: return "I64";
        case Dtype::uint8: return "U8";
        case Dtype::boolean: return "BOOL";
    }
    throw_invalid_dtype(d);
}

std::optional<Dtype> dtype_from_safetensors_code(std::string_view code) {
    return detail::find_dtype(code, safetensors_dtype_code);
}

std::string safetensors_dtype_codes() { return detail::dtype_code_list(safetensors_dtype_code); }

}  // namespace xgrad::io
