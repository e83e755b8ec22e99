#pragma once
/// \file
/// Storage: a 64-byte-aligned, type-erased byte buffer shared by a tensor and
/// its reshaped views. Buffers come from a per-thread size-class cache, so a
/// training loop that makes tensors of the same sizes every step reuses them
/// instead of going back to the system allocator.
#include <cstddef>
#include <cstdint>
#include <memory>

namespace xgrad {

/// The memory behind a tensor: a buffer shared by the tensor and its views,
/// with the version counter that detects in-place writes.
class Storage {
public:
    /// An uninitialized buffer of `nbytes` bytes from the cache.
    explicit Storage(std::size_t nbytes);
    /// Wraps memory owned by `owner` (e.g. an xt::xarray moved in): no copy.
    Storage(void* data, std::size_t nbytes, std::shared_ptr<void> owner) noexcept
        : data_(data), nbytes_(nbytes), owner_(std::move(owner)) {}
    ~Storage();
    Storage(const Storage&) = delete;
    Storage& operator=(const Storage&) = delete;

    /// Start of the buffer (64-byte aligned when it came from the cache).
    void* data() const noexcept { return data_; }
    /// Size of the buffer in bytes.
    std::size_t nbytes() const noexcept { return nbytes_; }

    /// Bumped by every in-place write; autograd compares it with the value it
    /// saw when it saved a tensor for backward.
    std::uint32_t version() const noexcept { return version_; }
    /// Records an in-place write (increments version()).
    void bump_version() noexcept { ++version_; }

private:
    void* data_ = nullptr;
    std::size_t nbytes_ = 0;
    std::uint32_t version_ = 0;
    std::shared_ptr<void> owner_;  // null when the buffer came from the cache
};

namespace detail {
/// The caching allocator behind Storage: 64-byte aligned, rounded to a size class.
void* cached_alloc(std::size_t nbytes);
void cached_free(void* p, std::size_t nbytes) noexcept;
/// Bytes currently parked in this thread's cache (for tests and benchmarks).
std::size_t cached_bytes() noexcept;
/// Returns this thread's cached buffers to the system.
void release_cache() noexcept;
}  // namespace detail

}  // namespace xgrad
