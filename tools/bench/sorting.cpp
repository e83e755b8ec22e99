// xgrad_bench_sort: sort and topk of 10^6 float32 values on one thread,
// against std::sort / std::nth_element (+ std::sort of the k) on a copy of
// the same data, printed as a markdown table. `meson compile -C build bench_sort` runs it.
//
// Timing: best of 15 samples after a warm-up call, xgrad and the reference
// alternating (the machine may be shared); the references copy
// their input each call (sorting works in place), as xgrad writes a new tensor.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "alternating_timer.hpp"
#include "xgrad/xgrad.hpp"

using namespace xgrad;

namespace {

using bench::best_times;

void row(const std::string& what, std::pair<double, double> times, const char* reference) {
    std::printf("| %s | %.2f | %.2f (%s) | %.2f |\n", what.c_str(), times.first * 1e3, times.second * 1e3, reference,
                times.first / times.second);
}

}  // namespace

int main() {
    set_num_threads(1);
    constexpr std::int64_t n = 1'000'000;
    Generator gen(7);
    const Tensor x = randn({n}, float32, gen);
    const std::vector<float> data = x.to_vector<float>();
    std::vector<float> work(data.size());

    std::printf("sort / topk of %lld float32 values, one thread (ms, best of 15, alternating)\n\n",
                static_cast<long long>(n));
    std::printf("| op | xgrad | reference | ratio |\n|---|---|---|---|\n");
    row("sort", best_times([&] { (void)sort(x); },
                           [&] {
                               std::copy(data.begin(), data.end(), work.begin());
                               std::sort(work.begin(), work.end());
                           }),
        "std::sort");
    for (std::int64_t k : {std::int64_t{10}, std::int64_t{1000}}) {
        row("topk k=" + std::to_string(k), best_times([&] { (void)topk(x, k); },
                                                      [&] {
                                                          std::copy(data.begin(), data.end(), work.begin());
                                                          std::nth_element(work.begin(), work.begin() + k, work.end(),
                                                                           std::greater<float>());
                                                          std::sort(work.begin(), work.begin() + k, std::greater<float>());
                                                      }),
            "std::nth_element + sort of the k");
    }
    return 0;
}
