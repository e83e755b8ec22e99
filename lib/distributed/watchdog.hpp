#pragma once
// Bounds how long this rank waits in MPI for the others: a collective that
// outlives the timeout prints which rank and operation waited and aborts the
// job (MPI cannot drop a failed rank and carry on, so waiting longer only hangs).
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace xgrad::distributed::detail {

class Watchdog {
public:
    ~Watchdog() { stop(); }
    /// Starts the thread (if not running) for rank `rank`.
    void start(int rank);
    /// Joins the thread.
    void stop();
    void set_timeout(double seconds) noexcept { timeout_seconds_.store(seconds, std::memory_order_relaxed); }
    double timeout() const noexcept { return timeout_seconds_.load(std::memory_order_relaxed); }

    /// Marks the span of one blocking MPI call (the watchdog reads the clock
    /// only; entering and leaving cost two atomic stores).
    class Span {
    public:
        Span(Watchdog& w, const char* op) noexcept;
        ~Span();
        Span(const Span&) = delete;
        Span& operator=(const Span&) = delete;

    private:
        Watchdog& w_;
    };

private:
    void run();

    std::atomic<double> timeout_seconds_{600.0};
    std::atomic<const char*> op_{nullptr};
    std::atomic<std::int64_t> since_ns_{0};  // 0: not inside an MPI call
    int rank_ = 0;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

/// The process's watchdog.
Watchdog& watchdog();

}  // namespace xgrad::distributed::detail
