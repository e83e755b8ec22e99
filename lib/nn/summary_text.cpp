#include "nn/summary_text.hpp"

#include <cstdio>

namespace xgrad::nn::detail {

std::string with_commas(std::int64_t n) {
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string readable_bytes(double bytes) {
    const char* units[] = {"B", "KB", "MB", "GB"};
    int u = 0;
    while (bytes >= 1024 && u < 3) {
        bytes /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f %s", bytes, units[u]);
    return buf;
}

std::string shape_text(const Shape& s) {
    std::string out = "(";
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i) out += ", ";
        out += s[i] < 0 ? "None" : std::to_string(s[i]);
    }
    return out + (s.size() == 1 ? ",)" : ")");
}

std::string shapes_text(const std::vector<Shape>& shapes) {
    std::string out;
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        if (i) out += i + 1 == shapes.size() ? " and " : ", ";
        out += shape_text(shapes[i]);
    }
    return out;
}

std::string pad(const std::string& text, std::size_t width) {
    return text + std::string(width > text.size() ? width - text.size() : 0, ' ');
}

}  // namespace xgrad::nn::detail
