#pragma once
// A bool tensor's bytes must be 0 or 1: any other byte is not a C++ bool,
// and reading it is undefined. File readers check foreign bool data with
// this before it becomes a tensor, and refuse naming the offset.
#include <cstddef>
#include <optional>

namespace xgrad::detail {

/// The index of the first of the n bytes at p that is neither 0 nor 1, or nullopt.
inline std::optional<std::size_t> first_non_bool_byte(const std::byte* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (std::to_integer<unsigned>(p[i]) > 1) return i;
    return std::nullopt;
}

}  // namespace xgrad::detail
