#pragma once
/// \file
/// Seedable random numbers. A Generator (xoshiro256**, seeded through
/// splitmix64) gives the same stream on every platform and run for the same
/// seed; the normal sampler is our own Box-Muller, not std::normal_distribution
/// (whose output differs between standard libraries).
#include <array>
#include <cstdint>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// A stream of random numbers of its own, like torch.Generator; pass one to
/// the sampling functions below to keep them independent of the default.
class Generator {
public:
    /// Starts the stream from `seed` (42 by default, as the default generator).
    explicit Generator(std::uint64_t seed = 42) { manual_seed(seed); }
    /// Restarts the stream from `seed`.
    void manual_seed(std::uint64_t seed);

    /// Next 64 random bits.
    std::uint64_t next_u64() noexcept;
    /// Uniform in [0, 1) with 53 random bits.
    double uniform() noexcept { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
    /// Standard normal N(0, 1).
    double normal() noexcept;
    /// Uniform integer in [0, n).
    std::uint64_t below(std::uint64_t n) noexcept;

    /// The full state, to save in checkpoints and restore bit for bit.
    struct State {
        std::array<std::uint64_t, 4> s;  ///< The xoshiro256** state words.
        bool has_spare;                  ///< Whether normal() holds a second Box-Muller value.
        double spare;                    ///< That value, returned by the next normal().
    };
    /// A snapshot of the current state.
    State state() const noexcept { return {s_, has_spare_, spare_}; }
    /// Restores a state from state(); the stream continues exactly from there.
    /// ValueError (as check_state()) for a state state() never returns.
    void set_state(const State& st);
    /// ValueError unless `st` is a state the generator can run from: the
    /// four words all zero (xoshiro's fixed point: every draw would be 0 and
    /// randint would never return) or a non-finite spare are rejected.
    static void check_state(const State& st);

private:
    std::array<std::uint64_t, 4> s_{};
    bool has_spare_ = false;
    double spare_ = 0;
};

/// The generator used when none is passed (initializers, Dropout and RReLU
/// without their own stream, randperm): one per thread, each starting from
/// seed 42, so threads never share one and a thread that calls manual_seed()
/// draws the same numbers however other threads interleave with it. (PyTorch
/// shares one locked generator between threads, which makes concurrent
/// training nondeterministic.) A Generator object itself is not thread-safe.
Generator& default_generator();
/// Seeds this thread's default generator.
void manual_seed(std::uint64_t seed);

/// U[low, high).
Tensor uniform(const Shape& shape, double low = 0.0, double high = 1.0, Dtype dtype = float32,
               Generator& gen = default_generator());
/// N(mean, std²).
Tensor normal(const Shape& shape, double mean = 0.0, double std = 1.0, Dtype dtype = float32,
              Generator& gen = default_generator());
/// N(0, 1).
inline Tensor randn(const Shape& shape, Dtype dtype = float32, Generator& gen = default_generator()) {
    return normal(shape, 0.0, 1.0, dtype, gen);
}
/// U[0, 1).
inline Tensor rand(const Shape& shape, Dtype dtype = float32, Generator& gen = default_generator()) {
    return uniform(shape, 0.0, 1.0, dtype, gen);
}
/// N(mean, std²) with values outside mean ± 2·std drawn again (Keras' and
/// TensorFlow's truncated normal: the result's std is ≈ 0.88·std).
Tensor truncated_normal(const Shape& shape, double mean = 0.0, double std = 1.0, Dtype dtype = float32,
                        Generator& gen = default_generator());
/// 1 with probability p, else 0.
Tensor bernoulli(const Shape& shape, double p, Dtype dtype = float32, Generator& gen = default_generator());
/// Uniform integers in [low, high) as int64.
Tensor randint(const Shape& shape, std::int64_t low, std::int64_t high, Generator& gen = default_generator());
/// A random permutation of 0..n-1 (int64).
Tensor randperm(std::int64_t n, Generator& gen = default_generator());

}  // namespace xgrad
