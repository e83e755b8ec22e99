#pragma once
// A file format's dtype codes ("F32" in safetensors, "float32" in a model
// file) as one exhaustive switch from Dtype to code; reading a code back
// searches all_dtypes through that same switch, so the two directions
// cannot disagree and a new dtype needs only its case.
#include <optional>
#include <string>
#include <string_view>

#include "xgrad/core/dtype.hpp"

namespace xgrad::detail {

/// The dtype whose code(d) is `code`, or nullopt.
template <class CodeOf> std::optional<Dtype> find_dtype(std::string_view code, CodeOf code_of) {
    for (Dtype d : all_dtypes)
        if (code_of(d) == code) return d;
    return std::nullopt;
}

/// "c1, c2, …": code_of(d) of every dtype, for the error message naming the valid codes.
template <class CodeOf> std::string dtype_code_list(CodeOf code_of) {
    std::string list;
    for (Dtype d : all_dtypes) {
        if (!list.empty()) list += ", ";
        list += code_of(d);
    }
    return list;
}

}  // namespace xgrad::detail
