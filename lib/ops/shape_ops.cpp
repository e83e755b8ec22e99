// Shape manipulation: forward and backward side by side.
#include "xgrad/ops/shape_ops.hpp"

#include <string>

#include "kernels.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/registry.hpp"

namespace xgrad {

namespace {

/// A tensor sharing x's data with another shape (same element count).
Tensor alias(const Tensor& x, const Shape& shape) {
    auto impl = std::make_shared<detail::TensorImpl>();
    impl->storage = x.impl()->storage;
    impl->shape = shape;
    impl->numel = x.numel();
    impl->dtype = x.dtype();
    return Tensor(std::move(impl));
}

}  // namespace

Tensor reshape(const Tensor& x, const Shape& shape) {
    Shape target = shape;
    std::int64_t known = 1;
    int inferred = -1;
    for (std::size_t i = 0; i < target.size(); ++i) {
        if (target[i] == -1) {
            if (inferred >= 0) throw ShapeError("reshape: more than one -1 in " + to_string(shape));
            inferred = static_cast<int>(i);
        } else if (target[i] < 0) {
            throw ShapeError("reshape: invalid dimension in " + to_string(shape));
        } else {
            known *= target[i];
        }
    }
    if (inferred >= 0) {
        if (known == 0 || x.numel() % known != 0) {
            throw ShapeError("reshape: cannot reshape " + to_string(x.shape()) + " (" +
                             std::to_string(x.numel()) + " elements) into " + to_string(shape));
        }
        target[static_cast<std::size_t>(inferred)] = x.numel() / known;
    }
    if (target.numel() != x.numel()) {
        throw ShapeError("reshape: cannot reshape " + to_string(x.shape()) + " (" + std::to_string(x.numel()) +
                         " elements) into " + to_string(shape));
    }
    Tensor out = alias(x, target);
    record("reshape", out, {&x}, [in = x.shape()](const Tensor& g, InputGrads& dx) { dx[0] = reshape(g, in); });
    return out;
}

Tensor flatten(const Tensor& x, std::int64_t start_dim, std::int64_t end_dim) {
    if (x.rank() == 0) return reshape(x, {1});
    const std::size_t s = normalize_axis(start_dim, x.rank(), "flatten");
    const std::size_t e = normalize_axis(end_dim, x.rank(), "flatten");
    if (s > e) throw ValueError("flatten: start_dim comes after end_dim");
    Shape shape;
    std::int64_t merged = 1;
    for (std::size_t i = 0; i < x.rank(); ++i) {
        if (i < s || i > e) shape.push_back(x.shape()[i]);
        else merged *= x.shape()[i];
        if (i == e) shape.push_back(merged);
    }
    return reshape(x, shape);
}

Tensor squeeze(const Tensor& x) {
    Shape shape;
    for (auto d : x.shape())
        if (d != 1) shape.push_back(d);
    return reshape(x, shape);
}

Tensor squeeze(const Tensor& x, std::int64_t axis) {
    const std::size_t a = normalize_axis(axis, x.rank(), "squeeze");
    if (x.shape()[a] != 1) {
        throw ShapeError("squeeze: dimension " + std::to_string(axis) + " of " + to_string(x.shape()) +
                         " has size " + std::to_string(x.shape()[a]) + ", not 1");
    }
    Shape shape = x.shape();
    shape.erase(a);
    return reshape(x, shape);
}

Tensor unsqueeze(const Tensor& x, std::int64_t axis) {
    const std::size_t a = normalize_axis(axis, x.rank() + 1, "unsqueeze");
    Shape shape = x.shape();
    shape.insert(a, 1);
    return reshape(x, shape);
}

Tensor expand(const Tensor& x, const Shape& shape) {
    if (x.shape() == shape) return x;
    const Shape full = broadcast_shapes(x.shape(), shape, "expand");
    if (!(full == shape)) {
        throw ShapeError("expand: cannot broadcast " + to_string(x.shape()) + " to " + to_string(shape));
    }
    Tensor out(shape, x.dtype());
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        T* po = out.data<T>();
        const Shape sx = detail::broadcast_strides(x.shape(), shape);
        detail::for_each_row(shape, sx, sx,
                             [&](std::int64_t o, std::int64_t ix, std::int64_t, std::int64_t n, std::int64_t d,
                                 std::int64_t) {
                                 for (std::int64_t i = 0; i < n; ++i) po[o + i] = px[ix + i * d];
                             });
    });
    record("expand", out, {&x}, [in = x.shape()](const Tensor& g, InputGrads& dx) { dx[0] = sum_to_shape(g, in); });
    return out;
}

Tensor sum_to_shape(const Tensor& g, const Shape& shape) {
    if (g.shape() == shape) return g;
    const std::size_t lead = g.rank() - shape.size();
    if (g.rank() < shape.size()) {
        throw ShapeError("sum_to_shape: cannot reduce " + to_string(g.shape()) + " to " + to_string(shape));
    }
    Axes axes;
    for (std::size_t i = 0; i < g.rank(); ++i) {
        if (i < lead) {
            axes.push_back(static_cast<std::int64_t>(i));
        } else if (shape[i - lead] != g.shape()[i]) {
            if (shape[i - lead] != 1) {
                throw ShapeError("sum_to_shape: cannot reduce " + to_string(g.shape()) + " to " + to_string(shape));
            }
            axes.push_back(static_cast<std::int64_t>(i));
        }
    }
    return reshape(sum(g, axes, true), shape);
}

Tensor permute(const Tensor& x, const std::vector<std::int64_t>& dims) {
    const std::size_t rank = x.rank();
    if (dims.size() != rank) {
        throw ShapeError("permute: " + std::to_string(dims.size()) + " dimensions given for a tensor of shape " +
                         to_string(x.shape()));
    }
    std::vector<std::size_t> perm(rank);
    std::vector<bool> seen(rank, false);
    for (std::size_t i = 0; i < rank; ++i) {
        perm[i] = normalize_axis(dims[i], rank, "permute");
        if (seen[perm[i]]) throw ValueError("permute: dimension " + std::to_string(dims[i]) + " repeated");
        seen[perm[i]] = true;
    }
    Shape shape = Shape::filled(rank, 0);
    const Shape in_strides = contiguous_strides(x.shape());
    Shape gather_strides = Shape::filled(rank, 0);  // x's stride for each output dimension
    for (std::size_t i = 0; i < rank; ++i) {
        shape[i] = x.shape()[perm[i]];
        gather_strides[i] = in_strides[perm[i]];
    }
    Tensor out(shape, x.dtype());
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        T* po = out.data<T>();
        detail::for_each_row(shape, gather_strides, gather_strides,
                             [&](std::int64_t o, std::int64_t ix, std::int64_t, std::int64_t n, std::int64_t d,
                                 std::int64_t) {
                                 for (std::int64_t i = 0; i < n; ++i) po[o + i] = px[ix + i * d];
                             });
    });
    record("permute", out, {&x}, [perm](const Tensor& g, InputGrads& dx) {
        std::vector<std::int64_t> inverse(perm.size());
        for (std::size_t i = 0; i < perm.size(); ++i) inverse[perm[i]] = static_cast<std::int64_t>(i);
        dx[0] = permute(g, inverse);
    });
    return out;
}

Tensor transpose(const Tensor& x, std::int64_t dim0, std::int64_t dim1) {
    std::vector<std::int64_t> dims(x.rank());
    for (std::size_t i = 0; i < dims.size(); ++i) dims[i] = static_cast<std::int64_t>(i);
    std::swap(dims[normalize_axis(dim0, x.rank(), "transpose")], dims[normalize_axis(dim1, x.rank(), "transpose")]);
    return permute(x, dims);
}

XGRAD_REGISTER_OP(reshape, differentiable);
XGRAD_REGISTER_OP(permute, differentiable);
XGRAD_REGISTER_OP(expand, differentiable);

}  // namespace xgrad
