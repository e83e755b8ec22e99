#pragma once
// Formatting helpers for Module::config(): numbers printed so they parse back
// to the same double (std::to_chars shortest round-trip form).
#include <charconv>
#include <string>
#include <vector>

#include "xgrad/core/shape.hpp"
#include "xgrad/nn/init.hpp"

namespace xgrad::nn::detail {

inline std::string config_number(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}
inline std::string config_bool(bool v) { return v ? "true" : "false"; }
/// "[1,2,3]"
inline std::string config_ints(const std::vector<std::int64_t>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
    return s + "]";
}
inline std::string config_initializer(const InitializerRef& init) { return init->name(); }

}  // namespace xgrad::nn::detail
