// expect: enumeration value 'uint8' not handled in switch
// A switch over Dtype that misses a case does not build (-Werror=switch).
#include "xgrad/core/dtype.hpp"

int code(xgrad::Dtype d) {
    switch (d) {
        case xgrad::Dtype::float32: return 0;
        case xgrad::Dtype::float64: return 1;
        case xgrad::Dtype::int64: return 2;
        case xgrad::Dtype::boolean: return 4;
#ifndef XGRAD_EXPECT_ERROR
        case xgrad::Dtype::uint8: return 3;
#endif
    }
    xgrad::throw_invalid_dtype(d);
}
