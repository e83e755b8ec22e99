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

#include "alternating_timer.hpp"
#include "xgrad/xgrad.hpp"

extern "C" void dgesv_(const int* n, const int* nrhs, double* a, const int* lda, int* ipiv, double* b,
                       const int* ldb, int* info);
extern "C" void openblas_set_num_threads(int);

using namespace xgrad;

namespace {

using bench::best_times;

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
    }, 15, 0.02);  // samples of about 20 ms: one call is a few ms
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
