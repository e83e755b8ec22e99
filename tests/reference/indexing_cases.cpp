// PyTorch comparison cases for the indexing object and the functional
// updates: index (basic, adjacent and separated advanced indices, integers
// applied first, empty), index_put (accumulate with repeats; without
// accumulate only on distinct positions, which PyTorch leaves undefined
// otherwise), take, masked_fill, slice_scatter, scatter_reduce (every reduce,
// with and without self), nonzero and argwhere.
#include "torch_case.hpp"

namespace {

using namespace xgrad;
using namespace xgrad::reference;

Outputs one(const Tensor& t) { return Outputs{t}; }
Tensor i64(const std::vector<std::int64_t>& v, const Shape& shape) { return from_vector(v, shape); }
/// A bool mask from 0/1 values.
Tensor mask(const std::vector<std::uint8_t>& v, const Shape& shape) { return from_vector(v, shape).to(boolean); }

/// A Python expression: a clone of x0 with `target` = `value` (autograd sees the setitem).
std::string setitem(const std::string& target, const std::string& value) {
    return "(lambda y: (y.__setitem__(" + target + ", " + value + "), y)[1])(x0.clone())";
}

void add_index(std::vector<TorchCase>& cases) {
    const Tensor x = sample_normal({3, 4, 5}, 200);
    cases.push_back({"index/basic", "x0[1:, None, ..., -1]",
                     [](const Inputs& v) { return one(v[0].index({Slice(1, None), None, Ellipsis, -1})); }, {x}});
    cases.push_back({"index/steps", "x0[::2, 1:4:2, -3:]",
                     [](const Inputs& v) { return one(v[0].index({Slice(None, None, 2), Slice(1, 4, 2), Slice(-3)})); },
                     {x}});
    cases.push_back({"index/adjacent_broadcast", "x0[:, x1, x2]",
                     [](const Inputs& v) { return one(v[0].index({Slice(), v[1], v[2]})); },
                     {x, i64({0, 3}, {2, 1}), i64({4, -1, 0}, {3})}});
    cases.push_back({"index/separated", "x0[x1, :, x2]",
                     [](const Inputs& v) { return one(v[0].index({v[1], Slice(), v[2]})); },
                     {x, i64({2, 0, 2, 1}, {2, 2}), i64({1, 3}, {2})}});
    cases.push_back({"index/integer_first", "x0[0, :, x1]",
                     [](const Inputs& v) { return one(v[0].index({0, Slice(), v[1]})); }, {x, i64({4, 4, 1}, {3})}});
    cases.push_back({"index/none_separates", "x0[x1, None, x1]",
                     [](const Inputs& v) { return one(v[0].index({v[1], None, v[1]})); }, {x, i64({1, 2}, {2})}});
    cases.push_back({"index/repeated", "x0[x1]", [](const Inputs& v) { return one(v[0].index({v[1]})); },
                     {sample_normal({4, 2}, 201), i64({3, 0, 3, 3}, {2, 2})}});
    cases.push_back({"index/empty", "x0[x1, 1]", [](const Inputs& v) { return one(v[0].index({v[1], 1})); },
                     {sample_normal({3, 2}, 202), i64({}, {0})}});
    cases.push_back({"index/mask", "x0[x1.bool()]", [](const Inputs& v) { return one(v[0].index({v[1]})); },
                     {x, mask({1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1}, {3, 4})}});
    cases.push_back({"index/mask_between", "x0[1, x1.bool(), 1:]",
                     [](const Inputs& v) { return one(v[0].index({1, v[1], Slice(1)})); }, {x, mask({0, 1, 1, 0}, {4})}});
    cases.push_back({"index/mask_and_positions", "x0[x1, :, x2.bool()]",
                     [](const Inputs& v) { return one(v[0].index({v[1], Slice(), v[2]})); },
                     {x, i64({2, 0}, {2}), mask({1, 0, 0, 1, 0}, {5})}});
    cases.push_back({"index/empty_input", "x0[:, 1:]", [](const Inputs& v) { return one(v[0].index({Slice(), Slice(1)})); },
                     {sample_normal({0, 3}, 203)}});
}

void add_index_put(std::vector<TorchCase>& cases) {
    const Tensor x = sample_normal({5, 3}, 210);
    cases.push_back({"index_put/accumulate_repeats", "torch.index_put(x0, (x1,), x2, accumulate=True)",
                     [](const Inputs& v) { return one(index_put(v[0], {v[1]}, v[2], true)); },
                     {x, i64({0, 2, 0, 4}, {4}), sample_normal({4, 3}, 211)}});
    cases.push_back({"index_put/broadcast_values", "torch.index_put(x0, (x1, x2), x3)",
                     [](const Inputs& v) { return one(index_put(v[0], {v[1], v[2]}, v[3])); },
                     {x, i64({4, 0, 1}, {3, 1}), i64({2, 0}, {2}), sample_normal({2}, 212)}});
    cases.push_back({"index_put/slices", setitem("(slice(1, None, 2), x1)", "x2"),
                     [](const Inputs& v) { return one(v[0].at({Slice(1, None, 2), v[1]}).set(v[2])); },
                     {x, i64({2, 0}, {2}), sample_normal({2, 1}, 213)}});
    cases.push_back({"index_put/add_slices", setitem("(x1, 1)", "x0[x1, 1] + x2"),
                     [](const Inputs& v) { return one(v[0].at({v[1], 1}).add(v[2])); },
                     {x, i64({3, 1}, {2}), sample_normal({1}, 214)}});
    cases.push_back({"index_put/mask", setitem("x1.bool()", "x2"),
                     [](const Inputs& v) { return one(v[0].at({v[1]}).set(v[2])); },
                     {x, mask({0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0}, {5, 3}), sample_normal({1}, 216)}});
    cases.push_back({"index_put/empty", "torch.index_put(x0, (x1,), x2, accumulate=True)",
                     [](const Inputs& v) { return one(index_put(v[0], {v[1]}, v[2], true)); },
                     {x, i64({}, {0}), sample_normal({0, 3}, 215)}});
}

void add_take_and_masks(std::vector<TorchCase>& cases) {
    const Tensor x = sample_normal({3, 4}, 220);
    cases.push_back({"take/2d", "torch.take(x0, x1)", [](const Inputs& v) { return one(take(v[0], v[1])); },
                     {x, i64({0, 11, -1, 5, 5, 2}, {2, 3})}});
    cases.push_back({"take/scalar_index", "torch.take(x0, x1)", [](const Inputs& v) { return one(take(v[0], v[1])); },
                     {sample_normal({2, 2, 2}, 221), i64({6}, {})}});
    cases.push_back({"take/empty", "torch.take(x0, x1)", [](const Inputs& v) { return one(take(v[0], v[1])); },
                     {x, i64({}, {0, 2})}});
    const Tensor row = mask({1, 0, 0, 1}, {4});
    cases.push_back({"masked_fill/broadcast", "torch.masked_fill(x0, x1.bool(), -2.5)",
                     [](const Inputs& v) { return one(masked_fill(v[0], v[1], -2.5)); }, {x, row}});
    cases.push_back({"masked_fill/tensor_value", "torch.masked_fill(x0, x1.bool(), x2)",
                     [](const Inputs& v) { return one(masked_fill(v[0], v[1], v[2])); },
                     {x, mask({1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 1}, {3, 4}), sample_normal({}, 222)}});
    cases.push_back({"masked_fill/column", "torch.masked_fill(x0, x1.bool(), x2)",
                     [](const Inputs& v) { return one(masked_fill(v[0], v[1], v[2])); },
                     {sample_normal({2, 3, 2}, 223), mask({0, 1, 1}, {3, 1}), sample_normal({}, 224)}});
    cases.push_back({"masked_fill/empty", "torch.masked_fill(x0, x1.bool(), 1.0)",
                     [](const Inputs& v) { return one(masked_fill(v[0], v[1], 1.0)); },
                     {sample_normal({0, 4}, 225), row}});
    const Tensor sparse = from_vector<double>({0, 1.5, 0, -2, 0, 0, 3, 0}, {2, 4});
    cases.push_back({"nonzero/2d", "torch.nonzero(x0)", [](const Inputs& v) { return one(nonzero(v[0])); }, {sparse},
                     false});
    cases.push_back({"nonzero/3d", "torch.nonzero(x0)", [](const Inputs& v) { return one(nonzero(v[0])); },
                     {sparse.reshape({2, 2, 2})}, false});
    cases.push_back({"nonzero/empty", "torch.nonzero(x0)", [](const Inputs& v) { return one(nonzero(v[0])); },
                     {sample_normal({0, 3}, 226)}, false});
    cases.push_back({"argwhere/2d", "torch.argwhere(x0)", [](const Inputs& v) { return one(argwhere(v[0])); },
                     {sparse}, false});
    cases.push_back({"argwhere/1d", "torch.argwhere(x0)", [](const Inputs& v) { return one(argwhere(v[0])); },
                     {sparse.reshape({8})}, false});
    cases.push_back({"argwhere/empty", "torch.argwhere(x0)", [](const Inputs& v) { return one(argwhere(v[0])); },
                     {sample_normal({2, 0}, 227)}, false});
}

void add_scatter(std::vector<TorchCase>& cases) {
    cases.push_back({"slice_scatter/step", "torch.slice_scatter(x0, x1, dim=1, start=1, end=5, step=2)",
                     [](const Inputs& v) { return one(slice_scatter(v[0], v[1], 1, 1, None, 2)); },
                     {sample_normal({3, 5}, 230), sample_normal({3, 2}, 231)}});
    // PyTorch 1.13 (Debian's build) reads unset arguments of slice_scatter as
    // garbage and miscounts negative bounds (start=-2 on 4 rows gives a 1-row
    // slice), so its expressions spell every argument out: x[-2:] on 4 rows is x[2:4].
    cases.push_back({"slice_scatter/negative", "torch.slice_scatter(x0, x1, dim=0, start=2, end=4, step=1)",
                     [](const Inputs& v) { return one(slice_scatter(v[0], v[1], 0, -2)); },
                     {sample_normal({4, 2, 2}, 232), sample_normal({2, 2, 2}, 233)}});
    cases.push_back({"slice_scatter/empty", "torch.slice_scatter(x0, x1, dim=1, start=3, end=1, step=1)",
                     [](const Inputs& v) { return one(slice_scatter(v[0], v[1], 1, 3, 1)); },
                     {sample_normal({2, 4}, 234), sample_normal({2, 0}, 235)}});
    const Tensor x = sample_normal({3, 4}, 240);
    const Tensor index = i64({0, 2, 2, 1, 0, 0, 1, 2}, {2, 4});
    const Tensor src = sample_normal({2, 4}, 241);
    for (const char* reduce : {"sum", "mean", "amax", "amin"}) {
        for (const bool include_self : {true, false}) {
            const std::string self = include_self ? "True" : "False";
            cases.push_back({std::string("scatter_reduce/") + reduce + "_self_" + self,
                             "torch.scatter_reduce(x0, 0, x1, x2, '" + std::string(reduce) + "', include_self=" + self +
                                 ")",
                             [reduce, include_self](const Inputs& v) {
                                 return one(scatter_reduce(v[0], 0, v[1], v[2], reduce, include_self));
                             },
                             {x, index, src}});
        }
    }
    // ties in amax: the gradient split evenly (exact values so the tie is exact)
    cases.push_back({"scatter_reduce/amax_ties", "torch.scatter_reduce(x0, 1, x1, x2, 'amax')",
                     [](const Inputs& v) { return one(scatter_reduce(v[0], 1, v[1], v[2], "amax")); },
                     {from_vector<double>({2, 0.5, 1, -1}, {2, 2}), i64({0, 0, 0, 1, 1, 1}, {2, 3}),
                      from_vector<double>({2, 1, 2, 0.5, 0.5, -3}, {2, 3})}});
    cases.push_back({"scatter_reduce/empty", "torch.scatter_reduce(x0, 1, x1, x2, 'mean')",
                     [](const Inputs& v) { return one(scatter_reduce(v[0], 1, v[1], v[2], "mean")); },
                     {sample_normal({2, 3}, 242), i64({}, {2, 0}), sample_normal({2, 0}, 243)}});
}

}  // namespace

XGRAD_TORCH_CASES(indexing_cases) {
    std::vector<TorchCase> cases;
    add_index(cases);
    add_index_put(cases);
    add_take_and_masks(cases);
    add_scatter(cases);
    return cases;
}
