#pragma once
// The axis-reduction kernel shared by sum/mean/max/min/argmax/...: walks the
// input once, folding each element into the output slot it reduces to.
// No lazy xtensor reducers: they mis-broadcast with keep_dims in 0.24.
#include <cstdint>
#include <string>
#include <vector>

#include "axis_view.hpp"
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

/// Normalizes `axes` (empty = all) for a tensor of shape `in`. ValueError naming
/// `op`, the axis and the shape for an axis out of range or listed twice.
ReducePlan plan_reduce(const Shape& in, const Axes& axes, bool keepdims, const char* op);

/// ValueError unless every output element folds at least one input element
/// (for reductions without an identity: max, min, argmax, var, ...).
void check_nonempty(const ReducePlan& plan, const Shape& in, const Axes& axes, const char* op);

/// "axis 1", "axes [0,2]" or "all axes", for error messages.
std::string describe_axes(const Axes& axes);

/// Calls visit(slot, x_row, n, x_step, slot_step) for each innermost input row:
/// element i of the row is x_row[i * x_step] and reduces into slot + i * slot_step
/// (slot_step is 0 when the innermost axis is reduced).
template <class T, class Visit>
void for_each_reduce_row(const Tensor& x, const ReducePlan& plan, Visit&& visit) {
    const Shape out_strides = broadcast_strides(plan.kept_shape, x.shape());
    const Shape in_strides = contiguous_strides(x.shape());
    const T* px = x.data<T>();
    for_each_row(x.shape(), in_strides, out_strides,
                 [&](std::int64_t, std::int64_t ix, std::int64_t io, std::int64_t n, std::int64_t dx,
                     std::int64_t dout) { visit(io, px + ix, n, dx, dout); });
}

/// out[slot] = fold(out[slot], x) over every input element, where out starts
/// at `init` and has kept_shape's element count. Acc is the accumulator type.
/// Elements reach their slot in increasing index order along the reduced axes.
template <class Acc, class T, class Fold>
std::vector<Acc> reduce_into(const Tensor& x, const ReducePlan& plan, Acc init, Fold fold) {
    std::vector<Acc> acc(static_cast<std::size_t>(plan.kept_shape.numel()), init);
    Acc* pa = acc.data();
    for_each_reduce_row<T>(x, plan, [&](std::int64_t io, const T* src, std::int64_t n, std::int64_t dx,
                                        std::int64_t dout) {
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

/// As reduce_into, but fold(acc, x, ref[slot]) also sees a per-slot value
/// (kept_shape's element count), e.g. the mean for centered sums or the max
/// for a shifted sum of exponentials.
template <class Acc, class T, class Ref, class Fold>
std::vector<Acc> reduce_into_ref(const Tensor& x, const ReducePlan& plan, const std::vector<Ref>& ref, Acc init,
                                 Fold fold) {
    std::vector<Acc> acc(static_cast<std::size_t>(plan.kept_shape.numel()), init);
    Acc* pa = acc.data();
    const Ref* pr = ref.data();
    for_each_reduce_row<T>(x, plan, [&](std::int64_t io, const T* src, std::int64_t n, std::int64_t dx,
                                        std::int64_t dout) {
        Acc* dst = pa + io;
        const Ref* r = pr + io;
        if (dout == 0) {
            Acc a = *dst;
            const Ref c = *r;
            for (std::int64_t i = 0; i < n; ++i) a = fold(a, src[i * dx], c);
            *dst = a;
        } else {
            for (std::int64_t i = 0; i < n; ++i) dst[i] = fold(dst[i], src[i * dx], r[i]);
        }
    });
    return acc;
}


/// out[o, j] = the first i along the middle axis where x[o, i, j] wins:
/// better(v, best) says whether v replaces the current best. n must be ≥ 1.
template <class T, class Better>
void arg_reduce(const T* x, std::int64_t* out, const AxisView& sp, Better better) {
    std::vector<T> best(static_cast<std::size_t>(sp.inner));
    for (std::int64_t o = 0; o < sp.outer; ++o) {
        const T* block = x + o * sp.dim * sp.inner;
        std::int64_t* idx = out + o * sp.inner;
        for (std::int64_t j = 0; j < sp.inner; ++j) {
            best[static_cast<std::size_t>(j)] = block[j];
            idx[j] = 0;
        }
        for (std::int64_t i = 1; i < sp.dim; ++i) {
            const T* row = block + i * sp.inner;
            for (std::int64_t j = 0; j < sp.inner; ++j) {
                T& b = best[static_cast<std::size_t>(j)];
                if (better(row[j], b)) {
                    b = row[j];
                    idx[j] = i;
                }
            }
        }
    }
}

}  // namespace xgrad::detail
