#pragma once
// FNV-1a, 64 bits: a hash that is the same in every build and on every
// machine (std::hash is neither), for fingerprints compared across ranks and
// names derived on disk.
#include <cstdint>
#include <string_view>

namespace xgrad::detail {

constexpr std::uint64_t fnv1a(std::string_view bytes) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    return h;
}

}  // namespace xgrad::detail
