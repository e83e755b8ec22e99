#pragma once
// Internal kernel helpers shared by the op files: result allocation, dtype
// checks, and loops over contiguous or broadcast operands. The hot floating
// loops run the kernels of lib/simd, chosen at run time for this CPU's vector
// level; the other dtypes and ops are plain loops the compiler vectorizes
// for the baseline.
#include <cstdint>
#include <string>

#include "simd/binary_loop.hpp"
#include "simd/kernels.hpp"
#include "xgrad/core/tensor.hpp"

namespace xgrad::detail {

/// A new uninitialized tensor.
inline Tensor new_tensor(const Shape& shape, Dtype dtype) { return Tensor(shape, dtype); }

/// Throws DtypeError unless a and b have the same dtype.
void check_same_dtype(const char* op, const Tensor& a, const Tensor& b);
/// Throws DtypeError unless t is float32 or float64.
void check_floating(const char* op, const Tensor& t);

/// Strides in elements of a contiguous tensor of shape `from`, viewed as
/// broadcast to `to` (0 along broadcast dimensions; `to` has rank ≥ from's).
Shape broadcast_strides(const Shape& from, const Shape& to);

/// Calls inner(out_offset, a_offset, b_offset, n, a_step, b_step) for each
/// innermost row of `out_shape`, walking a and b with the given strides.
template <class Inner>
void for_each_row(const Shape& out_shape, const Shape& a_strides, const Shape& b_strides,
                  Inner&& inner) {
    const std::size_t rank = out_shape.size();
    if (rank == 0) {
        inner(std::int64_t{0}, std::int64_t{0}, std::int64_t{0}, std::int64_t{1}, std::int64_t{0},
              std::int64_t{0});
        return;
    }
    const std::int64_t n = out_shape[rank - 1];
    const std::int64_t rows = n == 0 ? 0 : out_shape.numel() / n;
    Shape index = Shape::filled(rank, 0);
    std::int64_t ao = 0, bo = 0;
    for (std::int64_t r = 0; r < rows; ++r) {
        inner(r * n, ao, bo, n, a_strides[rank - 1], b_strides[rank - 1]);
        for (std::size_t d = rank - 1; d-- > 0;) {
            ao += a_strides[d];
            bo += b_strides[d];
            if (++index[d] < out_shape[d]) break;
            ao -= a_strides[d] * out_shape[d];
            bo -= b_strides[d] * out_shape[d];
            index[d] = 0;
        }
    }
}

/// Calls row(a_row, a_step, b_row, b_step, out_row, n) over out (a and b
/// broadcast to its shape) in as few rows as possible: one row when a and b
/// have out's shape or one of them is a single value. O is out's element
/// type: T, or bool for a comparison.
template <class T, class O = T, class Row>
void map_binary_rows(const Tensor& a, const Tensor& b, Tensor& out, Row row) {
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    O* po = out.data<O>();
    const std::int64_t n = out.numel();
    if (a.shape() == b.shape()) {
        row(pa, 1, pb, 1, po, n);
    } else if (b.numel() == 1 && a.numel() == n) {
        row(pa, 1, pb, 0, po, n);
    } else if (a.numel() == 1 && b.numel() == n) {
        row(pa, 0, pb, 1, po, n);
    } else {
        const Shape sa = broadcast_strides(a.shape(), out.shape());
        const Shape sb = broadcast_strides(b.shape(), out.shape());
        for_each_row(out.shape(), sa, sb,
                     [&](std::int64_t o, std::int64_t ia, std::int64_t ib, std::int64_t len, std::int64_t da,
                         std::int64_t db) { row(pa + ia, da, pb + ib, db, po + o, len); });
    }
}

/// out = f(a, b) elementwise with NumPy broadcasting; f works on T values
/// and returns O (T, or bool for a comparison).
template <class T, class O = T, class F>
void map_binary(const Tensor& a, const Tensor& b, Tensor& out, F f) {
    map_binary_rows<T, O>(a, b, out,
                          [f](const T* x, std::int64_t dx, const T* y, std::int64_t dy, O* dst, std::int64_t n) {
                              simd::binary_loop<T>(f, x, dx, y, dy, dst, n);
                          });
}

/// out = a ∘ b with NumPy broadcasting for floating T, by the kernel of this CPU's level.
template <class T>
void map_binary_kernel(const Tensor& a, const Tensor& b, Tensor& out, simd::Binary f) {
    map_binary_rows<T>(a, b, out, simd::elementwise_kernels<T>()[f]);
}

/// A new tensor f(x) for a floating x, by the kernel of this CPU's level;
/// `op` names the caller in the DtypeError for other dtypes.
Tensor unary_kernel(const char* op, const Tensor& x, simd::Unary f);

/// out[i] = f(x[i]) with a plain loop (f on T only).
template <class T, class F>
void map_unary(const T* x, T* out, std::int64_t n, F f) {
    for (std::int64_t i = 0; i < n; ++i) out[i] = f(x[i]);
}

/// A new tensor f(x) for a floating x with a plain loop (f generic over
/// float and double: a std:: function with no vector kernel); `op` names
/// the caller in the DtypeError for other dtypes.
template <class F> Tensor unary_loop(const char* op, const Tensor& x, F f) {
    check_floating(op, x);
    Tensor out(x.shape(), x.dtype());
    visit_floating(x.dtype(), op, [&](auto tag) {
        using T = decltype(tag);
        map_unary(x.data<T>(), out.data<T>(), x.numel(), [f](T v) { return static_cast<T>(f(v)); });
    });
    return out;
}

}  // namespace xgrad::detail
