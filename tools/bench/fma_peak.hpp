#pragma once
// The machine's float32 FMA peak, measured: independent chains of vector
// FMAs (enough to cover the FMA latency on every port) on `threads` threads
// at once. The instruction set is picked at run time (AVX-512, else
// AVX2+FMA, else SSE multiply-adds), so the figure is this CPU's, whatever
// the build flags.
#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace bench {

namespace fma_detail {

constexpr int kChains = 12;           // accumulators: > latency (4) x ports (2)
constexpr long kIterations = 32 << 20;  // per thread: ~0.1 s at 200 GFLOP/s

__attribute__((target("avx512f"))) inline float chains_avx512(float seed) {
    __m512 acc[kChains];
    for (int c = 0; c < kChains; ++c) acc[c] = _mm512_set1_ps(seed + static_cast<float>(c));
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (long i = 0; i < kIterations; ++i)
        for (int c = 0; c < kChains; ++c) acc[c] = _mm512_fmadd_ps(acc[c], a, b);
    alignas(64) float lanes[16];
    float sum = 0;
    for (int c = 0; c < kChains; ++c) {
        _mm512_store_ps(lanes, acc[c]);
        for (float v : lanes) sum += v;
    }
    return sum;
}

__attribute__((target("avx2,fma"))) inline float chains_avx2(float seed) {
    __m256 acc[kChains];
    for (int c = 0; c < kChains; ++c) acc[c] = _mm256_set1_ps(seed + static_cast<float>(c));
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (long i = 0; i < kIterations; ++i)
        for (int c = 0; c < kChains; ++c) acc[c] = _mm256_fmadd_ps(acc[c], a, b);
    alignas(32) float lanes[8];
    float sum = 0;
    for (int c = 0; c < kChains; ++c) {
        _mm256_store_ps(lanes, acc[c]);
        for (float v : lanes) sum += v;
    }
    return sum;
}

/// Lanes per vector FMA of the instruction set chosen for this CPU, and its name.
inline int lanes() { return __builtin_cpu_supports("avx512f") ? 16 : __builtin_cpu_supports("fma") ? 8 : 0; }

inline float run_chains(float seed) {
    return lanes() == 16 ? chains_avx512(seed) : chains_avx2(seed);
}

}  // namespace fma_detail

/// "AVX-512", "AVX2+FMA" or "none" (no FMA: the peak is reported as 0).
inline const char* fma_isa() {
    const int l = fma_detail::lanes();
    return l == 16 ? "AVX-512" : l == 8 ? "AVX2+FMA" : "none";
}

/// GFLOP/s of `threads` threads each running the FMA chains at once: the
/// sum of each thread's own rate (its flops over its own wall time, so a
/// thread sharing a core counts at half speed), best of 3.
inline double fma_peak_gflops(int threads) {
    const int lanes = fma_detail::lanes();
    if (lanes == 0) return 0.0;
    const double flops = 2.0 * lanes * fma_detail::kChains * static_cast<double>(fma_detail::kIterations);
    double best = 0.0;
    for (int round = 0; round < 3; ++round) {
        std::atomic<bool> go{false};
        std::vector<std::thread> pool;
        std::vector<double> rate(static_cast<std::size_t>(threads));
        std::vector<float> sink(static_cast<std::size_t>(threads));
        for (int t = 0; t < threads; ++t) {
            pool.emplace_back([&, t] {
                while (!go.load()) std::this_thread::yield();
                const auto start = std::chrono::steady_clock::now();
                sink[static_cast<std::size_t>(t)] = fma_detail::run_chains(static_cast<float>(t));
                const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                rate[static_cast<std::size_t>(t)] = flops / s * 1e-9;
            });
        }
        go.store(true);
        for (std::thread& t : pool) t.join();
        double total = 0.0;
        for (double r : rate) total += r;
        best = std::max(best, total);
    }
    return best;
}

}  // namespace bench
