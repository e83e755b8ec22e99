// Rearranging elements: forward and backward side by side.
//
// flip and roll move every element to a new coordinate along some axes;
// both are one pass of remap_copy, which walks the output row-major and reads
// x through a per-axis table of source offsets. The others are compositions
// of reshape, expand, index_select and permute, whose gradients exist to any
// order:
//
//   tile               (1, d0, 1, d1, …) → expand (r0, d0, r1, d1, …) → reshape
//   repeat_interleave  int: unsqueeze after axis → expand → reshape;  tensor: index_select
//   meshgrid           reshape each to its own dimension → expand
//   broadcast_tensors  expand to the common shape
//   movedim            permute
#include "xgrad/ops/rearrange.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

namespace {

/// Per axis d, source_offset[d][c]: the offset in x of the element that
/// coordinate c along d reads (identity tables for untouched axes).
using SourceOffsets = std::vector<std::vector<std::int64_t>>;

SourceOffsets identity_offsets(const Shape& shape) {
    const Shape strides = contiguous_strides(shape);
    SourceOffsets offsets(shape.size());
    for (std::size_t d = 0; d < shape.size(); ++d) {
        offsets[d].resize(static_cast<std::size_t>(shape[d]));
        for (std::int64_t c = 0; c < shape[d]; ++c) offsets[d][static_cast<std::size_t>(c)] = c * strides[d];
    }
    return offsets;
}

/// out (x's shape)[c0, …, cn] = x at offsets[0][c0] + … + offsets[n][cn].
Tensor remap_copy(const Tensor& x, const SourceOffsets& offsets) {
    Tensor out(x.shape(), x.dtype());
    const Shape& shape = x.shape();
    const std::size_t r = shape.size();
    if (x.numel() == 0) return out;
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        T* po = out.data<T>();
        if (r == 0) {
            po[0] = px[0];
            return;
        }
        const std::vector<std::int64_t>& last = offsets[r - 1];
        const std::int64_t n = shape[r - 1];
        std::vector<std::int64_t> coord(r - 1, 0);
        std::int64_t base = 0;
        for (std::size_t d = 0; d + 1 < r; ++d) base += offsets[d][0];
        for (std::int64_t row = 0, rows = x.numel() / n; row < rows; ++row) {
            T* dst = po + row * n;
            for (std::int64_t j = 0; j < n; ++j) dst[j] = px[base + last[static_cast<std::size_t>(j)]];
            for (std::size_t d = r - 1; d-- > 0;) {  // the odometer over the outer axes
                auto& c = coord[d];
                base -= offsets[d][static_cast<std::size_t>(c)];
                if (++c == shape[d]) c = 0;
                base += offsets[d][static_cast<std::size_t>(c)];
                if (c != 0) break;
            }
        }
    });
    return out;
}

/// Normalized axes, each at most once (ValueError naming op and the axis).
std::vector<std::size_t> distinct_axes(const std::vector<std::int64_t>& axes, std::size_t rank, const char* op) {
    std::vector<std::size_t> out;
    for (std::int64_t axis : axes) {
        const std::size_t a = normalize_axis(axis, rank, op);
        for (std::size_t seen : out)
            if (seen == a) throw ValueError(std::string(op) + ": axis " + std::to_string(axis) + " is given twice");
        out.push_back(a);
    }
    return out;
}

}  // namespace

Tensor flip(const Tensor& x, const std::vector<std::int64_t>& axes) {
    const std::vector<std::size_t> flipped = distinct_axes(axes, x.rank(), "flip");
    SourceOffsets offsets = identity_offsets(x.shape());
    for (std::size_t a : flipped) std::reverse(offsets[a].begin(), offsets[a].end());
    Tensor out = remap_copy(x, offsets);
    trace_op("flip", {&x}, out, [&] {
        return OpAttributes{{"axes", std::vector<std::int64_t>(flipped.begin(), flipped.end())}};
    });
    record("flip", out, {&x}, [axes](const Tensor& g, InputGrads& dx) { dx[0] = flip(g, axes); });
    return out;
}

Tensor roll(const Tensor& x, const std::vector<std::int64_t>& shifts, const std::vector<std::int64_t>& axes) {
    if (shifts.size() != axes.size()) {
        throw ValueError("roll: got " + std::to_string(shifts.size()) + " shifts for " + std::to_string(axes.size()) +
                         " axes (one shift per axis)");
    }
    std::vector<std::int64_t> total(x.rank(), 0);  // per axis, the shift modulo its length, in [0, length)
    for (std::size_t i = 0; i < axes.size(); ++i) {
        const std::size_t a = normalize_axis(axes[i], x.rank(), "roll");
        const std::int64_t n = x.shape()[a];
        if (n > 0) total[a] = ((total[a] + shifts[i] % n) % n + n) % n;
    }
    SourceOffsets offsets = identity_offsets(x.shape());
    for (std::size_t a = 0; a < x.rank(); ++a)  // out[c] = x[c − shift]: rotate right by the shift
        std::rotate(offsets[a].begin(), offsets[a].end() - total[a], offsets[a].end());
    Tensor out = remap_copy(x, offsets);
    record("roll", out, {&x}, [total, in = x.shape()](const Tensor& g, InputGrads& dx) {
        std::vector<std::int64_t> back(total.size()), all_axes(total.size());
        for (std::size_t a = 0; a < total.size(); ++a) {
            back[a] = total[a] == 0 ? 0 : in[a] - total[a];
            all_axes[a] = static_cast<std::int64_t>(a);
        }
        dx[0] = roll(g, back, all_axes);
    });
    return out;
}

Tensor roll(const Tensor& x, std::int64_t shift) { return reshape(roll(flatten(x), {shift}, {0}), x.shape()); }

Tensor tile(const Tensor& x, const std::vector<std::int64_t>& reps) {
    for (std::int64_t r : reps)
        if (r < 0) throw ValueError("tile: repetitions must be >= 0, got " + std::to_string(r));
    const std::size_t rank = std::max(x.rank(), reps.size());
    Shape interleaved, expanded, result;
    for (std::size_t d = 0; d < rank; ++d) {
        const std::int64_t size = d < rank - x.rank() ? 1 : x.shape()[d - (rank - x.rank())];
        const std::int64_t rep = d < rank - reps.size() ? 1 : reps[d - (rank - reps.size())];
        interleaved.push_back(1);
        interleaved.push_back(size);
        expanded.push_back(rep);
        expanded.push_back(size);
    }
    checked_numel({expanded.data(), expanded.size()}, "tile: result of " + to_string(x.shape()));
    for (std::size_t d = 0; d < rank; ++d) result.push_back(expanded[2 * d] * expanded[2 * d + 1]);
    return reshape(expand(reshape(x, interleaved), expanded), result);
}

Tensor repeat_interleave(const Tensor& x, std::int64_t repeats, std::optional<std::int64_t> axis) {
    if (repeats < 0) throw ValueError("repeat_interleave: repeats must be >= 0, got " + std::to_string(repeats));
    const Tensor source = axis ? x : flatten(x);
    const std::size_t a = normalize_axis(axis.value_or(0), source.rank(), "repeat_interleave");
    Shape expanded = source.shape();
    expanded.insert(a + 1, repeats);
    checked_numel({expanded.data(), expanded.size()}, "repeat_interleave: result of " + to_string(x.shape()));
    Shape result = source.shape();
    result[a] *= repeats;
    return reshape(expand(unsqueeze(source, static_cast<std::int64_t>(a) + 1), expanded), result);
}

Tensor repeat_interleave(const Tensor& x, const Tensor& repeats, std::optional<std::int64_t> axis) {
    if (repeats.dtype() != int64) {
        throw DtypeError("repeat_interleave: repeats must be int64, got " + std::string(dtype_name(repeats.dtype())));
    }
    const Tensor source = axis ? x : flatten(x);
    const std::size_t a = normalize_axis(axis.value_or(0), source.rank(), "repeat_interleave");
    const std::int64_t dim = source.shape()[a];
    if (repeats.rank() > 1 || (repeats.numel() != dim && repeats.numel() != 1)) {
        throw ShapeError("repeat_interleave: repeats has shape " + to_string(repeats.shape()) + " but axis " +
                         std::to_string(a) + " of " + to_string(source.shape()) + " has length " +
                         std::to_string(dim) + " (one count per slice, or a single count)");
    }
    const std::int64_t* pr = repeats.data<std::int64_t>();
    std::vector<std::int64_t> index;
    std::int64_t total = 0;
    for (std::int64_t j = 0; j < dim; ++j) {
        const std::int64_t r = pr[repeats.numel() == 1 ? 0 : j];
        if (r < 0) {
            throw ValueError("repeat_interleave: repeats must be >= 0, got " + std::to_string(r) + " at position " +
                             std::to_string(j));
        }
        if (__builtin_add_overflow(total, r, &total)) {
            throw ShapeError("repeat_interleave: the repeats of " + to_string(source.shape()) + " add up past int64");
        }
    }
    Shape result = source.shape();
    result[a] = total;
    checked_numel({result.data(), result.size()}, "repeat_interleave: result of " + to_string(x.shape()));
    index.reserve(static_cast<std::size_t>(total));
    for (std::int64_t j = 0; j < dim; ++j) index.insert(index.end(), static_cast<std::size_t>(pr[repeats.numel() == 1 ? 0 : j]), j);
    return index_select(source, static_cast<std::int64_t>(a), from_vector(index, Shape{total}));
}

std::vector<Tensor> meshgrid(const std::vector<Tensor>& tensors, std::string_view indexing) {
    if (indexing != "ij" && indexing != "xy") {
        throw ValueError("meshgrid: indexing must be \"ij\" or \"xy\", got \"" + std::string(indexing) + "\"");
    }
    if (tensors.empty()) throw ValueError("meshgrid: expected at least one tensor");
    Shape grid;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        if (tensors[i].rank() > 1) {
            throw ShapeError("meshgrid: input " + std::to_string(i) + " has shape " + to_string(tensors[i].shape()) +
                             " (each input must be 1-D or a scalar)");
        }
        if (tensors[i].dtype() != tensors[0].dtype()) {
            throw DtypeError("meshgrid: input " + std::to_string(i) + " is " +
                             std::string(dtype_name(tensors[i].dtype())) + " but input 0 is " +
                             std::string(dtype_name(tensors[0].dtype())) + " (all must match)");
        }
        grid.push_back(tensors[i].numel());
    }
    const bool swap = indexing == "xy" && tensors.size() >= 2;
    if (swap) std::swap(grid[0], grid[1]);
    checked_numel({grid.data(), grid.size()}, "meshgrid: grid");
    std::vector<Tensor> out;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const std::size_t d = swap && i < 2 ? 1 - i : i;  // the output dimension input i varies along
        Shape along = Shape::filled(tensors.size(), 1);
        along[d] = tensors[i].numel();
        out.push_back(expand(reshape(tensors[i], along), grid));
    }
    return out;
}

std::vector<Tensor> broadcast_tensors(const std::vector<Tensor>& tensors) {
    Shape common;
    for (const Tensor& t : tensors) common = broadcast_shapes(common, t.shape(), "broadcast_tensors");
    std::vector<Tensor> out;
    for (const Tensor& t : tensors) out.push_back(expand(t, common));
    return out;
}

Tensor movedim(const Tensor& x, std::int64_t source, std::int64_t destination) {
    return movedim(x, std::vector<std::int64_t>{source}, std::vector<std::int64_t>{destination});
}

Tensor movedim(const Tensor& x, const std::vector<std::int64_t>& source, const std::vector<std::int64_t>& destination) {
    if (source.size() != destination.size()) {
        throw ValueError("movedim: got " + std::to_string(source.size()) + " source dimensions for " +
                         std::to_string(destination.size()) + " destinations (they must pair up)");
    }
    const std::vector<std::size_t> from = distinct_axes(source, x.rank(), "movedim");
    const std::vector<std::size_t> to = distinct_axes(destination, x.rank(), "movedim");
    const auto unset = static_cast<std::int64_t>(-1);
    std::vector<std::int64_t> dims(x.rank(), unset);
    std::vector<bool> moved(x.rank(), false);
    for (std::size_t i = 0; i < from.size(); ++i) {
        dims[to[i]] = static_cast<std::int64_t>(from[i]);
        moved[from[i]] = true;
    }
    std::size_t next = 0;  // the unmoved dimensions fill the free positions in order
    for (std::int64_t& d : dims) {
        if (d != unset) continue;
        while (moved[next]) ++next;
        d = static_cast<std::int64_t>(next++);
    }
    return permute(x, dims);
}

XGRAD_REGISTER_OP(flip, differentiable);
XGRAD_REGISTER_OP(roll, differentiable);
XGRAD_REGISTER_OP(tile, differentiable);               // composite
XGRAD_REGISTER_OP(repeat_interleave, differentiable);  // composite
XGRAD_REGISTER_OP(meshgrid, differentiable);           // composite
XGRAD_REGISTER_OP(broadcast_tensors, differentiable);  // composite
XGRAD_REGISTER_OP(movedim, differentiable);            // composite

}  // namespace xgrad
