// PyTorch comparison cases for sorting and searching: sort, argsort, topk,
// kthvalue, unique, searchsorted. Random normal inputs have no ties, so
// torch's choice among equal elements never matters; ties and NaN order are
// covered by hand in tests/ops/sorting_test.cpp.
#include "torch_case.hpp"

namespace {

using namespace xgrad;
using namespace xgrad::reference;

Outputs both(const ValuesAndIndices& r) { return {r.values, r.indices}; }

}  // namespace

XGRAD_TORCH_CASES(sorting_cases) {
    const Tensor matrix = sample_normal({4, 7}, 301), cube = sample_normal({3, 5, 6}, 302);
    const Tensor empty = sample_normal({0, 5}, 303);
    const Tensor repeated = from_vector<double>({2, -1, 2, 0.5, -1, 3, 0.5, 2, 7, -4, 0.5, 3}, {3, 4});
    const Tensor sequence = from_vector<double>({-2, -0.5, 0, 0.25, 1, 3}, {6});
    const Tensor rows = from_vector<double>({-3, -1, 0, 2, -0.5, 0.5, 1.5, 4}, {2, 4});
    return {
        {"sort/last", "torch.sort(x0, stable=True, dim=-1)", [](const Inputs& x) { return both(sort(x[0])); }, {matrix}},
        {"sort/axis1_descending", "torch.sort(x0, stable=True, dim=1, descending=True)",
         [](const Inputs& x) { return both(sort(x[0], 1, true)); }, {cube}},
        {"sort/axis0", "torch.sort(x0, stable=True, dim=0)", [](const Inputs& x) { return both(sort(x[0], 0)); }, {cube}},
        {"sort/empty", "torch.sort(x0, stable=True, dim=1)", [](const Inputs& x) { return both(sort(x[0], 1)); }, {empty}},
        {"argsort/last", "torch.sort(x0, stable=True, dim=-1)[1]", [](const Inputs& x) { return Outputs{argsort(x[0])}; },
         {matrix}, false},
        {"argsort/ties_descending", "torch.sort(x0, stable=True, dim=1, descending=True)[1]",
         [](const Inputs& x) { return Outputs{argsort(x[0], 1, true)}; }, {repeated}, false},
        {"argsort/axis0", "torch.sort(x0, stable=True, dim=0)[1]", [](const Inputs& x) { return Outputs{argsort(x[0], 0)}; },
         {cube}, false},
        {"topk/largest", "torch.topk(x0, 3)", [](const Inputs& x) { return both(topk(x[0], 3)); }, {matrix}},
        {"topk/smallest_axis1", "torch.topk(x0, 2, 1, largest=False)",
         [](const Inputs& x) { return both(topk(x[0], 2, 1, false)); }, {cube}},
        {"topk/axis0_all", "torch.topk(x0, 3, 0)", [](const Inputs& x) { return both(topk(x[0], 3, 0)); }, {cube}},
        {"topk/empty", "torch.topk(x0, 2, 1)", [](const Inputs& x) { return both(topk(x[0], 2, 1)); }, {empty}},
        {"kthvalue/last", "torch.kthvalue(x0, 3)", [](const Inputs& x) { return both(kthvalue(x[0], 3)); }, {matrix}},
        {"kthvalue/axis1_keepdim", "torch.kthvalue(x0, 5, 1, keepdim=True)",
         [](const Inputs& x) { return both(kthvalue(x[0], 5, 1, true)); }, {cube}},
        {"kthvalue/axis0", "torch.kthvalue(x0, 1, 0)", [](const Inputs& x) { return both(kthvalue(x[0], 1, 0)); },
         {matrix}},
        {"kthvalue/empty", "torch.kthvalue(x0, 2, 1)", [](const Inputs& x) { return both(kthvalue(x[0], 2, 1)); },
         {empty}},
        {"unique/repeated", "torch.unique(x0, sorted=True, return_inverse=True, return_counts=True)",
         [](const Inputs& x) {
             UniqueResult u = unique(x[0], true, true, true);
             return Outputs{u.values, u.inverse, u.counts};
         },
         {repeated}, false},
        {"unique/int64", "torch.unique(x0)", [](const Inputs& x) { return Outputs{unique(x[0]).values}; },
         {from_vector<std::int64_t>({5, -2, 5, 0, -2, 9}, {2, 3})}, false},
        {"unique/empty", "torch.unique(x0, return_inverse=True, return_counts=True)",
         [](const Inputs& x) {
             UniqueResult u = unique(x[0], true, true, true);
             return Outputs{u.values, u.inverse, u.counts};
         },
         {empty}, false},
        {"searchsorted/left", "torch.searchsorted(x0, x1)",
         [](const Inputs& x) { return Outputs{searchsorted(x[0], x[1])}; }, {sequence, matrix}, false},
        {"searchsorted/right", "torch.searchsorted(x0, x1, right=True)",
         [](const Inputs& x) { return Outputs{searchsorted(x[0], x[1], true)}; },
         {sequence, from_vector<double>({-0.5, 0, 1, 5, -9}, {5})}, false},
        {"searchsorted/batched", "torch.searchsorted(x0, x1)",
         [](const Inputs& x) { return Outputs{searchsorted(x[0], x[1])}; },
         {rows, from_vector<double>({-1, 2.5, 0.5, 9, 0.5, -4}, {2, 3})}, false},
        {"searchsorted/empty", "torch.searchsorted(x0, x1)",
         [](const Inputs& x) { return Outputs{searchsorted(x[0], x[1])}; }, {sequence, sample_normal({0}, 304)}, false},
    };
}
