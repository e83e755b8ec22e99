// expect: the SIMD kernels exist for float32 and float64 only
// The SIMD kernels are chosen by element type: a 2-byte type gets no
// kernels (it used to get the float64 ones, chosen by sizeof).
#include <cstdint>

#include "simd/kernels.hpp"

#ifdef XGRAD_EXPECT_ERROR
using Element = std::int16_t;
#else
using Element = double;
#endif
void relu(const Element* x, Element* out, std::int64_t n) {
    xgrad::simd::elementwise_kernels<Element>()[xgrad::simd::Unary::relu](x, out, n);
}
