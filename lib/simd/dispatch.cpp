// Chooses the kernels' level once per process: the widest level this CPU
// runs, unless XGRAD_SIMD names another.
#include <cstdlib>
#include <cstring>
#include <string>

#include "simd/kernels.hpp"
#include "xgrad/core/dtype.hpp"
#include "xgrad/core/error.hpp"
#include "xgrad/core/simd.hpp"

namespace xgrad {
namespace simd {

// kernels.hpp picks a family's member by element type; these are the dtypes the members are named for.
static_assert(dtype_v<float> == Dtype::float32 && dtype_v<double> == Dtype::float64);

namespace {

constexpr Level levels[] = {Level::sse2, Level::avx2, Level::avx512};

}  // namespace

const char* level_name(Level level) {
    switch (level) {
        case Level::sse2: return "sse2";
        case Level::avx2: return "avx2";
        case Level::avx512: return "avx512";
    }
    return "sse2";
}

bool cpu_supports(Level level) {
    // GCC's and clang's checks include the operating system's support for the
    // wider registers (XGETBV), not only the CPUID bits.
    __builtin_cpu_init();
    const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    switch (level) {
        case Level::sse2: return true;
        case Level::avx2: return avx2;
        case Level::avx512:
            return avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                   __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
                   __builtin_cpu_supports("avx512cd");
    }
    return false;
}

Level choose_level(const char* requested) {
    if (!requested) {
        Level best = Level::sse2;
        for (Level level : levels)
            if (cpu_supports(level)) best = level;
        return best;
    }
    std::string supported;
    for (Level level : levels) {
        if (!cpu_supports(level)) continue;
        if (std::strcmp(requested, level_name(level)) == 0) return level;
        supported += supported.empty() ? "" : ", ";
        supported += level_name(level);
    }
    for (Level level : levels)
        if (std::strcmp(requested, level_name(level)) == 0)
            throw ValueError(std::string("XGRAD_SIMD=") + requested + ": this CPU lacks " + level_name(level) +
                             "; it supports " + supported);
    throw ValueError(std::string("XGRAD_SIMD=") + requested + ": unknown level; this CPU supports " + supported);
}

Level process_level() {
    static const Level chosen = choose_level(std::getenv("XGRAD_SIMD"));
    return chosen;
}

namespace {

/// The table of `level` among a family's three, or nullptr when the CPU lacks the level.
template <class Table>
const Table* at_level(Level level, const Table& sse2, const Table& avx2, const Table& avx512) {
    if (!cpu_supports(level)) return nullptr;
    switch (level) {
        case Level::sse2: return &sse2;
        case Level::avx2: return &avx2;
        case Level::avx512: return &avx512;
    }
    return nullptr;
}

}  // namespace

const FloatingKernels<ElementwiseKernels>* elementwise_at(Level level) {
    return at_level(level, sse2::elementwise, avx2::elementwise, avx512::elementwise);
}

const FloatingKernels<OptimizerKernels>* optimizer_at(Level level) {
    return at_level(level, sse2::optimizer, avx2::optimizer, avx512::optimizer);
}

const FloatingKernels<BatchNormKernels>* batch_norm_at(Level level) {
    return at_level(level, sse2::batch_norm, avx2::batch_norm, avx512::batch_norm);
}

const FloatingKernels<PoolingKernels>* pooling_at(Level level) {
    return at_level(level, sse2::pooling, avx2::pooling, avx512::pooling);
}

const FloatingKernels<ScanKernels>* scan_at(Level level) { return at_level(level, sse2::scan, avx2::scan, avx512::scan); }

}  // namespace simd

std::string_view simd_level() { return simd::level_name(simd::process_level()); }

}  // namespace xgrad
