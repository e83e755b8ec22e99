// xgrad_bench_linalg: linalg::solve on a batch of 256 systems of 32×32
// against LAPACK's dgesv called directly in a loop (the target: within 1.5×),
// for one and for 32 right-hand sides, float64, printed as a markdown table.
// `meson compile -C build bench_linalg` runs it.
//
// The baseline does what any caller of dgesv must: copy each A and B into
// scratch (dgesv overwrites both) and call it; xgrad additionally allocates
// the result and converts between row- and column-major. The two run in
// alternating samples (best of 15 each), as the machine may be shared.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>
#include <vector>

#include "xgrad/xgrad.hpp"

extern "C" void dgesv_(const int* n, const int* nrhs, double* a, const int* lda, int* ipiv, double* b,
                       const int* ldb, int* info);
extern "C" void openblas_set_num_threads(int);

using namespace xgrad;

namespace {

using Clock = std::chrono::steady_clock;

/// Calls of f that take about 20 ms (at least one).
template <class F> int repetitions(F& f) {
    f();
    const auto t0 = Clock::now();
    f();
    const double once = std::chrono::duration<double>(Clock::now() - t0).count();
    return std::max(1, static_cast<int>(0.02 / std::max(once, 1e-9)));
}

/// Seconds per call of f over `reps` calls.
template <class F> double per_call(F& f, int reps) {
    const auto start = Clock::now();
    for (int r = 0; r < reps; ++r) f();
    return std::chrono::duration<double>(Clock::now() - start).count() / reps;
}

/// Best times per call of a and b over 15 alternating samples of about 20 ms
/// each, so that load from other processes hits both alike.
template <class A, class B> std::pair<double, double> best_times(A&& a, B&& b) {
    const int reps_a = repetitions(a), reps_b = repetitions(b);
    double best_a = 1e30, best_b = 1e30;
    for (int s = 0; s < 15; ++s) {
        best_a = std::min(best_a, per_call(a, reps_a));
        best_b = std::min(best_b, per_call(b, reps_b));
    }
    return {best_a, best_b};
}

void compare(std::int64_t batch, int n, int k) {
    Generator gen(7);
    const Tensor a = normal({batch, n, n}, 0.0, 0.4, float64, gen) + eye(n, n, float64) * 2.0;
    const Tensor b = normal({batch, n, k}, 0.0, 1.0, float64, gen);
    std::vector<double> a_scratch(static_cast<std::size_t>(n * n)), b_scratch(static_cast<std::size_t>(n * k));
    std::vector<int> pivots(static_cast<std::size_t>(n));
    const double* pa = a.data<double>();
    const double* pb = b.data<double>();
    const auto [t_xgrad, t_lapack] = best_times([&] { (void)linalg::solve(a, b); }, [&] {
        for (std::int64_t e = 0; e < batch; ++e) {
            std::copy(pa + e * n * n, pa + (e + 1) * n * n, a_scratch.begin());
            std::copy(pb + e * n * k, pb + (e + 1) * n * k, b_scratch.begin());
            int info = 0;
            dgesv_(&n, &k, a_scratch.data(), &n, pivots.data(), b_scratch.data(), &n, &info);
        }
    });
    std::printf("| %lld × %d×%d, %d rhs | %.1f | %.1f | %.2f× |\n", static_cast<long long>(batch), n, n, k,
                t_xgrad * 1e6, t_lapack * 1e6, t_xgrad / t_lapack);
}

}  // namespace

int main() {
    openblas_set_num_threads(1);  // as xgrad runs LAPACK
    std::printf("| float64 solve | xgrad linalg::solve (µs) | dgesv loop (µs) | ratio |\n|---|---|---|---|\n");
    compare(256, 32, 1);
    compare(256, 32, 32);
    return 0;
}
