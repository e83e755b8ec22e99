#include "xgrad/core/shape.hpp"

#include <ostream>
#include <sstream>

#include "xgrad/core/error.hpp"

namespace xgrad {

Shape Shape::filled(std::size_t rank, std::int64_t fill) {
    Shape s;
    for (std::size_t i = 0; i < rank; ++i) s.push_back(fill);
    return s;
}

void Shape::assign(const std::int64_t* p, std::size_t n) {
    if (n > capacity_) {
        heap_ = std::make_unique<std::int64_t[]>(n);
        capacity_ = n;
    }
    std::copy(p, p + n, data());
    size_ = n;
}

void Shape::steal(Shape& o) noexcept {
    heap_ = std::move(o.heap_);
    capacity_ = heap_ ? o.capacity_ : inline_rank;
    size_ = o.size_;
    if (!heap_) std::copy(o.inline_, o.inline_ + o.size_, inline_);
    o.size_ = 0;
    o.capacity_ = inline_rank;
}

void Shape::push_back(std::int64_t d) { insert(size_, d); }

void Shape::insert(std::size_t pos, std::int64_t d) {
    if (size_ == capacity_) {
        auto bigger = std::make_unique<std::int64_t[]>(capacity_ * 2);
        std::copy(begin(), end(), bigger.get());
        heap_ = std::move(bigger);
        capacity_ *= 2;
    }
    std::int64_t* p = data();
    std::copy_backward(p + pos, p + size_, p + size_ + 1);
    p[pos] = d;
    ++size_;
}

void Shape::erase(std::size_t pos) {
    std::int64_t* p = data();
    std::copy(p + pos + 1, p + size_, p + pos);
    --size_;
}

std::string to_string(const Shape& s) {
    std::string out = "[";
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i) out += ',';
        out += std::to_string(s[i]);
    }
    return out + "]";
}

std::ostream& operator<<(std::ostream& os, const Shape& s) { return os << to_string(s); }

std::int64_t checked_numel(std::span<const std::int64_t> dims, const std::string& what) {
    std::int64_t n = 1;
    for (const std::int64_t d : dims) {
        if (d < 0) throw ShapeError(what + ": negative dimension in shape " + to_string(Shape(dims)));
        if (__builtin_mul_overflow(n, d, &n))
            throw ShapeError(what + ": shape " + to_string(Shape(dims)) + " has more than 2^63 elements");
    }
    return n;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
    if (a == b) return a;
    const std::size_t rank = std::max(a.size(), b.size());
    Shape out = Shape::filled(rank, 1);
    for (std::size_t i = 0; i < rank; ++i) {
        const std::int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
        const std::int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
        if (da != db && da != 1 && db != 1) {
            std::ostringstream msg;
            msg << op << ": shapes " << a << " and " << b << " cannot be broadcast (dimension "
                << i << ": " << da << " vs " << db << ")";
            throw ShapeError(msg.str());
        }
        out[i] = da == 1 ? db : da;
    }
    return out;
}

std::size_t normalize_axis(std::int64_t axis, std::size_t rank, const char* op) {
    const auto r = static_cast<std::int64_t>(rank);
    if (axis < -r || axis >= r || (r == 0)) {
        throw ValueError(std::string(op) + ": axis " + std::to_string(axis) +
                         " is out of range for a tensor of rank " + std::to_string(rank));
    }
    return static_cast<std::size_t>(axis < 0 ? axis + r : axis);
}

Shape contiguous_strides(const Shape& s) {
    Shape st = Shape::filled(s.size(), 1);
    for (std::size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * s[i];
    return st;
}

}  // namespace xgrad
