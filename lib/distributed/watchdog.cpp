#include "watchdog.hpp"

#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace xgrad::distributed::detail {

namespace {

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

Watchdog& watchdog() {
    static Watchdog w;
    return w;
}

void Watchdog::start(int rank) {
    const std::lock_guard lock(mutex_);
    if (thread_.joinable()) return;
    rank_ = rank;
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void Watchdog::stop() {
    {
        const std::lock_guard lock(mutex_);
        if (!thread_.joinable()) return;
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

Watchdog::Span::Span(Watchdog& w, const char* op) noexcept : w_(w) {
    w_.op_.store(op, std::memory_order_relaxed);
    w_.since_ns_.store(now_ns(), std::memory_order_release);
}

Watchdog::Span::~Span() { w_.since_ns_.store(0, std::memory_order_release); }

void Watchdog::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        const double limit = timeout();
        // Look ten times per timeout (between 10 ms and 1 s apart).
        const double period = limit > 0 ? std::clamp(limit / 10, 0.01, 1.0) : 1.0;
        wake_.wait_for(lock, std::chrono::duration<double>(period), [this] { return stopping_; });
        if (stopping_ || limit <= 0) continue;
        const std::int64_t since = since_ns_.load(std::memory_order_acquire);
        const double waited = since ? static_cast<double>(now_ns() - since) * 1e-9 : 0.0;
        if (waited <= limit) continue;
        const char* op = op_.load(std::memory_order_relaxed);
        std::fprintf(stderr,
                     "xgrad: rank %d: %s waited %.1f s for the other ranks (timeout %g s; did a rank fail, hang or "
                     "leave?); aborting the job\n",
                     rank_, op ? op : "an MPI call", waited, limit);
        std::fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

}  // namespace xgrad::distributed::detail
