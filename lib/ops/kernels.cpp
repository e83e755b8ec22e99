#include "kernels.hpp"

namespace xgrad::detail {

void check_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
    if (a.dtype() != b.dtype()) {
        throw DtypeError(std::string(op) + ": dtypes " + std::string(dtype_name(a.dtype())) +
                         " and " + std::string(dtype_name(b.dtype())) +
                         " differ; convert one with .to()");
    }
}

void check_floating(const char* op, const Tensor& t) {
    if (!is_floating(t.dtype())) {
        throw DtypeError(std::string(op) + ": expected a floating dtype (float32 or float64), got " +
                         std::string(dtype_name(t.dtype())));
    }
}

Shape broadcast_strides(const Shape& from, const Shape& to) {
    Shape strides = Shape::filled(to.size(), 0);
    const std::size_t offset = to.size() - from.size();
    std::int64_t stride = 1;
    for (std::size_t i = from.size(); i-- > 0;) {
        strides[i + offset] = from[i] == 1 ? 0 : stride;
        stride *= from[i];
    }
    return strides;
}

Tensor unary_kernel(const char* op, const Tensor& x, simd::Unary f) {
    check_floating(op, x);
    Tensor out(x.shape(), x.dtype());
    visit_floating(x.dtype(), op, [&](auto tag) {
        using T = decltype(tag);
        simd::elementwise_kernels<T>()[f](x.data<T>(), out.data<T>(), x.numel());
    });
    return out;
}

}  // namespace xgrad::detail
