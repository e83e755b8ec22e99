#include "data/numpy_dtype.hpp"

namespace xgrad::data {

std::optional<NumpyElement> numpy_element(std::string_view descr) {
    if (descr.size() != 3 || std::string_view("<>|=").find(descr[0]) == std::string_view::npos) return std::nullopt;
    NumpyElement e;
    e.byte_order = descr[0];
    e.kind = descr[1];
    switch (descr[2]) {
        case '1': e.itemsize = 1; break;
        case '2': e.itemsize = 2; break;
        case '4': e.itemsize = 4; break;
        case '8': e.itemsize = 8; break;
        default: return std::nullopt;
    }
    switch (e.kind) {
        case 'f':
            if (e.itemsize < 4) return std::nullopt;
            e.dtype = e.itemsize == 4 ? Dtype::float32 : Dtype::float64;
            return e;
        case 'b':
            if (e.itemsize != 1) return std::nullopt;
            e.dtype = Dtype::boolean;
            return e;
        case 'u':
            e.dtype = e.itemsize == 1 ? Dtype::uint8 : Dtype::int64;
            return e;
        case 'i':
            e.dtype = Dtype::int64;
            return e;
        default: return std::nullopt;
    }
}

}  // namespace xgrad::data
