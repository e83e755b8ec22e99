// Chooses the kernel table once per process: the widest level this CPU
// runs, unless XGRAD_SIMD names another.
#include <cstdlib>
#include <cstring>
#include <string>

#include "simd/kernel_table.hpp"
#include "xgrad/core/error.hpp"
#include "xgrad/core/simd.hpp"

namespace xgrad {
namespace simd {

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

const KernelTable* kernels_for(Level level) {
    if (!cpu_supports(level)) return nullptr;
    switch (level) {
        case Level::sse2: return &sse2::table;
        case Level::avx2: return &avx2::table;
        case Level::avx512: return &avx512::table;
    }
    return nullptr;
}

const KernelTable& kernels() {
    static const KernelTable& chosen = *kernels_for(choose_level(std::getenv("XGRAD_SIMD")));
    return chosen;
}

}  // namespace simd

std::string_view simd_level() { return simd::level_name(simd::kernels().level); }

}  // namespace xgrad
