#include "xgrad/core/pool_allocator.hpp"

#include <array>
#include <new>

namespace xgrad::detail {
namespace {

constexpr std::size_t granule = 16;          // size classes 16, 32, …, 1024 bytes
constexpr std::size_t largest_pooled = 1024;
constexpr std::size_t class_count = largest_pooled / granule;
constexpr std::size_t cache_limit = 32u << 20;  // bytes kept per thread; the rest goes back

std::size_t class_of(std::size_t bytes) noexcept { return (bytes + granule - 1) / granule - 1; }
std::size_t class_bytes(std::size_t c) noexcept { return (c + 1) * granule; }

struct FreeBlock {
    FreeBlock* next;
};

// As the storage cache (storage.cpp): a constant-initialized flag stays
// readable after this thread's lists are destroyed, when objects with static
// or thread storage duration can still be freed.
constinit thread_local bool lists_destroyed = false;

struct FreeLists {
    std::array<FreeBlock*, class_count> heads{};
    std::size_t bytes = 0;
    ~FreeLists() {
        for (FreeBlock* head : heads) {
            while (head) {
                FreeBlock* next = head->next;
                ::operator delete(head);
                head = next;
            }
        }
        lists_destroyed = true;
    }
};

FreeLists* lists() noexcept {
    if (lists_destroyed) return nullptr;
    thread_local FreeLists l;
    return &l;
}

// Under AddressSanitizer every block comes from the system, so a use after
// free is still caught.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool pooling = false;
#else
constexpr bool pooling = true;
#endif

}  // namespace

void* pool_alloc(std::size_t bytes) {
    if (!pooling || bytes == 0 || bytes > largest_pooled) return ::operator new(bytes);
    const std::size_t c = class_of(bytes);
    if (FreeLists* l = lists()) {
        if (FreeBlock* b = l->heads[c]) {
            l->heads[c] = b->next;
            l->bytes -= class_bytes(c);
            return b;
        }
    }
    return ::operator new(class_bytes(c));
}

void pool_free(void* p, std::size_t bytes) noexcept {
    if (!pooling || bytes == 0 || bytes > largest_pooled) {
        ::operator delete(p);
        return;
    }
    const std::size_t c = class_of(bytes);
    FreeLists* l = lists();
    if (!l || l->bytes + class_bytes(c) > cache_limit) {
        ::operator delete(p);
        return;
    }
    auto* b = static_cast<FreeBlock*>(p);
    b->next = l->heads[c];
    l->heads[c] = b;
    l->bytes += class_bytes(c);
}

}  // namespace xgrad::detail
