#pragma once
// Image ops (im2col, col2im, pooling) split a batch over xgrad's pool: each
// image's output (and, for adjoints, its input gradient) is its own, so
// chunks of whole images never write the same element.
#include <algorithm>
#include <cstdint>

#include "core/thread_pool.hpp"
#include "xgrad/core/threads.hpp"

namespace xgrad::detail {

/// Runs images(first, last) over [0, n) images: in up to 4 chunks per pool
/// thread when the op touches at least 2^15 elements (`work`), else at once.
template <class F> void over_images(std::int64_t n, std::int64_t work, F&& images) {
    const std::int64_t tasks = std::min<std::int64_t>(n, 4 * num_threads());
    if (tasks <= 1 || work < (std::int64_t{1} << 15)) return images(std::int64_t{0}, n);
    parallel_for(tasks, [&](std::int64_t t) { images(n * t / tasks, n * (t + 1) / tasks); });
}

}  // namespace xgrad::detail
