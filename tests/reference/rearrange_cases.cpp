// PyTorch comparison cases for rearranging, triangles and diagonals: tile,
// repeat_interleave, flip, roll, meshgrid, broadcast_tensors, movedim, tril,
// triu, diagonal, diag, trace.
#include "torch_case.hpp"

namespace {

using namespace xgrad;
using namespace xgrad::reference;

Outputs one(const Tensor& t) { return {t}; }

}  // namespace

XGRAD_TORCH_CASES(rearrange_cases) {
    const Tensor matrix = sample_normal({3, 4}, 401), cube = sample_normal({2, 3, 4}, 402);
    const Tensor vector = sample_normal({5}, 403), empty = sample_normal({0, 3}, 404);
    const Tensor square = sample_normal({4, 4}, 405), column = sample_normal({3, 1}, 406);
    return {
        {"tile/2d", "torch.tile(x0, (2, 3))", [](const Inputs& x) { return one(tile(x[0], {2, 3})); }, {matrix}},
        {"tile/longer_reps", "torch.tile(x0, (2, 1, 2))", [](const Inputs& x) { return one(tile(x[0], {2, 1, 2})); },
         {vector}},
        {"tile/shorter_reps", "torch.tile(x0, (3,))", [](const Inputs& x) { return one(tile(x[0], {3})); }, {cube}},
        {"tile/empty", "torch.tile(x0, (2, 2))", [](const Inputs& x) { return one(tile(x[0], {2, 2})); }, {empty}},
        {"repeat_interleave/flat", "torch.repeat_interleave(x0, 2)",
         [](const Inputs& x) { return one(repeat_interleave(x[0], 2)); }, {matrix}},
        {"repeat_interleave/axis", "torch.repeat_interleave(x0, 3, dim=1)",
         [](const Inputs& x) { return one(repeat_interleave(x[0], 3, 1)); }, {cube}},
        {"repeat_interleave/tensor", "torch.repeat_interleave(x0, x1, dim=0)",
         [](const Inputs& x) { return one(repeat_interleave(x[0], x[1], 0)); },
         {matrix, from_vector<std::int64_t>({2, 0, 3}, {3})}},
        {"repeat_interleave/empty", "torch.repeat_interleave(x0, 2, dim=0)",
         [](const Inputs& x) { return one(repeat_interleave(x[0], 2, 0)); }, {empty}},
        {"flip/one", "torch.flip(x0, (1,))", [](const Inputs& x) { return one(flip(x[0], {1})); }, {matrix}},
        {"flip/two", "torch.flip(x0, (0, -1))", [](const Inputs& x) { return one(flip(x[0], {0, -1})); }, {cube}},
        {"flip/empty", "torch.flip(x0, (0,))", [](const Inputs& x) { return one(flip(x[0], {0})); }, {empty}},
        {"roll/axes", "torch.roll(x0, (1, -3), (0, 2))",
         [](const Inputs& x) { return one(roll(x[0], {1, -3}, {0, 2})); }, {cube}},
        {"roll/flat", "torch.roll(x0, 5)", [](const Inputs& x) { return one(roll(x[0], 5)); }, {matrix}},
        {"roll/empty", "torch.roll(x0, 2, 1)", [](const Inputs& x) { return one(roll(x[0], {2}, {1})); }, {empty}},
        {"meshgrid/ij", "torch.meshgrid(x0, x1, indexing='ij')",
         [](const Inputs& x) { return meshgrid({x[0], x[1]}, "ij"); }, {vector, sample_normal({3}, 407)}},
        {"meshgrid/xy", "torch.meshgrid(x0, x1, x2, indexing='xy')",
         [](const Inputs& x) { return meshgrid({x[0], x[1], x[2]}, "xy"); },
         {vector, sample_normal({3}, 408), sample_normal({2}, 409)}},
        {"meshgrid/empty", "torch.meshgrid(x0, x1, indexing='ij')",
         [](const Inputs& x) { return meshgrid({x[0], x[1]}, "ij"); }, {vector, sample_normal({0}, 410)}},
        {"broadcast_tensors/three", "torch.broadcast_tensors(x0, x1, x2)",
         [](const Inputs& x) { return broadcast_tensors({x[0], x[1], x[2]}); },
         {column, sample_normal({4}, 411), sample_normal({2, 1, 1}, 412)}},
        {"broadcast_tensors/same", "torch.broadcast_tensors(x0, x1)",
         [](const Inputs& x) { return broadcast_tensors({x[0], x[1]}); }, {matrix, sample_normal({3, 4}, 413)}},
        {"broadcast_tensors/empty", "torch.broadcast_tensors(x0, x1)",
         [](const Inputs& x) { return broadcast_tensors({x[0], x[1]}); }, {empty, sample_normal({1, 3}, 414)}},
        {"movedim/single", "torch.movedim(x0, 0, -1)", [](const Inputs& x) { return one(movedim(x[0], 0, -1)); },
         {cube}},
        {"movedim/lists", "torch.movedim(x0, (2, 0), (0, 1))",
         [](const Inputs& x) { return one(movedim(x[0], {2, 0}, {0, 1})); }, {cube}},
        {"movedim/empty", "torch.movedim(x0, 1, 0)", [](const Inputs& x) { return one(movedim(x[0], 1, 0)); }, {empty}},
        {"tril/main", "torch.tril(x0)", [](const Inputs& x) { return one(tril(x[0])); }, {matrix}},
        {"tril/batched_offset", "torch.tril(x0, -1)", [](const Inputs& x) { return one(tril(x[0], -1)); }, {cube}},
        {"tril/empty", "torch.tril(x0, 1)", [](const Inputs& x) { return one(tril(x[0], 1)); }, {empty}},
        {"triu/main", "torch.triu(x0)", [](const Inputs& x) { return one(triu(x[0])); }, {matrix}},
        {"triu/batched_offset", "torch.triu(x0, 2)", [](const Inputs& x) { return one(triu(x[0], 2)); }, {cube}},
        {"triu/empty", "torch.triu(x0, -1)", [](const Inputs& x) { return one(triu(x[0], -1)); }, {empty}},
        {"diagonal/main", "torch.diagonal(x0)", [](const Inputs& x) { return one(diagonal(x[0])); }, {matrix}},
        {"diagonal/dims", "torch.diagonal(x0, 1, 0, 2)", [](const Inputs& x) { return one(diagonal(x[0], 1, 0, 2)); },
         {cube}},
        {"diagonal/below_last", "torch.diagonal(x0, -1, -2, -1)",
         [](const Inputs& x) { return one(diagonal(x[0], -1, -2, -1)); }, {cube}},
        {"diagonal/empty", "torch.diagonal(x0)", [](const Inputs& x) { return one(diagonal(x[0])); }, {empty}},
        {"diag/vector", "torch.diag(x0, 1)", [](const Inputs& x) { return one(diag(x[0], 1)); }, {vector}},
        {"diag/matrix", "torch.diag(x0, -1)", [](const Inputs& x) { return one(diag(x[0], -1)); }, {matrix}},
        {"diag/empty", "torch.diag(x0)", [](const Inputs& x) { return one(diag(x[0])); }, {sample_normal({0}, 415)}},
        {"trace/square", "torch.trace(x0)", [](const Inputs& x) { return one(trace(x[0])); }, {square}},
        {"trace/wide", "torch.trace(x0)", [](const Inputs& x) { return one(trace(x[0])); }, {matrix}},
        {"trace/empty", "torch.trace(x0)", [](const Inputs& x) { return one(trace(x[0])); }, {empty}},
    };
}
