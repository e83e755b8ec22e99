// The pooling kernels of pooling_kernels.hpp,
// compiled once per vector level: lib/meson.build builds it with that
// level's -m flags and -DXGRAD_ISA=<level>, and dispatch.cpp picks one
// level per process.
//
// Every function here lives in an anonymous namespace inside
// xgrad::simd::XGRAD_ISA, and the headers are only <cstdint>, xsimd and
// templates instantiated with those local types: no out-of-line function
// compiled with AVX can stand in for a baseline copy of the same name
// (tests/core/portable_check.py checks the library's disassembly).
#include <cstdint>

#include "simd/pooling_kernels.hpp"

namespace xgrad::simd::XGRAD_ISA {
namespace {

// Branch-free over channels, so the compiler vectorizes it.
template <class T>
void max_pool_step(const T* pixel, T* best, std::int32_t* winner, std::int32_t index, std::int64_t c) {
    for (std::int64_t ch = 0; ch < c; ++ch) {
        const T v = pixel[ch], current = best[ch];
        // Larger, or the first NaN (v != v) over a number.
        const bool take = v > current || (v != v && current == current);
        best[ch] = take ? v : current;
        winner[ch] = take ? index : winner[ch];
    }
}

}  // namespace

const FloatingKernels<PoolingKernels> pooling{{max_pool_step<float>}, {max_pool_step<double>}};

}  // namespace xgrad::simd::XGRAD_ISA
