#pragma once
/// \file
/// detail::SmallVector: a fixed-length array that keeps up to N elements
/// inline and puts longer ones on the heap. Autograd nodes hold their input
/// edges and gradient slots in it: almost every op has at most three inputs
/// and one output, so recording an op costs no allocation for either.
#include <array>
#include <cstddef>
#include <memory>

namespace xgrad::detail {

template <class T, std::size_t N> class SmallVector {
public:
    SmallVector() = default;
    SmallVector(const SmallVector&) = delete;
    SmallVector& operator=(const SmallVector&) = delete;

    /// Replaces the contents with n default-constructed elements.
    void assign(std::size_t n) {
        clear();
        if (n > N) heap_ = std::make_unique<T[]>(n);
        size_ = n;
    }
    /// Releases every element (inline ones are reset to T{}).
    void clear() noexcept {
        if (heap_) heap_.reset();
        else
            for (std::size_t i = 0; i < size_; ++i) inline_[i] = T{};
        size_ = 0;
    }

    std::size_t size() const noexcept { return size_; }
    T* data() noexcept { return heap_ ? heap_.get() : inline_.data(); }
    const T* data() const noexcept { return heap_ ? heap_.get() : inline_.data(); }
    T& operator[](std::size_t i) noexcept { return data()[i]; }
    const T& operator[](std::size_t i) const noexcept { return data()[i]; }
    T* begin() noexcept { return data(); }
    T* end() noexcept { return data() + size_; }
    const T* begin() const noexcept { return data(); }
    const T* end() const noexcept { return data() + size_; }

private:
    std::array<T, N> inline_{};
    std::unique_ptr<T[]> heap_;
    std::size_t size_ = 0;
};

}  // namespace xgrad::detail
