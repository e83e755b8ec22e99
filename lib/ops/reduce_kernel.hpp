#pragma once
// The axis-reduction kernel shared by sum/mean/max/min/argmax/...: walks the
// input once, folding each element into the output slot it reduces to.
#include <vector>

#include "kernels.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad::detail {

/// Which axes a reduction folds, normalized and validated.
struct ReducePlan {
    std::vector<bool> reduced;   // per input axis
    Shape kept_shape;            // input shape with reduced axes set to 1
    Shape out_shape;             // kept_shape, or without reduced axes unless keepdims
    std::int64_t group = 1;      // input elements folded into each output element
};

ReducePlan plan_reduce(const Shape& in, const Axes& axes, bool keepdims, const char* op);

/// out[slot] = fold(out[slot], x) over every input element, where out starts
/// at `init` and has out_shape's element count. Acc is the accumulator type.
template <class Acc, class T, class Fold>
std::vector<Acc> reduce_into(const Tensor& x, const ReducePlan& plan, Acc init, Fold fold) {
    std::vector<Acc> acc(static_cast<std::size_t>(plan.kept_shape.numel()), init);
    const Shape out_strides = broadcast_strides(plan.kept_shape, x.shape());
    const Shape in_strides = contiguous_strides(x.shape());
    const T* px = x.data<T>();
    Acc* pa = acc.data();
    for_each_row(x.shape(), in_strides, out_strides,
                 [&](std::int64_t, std::int64_t ix, std::int64_t io, std::int64_t n, std::int64_t dx,
                     std::int64_t dout) {
                     const T* src = px + ix;
                     Acc* dst = pa + io;
                     if (dout == 0) {
                         Acc a = *dst;
                         for (std::int64_t i = 0; i < n; ++i) a = fold(a, src[i * dx]);
                         *dst = a;
                     } else {
                         for (std::int64_t i = 0; i < n; ++i) dst[i] = fold(dst[i], src[i * dx]);
                     }
                 });
    return acc;
}

}  // namespace xgrad::detail
