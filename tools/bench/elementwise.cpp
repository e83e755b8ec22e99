// xgrad_bench_elementwise: the trigonometric ops and cumsum on 10^6 values,
// one thread, in ns per element, against the scalar loops they replaced,
// with the ops' largest ulp error against std:: on the same inputs; printed
// as a markdown table. `meson compile -C build bench_elementwise` runs it.
//
// The trigonometric ops used to be exactly the std:: loop (a plain loop over
// std::sin and the like into a new tensor), so that loop is both the std::
// reference and the previous path. cumsum's previous path is the scalar
// scan kept here: one running float64 sum per lane, lanes one after another.
//
// Timing: best of 15 samples after a warm-up call, xgrad and the reference
// alternating (the machine may be shared); both allocate their result
// tensor each call, as the previous op did.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "alternating_timer.hpp"
#include "xgrad/xgrad.hpp"

using namespace xgrad;

namespace {

using bench::best_times;

/// Units in the last place between a and b (0 for two NaNs, −0 taken as +0).
template <class T> double ulp_distance(T a, T b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : HUGE_VAL;
    using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    constexpr Bits sign = Bits{1} << (8 * sizeof(T) - 1);
    const auto line = [](T v) {
        Bits bits;
        const T w = v == 0 ? T(0) : v;
        std::memcpy(&bits, &w, sizeof bits);
        return static_cast<std::uint64_t>(bits & sign ? ~bits : bits | sign);
    };
    const std::uint64_t la = line(a), lb = line(b);
    return static_cast<double>(la > lb ? la - lb : lb - la);
}

void row(const std::string& op, const char* dtype, std::pair<double, double> times, double elements,
         const std::string& ulp) {
    std::printf("| %s | %s | %.2f | %.2f | %.2f | %s |\n", op.c_str(), dtype, times.first / elements * 1e9,
                times.second / elements * 1e9, times.second / times.first, ulp.c_str());
}

template <class T> const char* dtype_label() { return std::is_same_v<T, float> ? "float32" : "float64"; }

/// One trigonometric op against its std:: loop on x, uniform over [−100, 100].
template <class T>
void trig_row(const char* op, Tensor (*xgrad_op)(const Tensor&), T (*std_op)(T), const Tensor& x) {
    const std::vector<T> in = x.to_vector<T>();
    Tensor ref;
    const auto times = best_times([&] { (void)xgrad_op(x); },
                                  [&] {
                                      ref = Tensor(x.shape(), x.dtype());
                                      T* out = ref.data<T>();
                                      for (std::size_t i = 0; i < in.size(); ++i) out[i] = std_op(in[i]);
                                  });
    const std::vector<T> got = xgrad_op(x).to_vector<T>(), want = ref.to_vector<T>();
    double worst = 0;
    for (std::size_t i = 0; i < in.size(); ++i) worst = std::max(worst, ulp_distance(got[i], want[i]));
    row(op, dtype_label<T>(), times, static_cast<double>(in.size()), std::to_string(static_cast<int>(worst)));
}

/// The scalar scan cumsum ran before its kernels: x as [outer, dim, inner],
/// one float64 running sum per lane of the inner block, rows in order.
template <class T>
void previous_cumsum(const T* x, T* out, std::int64_t outer, std::int64_t dim, std::int64_t inner, std::vector<double>& acc) {
    for (std::int64_t o = 0; o < outer; ++o) {
        const T* src = x + o * dim * inner;
        T* dst = out + o * dim * inner;
        for (std::int64_t j = 0; j < inner; ++j) {
            acc[static_cast<std::size_t>(j)] = src[j];
            dst[j] = src[j];
        }
        for (std::int64_t i = 1; i < dim; ++i)
            for (std::int64_t j = 0; j < inner; ++j) {
                double& a = acc[static_cast<std::size_t>(j)];
                a += src[i * inner + j];
                dst[i * inner + j] = static_cast<T>(a);
            }
    }
}

/// cumsum of x along `axis` against the previous scalar scan; ulp: 0 when equal everywhere.
template <class T> void cumsum_row(const Tensor& x, std::int64_t axis) {
    const Shape& s = x.shape();
    std::int64_t outer = 1, inner = 1;
    for (std::size_t d = 0; d < s.size(); ++d) {
        if (static_cast<std::int64_t>(d) < axis) outer *= s[d];
        if (static_cast<std::int64_t>(d) > axis) inner *= s[d];
    }
    const std::int64_t dim = s[static_cast<std::size_t>(axis)];
    const std::vector<T> in = x.to_vector<T>();
    Tensor ref;
    const auto times = best_times([&] { (void)cumsum(x, axis); },
                                  [&] {
                                      ref = Tensor(x.shape(), x.dtype());
                                      std::vector<double> acc(static_cast<std::size_t>(inner));
                                      previous_cumsum(in.data(), ref.data<T>(), outer, dim, inner, acc);
                                  });
    const std::vector<T> got = cumsum(x, axis).to_vector<T>(), want = ref.to_vector<T>();
    double worst = 0;
    for (std::size_t i = 0; i < in.size(); ++i) worst = std::max(worst, ulp_distance(got[i], want[i]));
    std::string shape = "[";
    for (std::size_t d = 0; d < s.size(); ++d) {
        if (d > 0) shape += ",";
        shape += std::to_string(s[d]);
    }
    row("cumsum " + shape + "] axis " + std::to_string(axis), dtype_label<T>(), times, static_cast<double>(in.size()),
        std::to_string(static_cast<int>(worst)));
}

template <class T> void rows_for(Dtype dtype, Generator& gen) {
    const Tensor x = rand({1'000'000}, dtype, gen) * 200.0 - 100.0;
    trig_row<T>("sin", sin, std::sin, x);
    trig_row<T>("cos", cos, std::cos, x);
    trig_row<T>("tan", tan, std::tan, x);
    trig_row<T>("atan", atan, std::atan, x);
    const Tensor square = randn({1000, 1000}, dtype, gen);
    cumsum_row<T>(square, 1);
    cumsum_row<T>(square, 0);
    cumsum_row<T>(randn({1'000'000}, dtype, gen), 0);
}

}  // namespace

int main() {
    set_num_threads(1);
    Generator gen(7);
    std::printf("trigonometric ops (x uniform over [-100, 100]) and cumsum on 10^6 values, one thread, "
                "SIMD level %s (ns per element, best of 15, alternating)\n\n",
                std::string(simd_level()).c_str());
    std::printf("| op | dtype | xgrad | previous scalar path | speed-up | max ulp vs reference |\n"
                "|---|---|---|---|---|---|\n");
    rows_for<float>(float32, gen);
    rows_for<double>(float64, gen);
    return 0;
}
