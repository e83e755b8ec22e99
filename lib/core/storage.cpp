#include "xgrad/core/storage.hpp"

#include <array>
#include <bit>
#include <cstdlib>
#include <new>
#include <vector>

namespace xgrad {
namespace {

constexpr std::size_t alignment = 64;
constexpr std::size_t min_class_bytes = 64;
constexpr int class_count = 27;                     // 64 B .. 4 GiB
constexpr std::size_t largest_cached = 64u << 20;   // bigger buffers go straight to the system
constexpr std::size_t cache_limit = 512u << 20;     // per thread

int size_class(std::size_t nbytes) {
    const std::size_t rounded = std::bit_ceil(std::max(nbytes, min_class_bytes));
    return std::countr_zero(rounded) - std::countr_zero(min_class_bytes);
}
std::size_t class_bytes(int c) { return min_class_bytes << c; }

// Whether this thread's cache may be used. A plain (constant-initialized)
// thread_local stays readable after the cache object is destroyed at thread
// or program exit, when tensors with static or thread storage duration can
// still be freed: from then on buffers go straight to the system.
constinit thread_local bool cache_destroyed = false;

// A per-thread cache needs no lock. A buffer freed on another thread than the
// one that allocated it simply moves to that thread's cache.
struct ThreadCache {
    std::array<std::vector<void*>, class_count> free_lists;
    std::size_t bytes = 0;

    void clear() noexcept {
        for (auto& list : free_lists) {
            for (void* p : list) std::free(p);
            list.clear();
        }
        bytes = 0;
    }
    ~ThreadCache() {
        clear();
        cache_destroyed = true;
    }
};

/// This thread's cache, or null once it has been destroyed.
ThreadCache* cache() noexcept {
    if (cache_destroyed) return nullptr;
    thread_local ThreadCache c;
    return &c;
}

}  // namespace

namespace detail {

void* cached_alloc(std::size_t nbytes) {
    const int c = size_class(nbytes);
    const std::size_t bytes = class_bytes(c);
    if (ThreadCache* tc = cache(); tc && bytes <= largest_cached) {
        auto& list = tc->free_lists[c];
        if (!list.empty()) {
            void* p = list.back();
            list.pop_back();
            tc->bytes -= bytes;
            return p;
        }
    }
    void* p = std::aligned_alloc(alignment, bytes);
    if (!p) throw std::bad_alloc();
    return p;
}

void cached_free(void* p, std::size_t nbytes) noexcept {
    const int c = size_class(nbytes);
    const std::size_t bytes = class_bytes(c);
    ThreadCache* tc = cache();
    if (tc && bytes <= largest_cached && tc->bytes + bytes <= cache_limit) {
        try {
            tc->free_lists[c].push_back(p);
            tc->bytes += bytes;
            return;
        } catch (...) {
        }
    }
    std::free(p);
}

std::size_t cached_bytes() noexcept {
    const ThreadCache* tc = cache();
    return tc ? tc->bytes : 0;
}
void release_cache() noexcept {
    if (ThreadCache* tc = cache()) tc->clear();
}

}  // namespace detail

Storage::Storage(std::size_t nbytes) : data_(detail::cached_alloc(nbytes)), nbytes_(nbytes) {}

Storage::~Storage() {
    if (!owner_) detail::cached_free(data_, nbytes_);
}

}  // namespace xgrad
