// The optimizer kernels of optimizer_kernels.hpp,
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

#include "simd/optimizer_kernels.hpp"
#include "simd/xsimd.hpp"

namespace xgrad::simd::XGRAD_ISA {
namespace {

template <class T> void adam(T* g, T* m, T* v, std::int64_t n, T c1, T c2, T scale, T eps) {
    const auto step = [=](auto& gv, auto& mv, auto& vv) {
        mv += (gv - mv) * c1;
        vv += (gv * gv - vv) * c2;
        gv = mv * scale / (xsimd::sqrt(vv) + eps);
    };
    using B = xsimd::batch<T>;
    constexpr std::int64_t width = static_cast<std::int64_t>(B::size);
    std::int64_t i = 0;
    for (; i + width <= n; i += width) {
        B gb = B::load_unaligned(g + i), mb = B::load_unaligned(m + i), vb = B::load_unaligned(v + i);
        step(gb, mb, vb);
        gb.store_unaligned(g + i);
        mb.store_unaligned(m + i);
        vb.store_unaligned(v + i);
    }
    for (; i < n; ++i) step(g[i], m[i], v[i]);
}

template <class T> void add_to(T* p, const T* u, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) p[i] += u[i];
}

template <class T> void scale(T* p, std::int64_t n, T factor) {
    for (std::int64_t i = 0; i < n; ++i) p[i] *= factor;
}

}  // namespace

const FloatingKernels<OptimizerKernels> optimizer{{adam<float>, add_to<float>, scale<float>},
                                                  {adam<double>, add_to<double>, scale<double>}};

}  // namespace xgrad::simd::XGRAD_ISA
