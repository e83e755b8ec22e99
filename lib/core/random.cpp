#include "xgrad/core/random.hpp"

#include <cmath>
#include <numbers>
#include <string>

namespace xgrad {

namespace {

std::uint64_t splitmix64(std::uint64_t& x) noexcept {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

template <class F> Tensor fill_with(const Shape& shape, Dtype dtype, const char* op, F next) {
    Tensor t(shape, dtype);
    visit_floating(dtype, op, [&](auto tag) {
        using T = decltype(tag);
        T* p = t.data<T>();
        for (std::int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<T>(next());
    });
    return t;
}

void check_std(const char* op, double std) {
    if (!(std >= 0) || !std::isfinite(std)) throw ValueError(std::string(op) + ": std must be finite and >= 0");
}

}  // namespace

void Generator::manual_seed(std::uint64_t seed) {
    for (auto& word : s_) word = splitmix64(seed);
    has_spare_ = false;
}

void Generator::check_state(const State& st) {
    if (st.s == std::array<std::uint64_t, 4>{})
        throw ValueError("generator state: the four xoshiro256** words are all zero, a state the generator never "
                         "leaves (every draw would be 0)");
    if (!std::isfinite(st.spare))
        throw ValueError("generator state: the cached normal value (spare) is " + std::to_string(st.spare) +
                         ", not finite");
}

void Generator::set_state(const State& st) {
    check_state(st);
    s_ = st.s;
    has_spare_ = st.has_spare;
    spare_ = st.spare;
}

std::uint64_t Generator::next_u64() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

double Generator::normal() noexcept {
    if (has_spare_) {
        has_spare_ = false;
        return spare_;
    }
    // Box-Muller on (0, 1]: log never sees 0.
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = 2.0 * std::numbers::pi * u2;
    spare_ = r * std::sin(theta);
    has_spare_ = true;
    return r * std::cos(theta);
}

std::uint64_t Generator::below(std::uint64_t n) noexcept {
    // Rejection sampling removes modulo bias.
    const std::uint64_t limit = n == 0 ? 0 : (~std::uint64_t{0} - n + 1) % n;
    std::uint64_t x;
    do x = next_u64();
    while (x < limit);
    return n == 0 ? 0 : x % n;
}

Generator& default_generator() {
    thread_local Generator gen(42);
    return gen;
}

void manual_seed(std::uint64_t seed) { default_generator().manual_seed(seed); }

Tensor uniform(const Shape& shape, double low, double high, Dtype dtype, Generator& gen) {
    if (!(low <= high)) throw ValueError("uniform: low must be <= high");
    return fill_with(shape, dtype, "uniform", [&] { return low + (high - low) * gen.uniform(); });
}

Tensor normal(const Shape& shape, double mean, double std, Dtype dtype, Generator& gen) {
    check_std("normal", std);
    return fill_with(shape, dtype, "normal", [&] { return mean + std * gen.normal(); });
}

Tensor truncated_normal(const Shape& shape, double mean, double std, Dtype dtype, Generator& gen) {
    check_std("truncated_normal", std);
    return fill_with(shape, dtype, "truncated_normal", [&] {
        double z;
        do z = gen.normal();
        while (std::abs(z) > 2.0);
        return mean + std * z;
    });
}

Tensor bernoulli(const Shape& shape, double p, Dtype dtype, Generator& gen) {
    if (!(p >= 0 && p <= 1)) throw ValueError("bernoulli: p must be in [0, 1], got " + std::to_string(p));
    return fill_with(shape, dtype, "bernoulli", [&] { return gen.uniform() < p ? 1.0 : 0.0; });
}

Tensor randint(const Shape& shape, std::int64_t low, std::int64_t high, Generator& gen) {
    if (low >= high) throw ValueError("randint: low must be < high");
    Tensor t(shape, int64);
    auto* p = t.data<std::int64_t>();
    const auto span = static_cast<std::uint64_t>(high - low);
    for (std::int64_t i = 0; i < t.numel(); ++i) p[i] = low + static_cast<std::int64_t>(gen.below(span));
    return t;
}

Tensor randperm(std::int64_t n, Generator& gen) {
    if (n < 0) throw ValueError("randperm: n must be >= 0");
    Tensor t = arange(n, int64);
    auto* p = t.data<std::int64_t>();
    for (std::int64_t i = n - 1; i > 0; --i)
        std::swap(p[i], p[static_cast<std::int64_t>(gen.below(static_cast<std::uint64_t>(i + 1)))]);
    return t;
}

}  // namespace xgrad
