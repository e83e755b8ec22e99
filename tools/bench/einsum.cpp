// xgrad_bench_einsum: einsum of matmul-shaped equations against matmul on the
// same operands (the target: within 1.1x), printed as a markdown table.
// `meson compile -C build bench_einsum` runs it.
//
// Timing: medians over interleaved samples (matmul einsum, einsum matmul, …)
// so that load from other processes on the machine hits both sides alike; a
// sample repeats the call until it lasts >= ~2 ms and reports the time per
// call. "ratio" is einsum/matmul of the medians, "best ratio" of the minima.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "xgrad/xgrad.hpp"

using namespace xgrad;

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kSamples = 201;
constexpr double kMinSample = 0.002;  // seconds: short, so most samples fall between preemptions

/// Calls of f that make one sample last >= kMinSample (after a warm-up call).
int repetitions(const std::function<void()>& f) {
    f();
    const auto t0 = Clock::now();
    f();
    const double once = std::chrono::duration<double>(Clock::now() - t0).count();
    return std::max(1, static_cast<int>(kMinSample / std::max(once, 1e-9)));
}

/// Seconds per call of f, one sample of `reps` calls.
double sample(const std::function<void()>& f, int reps) {
    const auto start = Clock::now();
    for (int r = 0; r < reps; ++r) f();
    return std::chrono::duration<double>(Clock::now() - start).count() / reps;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct Timing {
    double median_a, median_b, best_a, best_b;  // seconds per call
};

/// Seconds per call of a and of b, sampled alternately (a b, b a, a b, …).
Timing interleaved(const std::function<void()>& a, const std::function<void()>& b) {
    const int reps_a = repetitions(a), reps_b = repetitions(b);
    std::vector<double> ta, tb;
    for (int s = 0; s < kSamples; ++s) {
        if (s % 2 == 0) ta.push_back(sample(a, reps_a));
        tb.push_back(sample(b, reps_b));
        if (s % 2 == 1) ta.push_back(sample(a, reps_a));
    }
    return {median(ta), median(tb), *std::min_element(ta.begin(), ta.end()), *std::min_element(tb.begin(), tb.end())};
}

struct Workload {
    const char* equation;
    Shape a, b;
};

void row(const Workload& w, bool backward) {
    Tensor a = randn(w.a);
    Tensor b = randn(w.b);
    a.requires_grad_(backward);
    b.requires_grad_(backward);
    auto run = [&](const std::function<Tensor()>& product) {
        return [&, product] {
            const Tensor c = product();
            if (backward) {
                c.backward(ones_like(c));
                a.zero_grad();
                b.zero_grad();
            }
        };
    };
    const Timing t = interleaved(run([&] { return matmul(a, b); }), run([&] { return einsum(w.equation, {a, b}); }));
    const std::string shapes = to_string(w.a) + " x " + to_string(w.b);
    std::printf("| %-14s | %-23s | %-9s | %10.1f | %10.1f | %6.3f | %10.3f |\n", w.equation, shapes.c_str(),
                backward ? "fwd + bwd" : "forward", t.median_a * 1e6, t.median_b * 1e6, t.median_b / t.median_a,
                t.best_b / t.best_a);
}

}  // namespace

int main() {
    manual_seed(0);
    std::printf("## einsum vs matmul, float32, %d thread(s) (XGRAD_NUM_THREADS), medians of %d interleaved samples\n\n",
                num_threads(), kSamples);
    std::printf("| %-14s | %-23s | %-9s | %10s | %10s | %6s | %10s |\n", "equation", "shapes", "pass", "matmul us",
                "einsum us", "ratio", "best ratio");
    std::printf("|%s|%s|%s|%s|%s|%s|%s|\n", std::string(16, '-').c_str(), std::string(25, '-').c_str(),
                std::string(11, '-').c_str(), std::string(12, '-').c_str(), std::string(12, '-').c_str(),
                std::string(8, '-').c_str(), std::string(12, '-').c_str());
    const std::vector<Workload> workloads = {
        {"ij,jk->ik", {32, 784}, {784, 300}},
        {"ij,jk->ik", {256, 784}, {784, 300}},
        {"bij,bjk->bik", {8, 128, 64}, {8, 64, 128}},
    };
    for (const bool backward : {false, true})
        for (const Workload& w : workloads) row(w, backward);
    return 0;
}
