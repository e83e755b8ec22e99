// The indexing object's meaning, and the flat read/write every indexing op
// is built on (see index_positions.hpp):
//
//   index(x, I)          = take_positions(x, P(I))      P: flat offsets, shape of x[I]
//   index_put(x, I, v)   = put_positions(x, P(I), expand(v))
//   take(x, idx)         = take_positions(x, idx mod numel)
//   take_positions       out = x.flat[P]                 dx = put_positions(0, P, g, accumulate)
//   put_positions        out = x; out.flat[P] (+)= v     dx = g · keep,  dv = take_positions(g, P) · winners
//   nonzero / argwhere   positions of nonzero elements   not differentiable
#include "xgrad/ops/advanced_indexing.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>

#include "index_positions.hpp"
#include "kernels.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

namespace {

/// One dimension of x[I] as the positions walk it: `size` steps of `stride`
/// elements, or (the advanced block, `offsets` set) `size` looked-up offsets.
struct WalkDim {
    std::int64_t size = 1;
    std::int64_t stride = 0;
    const std::int64_t* offsets = nullptr;
};

/// An advanced index: its int64 positions and the dimension of x they index.
struct Advanced {
    Tensor positions;
    std::size_t axis;
    std::size_t walk_slot;  // where its dimension stands among the basic-indexed dimensions
};

[[noreturn]] void throw_out_of_range(const char* op, std::int64_t value, std::size_t axis, std::int64_t size,
                                     const Shape& x_shape) {
    throw IndexError(std::string(op) + ": index " + std::to_string(value) + " is out of range for dimension " +
                     std::to_string(axis) + " of size " + std::to_string(size) + " (input shape " +
                     to_string(x_shape) + ")");
}

/// True for a mask: a bool tensor.
bool is_mask(const Tensor& t) { return t.dtype() == boolean; }

/// Number of x's dimensions an entry consumes: a mask, as many as it has.
std::size_t dims_consumed(const TensorIndex& entry, const char* op) {
    if (entry.is_integer() || entry.is_slice()) return 1;
    if (!entry.is_tensor()) return 0;
    const Tensor& t = entry.tensor();
    if (is_mask(t)) {
        if (t.rank() == 0) throw IndexError(std::string(op) + ": a 0-d mask indexes no dimension (not supported)");
        return t.rank();
    }
    if (t.dtype() != int64) {
        throw DtypeError(std::string(op) + ": index tensors must be int64 positions or bool masks, got " +
                         std::string(dtype_name(t.dtype())));
    }
    return 1;
}

/// The positions of a mask's set elements along each of its dimensions
/// (nonzero()'s columns), after checking it covers x's dimensions from `axis`.
std::vector<Tensor> mask_positions(const Tensor& mask, const Shape& x_shape, std::size_t axis, const char* op) {
    const std::size_t k = mask.rank();
    const Shape covered(std::span<const std::int64_t>(x_shape.begin() + axis, k));
    if (!(mask.shape() == covered)) {
        throw IndexError(std::string(op) + ": mask of shape " + to_string(mask.shape()) +
                         " does not match the indexed dimensions " + to_string(covered) + " of the input (shape " +
                         to_string(x_shape) + ") from dimension " + std::to_string(axis));
    }
    const Tensor set = nonzero(mask);  // [n, k]
    const std::int64_t n = set.shape()[0];
    const std::int64_t* ps = set.data<std::int64_t>();
    std::vector<Tensor> columns;
    for (std::size_t t = 0; t < k; ++t) {
        Tensor column({n}, int64);
        std::int64_t* pc = column.data<std::int64_t>();
        for (std::int64_t i = 0; i < n; ++i) pc[i] = ps[i * static_cast<std::int64_t>(k) + static_cast<std::int64_t>(t)];
        columns.push_back(std::move(column));
    }
    return columns;
}

/// Python's slice.indices(size) for step > 0: the first position and the count.
std::pair<std::int64_t, std::int64_t> slice_range(const Slice& s, std::int64_t size, std::size_t axis,
                                                   const char* op) {
    if (s.step() <= 0) {
        throw ValueError(std::string(op) + ": slice step must be positive, got " + std::to_string(s.step()) +
                         " (dimension " + std::to_string(axis) + ")");
    }
    const auto bound = [size](const std::optional<std::int64_t>& b, std::int64_t missing) {
        if (!b) return missing;
        const std::int64_t v = *b < 0 ? *b + size : *b;
        return std::clamp<std::int64_t>(v, 0, size);
    };
    const std::int64_t start = bound(s.start(), 0);
    const std::int64_t stop = bound(s.stop(), size);
    const std::int64_t count = stop > start ? (stop - start + s.step() - 1) / s.step() : 0;
    return {start, count};
}

/// offsets[b] = Σ_j adv_j[b] · stride(axis_j) over the broadcast shape of the
/// advanced indices, negative positions counted from the end.
std::vector<std::int64_t> advanced_offsets(const std::vector<Advanced>& advanced, const Shape& block,
                                           const Shape& x_shape, const Shape& x_strides, const char* op) {
    const std::int64_t n = block.numel();
    std::vector<std::int64_t> offsets(static_cast<std::size_t>(n), 0);
    const Shape block_strides = contiguous_strides(block);
    for (const Advanced& a : advanced) {
        const Shape from = detail::broadcast_strides(a.positions.shape(), block);
        const std::int64_t* pos = a.positions.data<std::int64_t>();
        const std::int64_t size = x_shape[a.axis];
        for (std::int64_t b = 0; b < n; ++b) {
            std::int64_t src = 0, rest = b;
            for (std::size_t d = 0; d < block.size(); ++d) {
                src += rest / block_strides[d] * from[d];
                rest %= block_strides[d];
            }
            std::int64_t p = pos[src];
            if (p < -size || p >= size) throw_out_of_range(op, p, a.axis, size, x_shape);
            if (p < 0) p += size;
            offsets[static_cast<std::size_t>(b)] += p * x_strides[a.axis];
        }
    }
    return offsets;
}

/// Writes base + Σ_k offset_k(i_k) for every multi-index, row-major.
void walk(const std::vector<WalkDim>& dims, std::size_t k, std::int64_t base, std::int64_t*& out) {
    const WalkDim& d = dims[k];
    if (k + 1 == dims.size()) {
        for (std::int64_t i = 0; i < d.size; ++i) *out++ = base + (d.offsets ? d.offsets[i] : i * d.stride);
        return;
    }
    for (std::int64_t i = 0; i < d.size; ++i) walk(dims, k + 1, base + (d.offsets ? d.offsets[i] : i * d.stride), out);
}

}  // namespace

namespace detail {

bool broadcasts_to(const Shape& from, const Shape& to) {
    if (from.size() > to.size()) return false;
    const std::size_t lead = to.size() - from.size();
    for (std::size_t d = 0; d < from.size(); ++d)
        if (from[d] != 1 && from[d] != to[lead + d]) return false;
    return true;
}

Tensor index_positions(const Shape& x_shape, const std::vector<TensorIndex>& indices, const char* op) {
    const std::size_t rank = x_shape.size();
    std::size_t consumed = 0, ellipses = 0;
    for (const TensorIndex& e : indices) {
        consumed += dims_consumed(e, op);
        ellipses += e.is_ellipsis() ? 1 : 0;
    }
    if (ellipses > 1) throw IndexError(std::string(op) + ": an index can have only one Ellipsis");
    if (consumed > rank) {
        throw IndexError(std::string(op) + ": too many indices for a tensor of shape " + to_string(x_shape) + ": " +
                         std::to_string(consumed) + " dimensions indexed, " + std::to_string(rank) + " present");
    }
    const Shape strides = contiguous_strides(x_shape);

    // Basic indexing first (integers, slices, None, Ellipsis), as PyTorch does;
    // the advanced indices keep a placeholder dimension each.
    std::int64_t base = 0;
    std::vector<WalkDim> dims;
    Shape shape;
    std::vector<Advanced> advanced;
    std::size_t axis = 0;
    const auto keep_whole = [&](std::size_t a) {
        dims.push_back({x_shape[a], strides[a], nullptr});
        shape.push_back(x_shape[a]);
    };
    for (const TensorIndex& e : indices) {
        if (e.is_none()) {
            dims.push_back({1, 0, nullptr});
            shape.push_back(1);
        } else if (e.is_ellipsis()) {
            for (std::size_t k = 0; k < rank - consumed; ++k) keep_whole(axis++);
        } else if (e.is_integer()) {
            const std::int64_t size = x_shape[axis];
            std::int64_t p = e.integer();
            if (p < -size || p >= size) throw_out_of_range(op, p, axis, size, x_shape);
            base += (p < 0 ? p + size : p) * strides[axis];
            ++axis;
        } else if (e.is_slice()) {
            const auto [start, count] = slice_range(e.slice(), x_shape[axis], axis, op);
            if (count > 0) base += start * strides[axis];
            dims.push_back({count, e.slice().step() * strides[axis], nullptr});
            shape.push_back(count);
            ++axis;
        } else {
            const std::vector<Tensor> columns =
                is_mask(e.tensor()) ? mask_positions(e.tensor(), x_shape, axis, op) : std::vector<Tensor>{e.tensor()};
            for (const Tensor& c : columns) {
                advanced.push_back({c, axis++, dims.size()});
                dims.push_back({});
                shape.push_back(0);
            }
        }
    }
    while (axis < rank) keep_whole(axis++);

    std::vector<std::int64_t> offsets;
    if (!advanced.empty()) {
        Shape block = advanced.front().positions.shape();
        for (const Advanced& a : advanced) block = broadcast_shapes(block, a.positions.shape(), op);
        checked_numel(block, std::string(op) + ": the broadcast shape of the index tensors");
        offsets = advanced_offsets(advanced, block, x_shape, strides, op);
        bool adjacent = true;
        for (std::size_t j = 1; j < advanced.size(); ++j)
            adjacent = adjacent && advanced[j].walk_slot == advanced[j - 1].walk_slot + 1;
        // The advanced dimensions become one walk dimension over the block:
        // where they stand when adjacent, first otherwise.
        std::vector<WalkDim> walk_dims;
        Shape out_shape;
        const std::size_t at = adjacent ? advanced.front().walk_slot : 0;
        for (std::size_t k = 0; k <= dims.size(); ++k) {
            if (k == at) {
                walk_dims.push_back({block.numel(), 0, offsets.data()});
                for (const std::int64_t b : block) out_shape.push_back(b);
            }
            if (k == dims.size()) break;
            const bool is_advanced =
                std::any_of(advanced.begin(), advanced.end(), [k](const Advanced& a) { return a.walk_slot == k; });
            if (is_advanced) continue;
            walk_dims.push_back(dims[k]);
            out_shape.push_back(shape[k]);
        }
        dims = std::move(walk_dims);
        shape = std::move(out_shape);
    }

    checked_numel(shape, std::string(op) + ": the indexed result");
    Tensor positions(shape, int64);
    std::int64_t* out = positions.data<std::int64_t>();
    if (dims.empty()) {
        *out = base;
    } else if (positions.numel() > 0) {
        walk(dims, 0, base, out);
    }
    return positions;
}

Tensor take_positions(const Tensor& x, const Tensor& positions) {
    return index_select(x.reshape({x.numel()}), 0, positions.reshape({positions.numel()})).reshape(positions.shape());
}

Tensor put_positions(const Tensor& x, const Tensor& positions, const Tensor& v, bool accumulate) {
    Tensor out(x.shape(), x.dtype());
    if (x.numel() > 0)
        std::memcpy(out.raw_data(), x.raw_data(), static_cast<std::size_t>(x.numel()) * itemsize(x.dtype()));
    const std::int64_t* pos = positions.data<std::int64_t>();
    const std::int64_t n = positions.numel();
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* pv = v.data<T>();
        T* po = out.data<T>();
        if (accumulate) {
            for (std::int64_t k = 0; k < n; ++k) po[pos[k]] += pv[k];
        } else {
            for (std::int64_t k = 0; k < n; ++k) po[pos[k]] = pv[k];
        }
    });
    if (!needs_grad({&x, &v})) return out;

    // Without accumulate, x keeps a gradient only where nothing was written,
    // and of repeated writes only the last (the one that stayed) gets one.
    Tensor keep, winners;
    if (!accumulate) {
        std::vector<unsigned char> written(static_cast<std::size_t>(x.numel()), 0);
        bool repeated = false;
        std::vector<unsigned char> won(static_cast<std::size_t>(n), 1);
        for (std::int64_t k = n; k-- > 0;) {
            auto& w = written[static_cast<std::size_t>(pos[k])];
            if (w) {
                won[static_cast<std::size_t>(k)] = 0;
                repeated = true;
            }
            w = 1;
        }
        keep = Tensor(x.shape(), x.dtype());
        winners = repeated ? Tensor(positions.shape(), x.dtype()) : Tensor();
        visit_floating(x.dtype(), "index_put", [&](auto tag) {
            using T = decltype(tag);
            T* pk = keep.data<T>();
            for (std::size_t i = 0; i < written.size(); ++i) pk[i] = written[i] ? T(0) : T(1);
            if (!repeated) return;
            T* pw = winners.data<T>();
            for (std::size_t k = 0; k < won.size(); ++k) pw[k] = won[k] ? T(1) : T(0);
        });
    }
    record("index_put", out, {&x, &v},
           [sp = SavedTensor(positions), keep, winners, accumulate](const Tensor& g, InputGrads& dx) {
               // g: x's shape → x's shape, and positions' shape (v's)
               if (dx.needs(0)) dx[0] = accumulate ? g : mul(g, keep);
               if (dx.needs(1)) {
                   const Tensor taken = take_positions(g, sp.get());
                   dx[1] = winners.defined() ? mul(taken, winners) : taken;
               }
           });
    return out;
}

}  // namespace detail

Tensor index(const Tensor& x, const std::vector<TensorIndex>& indices) {
    return detail::take_positions(x, detail::index_positions(x.shape(), indices, "index"));
}

Tensor index_put(const Tensor& x, const std::vector<TensorIndex>& indices, const Tensor& v, bool accumulate) {
    detail::check_same_dtype("index_put", x, v);
    const Tensor positions = detail::index_positions(x.shape(), indices, "index_put");
    const Shape& target = positions.shape();
    if (!detail::broadcasts_to(v.shape(), target)) {
        throw ShapeError("index_put: values of shape " + to_string(v.shape()) +
                         " do not broadcast to the indexed shape " + to_string(target));
    }
    return detail::put_positions(x, positions, v.shape() == target ? v : expand(v, target), accumulate);
}

Tensor take(const Tensor& x, const Tensor& index) {
    if (index.dtype() != int64) {
        throw DtypeError("take: index must be int64, got " + std::string(dtype_name(index.dtype())));
    }
    const std::int64_t size = x.numel();
    Tensor positions(index.shape(), int64);
    const std::int64_t* in = index.data<std::int64_t>();
    std::int64_t* out = positions.data<std::int64_t>();
    for (std::int64_t k = 0; k < index.numel(); ++k) {
        if (in[k] < -size || in[k] >= size) {
            throw IndexError("take: index " + std::to_string(in[k]) + " is out of range for dimension 0 of size " +
                             std::to_string(size) + " (the flattened input of shape " + to_string(x.shape()) + ")");
        }
        out[k] = in[k] < 0 ? in[k] + size : in[k];
    }
    return detail::take_positions(x, positions);
}

Tensor nonzero(const Tensor& x) {
    const std::size_t rank = x.rank();
    std::vector<std::int64_t> flat;
    visit_any_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        for (std::int64_t i = 0; i < x.numel(); ++i)
            if (px[i] != T(0)) flat.push_back(i);
    });
    const auto n = static_cast<std::int64_t>(flat.size());
    Tensor out({n, static_cast<std::int64_t>(rank)}, int64);
    std::int64_t* po = out.data<std::int64_t>();
    for (std::int64_t i = 0; i < n; ++i) {
        std::int64_t f = flat[static_cast<std::size_t>(i)];
        for (std::size_t d = rank; d-- > 0;) {
            po[i * static_cast<std::int64_t>(rank) + static_cast<std::int64_t>(d)] = f % x.shape()[d];
            f /= x.shape()[d];
        }
    }
    trace_op("nonzero", {&x}, out);
    return out;
}

Tensor argwhere(const Tensor& x) { return nonzero(x); }

XGRAD_REGISTER_OP(index, differentiable);  // composite: take_positions (index_select)
XGRAD_REGISTER_OP(index_put, differentiable);
XGRAD_REGISTER_OP(take, differentiable);  // composite: take_positions (index_select)
XGRAD_REGISTER_OP(nonzero, not_differentiable);
XGRAD_REGISTER_OP(argwhere, not_differentiable);

}  // namespace xgrad
