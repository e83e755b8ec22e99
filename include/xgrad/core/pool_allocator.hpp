#pragma once
/// \file
/// detail::make_pooled: std::make_shared for the small objects every op
/// creates (tensor handles, storages, autograd nodes), served from a
/// per-thread free list. A training step creates and frees thousands of them;
/// the system allocator's own per-thread cache holds only a few blocks per
/// size and falls back to its slower paths, the pool reuses them in a few
/// instructions. A block freed on another thread joins that thread's list.
#include <cstddef>
#include <memory>
#include <utility>

namespace xgrad::detail {

/// A block of at least `bytes` bytes, 16-byte aligned.
void* pool_alloc(std::size_t bytes);
/// Returns a block from pool_alloc(bytes) (same `bytes`).
void pool_free(void* p, std::size_t bytes) noexcept;

template <class T> struct PoolAllocator {
    using value_type = T;
    PoolAllocator() noexcept = default;
    template <class U> PoolAllocator(const PoolAllocator<U>&) noexcept {}
    T* allocate(std::size_t n) {
        static_assert(alignof(T) <= 16, "PoolAllocator: blocks are 16-byte aligned");
        return static_cast<T*>(pool_alloc(n * sizeof(T)));
    }
    void deallocate(T* p, std::size_t n) noexcept { pool_free(p, n * sizeof(T)); }
    friend bool operator==(const PoolAllocator&, const PoolAllocator&) noexcept { return true; }
};

template <class T, class... Args> std::shared_ptr<T> make_pooled(Args&&... args) {
    return std::allocate_shared<T>(PoolAllocator<T>{}, std::forward<Args>(args)...);
}

}  // namespace xgrad::detail
