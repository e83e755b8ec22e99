#pragma once
// oneDNN runs its primitives on OpenMP threads. xgrad splits work over its own
// pool instead (core/thread_pool.hpp) and calls oneDNN single-threaded from
// each task: OpenMP's workers spin at a barrier after every region, which made
// small products 1.5x slower on two threads (see gemm.cpp).
#include <omp.h>

namespace xgrad::detail {

/// OpenMP's thread count is 1 for this scope, on this thread only.
class SingleThreadedOmp {
public:
    SingleThreadedOmp() : previous_(omp_get_max_threads()) {
        if (previous_ != 1) omp_set_num_threads(1);
    }
    ~SingleThreadedOmp() {
        if (previous_ != 1) omp_set_num_threads(previous_);
    }
    SingleThreadedOmp(const SingleThreadedOmp&) = delete;
    SingleThreadedOmp& operator=(const SingleThreadedOmp&) = delete;

private:
    int previous_;
};

}  // namespace xgrad::detail
