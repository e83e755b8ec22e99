// The kernels of every vector level this CPU runs give the baseline's
// results: exactly where the kernel is plain IEEE arithmetic, within a few
// units in the last place for the transcendental functions, at lengths
// with and without a scalar tail.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "../test_helpers.hpp"
#include "simd/kernels.hpp"

using namespace xgrad;
using simd::Binary;
using simd::Level;
using simd::Unary;

namespace {

// Around every vector width (2 to 16 lanes): empty, shorter than one vector, tails.
const std::vector<std::int64_t> lengths{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100};

std::vector<Level> supported_levels() {
    std::vector<Level> levels;
    for (Level level : {Level::sse2, Level::avx2, Level::avx512})
        if (simd::cpu_supports(level)) levels.push_back(level);
    return levels;
}

// Each family's kernels for T at `level`.
template <class T> const simd::ElementwiseKernels<T>& elementwise(Level level) {
    return simd::for_dtype<T>(*simd::elementwise_at(level));
}
template <class T> const simd::OptimizerKernels<T>& optimizer(Level level) {
    return simd::for_dtype<T>(*simd::optimizer_at(level));
}
template <class T> const simd::BatchNormKernels<T>& batch_norm(Level level) {
    return simd::for_dtype<T>(*simd::batch_norm_at(level));
}
template <class T> const simd::PoolingKernels<T>& pooling(Level level) {
    return simd::for_dtype<T>(*simd::pooling_at(level));
}
template <class T> const simd::ScanKernels<T>& scan(Level level) {
    return simd::for_dtype<T>(*simd::scan_at(level));
}

/// n values over [-12, 12] with NaN, ±inf and ±0 among them.
template <class T> std::vector<T> probe_values(std::int64_t n, int seed = 0) {
    std::vector<T> v(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) v[i] = static_cast<T>(std::sin(0.7 * (i + seed) + 0.3) * 12.0);
    const T specials[] = {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                          -std::numeric_limits<T>::infinity(), T(0), T(-0.0)};
    for (std::int64_t k = 0; k < 5; ++k)
        if (n > 7 * k + 3) v[7 * k + 3] = specials[k];
    return v;
}

/// Same value, both NaN, or within rel·max(|a|, |b|).
template <class T> bool close(T a, T b, double rel) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    if (a == b) return true;
    return std::abs(static_cast<double>(a) - b) <= rel * std::max(std::abs(static_cast<double>(a)), std::abs(static_cast<double>(b)));
}

template <class T> bool identical(T a, T b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

template <class T> double ulps() { return std::is_same_v<T, float> ? 1e-6 : 1e-14; }

const char* name(Level level) { return simd::level_name(level); }

template <class T> void unary_matches_baseline(Unary f, bool exact) {
    for (Level level : supported_levels())
        for (std::int64_t n : lengths) {
            const std::vector<T> x = probe_values<T>(n);
            std::vector<T> got(x.size()), want(x.size());
            elementwise<T>(level)[f](x.data(), got.data(), n);
            elementwise<T>(Level::sse2)[f](x.data(), want.data(), n);
            for (std::int64_t i = 0; i < n; ++i)
                BOOST_TEST((exact ? identical(got[i], want[i]) : close(got[i], want[i], 4 * ulps<T>())),
                           name(level) << " unary " << static_cast<int>(f) << " n=" << n << " x[" << i << "]=" << x[i]
                                        << ": " << got[i] << " vs " << want[i]);
        }
}

/// f(x) at every level, for x in the vector body and in the tail.
template <class T> void check_value(Unary f, T x, T expected) {
    for (Level level : supported_levels())
        for (std::int64_t n : {1, 17, 33}) {
            const std::vector<T> in(static_cast<std::size_t>(n), x);
            std::vector<T> out(in.size());
            elementwise<T>(level)[f](in.data(), out.data(), n);
            for (T y : out)
                BOOST_TEST(close(y, expected, 4 * ulps<T>()),
                           name(level) << " unary " << static_cast<int>(f) << "(" << x << ") = " << y << ", expected " << expected);
        }
}


/// The distance in units in the last place between a and b (0 for two NaNs
/// and for ±0, infinite for a NaN against a number).
template <class T> double ulp_distance(T a, T b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : HUGE_VAL;
    // The bits as unsigned integers in the order of the values, consecutive
    // values consecutive (−0 taken as +0); the difference is exact in 64 bits.
    const auto line = [](T v) {
        using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
        constexpr Bits sign = Bits{1} << (8 * sizeof(T) - 1);
        const auto bits = std::bit_cast<Bits>(v == 0 ? T(0) : v);
        return static_cast<std::uint64_t>(bits & sign ? ~bits : bits | sign);
    };
    const std::uint64_t la = line(a), lb = line(b);
    return static_cast<double>(la > lb ? la - lb : lb - la);
}

/// The trigonometric kernels' sweep: uniform over `[low, high]`, ± powers of
/// ten over T's whole range (the large arguments take the exact reduction),
/// the extremes and the special values.
template <class T> std::vector<T> trig_sweep(double low, double high) {
    std::vector<T> x;
    std::mt19937_64 gen(11);
    std::uniform_real_distribution<double> uniform(low, high);
    for (int i = 0; i < 20000; ++i) x.push_back(static_cast<T>(uniform(gen)));
    const int top = std::numeric_limits<T>::max_exponent10;
    for (int e = std::numeric_limits<T>::min_exponent10 - 2; e < top; ++e)
        for (int step = 0; step < 10; ++step) {
            const T v = static_cast<T>(std::pow(10.0, e + step / 10.0));
            x.push_back(v);
            x.push_back(-v);
        }
    using L = std::numeric_limits<T>;
    for (T v : {T(0), T(-0.0), T(1), T(-1), L::infinity(), -L::infinity(), L::quiet_NaN(), L::denorm_min(), L::max(),
                L::lowest()})
        x.push_back(v);
    return x;
}

/// The largest ulp distance of kernel f from std_f over the sweep, at every level.
template <class T, class StdF> double max_ulp_error(Unary f, StdF std_f, double low, double high) {
    const std::vector<T> x = trig_sweep<T>(low, high);
    std::vector<T> y(x.size());
    double worst = 0;
    for (Level level : supported_levels()) {
        elementwise<T>(level)[f](x.data(), y.data(), static_cast<std::int64_t>(x.size()));
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double d = ulp_distance(y[i], static_cast<T>(std_f(x[i])));
            if (d > worst) BOOST_TEST_MESSAGE(name(level) << " unary " << static_cast<int>(f) << "(" << x[i] << "): " << d << " ulp");
            worst = std::max(worst, d);
        }
    }
    return worst;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(core_simd)

BOOST_AUTO_TEST_CASE(the_level_in_use_is_the_widest_or_XGRAD_SIMD) {
    const char* requested = std::getenv("XGRAD_SIMD");
    const std::string expected = requested ? requested : simd::level_name(supported_levels().back());
    BOOST_TEST(std::string(simd_level()) == expected);
    BOOST_TEST(simd::cpu_supports(Level::sse2));
    BOOST_TEST((simd::choose_level("sse2") == Level::sse2));
}

// Every family runs at the one level chosen for the process (XGRAD_SIMD in
// core/simd_sse2), and each dtype has its own table.
BOOST_AUTO_TEST_CASE(every_family_runs_at_the_process_level) {
    const Level level = simd::process_level();
    BOOST_TEST(std::string(simd_level()) == simd::level_name(level));
    BOOST_TEST((&simd::elementwise_kernels<float>() == &elementwise<float>(level)));
    BOOST_TEST((&simd::elementwise_kernels<double>() == &elementwise<double>(level)));
    BOOST_TEST((&simd::optimizer_kernels<float>() == &optimizer<float>(level)));
    BOOST_TEST((&simd::optimizer_kernels<double>() == &optimizer<double>(level)));
    BOOST_TEST((&simd::batch_norm_kernels<float>() == &batch_norm<float>(level)));
    BOOST_TEST((&simd::batch_norm_kernels<double>() == &batch_norm<double>(level)));
    BOOST_TEST((&simd::pooling_kernels<float>() == &pooling<float>(level)));
    BOOST_TEST((&simd::pooling_kernels<double>() == &pooling<double>(level)));
    BOOST_TEST((&simd::scan_kernels<float>() == &scan<float>(level)));
    BOOST_TEST((&simd::scan_kernels<double>() == &scan<double>(level)));
}

BOOST_AUTO_TEST_CASE(unknown_or_unsupported_levels_are_refused) {
    BOOST_CHECK_EXCEPTION(simd::choose_level("avx1024"), ValueError, [](const ValueError& e) {
        return std::string(e.what()) == "XGRAD_SIMD=avx1024: unknown level; this CPU supports " +
                                            std::string(simd::cpu_supports(Level::avx2) ? "sse2, avx2" : "sse2") +
                                            (simd::cpu_supports(Level::avx512) ? ", avx512" : "");
    });
    for (Level level : {Level::avx2, Level::avx512}) {
        if (simd::cpu_supports(level)) {
            BOOST_TEST((simd::choose_level(simd::level_name(level)) == level));
            BOOST_TEST((&elementwise<float>(level) != &elementwise<float>(Level::sse2)));
            BOOST_TEST((&optimizer<double>(level) != &optimizer<double>(Level::sse2)));
        } else {
            BOOST_CHECK_THROW(simd::choose_level(simd::level_name(level)), ValueError);
            BOOST_TEST(simd::elementwise_at(level) == nullptr);
            BOOST_TEST(simd::optimizer_at(level) == nullptr);
            BOOST_TEST(simd::batch_norm_at(level) == nullptr);
            BOOST_TEST(simd::pooling_at(level) == nullptr);
            BOOST_TEST(simd::scan_at(level) == nullptr);
        }
    }
}

BOOST_AUTO_TEST_CASE(unary_kernels_match_the_baseline) {
    for (Unary f : {Unary::sqrt, Unary::abs, Unary::relu, Unary::square}) {
        unary_matches_baseline<float>(f, true);
        unary_matches_baseline<double>(f, true);
    }
    for (Unary f : {Unary::exp, Unary::log, Unary::log1p, Unary::expm1, Unary::erf, Unary::tanh, Unary::sigmoid,
                    Unary::softplus}) {
        unary_matches_baseline<float>(f, false);
        unary_matches_baseline<double>(f, false);
    }
}

BOOST_AUTO_TEST_CASE(unary_kernel_values) {
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    const auto both = [](Unary f, double x, double y) {
        check_value<float>(f, static_cast<float>(x), static_cast<float>(y));
        check_value<double>(f, x, y);
    };
    both(Unary::exp, 0.0, 1.0);
    both(Unary::exp, 1.0, 2.718281828459045);
    both(Unary::exp, -inf, 0.0);
    both(Unary::exp, nan, nan);
    both(Unary::log, 1.0, 0.0);
    both(Unary::log, 0.0, -inf);
    both(Unary::log1p, 1e-10, 9.999999999500001e-11);  // x − x²/2 + …: log(1 + x) would lose it
    both(Unary::expm1, 1e-10, 1.00000000005e-10);       // x + x²/2 + …
    both(Unary::sqrt, 4.0, 2.0);
    both(Unary::abs, -3.0, 3.0);
    both(Unary::erf, 0.5, 0.5204998778130465);  // erf ½ (tables)
    both(Unary::tanh, 0.5, 0.46211715726000974);
    both(Unary::sigmoid, 0.0, 0.5);
    both(Unary::sigmoid, -inf, 0.0);
    both(Unary::sigmoid, 100.0, 1.0);
    both(Unary::softplus, 0.0, 0.6931471805599453);  // ln 2
    both(Unary::softplus, -20.0, 2.061153620314381e-09);  // log1p(e⁻²⁰), not 0
    both(Unary::relu, -2.0, 0.0);
    both(Unary::relu, 3.0, 3.0);
    both(Unary::relu, nan, nan);  // NaN propagates, in the vector body and the tail alike
    both(Unary::square, -3.0, 9.0);
}

// The trigonometric kernels against std:: (glibc) over trig_sweep: the
// largest ulp error measured on this machine at every level, float32 and
// float64. A kernel that drifts past its bound fails here.
BOOST_AUTO_TEST_CASE(trigonometric_kernels_within_stated_ulp_of_std) {
    struct Bound {
        const char* name;
        Unary f;
        float (*std_f)(float);
        double (*std_d)(double);
        double low, high;   // the uniform part of the sweep (the function's domain)
        double f32, f64;    // max ulp error
    };
    const Bound bounds[] = {
        {"sin", Unary::sin, std::sin, std::sin, -100, 100, 2, 1},
        {"cos", Unary::cos, std::cos, std::cos, -100, 100, 2, 1},
        {"tan", Unary::tan, std::tan, std::tan, -100, 100, 3, 3},
        {"asin", Unary::asin, std::asin, std::asin, -1, 1, 2, 1},
        {"acos", Unary::acos, std::acos, std::acos, -1, 1, 1, 1},
        {"atan", Unary::atan, std::atan, std::atan, -100, 100, 2, 1},
        {"sinh", Unary::sinh, std::sinh, std::sinh, -90, 90, 3, 2},
        {"cosh", Unary::cosh, std::cosh, std::cosh, -90, 90, 3, 2},
        {"asinh", Unary::asinh, std::asinh, std::asinh, -100, 100, 3, 1},
        {"acosh", Unary::acosh, std::acosh, std::acosh, 1, 100, 2, 2},
        {"atanh", Unary::atanh, std::atanh, std::atanh, -1, 1, 2, 2},
    };
    for (const Bound& b : bounds) {
        const double f32 = max_ulp_error<float>(b.f, b.std_f, b.low, b.high);
        const double f64 = max_ulp_error<double>(b.f, b.std_d, b.low, b.high);
        BOOST_TEST_MESSAGE(b.name << ": " << f32 << " ulp float32, " << f64 << " ulp float64");
        BOOST_TEST(f32 <= b.f32, b.name << " float32: " << f32 << " ulp > " << b.f32);
        BOOST_TEST(f64 <= b.f64, b.name << " float64: " << f64 << " ulp > " << b.f64);
    }
}

// Signed zeros, infinities, NaN and arguments outside the domain, in the
// vector body and the tail, exactly.
BOOST_AUTO_TEST_CASE(trigonometric_kernels_special_values) {
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    const double half_pi = 1.5707963267948966;
    const auto exactly = [](Unary f, double x, double y) {
        const auto check = [&](auto tag) {
            using T = decltype(tag);
            for (Level level : supported_levels())
                for (std::int64_t n : {1, 17, 33}) {
                    const std::vector<T> in(static_cast<std::size_t>(n), static_cast<T>(x));
                    std::vector<T> out(in.size());
                    elementwise<T>(level)[f](in.data(), out.data(), n);
                    for (T got : out)
                        BOOST_TEST((identical(got, static_cast<T>(y)) && (std::isnan(y) || std::signbit(got) == std::signbit(y))),
                                   name(level) << " unary " << static_cast<int>(f) << "(" << x << ") = " << got
                                               << ", expected " << y);
                }
        };
        check(float{});
        check(double{});
    };
    for (Unary f : {Unary::sin, Unary::tan, Unary::asin, Unary::atan, Unary::sinh, Unary::asinh, Unary::atanh}) {
        exactly(f, 0.0, 0.0);
        exactly(f, -0.0, -0.0);  // odd functions keep the sign of zero
        exactly(f, nan, nan);
    }
    for (Unary f : {Unary::sin, Unary::cos, Unary::tan}) {
        exactly(f, inf, nan);
        exactly(f, -inf, nan);
    }
    exactly(Unary::cos, -0.0, 1.0);
    exactly(Unary::cosh, -0.0, 1.0);
    exactly(Unary::cos, nan, nan);
    exactly(Unary::atan, inf, half_pi);
    exactly(Unary::atan, -inf, -half_pi);
    exactly(Unary::acos, 1.0, 0.0);
    exactly(Unary::acos, 1.5, nan);  // outside [−1, 1]
    exactly(Unary::asin, -1.5, nan);
    exactly(Unary::sinh, -inf, -inf);
    exactly(Unary::cosh, -inf, inf);
    exactly(Unary::asinh, -inf, -inf);
    exactly(Unary::acosh, 1.0, 0.0);
    exactly(Unary::acosh, inf, inf);
    exactly(Unary::acosh, 0.5, nan);  // below 1 (xsimd alone gives a number)
    exactly(Unary::acosh, -3162.0, nan);
    exactly(Unary::atanh, 1.0, inf);
    exactly(Unary::atanh, -1.0, -inf);
    exactly(Unary::atanh, 2.0, nan);
}

// The running sums equal the sequential sum exactly (float32: the float64
// sequential sum rounded once) down the rows and along them, for shapes
// around the row group (8) and the vector widths, with −0 first.
template <class T> void cumsum_matches_the_sequential_sum() {
    for (Level level : supported_levels())
        for (std::int64_t rows : {0, 1, 7, 8, 9, 17})
            for (std::int64_t cols : {0, 1, 3, 255, 256, 257, 600}) {
                std::vector<T> x = probe_values<T>(rows * cols, 3);
                for (T& v : x)
                    if (!std::isfinite(v)) v = T(0.1);
                if (!x.empty()) x[0] = T(-0.0);
                std::vector<T> down(x.size()), along(x.size());
                std::vector<double> acc(std::is_same_v<T, float> ? static_cast<std::size_t>(cols) : 0);
                scan<T>(level).cumsum_down(x.data(), down.data(), rows, cols, acc.data());
                scan<T>(level).cumsum_along(x.data(), along.data(), rows, cols);
                for (std::int64_t c = 0; c < cols; ++c) {
                    double acc = 0;
                    for (std::int64_t r = 0; r < rows; ++r) {
                        const std::int64_t i = r * cols + c;
                        acc = r == 0 ? x[i] : acc + x[i];
                        BOOST_TEST((identical(down[i], static_cast<T>(acc)) && std::signbit(down[i]) == std::signbit(acc)),
                                   name(level) << " down " << rows << "x" << cols << " at " << r << "," << c);
                    }
                }
                for (std::int64_t r = 0; r < rows; ++r) {
                    double acc = 0;
                    for (std::int64_t c = 0; c < cols; ++c) {
                        const std::int64_t i = r * cols + c;
                        acc = c == 0 ? x[i] : acc + x[i];
                        BOOST_TEST((identical(along[i], static_cast<T>(acc)) && std::signbit(along[i]) == std::signbit(acc)),
                                   name(level) << " along " << rows << "x" << cols << " at " << r << "," << c);
                    }
                }
            }
}

BOOST_AUTO_TEST_CASE(cumsum_kernels_are_the_sequential_sum) {
    cumsum_matches_the_sequential_sum<float>();
    cumsum_matches_the_sequential_sum<double>();
}

BOOST_AUTO_TEST_CASE(binary_kernels_are_exact_in_every_stride_case) {
    const auto reference = [](Binary f, double a, double b) -> double {
        switch (f) {
            case Binary::add: return a + b;
            case Binary::sub: return a - b;
            case Binary::mul: return a * b;
            case Binary::div: return a / b;
            case Binary::maximum: return a >= b ? a : b;
            case Binary::minimum: return a <= b ? a : b;
            case Binary::eq: return a == b;
            case Binary::ne: return a != b;
            case Binary::lt: return a < b;
            case Binary::le: return a <= b;
            case Binary::gt: return a > b;
            case Binary::ge: return a >= b;
            case Binary::count: break;
        }
        return 0;
    };
    for (Level level : supported_levels())
        for (int f = 0; f < static_cast<int>(Binary::count); ++f)
            for (std::int64_t n : lengths)
                for (auto [da, db] : {std::pair{1, 1}, {1, 0}, {0, 1}, {2, 3}}) {
                    // float operands: the float result is the double result rounded (one operation).
                    const std::vector<float> a = probe_values<float>(3 * n + 1, 0), b = probe_values<float>(3 * n + 1, 5);
                    std::vector<float> out(static_cast<std::size_t>(n));
                    elementwise<float>(level).binary[f](a.data(), da, b.data(), db, out.data(), n);
                    for (std::int64_t i = 0; i < n; ++i) {
                        const auto want = static_cast<float>(reference(static_cast<Binary>(f), a[i * da], b[i * db]));
                        BOOST_TEST(identical(out[i], want), name(level) << " binary " << f << " strides " << da << ","
                                                                        << db << " n=" << n << " i=" << i << ": "
                                                                        << out[i] << " vs " << want);
                    }
                }
}

BOOST_AUTO_TEST_CASE(binary_kernels_on_nan) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<double> a{nan, 1.0}, b{1.0, nan};
    for (Level level : supported_levels()) {
        std::vector<double> out(2);
        elementwise<double>(level)[Binary::maximum](a.data(), 1, b.data(), 1, out.data(), 2);
        // x >= y ? x : y, as NumPy's fmax would not: the second operand wins against NaN.
        BOOST_TEST(out[0] == 1.0);
        BOOST_TEST(std::isnan(out[1]));
        elementwise<double>(level)[Binary::add](a.data(), 1, b.data(), 1, out.data(), 2);
        BOOST_TEST((std::isnan(out[0]) && std::isnan(out[1])));
        elementwise<double>(level)[Binary::ne](a.data(), 1, b.data(), 1, out.data(), 2);
        BOOST_TEST((out[0] == 1.0 && out[1] == 1.0));
        elementwise<double>(level)[Binary::eq](a.data(), 1, a.data(), 1, out.data(), 2);
        BOOST_TEST((out[0] == 0.0 && out[1] == 1.0));
    }
}

BOOST_AUTO_TEST_CASE(scaled_elu_and_its_gradient) {
    const double alpha = 1.6732632423543772, scale = 1.0507009873554805;  // SELU
    for (Level level : supported_levels())
        for (std::int64_t n : lengths) {
            const std::vector<double> x = probe_values<double>(n), g = probe_values<double>(n, 11);
            std::vector<double> y(x.size()), dx(x.size());
            elementwise<double>(level).scaled_elu(x.data(), y.data(), n, scale, scale * alpha);
            elementwise<double>(level).scaled_elu_grad(g.data(), x.data(), dx.data(), n, scale, scale * alpha);
            for (std::int64_t i = 0; i < n; ++i) {
                const double want_y = x[i] > 0 ? scale * x[i] : scale * alpha * std::expm1(x[i]);
                const double want_dx = g[i] * (x[i] > 0 ? scale : scale * alpha * std::exp(x[i]));
                BOOST_TEST(close(y[i], want_y, 4 * ulps<double>()), name(level) << " n=" << n << " x=" << x[i] << ": " << y[i]);
                BOOST_TEST(close(dx[i], want_dx, 4 * ulps<double>()), name(level) << " n=" << n << " x=" << x[i] << ": " << dx[i]);
            }
        }
}

BOOST_AUTO_TEST_CASE(max_pool_step_keeps_the_first_largest_and_the_first_nan) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (Level level : supported_levels())
        for (std::int64_t n : lengths) {
            std::vector<float> best(static_cast<std::size_t>(n)), pixel(best.size());
            std::vector<std::int32_t> winner(best.size(), 0);
            for (std::int64_t ch = 0; ch < n; ++ch) {
                best[ch] = ch % 4 == 3 ? nan : static_cast<float>(ch % 5);
                pixel[ch] = ch % 6 == 1 ? nan : static_cast<float>(ch % 3) + 1.0f;
            }
            const std::vector<float> before = best;
            pooling<float>(level).max_pool_step(pixel.data(), best.data(), winner.data(), 7, n);
            for (std::int64_t ch = 0; ch < n; ++ch) {
                // Taken: a larger value, or a NaN over a number; a tie or a NaN already there stays.
                const bool take = !std::isnan(before[ch]) && (std::isnan(pixel[ch]) || pixel[ch] > before[ch]);
                BOOST_TEST(identical(best[ch], take ? pixel[ch] : before[ch]), name(level) << " n=" << n << " ch=" << ch);
                BOOST_TEST(winner[ch] == (take ? 7 : 0), name(level) << " n=" << n << " ch=" << ch);
            }
        }
}

BOOST_AUTO_TEST_CASE(adam_step) {
    const float c1 = 0.1f, c2 = 0.001f, scale = 0.5f, eps = 1e-7f;
    for (Level level : supported_levels())
        for (std::int64_t n : lengths) {
            std::vector<float> g(static_cast<std::size_t>(n)), m(g.size()), v(g.size());
            for (std::int64_t i = 0; i < n; ++i) {
                g[i] = static_cast<float>(i % 7) - 3.0f;
                m[i] = 0.25f * static_cast<float>(i % 3);
                v[i] = 0.5f + static_cast<float>(i % 5);
            }
            const std::vector<float> g0 = g, m0 = m, v0 = v;
            optimizer<float>(level).adam(g.data(), m.data(), v.data(), n, c1, c2, scale, eps);
            for (std::int64_t i = 0; i < n; ++i) {
                const double mi = m0[i] + (g0[i] - m0[i]) * 0.1, vi = v0[i] + (g0[i] * g0[i] - v0[i]) * 0.001;
                BOOST_TEST(close(m[i], static_cast<float>(mi), 4e-7), name(level) << " m i=" << i);
                BOOST_TEST(close(v[i], static_cast<float>(vi), 4e-7), name(level) << " v i=" << i);
                BOOST_TEST(close(g[i], static_cast<float>(mi * 0.5 / (std::sqrt(vi) + 1e-7)), 1e-6), name(level) << " g i=" << i);
            }
        }
}

BOOST_AUTO_TEST_CASE(optimizer_step_and_scaling_are_exact) {
    for (Level level : supported_levels())
        for (std::int64_t n : lengths) {
            const std::vector<double> u = probe_values<double>(n, 3);
            std::vector<double> p = probe_values<double>(n), scaled = u;
            const std::vector<double> p0 = p;
            optimizer<double>(level).add_to(p.data(), u.data(), n);
            optimizer<double>(level).scale(scaled.data(), n, -0.01);
            for (std::int64_t i = 0; i < n; ++i) {
                BOOST_TEST(identical(p[i], p0[i] + u[i]), name(level) << " n=" << n << " i=" << i);
                BOOST_TEST(identical(scaled[i], u[i] * -0.01), name(level) << " n=" << n << " i=" << i);
            }
        }
}

BOOST_AUTO_TEST_CASE(batch_normalization_rows) {
    // Values of order 1-10: |a − b| ≤ 1e-12·(1 + |b|) allows for FMA contraction at the wider levels.
    const auto near = [](double a, double b) { return std::abs(a - b) <= 1e-12 * (1 + std::abs(b)); };
    for (Level level : supported_levels())
        for (std::int64_t channels : {1, 3, 16, 17, 33})
            for (std::int64_t rows : {1, 5}) {
                const std::int64_t n = rows * channels;
                const auto at = [channels](std::int64_t r, std::int64_t c) { return r * channels + c; };
                std::vector<double> x(static_cast<std::size_t>(n)), g(x.size());
                for (std::int64_t i = 0; i < n; ++i) {
                    x[i] = 3 * std::sin(0.7 * i);
                    g[i] = std::cos(0.3 * i);
                }
                const std::size_t nc = static_cast<std::size_t>(channels);
                std::vector<double> sum(nc, 1.0), mean(nc), deviations(nc, 0.0), sum_g(nc, 0.0), sum_gx(nc, 0.0);
                batch_norm<double>(level).channel_sums(x.data(), rows, channels, sum.data());  // adds to the 1s
                for (std::int64_t c = 0; c < channels; ++c) mean[c] = 0.5 * c;
                batch_norm<double>(level).channel_squared_deviations(x.data(), mean.data(), rows, channels, deviations.data());
                batch_norm<double>(level).channel_sums_with_products(g.data(), x.data(), rows, channels, sum_g.data(), sum_gx.data());
                std::vector<double> shift(nc), inv_std(nc), scale(nc), offset(nc), mean_gx(nc);
                for (std::int64_t c = 0; c < channels; ++c) {
                    double want_sum = 1, want_dev = 0, want_g = 0, want_gx = 0;
                    for (std::int64_t r = 0; r < rows; ++r) {
                        want_sum += x[at(r, c)];
                        want_dev += (x[at(r, c)] - mean[c]) * (x[at(r, c)] - mean[c]);
                        want_g += g[at(r, c)];
                        want_gx += g[at(r, c)] * x[at(r, c)];
                    }
                    BOOST_TEST(near(sum[c], want_sum), name(level) << " sum c=" << c);
                    BOOST_TEST(near(deviations[c], want_dev), name(level) << " deviations c=" << c);
                    BOOST_TEST(near(sum_g[c], want_g), name(level) << " sum_g c=" << c);
                    BOOST_TEST(near(sum_gx[c], want_gx), name(level) << " sum_gx c=" << c);
                    shift[c] = 0.1 * c;
                    inv_std[c] = 1.0 / (1 + c);
                    scale[c] = 2 - 0.1 * c;
                    offset[c] = 0.5 * c;
                    mean_gx[c] = 0.25 * c;
                }
                std::vector<double> x_hat(x.size()), y(x.size()), dx(x.size());
                batch_norm<double>(level).normalize_rows(x.data(), shift.data(), inv_std.data(), scale.data(), offset.data(), rows,
                                          channels, x_hat.data(), y.data());
                batch_norm<double>(level).input_gradient_rows(g.data(), x.data(), offset.data(), mean_gx.data(), scale.data(), rows,
                                               channels, dx.data());
                for (std::int64_t r = 0; r < rows; ++r)
                    for (std::int64_t c = 0; c < channels; ++c) {
                        const std::int64_t i = at(r, c);
                        const double h = (x[i] - shift[c]) * inv_std[c];
                        BOOST_TEST(near(x_hat[i], h), name(level) << " x_hat " << r << "," << c);
                        BOOST_TEST(near(y[i], h * scale[c] + offset[c]), name(level) << " y " << r << "," << c);
                        BOOST_TEST(near(dx[i], scale[c] * (g[i] - offset[c] - x[i] * mean_gx[c])),
                                   name(level) << " dx " << r << "," << c);
                    }
            }
}

BOOST_AUTO_TEST_SUITE_END()
