#include "kernels.hpp"

namespace xgrad::detail {

void check_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
    if (a.dtype() == b.dtype()) return;
    const std::string da(dtype_name(a.dtype())), db(dtype_name(b.dtype()));
    // A bool operand is most often a comparison's mask used as 0/1 (the
    // behaviour before comparisons returned bool): name that conversion.
    const std::string fix = a.dtype() == boolean ? "convert the bool mask with .to(" + db + ")"
                            : b.dtype() == boolean ? "convert the bool mask with .to(" + da + ")"
                                                   : "convert one with .to()";
    throw DtypeError(std::string(op) + ": dtypes " + da + " and " + db + " differ; " + fix);
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
