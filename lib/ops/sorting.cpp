// Sorting and searching along an axis: forward and backward side by side.
//
// Every element maps to an unsigned order key whose integer order is
// PyTorch's element order (NaN above +inf, −0 equal to +0); descending
// inverts the key. An entry joins the key and the element's position, so
// entries compare by key then position: plain std::sort is then stable and
// ties in topk/kthvalue go to the lower position. float32 keys are 32 bits,
// so an entry packs into one uint64 (the speed of std::sort on integers);
// wider keys use a {key, position} pair.
//
// topk keeps the entries under a sampled bound in one pass, then selects
// among those few (see select_smallest).
//
//   sort, topk, kthvalue   values = x at the picked positions     dx = scatter_add(0, indices, g)
//   argsort, unique, searchsorted                                  not differentiable
#include "xgrad/ops/sorting.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include "axis_view.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

namespace {

using detail::AxisView;
using detail::axis_view;

/// The order key of v: NaN largest, −0 == +0.
std::uint64_t order_key(float v) {
    if (std::isnan(v)) return 0xFFFFFFFFu;
    const auto bits = std::bit_cast<std::uint32_t>(v == 0.0f ? 0.0f : v);
    return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}
std::uint64_t order_key(double v) {
    if (std::isnan(v)) return ~std::uint64_t{0};
    const auto bits = std::bit_cast<std::uint64_t>(v == 0.0 ? 0.0 : v);
    return (bits >> 63) ? ~bits : (bits | (std::uint64_t{1} << 63));
}
std::uint64_t order_key(std::int64_t v) { return static_cast<std::uint64_t>(v) ^ (std::uint64_t{1} << 63); }

/// XOR mask that turns T's ascending keys into descending ones.
template <class T> constexpr std::uint64_t descending_mask() {
    return sizeof(T) == 4 ? 0xFFFFFFFFu : ~std::uint64_t{0};
}

/// An entry whose key needs 64 bits.
struct WideEntry {
    std::uint64_t key;
    std::int64_t position;
    friend bool operator<(const WideEntry& a, const WideEntry& b) {
        return a.key < b.key || (a.key == b.key && a.position < b.position);
    }
};

/// Packed entry: key in the high 32 bits, position in the low 32.
template <class Entry> Entry make_entry(std::uint64_t key, std::int64_t position) {
    if constexpr (std::is_same_v<Entry, std::uint64_t>) return (key << 32) | static_cast<std::uint64_t>(position);
    else return WideEntry{key, position};
}
std::int64_t position_of(std::uint64_t packed) { return static_cast<std::int64_t>(packed & 0xFFFFFFFFu); }
std::int64_t position_of(const WideEntry& e) { return e.position; }
std::uint64_t key_of(std::uint64_t packed) { return packed >> 32; }
std::uint64_t key_of(const WideEntry& e) { return e.key; }

/// Calls f(Entry{}) with the entry type for T's keys on an axis of length dim.
template <class T, class F> void with_entry_type(std::int64_t dim, F f) {
    if constexpr (sizeof(T) == 4) {
        if (dim <= (std::int64_t{1} << 32)) return f(std::uint64_t{});
    }
    f(WideEntry{});
}

/// For every lane of x along the view's axis, fills `entries` with the
/// lane's keys and positions and calls body(entries, lane_start, lane_number)
/// (lane_start: offset of the lane's first element; elements are `inner` apart).
template <class T, class Entry, class Body>
void for_each_lane(const T* px, const AxisView& v, bool descending, Body body) {
    std::vector<Entry> entries(static_cast<std::size_t>(v.dim));
    const std::uint64_t flip = descending ? descending_mask<T>() : 0;
    std::int64_t lane = 0;
    for (std::int64_t o = 0; o < v.outer; ++o) {
        for (std::int64_t i = 0; i < v.inner; ++i, ++lane) {
            const std::int64_t start = o * v.dim * v.inner + i;
            const T* p = px + start;
            for (std::int64_t j = 0; j < v.dim; ++j)
                entries[static_cast<std::size_t>(j)] = make_entry<Entry>(order_key(p[j * v.inner]) ^ flip, j);
            body(entries, start, lane);
        }
    }
}

/// The gradient of the picking ops: g scattered to the picked positions of a
/// zero tensor of x's shape. g and indices have x's rank.
Tensor scatter_to_input(const Tensor& g, std::size_t axis, const Tensor& indices, const Shape& x_shape) {
    return scatter_add(zeros(x_shape, g.dtype()), static_cast<std::int64_t>(axis), indices, g);
}

/// Records the picking op `name`: values came from x at `indices` (both of
/// x's rank) along `axis`.
void record_pick(const char* name, Tensor& values, const Tensor& x, std::size_t axis, const Tensor& indices) {
    record(name, values, {&x}, [axis, in = x.shape(), si = SavedTensor(indices)](const Tensor& g, InputGrads& dx) {
        // g: values' shape → x's shape
        dx[0] = scatter_to_input(g, axis, si.get(), in);
    });
}

/// Writes the first n entries as values and indices at out_start, `inner` apart.
template <class T, class Entry>
void write_picked(const std::vector<Entry>& entries, std::int64_t n, const T* lane, std::int64_t inner, T* values,
                  std::int64_t* indices, std::int64_t out_start) {
    for (std::int64_t j = 0; j < n; ++j) {
        const std::int64_t pos = position_of(entries[static_cast<std::size_t>(j)]);
        values[out_start + j * inner] = lane[pos * inner];
        indices[out_start + j * inner] = pos;
    }
}

/// The k-selection ops' range check: ValueError naming op, k, axis and length.
void check_k(const char* op, std::int64_t k, std::int64_t low, std::size_t axis, std::int64_t dim) {
    if (k < low || k > dim) {
        throw ValueError(std::string(op) + ": k = " + std::to_string(k) + " is out of range for axis " +
                         std::to_string(axis) + " of length " + std::to_string(dim) + " (expected " +
                         std::to_string(low) + " <= k <= " + std::to_string(dim) + ")");
    }
}

/// How many keys of a long lane select_smallest samples for its bound.
constexpr std::int64_t topk_sample_size = 4096;

/// The k entries of smallest key of a lane of `dim` elements `inner` apart,
/// by key then position (ties: lower positions first), in no particular order.
/// On a long lane, the keys of an evenly spaced sample give a bound that a
/// little more than k of the lane's keys fall under (the sample's quantile
/// k/dim plus four standard deviations); one pass computes every key once and
/// keeps the entries at or under the bound, and nth_element on those few picks
/// the k: one streaming pass instead of std::nth_element's partitioning of the
/// whole lane. Every key at or under the k-th smallest is kept, ties included,
/// so the pick is exact; when fewer than k pass (data unlike its sample), the
/// pass is repeated keeping every entry.
template <class T, class Entry>
void select_smallest(const T* lane, std::int64_t dim, std::int64_t inner, std::int64_t k, std::uint64_t flip,
                     std::vector<std::uint64_t>& sample, std::vector<Entry>& picked) {
    picked.clear();
    if (k == 0) return;
    const auto key_at = [lane, inner, flip](std::int64_t j) { return order_key(lane[j * inner]) ^ flip; };
    std::uint64_t bound = ~std::uint64_t{0};  // keeps every entry
    if (dim >= 8 * topk_sample_size) {
        const std::int64_t step = dim / topk_sample_size;
        sample.resize(static_cast<std::size_t>(topk_sample_size));
        for (std::int64_t s = 0; s < topk_sample_size; ++s) sample[static_cast<std::size_t>(s)] = key_at(s * step);
        const double expected = static_cast<double>(k) * topk_sample_size / static_cast<double>(dim);
        const auto rank = static_cast<std::int64_t>(expected + 4 * std::sqrt(expected) + 8);
        if (rank < topk_sample_size) {
            std::nth_element(sample.begin(), sample.begin() + rank, sample.end());
            bound = sample[static_cast<std::size_t>(rank)];
        }
    }
    const auto keep_under = [&](std::uint64_t limit) {
        for (std::int64_t j = 0; j < dim; ++j) {
            const std::uint64_t key = key_at(j);
            if (key <= limit) picked.push_back(make_entry<Entry>(key, j));
        }
    };
    keep_under(bound);
    if (static_cast<std::int64_t>(picked.size()) < k) {
        picked.clear();
        keep_under(~std::uint64_t{0});
    }
    std::nth_element(picked.begin(), picked.begin() + (k - 1), picked.end());
    picked.resize(static_cast<std::size_t>(k));
}

/// Sorted values and positions of x along axis a, without recording.
ValuesAndIndices sort_kernel(const Tensor& x, std::size_t a, bool descending) {
    const AxisView v = axis_view(x.shape(), a);
    ValuesAndIndices out{Tensor(x.shape(), x.dtype()), Tensor(x.shape(), int64)};
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        T* pv = out.values.data<T>();
        std::int64_t* pi = out.indices.data<std::int64_t>();
        with_entry_type<T>(v.dim, [&](auto entry_tag) {
            using Entry = decltype(entry_tag);
            for_each_lane<T, Entry>(px, v, descending, [&](std::vector<Entry>& e, std::int64_t start, std::int64_t) {
                std::sort(e.begin(), e.end());
                write_picked(e, v.dim, px + start, v.inner, pv, pi, start);
            });
        });
    });
    return out;
}

}  // namespace

ValuesAndIndices sort(const Tensor& x, std::int64_t axis, bool descending, bool /*stable: always*/) {
    const std::size_t a = normalize_axis(axis, x.rank(), "sort");
    ValuesAndIndices out = sort_kernel(x, a, descending);
    record_pick("sort", out.values, x, a, out.indices);
    return out;
}

Tensor argsort(const Tensor& x, std::int64_t axis, bool descending) {
    return sort_kernel(x, normalize_axis(axis, x.rank(), "argsort"), descending).indices;
}

ValuesAndIndices topk(const Tensor& x, std::int64_t k, std::int64_t axis, bool largest, bool sorted) {
    const std::size_t a = normalize_axis(axis, x.rank(), "topk");
    const AxisView v = axis_view(x.shape(), a);
    check_k("topk", k, 0, a, v.dim);
    Shape shape = x.shape();
    shape[a] = k;
    ValuesAndIndices out{Tensor(shape, x.dtype()), Tensor(shape, int64)};
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        T* pv = out.values.data<T>();
        std::int64_t* pi = out.indices.data<std::int64_t>();
        const std::uint64_t flip = largest ? descending_mask<T>() : 0;
        std::vector<std::uint64_t> sample;
        with_entry_type<T>(v.dim, [&](auto entry_tag) {
            using Entry = decltype(entry_tag);
            std::vector<Entry> picked;
            for (std::int64_t o = 0; o < v.outer; ++o) {
                for (std::int64_t i = 0; i < v.inner; ++i) {
                    const T* p = px + o * v.dim * v.inner + i;
                    select_smallest(p, v.dim, v.inner, k, flip, sample, picked);
                    if (sorted) std::sort(picked.begin(), picked.end());
                    else std::sort(picked.begin(), picked.end(), [](const Entry& l, const Entry& r) {
                        return position_of(l) < position_of(r);
                    });
                    write_picked(picked, k, p, v.inner, pv, pi, o * k * v.inner + i);
                }
            }
        });
    });
    record_pick("topk", out.values, x, a, out.indices);
    return out;
}

ValuesAndIndices kthvalue(const Tensor& x, std::int64_t k, std::int64_t axis, bool keepdim) {
    const std::size_t a = normalize_axis(axis, x.rank(), "kthvalue");
    const AxisView v = axis_view(x.shape(), a);
    check_k("kthvalue", k, 1, a, v.dim);
    Shape shape = x.shape();
    shape[a] = 1;
    ValuesAndIndices out{Tensor(shape, x.dtype()), Tensor(shape, int64)};
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        T* pv = out.values.data<T>();
        std::int64_t* pi = out.indices.data<std::int64_t>();
        with_entry_type<T>(v.dim, [&](auto entry_tag) {
            using Entry = decltype(entry_tag);
            for_each_lane<T, Entry>(px, v, false, [&](std::vector<Entry>& e, std::int64_t start, std::int64_t lane) {
                std::nth_element(e.begin(), e.begin() + (k - 1), e.end());
                const std::int64_t pos = position_of(e[static_cast<std::size_t>(k - 1)]);
                pv[lane] = px[start + pos * v.inner];
                pi[lane] = pos;
            });
        });
    });
    record_pick("kthvalue", out.values, x, a, out.indices);
    if (!keepdim) {
        out.values = squeeze(out.values, static_cast<std::int64_t>(a));
        out.indices = squeeze(out.indices, static_cast<std::int64_t>(a));
    }
    return out;
}

UniqueResult unique(const Tensor& x, bool sorted, bool return_inverse, bool return_counts) {
    const std::int64_t n = x.numel();
    UniqueResult out;
    std::vector<std::int64_t> first;   // per distinct value: its first position in x
    std::vector<std::int64_t> counts;  // per distinct value
    std::vector<std::int64_t> inverse(return_inverse ? static_cast<std::size_t>(n) : 0);
    visit_dtype(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        with_entry_type<T>(n, [&](auto entry_tag) {
            using Entry = decltype(entry_tag);
            for_each_lane<T, Entry>(px, AxisView{1, n, 1}, false, [&](std::vector<Entry>& e, std::int64_t, std::int64_t) {
                std::sort(e.begin(), e.end());
                for (std::size_t j = 0; j < e.size(); ++j) {
                    if (j == 0 || key_of(e[j]) != key_of(e[j - 1])) {
                        first.push_back(position_of(e[j]));  // stable: the group's first entry comes first in x
                        counts.push_back(0);
                    }
                    ++counts.back();
                    if (return_inverse) inverse[static_cast<std::size_t>(position_of(e[j]))] =
                        static_cast<std::int64_t>(first.size()) - 1;
                }
            });
        });
        const auto groups = static_cast<std::int64_t>(first.size());
        if (!sorted) {
            // renumber the groups by first occurrence
            std::vector<std::int64_t> order(first.size()), rank(first.size());
            for (std::int64_t g = 0; g < groups; ++g) order[static_cast<std::size_t>(g)] = g;
            std::sort(order.begin(), order.end(), [&](std::int64_t l, std::int64_t r) {
                return first[static_cast<std::size_t>(l)] < first[static_cast<std::size_t>(r)];
            });
            std::vector<std::int64_t> reordered_first(first.size()), reordered_counts(first.size());
            for (std::size_t g = 0; g < order.size(); ++g) {
                const auto from = static_cast<std::size_t>(order[g]);
                rank[from] = static_cast<std::int64_t>(g);
                reordered_first[g] = first[from];
                reordered_counts[g] = counts[from];
            }
            first.swap(reordered_first);
            counts.swap(reordered_counts);
            for (std::int64_t& i : inverse) i = rank[static_cast<std::size_t>(i)];
        }
        out.values = Tensor(Shape{groups}, x.dtype());
        T* pv = out.values.data<T>();
        for (std::int64_t g = 0; g < groups; ++g) pv[g] = px[first[static_cast<std::size_t>(g)]];
    });
    if (return_inverse) out.inverse = from_vector(inverse, x.shape());
    if (return_counts) out.counts = from_vector(counts, Shape{static_cast<std::int64_t>(counts.size())});
    return out;
}

Tensor searchsorted(const Tensor& sorted_sequence, const Tensor& values, bool right) {
    const Tensor& seq = sorted_sequence;
    if (seq.dtype() != values.dtype()) {
        throw DtypeError("searchsorted: sorted_sequence is " + std::string(dtype_name(seq.dtype())) +
                         " but values is " + std::string(dtype_name(values.dtype())) + " (they must match)");
    }
    if (seq.rank() == 0) throw ShapeError("searchsorted: sorted_sequence must have at least one dimension, got a scalar");
    const bool batched = seq.rank() > 1;
    if (batched) {
        bool match = values.rank() == seq.rank();
        for (std::size_t d = 0; match && d + 1 < seq.rank(); ++d) match = values.shape()[d] == seq.shape()[d];
        if (!match) {
            throw ShapeError("searchsorted: sorted_sequence has shape " + to_string(seq.shape()) + " but values has " +
                             to_string(values.shape()) +
                             " (a sequence of rank > 1 needs values of its rank with the same leading dimensions)");
        }
    }
    const std::int64_t m = seq.shape()[seq.rank() - 1];
    const std::int64_t row = values.rank() == 0 ? 1 : values.shape()[values.rank() - 1];
    Tensor out(values.shape(), int64);
    std::int64_t* po = out.data<std::int64_t>();
    visit_dtype(seq.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* ps = seq.data<T>();
        const T* pv = values.data<T>();
        for (std::int64_t i = 0; i < values.numel(); ++i) {
            const T* begin = ps + (batched ? (i / row) * m : 0);
            const std::uint64_t key = order_key(pv[i]);
            const T* at = right ? std::partition_point(begin, begin + m, [key](T s) { return order_key(s) <= key; })
                                : std::partition_point(begin, begin + m, [key](T s) { return order_key(s) < key; });
            po[i] = at - begin;
        }
    });
    return out;
}

XGRAD_REGISTER_OP(sort, differentiable);
XGRAD_REGISTER_OP(argsort, not_differentiable);
XGRAD_REGISTER_OP(topk, differentiable);
XGRAD_REGISTER_OP(kthvalue, differentiable);
XGRAD_REGISTER_OP(unique, not_differentiable);
XGRAD_REGISTER_OP(searchsorted, not_differentiable);

}  // namespace xgrad
