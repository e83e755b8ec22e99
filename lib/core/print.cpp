// NumPy-like printing: nested brackets, aligned columns, "..." past 1000
// elements (3 items kept at each edge), dtype shown when not float32; bool
// elements print as true/false.
#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

namespace {

constexpr std::int64_t summarize_above = 1000;
constexpr std::int64_t edge_items = 3;

struct Printer {
    const Tensor& t;
    std::vector<double> values;
    bool summarize;
    bool integral;
    bool boolean;
    bool scientific = false;
    int width = 1;

    explicit Printer(const Tensor& tensor)
        : t(tensor), values(tensor.to_vector<double>()), summarize(tensor.numel() > summarize_above),
          integral(!is_floating(tensor.dtype())), boolean(tensor.dtype() == Dtype::boolean) {
        double largest = 0, smallest = INFINITY;
        for (double v : values) {
            if (!std::isfinite(v)) continue;
            largest = std::max(largest, std::abs(v));
            if (v != 0) smallest = std::min(smallest, std::abs(v));
        }
        scientific = !integral && (largest >= 1e8 || (smallest < 1e-4 && smallest != INFINITY));
        for (double v : values) width = std::max(width, static_cast<int>(format(v).size()));
    }

    std::string format(double v) const {
        char buf[64];
        if (boolean) return v != 0 ? "true" : "false";
        if (integral) std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
        else if (std::isnan(v)) std::snprintf(buf, sizeof buf, "nan");
        else if (std::isinf(v)) std::snprintf(buf, sizeof buf, v > 0 ? "inf" : "-inf");
        else if (scientific) std::snprintf(buf, sizeof buf, "%.4e", v);
        else std::snprintf(buf, sizeof buf, "%.4f", v);
        return buf;
    }

    void print(std::ostream& os, std::size_t dim, std::int64_t offset, int indent) const {
        const Shape& s = t.shape();
        if (s.empty()) {
            os << format(values[0]);
            return;
        }
        const std::int64_t n = s[dim];
        std::int64_t stride = 1;
        for (std::size_t d = dim + 1; d < s.size(); ++d) stride *= s[d];
        os << '[';
        for (std::int64_t i = 0; i < n; ++i) {
            if (summarize && n > 2 * edge_items && i == edge_items) {
                os << (dim + 1 == s.size() ? "..., " : "...,\n" + std::string(indent + 1, ' '));
                i = n - edge_items;
            }
            if (dim + 1 == s.size()) {
                const std::string v = format(values[offset + i]);
                os << std::string(width - v.size(), ' ') << v;
            } else {
                print(os, dim + 1, offset + i * stride, indent + 1);
            }
            if (i + 1 < n) {
                if (dim + 1 == s.size()) os << ", ";
                else os << ",\n" << std::string(s.size() - dim - 2, '\n') << std::string(indent + 1, ' ');
            }
        }
        os << ']';
    }
};

}  // namespace

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
    if (!t.defined()) return os << "tensor(undefined)";
    os << "tensor(";
    Printer(t).print(os, 0, 0, 7);
    if (t.dtype() != float32) os << ", dtype=" << dtype_name(t.dtype());
    if (t.requires_grad()) os << ", requires_grad=true";
    return os << ')';
}

std::string to_string(const Tensor& t) {
    std::ostringstream os;
    os << t;
    return os.str();
}

}  // namespace xgrad
