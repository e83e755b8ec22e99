// expect: the SIMD kernels exist for float32 and float64 only
// int64 has a dtype but no SIMD kernels.
#include <cstdint>

#include "simd/kernels.hpp"

#ifdef XGRAD_EXPECT_ERROR
using Element = std::int64_t;
#else
using Element = float;
#endif
void step(Element* p, const Element* u, std::int64_t n) { xgrad::simd::optimizer_kernels<Element>().add_to(p, u, n); }
