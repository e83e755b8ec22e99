#pragma once
// The benches' timer: xgrad and its reference run in alternating samples and
// each keeps its best, so load from other processes (the machine may be
// shared) slows both alike.
#include <algorithm>
#include <chrono>
#include <functional>
#include <utility>

namespace xgrad::bench {

/// Seconds per call of f over `calls` calls.
inline double seconds_per_call(const std::function<void()>& f, int calls = 1) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i) f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / calls;
}

/// Best seconds per call of a and b over `samples` alternating samples each,
/// after one warm-up call of each. A sample is one call, or with
/// `min_sample_seconds` > 0 as many calls as take about that long.
inline std::pair<double, double> best_times(const std::function<void()>& a, const std::function<void()>& b,
                                            int samples = 15, double min_sample_seconds = 0.0) {
    a();
    b();
    auto calls_for = [min_sample_seconds](const std::function<void()>& f) {
        if (min_sample_seconds <= 0.0) return 1;
        return std::max(1, static_cast<int>(min_sample_seconds / std::max(seconds_per_call(f), 1e-9)));
    };
    const int calls_a = calls_for(a), calls_b = calls_for(b);
    double best_a = 1e30, best_b = 1e30;
    for (int s = 0; s < samples; ++s) {
        best_a = std::min(best_a, seconds_per_call(a, calls_a));
        best_b = std::min(best_b, seconds_per_call(b, calls_b));
    }
    return {best_a, best_b};
}

}  // namespace xgrad::bench
