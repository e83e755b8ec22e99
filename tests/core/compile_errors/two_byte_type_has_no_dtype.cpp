// expect: xgrad has no Dtype for this C++ type
// A C++ type without a Dtype (here a 2-byte integer) is a compile error, not
// the dtype of another type of its size.
#include <cstdint>

#include "xgrad/core/dtype.hpp"

#ifdef XGRAD_EXPECT_ERROR
using Element = std::int16_t;
#else
using Element = float;
#endif
constexpr xgrad::Dtype element_dtype = xgrad::dtype_v<Element>;
