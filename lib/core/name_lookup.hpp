#pragma once
// Lookup in a by-name registry (initializers, activations, losses, metrics):
// one place for the "unknown X 'name' (known: a, b, …)" error.
#include <string>
#include <string_view>

#include "xgrad/core/error.hpp"

namespace xgrad::detail {

/// The entry of `registry` (a std::map keyed by std::string with
/// std::less<>) called `name`; ValueError naming `what` and the known names otherwise.
template <class Map>
const typename Map::mapped_type& find_by_name(const Map& registry, std::string_view name, const char* what) {
    const auto it = registry.find(name);
    if (it != registry.end()) return it->second;
    std::string known;
    for (const auto& entry : registry) {
        if (!known.empty()) known += ", ";
        known += entry.first;
    }
    throw ValueError(std::string("unknown ") + what + " '" + std::string(name) + "' (known: " + known + ")");
}

}  // namespace xgrad::detail
