#pragma once
// The library's thread pool (internal): parallel_for over a few coarse tasks,
// e.g. the column blocks of one matrix product. Sizing and the user-facing
// contract are in xgrad/core/threads.hpp.
#include <cstdint>
#include <utility>

namespace xgrad::detail {

using TaskFunction = void (*)(void* context, std::int64_t task);

/// Runs task(context, i) for every i in [0, tasks) on the calling thread and
/// the pool's workers and returns when all have finished. Runs them in order
/// on the calling thread instead when the pool has no workers, another thread
/// holds it, or the caller is itself a pool task. The first exception a task
/// throws is rethrown here after every task has finished.
void parallel_for(std::int64_t tasks, TaskFunction task, void* context);

/// parallel_for with any callable `body(std::int64_t task)`.
template <class Body>
void parallel_for(std::int64_t tasks, Body&& body) {
    parallel_for(
        tasks, [](void* context, std::int64_t i) { (*static_cast<std::remove_reference_t<Body>*>(context))(i); },
        const_cast<void*>(static_cast<const void*>(&body)));
}

}  // namespace xgrad::detail
