#pragma once
// GradientTransform::config() text: "name=value, …" with numbers written so
// that they read back to the same double (two configs differ exactly when a
// hyperparameter does).
#include <charconv>
#include <initializer_list>
#include <string>
#include <utility>

namespace xgrad::optim::detail {

/// One hyperparameter's value as text: the shortest that reads back to `v`.
inline std::string config_value(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

/// A flag's value as text.
inline std::string config_value(bool v) { return v ? "true" : "false"; }

/// "name=value, name=value" in the given order.
inline std::string config_text(std::initializer_list<std::pair<const char*, std::string>> entries) {
    std::string out;
    for (const auto& [name, value] : entries) out += (out.empty() ? "" : ", ") + std::string(name) + "=" + value;
    return out;
}

}  // namespace xgrad::optim::detail
