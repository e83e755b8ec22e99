// Index-based selection: forward and backward side by side.
//
// Every op sees its tensors as [outer, dim, inner] around `axis` (row-major,
// contiguous), so an index picks whole contiguous blocks of `inner` elements.
//
//   index_select  out[o, j, k] = x[o, index[j], k]          dx = index_select_backward(g)
//   gather        out[o, j, k] = x[o, index[o, j, k], k]     dx = scatter_add(0, index, g)
//   scatter_add   out = x;  out[o, index[o, j, k], k] += src[o, j, k]
//                                                            dx = g, dsrc = gather(g, index)
//   one_hot       out[..., c] = (labels[...] == c)           not differentiable
#include "xgrad/ops/indexing.hpp"

#include <cstddef>
#include <cstring>
#include <string>

#include "axis_view.hpp"
#include "kernels.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/ops/registry.hpp"

namespace xgrad {

namespace {

using detail::AxisView;
using detail::axis_view;

void check_index_dtype(const char* op, const char* what, const Tensor& index) {
    if (index.dtype() != int64) {
        throw DtypeError(std::string(op) + ": " + what + " must be int64, got " + std::string(dtype_name(index.dtype())));
    }
}

/// "[1,2]": the multi-index of flat position `flat` in `shape`.
std::string position_of(std::int64_t flat, const Shape& shape) {
    Shape pos = Shape::filled(shape.size(), 0);
    for (std::size_t d = shape.size(); d-- > 0;) {
        pos[d] = shape[d] == 0 ? 0 : flat % shape[d];
        flat = shape[d] == 0 ? 0 : flat / shape[d];
    }
    return to_string(pos);
}

[[noreturn]] void throw_out_of_range(const char* op, std::int64_t value, const std::string& position,
                                     std::size_t axis, std::int64_t dim, const Shape& x_shape) {
    throw IndexError(std::string(op) + ": index " + std::to_string(value) + " at position " + position +
                     " is out of range for dimension " + std::to_string(axis) + " of size " + std::to_string(dim) +
                     " (input shape " + to_string(x_shape) + ")");
}

/// Checks that index has x's rank and x's sizes on every axis but `axis`.
void check_index_shape(const char* op, const Tensor& x, std::size_t axis, const Tensor& index) {
    bool match = index.rank() == x.rank();
    for (std::size_t d = 0; match && d < x.rank(); ++d) match = d == axis || index.shape()[d] == x.shape()[d];
    if (!match) {
        throw ShapeError(std::string(op) + ": index has shape " + to_string(index.shape()) + " but input has " +
                         to_string(x.shape()) + " (same rank, and all dimensions but axis " + std::to_string(axis) +
                         " must match)");
    }
}

/// The gradient of index_select(): zeros of x's shape (`dim` along axis) with
/// g's blocks added at the rows `index` names (repeated rows accumulate).
/// g: [.., n, ..] → [.., dim, ..].     backward: index_select
Tensor index_select_backward(const Tensor& g, std::size_t axis, const Tensor& index, std::int64_t dim) {
    Shape shape = g.shape();
    shape[axis] = dim;
    Tensor out = zeros(shape, g.dtype());
    const AxisView v = axis_view(shape, axis);
    const std::int64_t n = index.numel();
    const std::int64_t* idx = index.data<std::int64_t>();
    visit_floating(g.dtype(), "index_select_backward", [&](auto tag) {
        using T = decltype(tag);
        const T* pg = g.data<T>();
        T* po = out.data<T>();
        for (std::int64_t o = 0; o < v.outer; ++o) {
            for (std::int64_t j = 0; j < n; ++j) {
                const T* src = pg + (o * n + j) * v.inner;
                T* dst = po + (o * dim + idx[j]) * v.inner;
                for (std::int64_t k = 0; k < v.inner; ++k) dst[k] += src[k];
            }
        }
    });
    record("index_select_backward", out, {&g}, [axis, si = SavedTensor(index)](const Tensor& gg, InputGrads& dx) {
        dx[0] = index_select(gg, static_cast<std::int64_t>(axis), si.get());
    });
    return out;
}

}  // namespace

Tensor index_select(const Tensor& x, std::int64_t axis, const Tensor& index) {
    const std::size_t a = normalize_axis(axis, x.rank(), "index_select");
    check_index_dtype("index_select", "index", index);
    if (index.rank() != 1) {
        throw ShapeError("index_select: index must be 1-D, got shape " + to_string(index.shape()));
    }
    const AxisView v = axis_view(x.shape(), a);
    const std::int64_t n = index.numel();
    const std::int64_t* idx = index.data<std::int64_t>();
    for (std::int64_t j = 0; j < n; ++j)
        if (idx[j] < 0 || idx[j] >= v.dim)
            throw_out_of_range("index_select", idx[j], std::to_string(j), a, v.dim, x.shape());

    Shape shape = x.shape();
    shape[a] = n;
    Tensor out(shape, x.dtype());
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        T* po = out.data<T>();
        if (v.inner == 1) {
            for (std::int64_t o = 0; o < v.outer; ++o)
                for (std::int64_t j = 0; j < n; ++j) po[o * n + j] = px[o * v.dim + idx[j]];
        } else {
            const auto bytes = static_cast<std::size_t>(v.inner) * sizeof(T);
            for (std::int64_t o = 0; o < v.outer; ++o)
                for (std::int64_t j = 0; j < n; ++j)
                    std::memcpy(po + (o * n + j) * v.inner, px + (o * v.dim + idx[j]) * v.inner, bytes);
        }
    });
    trace_op("index_select", {&x, &index}, out, [a] { return OpAttributes{{"axis", static_cast<std::int64_t>(a)}}; });
    record("index_select", out, {&x}, [a, dim = v.dim, si = SavedTensor(index)](const Tensor& g, InputGrads& dx) {
        // g: [.., n, ..] → [.., dim, ..]
        dx[0] = index_select_backward(g, a, si.get(), dim);
    });
    return out;
}

Tensor gather(const Tensor& x, std::int64_t axis, const Tensor& index) {
    const std::size_t a = normalize_axis(axis, x.rank(), "gather");
    check_index_dtype("gather", "index", index);
    check_index_shape("gather", x, a, index);
    const AxisView v = axis_view(x.shape(), a);
    const std::int64_t n = index.shape()[a];
    const std::int64_t* idx = index.data<std::int64_t>();
    Tensor out(index.shape(), x.dtype());
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        T* po = out.data<T>();
        for (std::int64_t o = 0; o < v.outer; ++o) {
            for (std::int64_t j = 0; j < n; ++j) {
                const std::int64_t row = (o * n + j) * v.inner;
                for (std::int64_t k = 0; k < v.inner; ++k) {
                    const std::int64_t i = idx[row + k];
                    if (i < 0 || i >= v.dim)
                        throw_out_of_range("gather", i, position_of(row + k, index.shape()), a, v.dim, x.shape());
                    po[row + k] = px[(o * v.dim + i) * v.inner + k];
                }
            }
        }
    });
    trace_op("gather", {&x, &index}, out, [&] { return OpAttributes{{"axis", axis}}; });
    record("gather", out, {&x}, [a, in = x.shape(), si = SavedTensor(index)](const Tensor& g, InputGrads& dx) {
        // g: index's shape → x's shape
        dx[0] = scatter_add(zeros(in, g.dtype()), static_cast<std::int64_t>(a), si.get(), g);
    });
    return out;
}

Tensor scatter_add(const Tensor& x, std::int64_t axis, const Tensor& index, const Tensor& src) {
    const std::size_t a = normalize_axis(axis, x.rank(), "scatter_add");
    check_index_dtype("scatter_add", "index", index);
    detail::check_same_dtype("scatter_add", x, src);
    if (!(index.shape() == src.shape())) {
        throw ShapeError("scatter_add: index has shape " + to_string(index.shape()) + " but src has " +
                         to_string(src.shape()) + " (they must be equal)");
    }
    check_index_shape("scatter_add", x, a, index);
    const AxisView v = axis_view(x.shape(), a);
    const std::int64_t n = index.shape()[a];
    const std::int64_t* idx = index.data<std::int64_t>();
    Tensor out(x.shape(), x.dtype());
    if (x.numel() > 0)
        std::memcpy(out.raw_data(), x.raw_data(), static_cast<std::size_t>(x.numel()) * itemsize(x.dtype()));
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* ps = src.data<T>();
        T* po = out.data<T>();
        for (std::int64_t o = 0; o < v.outer; ++o) {
            for (std::int64_t j = 0; j < n; ++j) {
                const std::int64_t row = (o * n + j) * v.inner;
                for (std::int64_t k = 0; k < v.inner; ++k) {
                    const std::int64_t i = idx[row + k];
                    if (i < 0 || i >= v.dim)
                        throw_out_of_range("scatter_add", i, position_of(row + k, index.shape()), a, v.dim,
                                           x.shape());
                    po[(o * v.dim + i) * v.inner + k] += ps[row + k];
                }
            }
        }
    });
    record("scatter_add", out, {&x, &src}, [a, si = SavedTensor(index)](const Tensor& g, InputGrads& dx) {
        // g: x's shape → x's shape (identity) and index's shape (gather)
        if (dx.needs(0)) dx[0] = g;
        if (dx.needs(1)) dx[1] = gather(g, static_cast<std::int64_t>(a), si.get());
    });
    return out;
}

Tensor one_hot(const Tensor& labels, std::int64_t num_classes, Dtype dtype) {
    check_index_dtype("one_hot", "labels", labels);
    if (num_classes <= 0) {
        throw ValueError("one_hot: num_classes must be positive, got " + std::to_string(num_classes));
    }
    Shape shape = labels.shape();
    shape.push_back(num_classes);
    Tensor out = zeros(shape, dtype);
    const std::int64_t* lab = labels.data<std::int64_t>();
    visit_dtype(dtype, [&](auto tag) {
        using T = decltype(tag);
        T* po = out.data<T>();
        for (std::int64_t i = 0; i < labels.numel(); ++i) {
            if (lab[i] < 0 || lab[i] >= num_classes) {
                throw IndexError("one_hot: label " + std::to_string(lab[i]) + " at position " +
                                 position_of(i, labels.shape()) + " is out of range for " +
                                 std::to_string(num_classes) + " classes (labels shape " +
                                 to_string(labels.shape()) + ")");
            }
            po[i * num_classes + lab[i]] = T(1);
        }
    });
    trace_op("one_hot", {&labels}, out);
    return out;
}

XGRAD_REGISTER_OP(index_select, differentiable);
XGRAD_REGISTER_OP(index_select_backward, differentiable);
XGRAD_REGISTER_OP(gather, differentiable);
XGRAD_REGISTER_OP(scatter_add, differentiable);
XGRAD_REGISTER_OP(one_hot, not_differentiable);

}  // namespace xgrad
