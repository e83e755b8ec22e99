// PyTorch comparison cases of the numeric ops (binary math, reductions,
// scans): values and gradients on at least three shapes each, with
// broadcasting and empty tensors where the op allows them.
#include <cmath>

#include "torch_case.hpp"

namespace {

using xgrad::Tensor;
using xgrad::reference::Inputs;
using xgrad::reference::sample_normal;
using xgrad::reference::Outputs;
using xgrad::reference::sample_uniform;

/// Values away from 0, for divisors and logs: uniform in [0.5, 2) with a random sign per element.
Tensor away_from_zero(const xgrad::Shape& shape, std::uint64_t seed) {
    const Tensor magnitude = sample_uniform(shape, 0.5, 2.0, seed);
    const Tensor sign = xgrad::sign(sample_uniform(shape, -1.0, 1.0, seed + 1000));
    return xgrad::mul(magnitude, xgrad::where(xgrad::eq(sign, xgrad::zeros({}, xgrad::float64)),
                                              xgrad::ones({}, xgrad::float64), sign));
}

}  // namespace

XGRAD_TORCH_CASES(numeric_binary_cases) {
    using namespace xgrad::reference;
    return {
        {"atan2/same", "torch.atan2(x0, x1)", [](const Inputs& x) { return Outputs{xgrad::atan2(x[0], x[1])}; },
         {sample_normal({3, 4}, 1), sample_normal({3, 4}, 2)}},
        {"atan2/broadcast", "torch.atan2(x0, x1)", [](const Inputs& x) { return Outputs{xgrad::atan2(x[0], x[1])}; },
         {sample_normal({2, 1, 3}, 3), sample_normal({4, 1}, 4)}},
        {"atan2/empty", "torch.atan2(x0, x1)", [](const Inputs& x) { return Outputs{xgrad::atan2(x[0], x[1])}; },
         {sample_normal({0, 3}, 5), sample_normal({3}, 6)}},
        // fmod and remainder: quotients kept away from integers by the divisor's range
        {"fmod/same", "torch.fmod(x0, x1)", [](const Inputs& x) { return Outputs{xgrad::fmod(x[0], x[1])}; },
         {sample_normal({3, 4}, 7), away_from_zero({3, 4}, 8)}},
        {"fmod/broadcast", "torch.fmod(x0, x1)", [](const Inputs& x) { return Outputs{xgrad::fmod(x[0], x[1])}; },
         {sample_normal({2, 5}, 9), away_from_zero({1, 5}, 10)}},
        {"fmod/empty", "torch.fmod(x0, x1)", [](const Inputs& x) { return Outputs{xgrad::fmod(x[0], x[1])}; },
         {sample_normal({2, 0}, 11), away_from_zero({1}, 12)}},
        {"remainder/same", "torch.remainder(x0, x1)", [](const Inputs& x) { return Outputs{xgrad::remainder(x[0], x[1])}; },
         {sample_normal({3, 4}, 13), away_from_zero({3, 4}, 14)}},
        {"remainder/broadcast", "torch.remainder(x0, x1)",
         [](const Inputs& x) { return Outputs{xgrad::remainder(x[0], x[1])}; }, {sample_normal({4, 1}, 15), away_from_zero({3}, 16)}},
        {"remainder/empty", "torch.remainder(x0, x1)", [](const Inputs& x) { return Outputs{xgrad::remainder(x[0], x[1])}; },
         {sample_normal({0}, 17), away_from_zero({1}, 18)}},
        {"logaddexp/same", "torch.logaddexp(x0, x1)", [](const Inputs& x) { return Outputs{xgrad::logaddexp(x[0], x[1])}; },
         {sample_normal({3, 4}, 19), sample_normal({3, 4}, 20)}},
        {"logaddexp/broadcast", "torch.logaddexp(x0, x1)",
         [](const Inputs& x) { return Outputs{xgrad::logaddexp(x[0], x[1])}; }, {sample_normal({2, 3, 1}, 21), sample_normal({1, 4}, 22)}},
        {"logaddexp/empty", "torch.logaddexp(x0, x1)", [](const Inputs& x) { return Outputs{xgrad::logaddexp(x[0], x[1])}; },
         {sample_normal({0, 4}, 23), sample_normal({4}, 24)}},
        {"hypot/same", "torch.hypot(x0, x1)", [](const Inputs& x) { return Outputs{xgrad::hypot(x[0], x[1])}; },
         {sample_normal({3, 4}, 25), sample_normal({3, 4}, 26)}},
        {"hypot/broadcast", "torch.hypot(x0, x1)", [](const Inputs& x) { return Outputs{xgrad::hypot(x[0], x[1])}; },
         {sample_normal({5, 1}, 27), sample_normal({2}, 28)}},
        {"hypot/empty", "torch.hypot(x0, x1)", [](const Inputs& x) { return Outputs{xgrad::hypot(x[0], x[1])}; },
         {sample_normal({0, 2}, 29), sample_normal({2}, 30)}},
        {"clip/both", "torch.clamp(x0, x1, x2)", [](const Inputs& x) { return Outputs{xgrad::clip(x[0], x[1], x[2])}; },
         {sample_normal({3, 4}, 31), sample_uniform({4}, -1.0, -0.2, 32), sample_uniform({3, 1}, 0.2, 1.0, 33)}},
        {"clip/low", "torch.clamp(x0, min=x1)", [](const Inputs& x) { return Outputs{xgrad::clip(x[0], x[1], Tensor())}; },
         {sample_normal({2, 3, 4}, 34), sample_normal({4}, 35)}},
        // The bound's gradient is a float32 sum of upstream terms of size ~1
        // that nearly cancel (to 0.09): one rounding of a term is 1e-6 of it.
        {"clip/high", "torch.clamp(x0, max=x1)", [](const Inputs& x) { return Outputs{xgrad::clip(x[0], Tensor(), x[1])}; },
         {sample_normal({5}, 36), sample_normal({1}, 37)}, true, 1e-5},
        {"clip/empty", "torch.clamp(x0, x1, x2)", [](const Inputs& x) { return Outputs{xgrad::clip(x[0], x[1], x[2])}; },
         {sample_normal({0, 3}, 38), sample_uniform({3}, -1.0, -0.2, 39), sample_uniform({1}, 0.2, 1.0, 40)}},
        {"nan_to_num/finite", "torch.nan_to_num(x0)", [](const Inputs& x) { return Outputs{xgrad::nan_to_num(x[0])}; },
         {sample_normal({3, 4}, 41)}},
        {"nan_to_num/3d", "torch.nan_to_num(x0, nan=1.0)", [](const Inputs& x) { return Outputs{xgrad::nan_to_num(x[0], 1.0)}; },
         {sample_normal({2, 3, 2}, 42)}},
        {"nan_to_num/empty", "torch.nan_to_num(x0)", [](const Inputs& x) { return Outputs{xgrad::nan_to_num(x[0])}; },
         {sample_normal({0}, 43)}},
    };
}

XGRAD_TORCH_CASES(numeric_reduction_cases) {
    using namespace xgrad::reference;
    return {
        {"prod/all", "torch.prod(x0)", [](const Inputs& x) { return Outputs{xgrad::prod(x[0])}; }, {away_from_zero({3, 4}, 51)}},
        {"prod/axis1", "torch.prod(x0, 1)", [](const Inputs& x) { return Outputs{xgrad::prod(x[0], {1})}; },
         {away_from_zero({3, 4}, 52)}},
        {"prod/axis0_keep", "torch.prod(x0, 0, keepdim=True)",
         [](const Inputs& x) { return Outputs{xgrad::prod(x[0], {0}, true)}; }, {away_from_zero({2, 3, 2}, 53)}},
        {"prod/empty", "torch.prod(x0, 1)", [](const Inputs& x) { return Outputs{xgrad::prod(x[0], {1})}; },
         {sample_normal({3, 0}, 54)}},
        {"norm/2", "torch.linalg.vector_norm(x0)", [](const Inputs& x) { return Outputs{xgrad::norm(x[0])}; },
         {sample_normal({3, 4}, 55)}},
        {"norm/1_axis", "torch.linalg.vector_norm(x0, 1, dim=1)",
         [](const Inputs& x) { return Outputs{xgrad::norm(x[0], 1.0, {1})}; }, {sample_normal({3, 4}, 56)}},
        {"norm/inf_axis", "torch.linalg.vector_norm(x0, float('inf'), dim=0)",
         [](const Inputs& x) { return Outputs{xgrad::norm(x[0], INFINITY, {0})}; }, {sample_normal({3, 4}, 57)}},
        {"norm/-inf_axis", "torch.linalg.vector_norm(x0, float('-inf'), dim=-1, keepdim=True)",
         [](const Inputs& x) { return Outputs{xgrad::norm(x[0], -INFINITY, {-1}, true)}; }, {sample_normal({2, 3, 4}, 58)}},
        {"norm/3_axes", "torch.linalg.vector_norm(x0, 3, dim=(0, 2))",
         [](const Inputs& x) { return Outputs{xgrad::norm(x[0], 3.0, {0, 2})}; }, {sample_normal({2, 3, 4}, 59)}},
        {"norm/0", "torch.linalg.vector_norm(x0, 0, dim=1)",
         [](const Inputs& x) { return Outputs{xgrad::norm(x[0], 0.0, {1})}; }, {sample_normal({3, 4}, 60)}},
        {"norm/fro", "torch.linalg.matrix_norm(x0, 'fro')",
         [](const Inputs& x) { return Outputs{xgrad::norm(x[0], "fro")}; }, {sample_normal({2, 3, 4}, 61)}},
        {"norm/empty", "torch.linalg.vector_norm(x0, 2, dim=1)",
         [](const Inputs& x) { return Outputs{xgrad::norm(x[0], 2.0, {1})}; }, {sample_normal({3, 0}, 62)}},
        {"amax/axis1", "torch.amax(x0, 1)", [](const Inputs& x) { return Outputs{xgrad::amax(x[0], {1})}; },
         {sample_normal({3, 4}, 63)}},
        {"amax/axes", "torch.amax(x0, (0, 2), keepdim=True)",
         [](const Inputs& x) { return Outputs{xgrad::amax(x[0], {0, 2}, true)}; }, {sample_normal({2, 3, 4}, 64)}},
        {"amax/empty", "torch.amax(x0, 0)", [](const Inputs& x) { return Outputs{xgrad::amax(x[0], {0})}; },
         {sample_normal({2, 0}, 65)}},
        {"amin/axis0", "torch.amin(x0, 0)", [](const Inputs& x) { return Outputs{xgrad::amin(x[0], {0})}; },
         {sample_normal({3, 4}, 66)}},
        {"amin/all", "torch.amin(x0)", [](const Inputs& x) { return Outputs{xgrad::amin(x[0])}; }, {sample_normal({5}, 67)}},
        {"amin/empty", "torch.amin(x0, 1)", [](const Inputs& x) { return Outputs{xgrad::amin(x[0], {1})}; },
         {sample_normal({0, 3}, 68)}},
        {"median/all", "torch.median(x0)", [](const Inputs& x) { return Outputs{xgrad::median(x[0])}; },
         {sample_normal({3, 4}, 69)}},
        {"median/axis1", "torch.median(x0, 1)",
         [](const Inputs& x) {
             const auto r = xgrad::median(x[0], 1);
             return Outputs{r.values, r.indices};
         },
         {sample_normal({3, 5}, 70)}},
        {"median/axis0_keep", "torch.median(x0, 0, keepdim=True)",
         [](const Inputs& x) {
             const auto r = xgrad::median(x[0], 0, true);
             return Outputs{r.values, r.indices};
         },
         {sample_normal({4, 2, 3}, 71)}},
        {"median/empty_rows", "torch.median(x0, 1)",
         [](const Inputs& x) {
             const auto r = xgrad::median(x[0], 1);
             return Outputs{r.values, r.indices};
         },
         {sample_normal({0, 3}, 72)}},
        {"var/correction1", "torch.var(x0, 1, unbiased=True)",
         [](const Inputs& x) { return Outputs{xgrad::var(x[0], {1}, false, 1)}; }, {sample_normal({3, 4}, 73)}},
        {"var/correction0", "torch.var(x0, (0, 2), unbiased=False, keepdim=True)",
         [](const Inputs& x) { return Outputs{xgrad::var(x[0], {0, 2}, true, 0)}; }, {sample_normal({2, 3, 4}, 74)}},
        {"std/correction1", "torch.std(x0)", [](const Inputs& x) { return Outputs{xgrad::std(x[0], {}, false, 1)}; },
         {sample_normal({5, 2}, 75)}},
        {"mean/axis1", "torch.mean(x0, 1)", [](const Inputs& x) { return Outputs{xgrad::mean(x[0], {1})}; },
         {sample_normal({3, 4}, 76)}},
    };
}

XGRAD_TORCH_CASES(numeric_scan_cases) {
    using namespace xgrad::reference;
    return {
        {"cumsum/axis0", "torch.cumsum(x0, 0)", [](const Inputs& x) { return Outputs{xgrad::cumsum(x[0], 0)}; },
         {sample_normal({3, 4}, 81)}},
        {"cumsum/axis-1", "torch.cumsum(x0, -1)", [](const Inputs& x) { return Outputs{xgrad::cumsum(x[0], -1)}; },
         {sample_normal({2, 3, 5}, 82)}},
        {"cumsum/empty", "torch.cumsum(x0, 1)", [](const Inputs& x) { return Outputs{xgrad::cumsum(x[0], 1)}; },
         {sample_normal({2, 0}, 83)}},
        {"cumprod/axis1", "torch.cumprod(x0, 1)", [](const Inputs& x) { return Outputs{xgrad::cumprod(x[0], 1)}; },
         {away_from_zero({3, 4}, 84)}},
        {"cumprod/axis0", "torch.cumprod(x0, 0)", [](const Inputs& x) { return Outputs{xgrad::cumprod(x[0], 0)}; },
         {away_from_zero({4, 2, 2}, 85)}},
        {"cumprod/empty", "torch.cumprod(x0, 0)", [](const Inputs& x) { return Outputs{xgrad::cumprod(x[0], 0)}; },
         {sample_normal({0, 3}, 86)}},
        {"cummax/axis1", "torch.cummax(x0, 1)",
         [](const Inputs& x) {
             const auto r = xgrad::cummax(x[0], 1);
             return Outputs{r.values, r.indices};
         },
         {sample_normal({3, 6}, 87)}},
        {"cummax/axis0", "torch.cummax(x0, 0)",
         [](const Inputs& x) {
             const auto r = xgrad::cummax(x[0], 0);
             return Outputs{r.values, r.indices};
         },
         {sample_normal({5, 2, 3}, 88)}},
        {"cummax/empty", "torch.cummax(x0, 0)",
         [](const Inputs& x) {
             const auto r = xgrad::cummax(x[0], 0);
             return Outputs{r.values, r.indices};
         },
         {sample_normal({0, 2}, 89)}},
        {"cummin/axis1", "torch.cummin(x0, 1)",
         [](const Inputs& x) {
             const auto r = xgrad::cummin(x[0], 1);
             return Outputs{r.values, r.indices};
         },
         {sample_normal({3, 6}, 90)}},
        {"cummin/axis-1", "torch.cummin(x0, -1)",
         [](const Inputs& x) {
             const auto r = xgrad::cummin(x[0], -1);
             return Outputs{r.values, r.indices};
         },
         {sample_normal({2, 2, 4}, 91)}},
        {"cummin/empty", "torch.cummin(x0, 1)",
         [](const Inputs& x) {
             const auto r = xgrad::cummin(x[0], 1);
             return Outputs{r.values, r.indices};
         },
         {sample_normal({3, 0}, 92)}},
        {"logcumsumexp/axis1", "torch.logcumsumexp(x0, 1)",
         [](const Inputs& x) { return Outputs{xgrad::logcumsumexp(x[0], 1)}; }, {sample_normal({3, 5}, 93)}},
        {"logcumsumexp/large", "torch.logcumsumexp(x0 * 100, 0)",
         // Arguments up to ~300 in float32 carry rounding of 3e-5, which the
         // gradient's exponentials of their differences magnify to that relative size.
         [](const Inputs& x) { return Outputs{xgrad::logcumsumexp(xgrad::mul(x[0], 100.0), 0)}; }, {sample_normal({6, 2}, 94)},
         true, 5e-5},
        {"logcumsumexp/empty", "torch.logcumsumexp(x0, 0)",
         [](const Inputs& x) { return Outputs{xgrad::logcumsumexp(x[0], 0)}; }, {sample_normal({0, 4}, 95)}},
    };
}
