#pragma once
/// \file
/// Shape: the dimensions of a tensor, stored inline up to rank 6 so that
/// creating a tensor costs no allocation for its shape; longer shapes spill
/// to the heap, so any rank works.
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace xgrad {

/// The dimensions of a tensor, outermost first ({batch, features} for a Dense
/// input); a small vector of int64 with std::vector-like access.
class Shape {
public:
    using value_type = std::int64_t;               ///< The type of one dimension.
    static constexpr std::size_t inline_rank = 6;  ///< Ranks up to this need no heap allocation.

    /// The empty shape: rank 0, a scalar's.
    Shape() noexcept = default;
    /// From a list of dimensions: `Shape{32, 784}`, or `{32, 784}` where a Shape is expected.
    Shape(std::initializer_list<std::int64_t> dims) { assign(dims.begin(), dims.size()); }
    /// Copies the dimensions from `dims`.
    explicit Shape(std::span<const std::int64_t> dims) { assign(dims.data(), dims.size()); }
    /// Copies the dimensions from `dims` (implicit, so vectors pass where a Shape is expected).
    Shape(const std::vector<std::int64_t>& dims) { assign(dims.data(), dims.size()); }
    /// `rank` dimensions, each equal to `fill`.
    static Shape filled(std::size_t rank, std::int64_t fill);

    /// Copies the dimensions of `o`.
    Shape(const Shape& o) { assign(o.data(), o.size_); }
    /// Takes the dimensions of `o`, which is left empty.
    Shape(Shape&& o) noexcept { steal(o); }
    /// Copies the dimensions of `o`.
    Shape& operator=(const Shape& o) {
        if (this != &o) assign(o.data(), o.size_);
        return *this;
    }
    /// Takes the dimensions of `o`, which is left empty.
    Shape& operator=(Shape&& o) noexcept {
        if (this != &o) steal(o);
        return *this;
    }

    /// The rank: number of dimensions (0 for a scalar).
    std::size_t size() const noexcept { return size_; }
    /// True for rank 0 (a scalar), not for a shape with a zero dimension.
    bool empty() const noexcept { return size_ == 0; }
    /// The size() dimensions, contiguous.
    const std::int64_t* data() const noexcept { return heap_ ? heap_.get() : inline_; }
    /// The size() dimensions, contiguous and writable.
    std::int64_t* data() noexcept { return heap_ ? heap_.get() : inline_; }
    /// Iterator to the first (outermost) dimension.
    const std::int64_t* begin() const noexcept { return data(); }
    /// Iterator past the last (innermost) dimension.
    const std::int64_t* end() const noexcept { return data() + size_; }
    /// Iterator to the first (outermost) dimension.
    std::int64_t* begin() noexcept { return data(); }
    /// Iterator past the last (innermost) dimension.
    std::int64_t* end() noexcept { return data() + size_; }
    /// Dimension i (unchecked).
    std::int64_t operator[](std::size_t i) const noexcept { return data()[i]; }
    /// Dimension i, writable (unchecked).
    std::int64_t& operator[](std::size_t i) noexcept { return data()[i]; }
    /// The last (innermost) dimension; the shape must not be empty.
    std::int64_t back() const noexcept { return data()[size_ - 1]; }
    /// Views the dimensions as a span, valid while the Shape is unchanged.
    operator std::span<const std::int64_t>() const noexcept { return {data(), size_}; }

    /// Appends dimension `d` as the new innermost one.
    void push_back(std::int64_t d);
    /// Inserts dimension `d` before position `pos` (size() appends).
    void insert(std::size_t pos, std::int64_t d);
    /// Removes the dimension at `pos` (unchecked).
    void erase(std::size_t pos);
    /// The dimensions as a std::vector.
    std::vector<std::int64_t> to_vector() const { return {begin(), end()}; }

    /// Product of the dimensions (1 for a scalar).
    std::int64_t numel() const noexcept {
        std::int64_t n = 1;
        for (auto d : *this) n *= d;
        return n;
    }

    /// Same rank and same dimensions.
    friend bool operator==(const Shape& a, const Shape& b) noexcept {
        return std::equal(a.begin(), a.end(), b.begin(), b.end());
    }

private:
    void assign(const std::int64_t* p, std::size_t n);
    void steal(Shape& o) noexcept;

    std::int64_t inline_[inline_rank] = {};
    std::unique_ptr<std::int64_t[]> heap_;
    std::size_t size_ = 0;
    std::size_t capacity_ = inline_rank;
};

/// "[32,784]"; "[]" for a scalar.
std::string to_string(const Shape& s);
/// Writes to_string(s).
std::ostream& operator<<(std::ostream& os, const Shape& s);

/// The element count of `dims`, checked: ShapeError ("<what>: …", naming the
/// shape) for a negative dimension or a product that overflows int64. For
/// shapes from outside (files, configs, user input) before anything is sized
/// from them; Shape::numel() is the unchecked fast path for tensors that exist.
std::int64_t checked_numel(std::span<const std::int64_t> dims, const std::string& what);

/// NumPy broadcasting of two shapes; throws ShapeError naming `op` and both shapes.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

/// Maps a possibly negative axis into [0, rank); throws ValueError naming `op`.
std::size_t normalize_axis(std::int64_t axis, std::size_t rank, const char* op);

/// Row-major strides (in elements) of a contiguous tensor of this shape.
Shape contiguous_strides(const Shape& s);

}  // namespace xgrad
