// PyTorch comparison cases for the bool dtype: comparisons, isnan/isinf/
// isfinite, logical ops, any/all, where with a bool condition, sum of bool
// and conversions into and out of bool.
#include <limits>

#include "torch_case.hpp"

namespace {

using namespace xgrad;
using namespace xgrad::reference;

Outputs one(const Tensor& t) { return Outputs{t}; }

/// Small integers as float64 (−4…4): comparisons meet ties.
Tensor small_integers(const Shape& shape, std::uint64_t seed) { return round(sample_normal(shape, seed) * 2.0); }

/// A bool mask, true with probability 1/2.
Tensor mask(const Shape& shape, std::uint64_t seed) { return sample_uniform(shape, 0, 1, seed) > 0.5; }

/// Normal values with NaN, +inf and −inf and −0.0 sprinkled in (float64).
Tensor with_specials(const Shape& shape, std::uint64_t seed) {
    const Tensor u = sample_uniform(shape, 0, 1, seed + 1);
    const Tensor x = sample_normal(shape, seed);
    const Tensor nan = full({}, std::numeric_limits<double>::quiet_NaN(), float64);
    const Tensor inf = full({}, std::numeric_limits<double>::infinity(), float64);
    return where(u < 0.15, nan, where(u < 0.3, inf, where(u < 0.45, -inf, where(u < 0.55, full({}, -0.0, float64), x))));
}

const std::vector<std::pair<Shape, Shape>> pairs = {{{6}, {6}}, {{3, 4}, {4}}, {{2, 1, 4}, {3, 1}}, {{0, 4}, {4}}};

void add_comparisons(std::vector<TorchCase>& cases) {
    using Compare = Tensor (*)(const Tensor&, const Tensor&);
    const std::vector<std::tuple<const char*, const char*, Compare>> ops = {
        {"eq", "torch.eq(x0, x1)", &eq}, {"ne", "torch.ne(x0, x1)", &ne}, {"lt", "torch.lt(x0, x1)", &lt},
        {"le", "torch.le(x0, x1)", &le}, {"gt", "torch.gt(x0, x1)", &gt}, {"ge", "torch.ge(x0, x1)", &ge},
    };
    for (const auto& [name, torch, op] : ops)
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            const Tensor a = small_integers(pairs[i].first, 100 + 2 * i), b = small_integers(pairs[i].second, 101 + 2 * i);
            cases.push_back({std::string(name) + "/" + std::to_string(i), torch,
                             [op = op](const Inputs& x) { return one(op(x[0], x[1])); }, {a, b}, false});
        }
    // NaN compares unequal and unordered; ±inf and −0.0 as IEEE says.
    cases.push_back({"eq/specials", "torch.eq(x0, x1)", [](const Inputs& x) { return one(eq(x[0], x[1])); },
                     {with_specials({12}, 110), with_specials({12}, 110)}, false});
    cases.push_back({"lt/specials", "torch.lt(x0, x1)", [](const Inputs& x) { return one(lt(x[0], x[1])); },
                     {with_specials({3, 4}, 111), with_specials({4}, 112)}, false});
    cases.push_back({"ne/scalar", "x0 != 1.0", [](const Inputs& x) { return one(x[0] != 1.0); },
                     {small_integers({3, 5}, 113)}, false});
    cases.push_back({"ge/scalar", "x0 >= 0.5", [](const Inputs& x) { return one(x[0] >= 0.5); },
                     {small_integers({7}, 114)}, false});
    cases.push_back({"eq/bool", "torch.eq(x0, x1)", [](const Inputs& x) { return one(eq(x[0], x[1])); },
                     {mask({3, 4}, 115), mask({4}, 116)}, false});
}

void add_predicates(std::vector<TorchCase>& cases) {
    const std::vector<Shape> shapes = {{12}, {3, 5}, {0, 2}};
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        const Tensor x = with_specials(shapes[i], 120 + 2 * i);
        const std::string n = std::to_string(i);
        cases.push_back({"isnan/" + n, "torch.isnan(x0)", [](const Inputs& v) { return one(isnan(v[0])); }, {x}, false});
        cases.push_back({"isinf/" + n, "torch.isinf(x0)", [](const Inputs& v) { return one(isinf(v[0])); }, {x}, false});
        cases.push_back({"isfinite/" + n, "torch.isfinite(x0)", [](const Inputs& v) { return one(isfinite(v[0])); },
                         {x}, false});
    }
    cases.push_back({"isfinite/int64", "torch.isfinite(x0)", [](const Inputs& v) { return one(isfinite(v[0])); },
                     {arange(5)}, false});
}

void add_logical(std::vector<TorchCase>& cases) {
    using Logical = Tensor (*)(const Tensor&, const Tensor&);
    const std::vector<std::tuple<const char*, const char*, Logical>> ops = {
        {"logical_and", "torch.logical_and(x0, x1)", &logical_and},
        {"logical_or", "torch.logical_or(x0, x1)", &logical_or},
        {"logical_xor", "torch.logical_xor(x0, x1)", &logical_xor},
    };
    for (const auto& [name, torch, op] : ops) {
        for (std::size_t i = 0; i < pairs.size(); ++i)
            cases.push_back({std::string(name) + "/" + std::to_string(i), torch,
                             [op = op](const Inputs& x) { return one(op(x[0], x[1])); },
                             {mask(pairs[i].first, 130 + 2 * i), mask(pairs[i].second, 131 + 2 * i)}, false});
        // Any dtypes, mixed: nonzero (NaN included) is true.
        cases.push_back({std::string(name) + "/mixed", torch, [op = op](const Inputs& x) { return one(op(x[0], x[1])); },
                         {with_specials({3, 4}, 140), mask({4}, 141)}, false});
    }
    const std::vector<Shape> shapes = {{6}, {3, 4}, {0, 3}};
    for (std::size_t i = 0; i < shapes.size(); ++i)
        cases.push_back({"logical_not/" + std::to_string(i), "torch.logical_not(x0)",
                         [](const Inputs& x) { return one(logical_not(x[0])); }, {mask(shapes[i], 150 + i)}, false});
    cases.push_back({"logical_not/float", "torch.logical_not(x0)", [](const Inputs& x) { return one(logical_not(x[0])); },
                     {with_specials({10}, 153)}, false});
}

void add_any_all(std::vector<TorchCase>& cases) {
    // Sparse masks (true with probability 0.1) so that rows differ for any and all.
    const Tensor m = sample_uniform({4, 5, 3}, 0, 1, 160) > 0.9, dense = sample_uniform({4, 5, 3}, 0, 1, 161) > 0.1;
    for (const auto& [name, x] : std::vector<std::pair<std::string, Tensor>>{{"sparse", m}, {"dense", dense}}) {
        cases.push_back({"any/all_axes_" + name, "torch.any(x0)", [](const Inputs& v) { return one(any(v[0])); }, {x}, false});
        cases.push_back({"all/all_axes_" + name, "torch.all(x0)", [](const Inputs& v) { return one(all(v[0])); }, {x}, false});
        cases.push_back({"any/axis_" + name, "torch.any(x0, 1)", [](const Inputs& v) { return one(any(v[0], {1})); },
                         {x}, false});
        cases.push_back({"all/axis_keepdims_" + name, "torch.all(x0, -1, keepdim=True)",
                         [](const Inputs& v) { return one(all(v[0], {-1}, true)); }, {x}, false});
        cases.push_back({"any/axes_" + name, "x0.any(2).any(0)", [](const Inputs& v) { return one(any(v[0], {0, 2})); },
                         {x}, false});
        cases.push_back({"all/axes_" + name, "x0.all(2).all(0)", [](const Inputs& v) { return one(all(v[0], {0, 2})); },
                         {x}, false});
    }
    const Tensor empty = mask({0, 3}, 162);
    cases.push_back({"any/empty", "torch.any(x0, 0)", [](const Inputs& v) { return one(any(v[0], {0})); }, {empty}, false});
    cases.push_back({"all/empty", "torch.all(x0, 0)", [](const Inputs& v) { return one(all(v[0], {0})); }, {empty}, false});
    cases.push_back({"all/empty_all_axes", "torch.all(x0)", [](const Inputs& v) { return one(all(v[0])); }, {empty}, false});
    cases.push_back({"any/float", "torch.any(x0, 1)", [](const Inputs& v) { return one(any(v[0], {1})); },
                     {with_specials({4, 3}, 163) * 0.0}, false});
}

void add_where_sum_and_conversions(std::vector<TorchCase>& cases) {
    const std::vector<std::tuple<Shape, Shape, Shape>> shapes = {
        {{6}, {6}, {6}}, {{3, 1}, {4}, {3, 4}}, {{2, 1, 4}, {3, 1}, {1}}, {{0, 4}, {4}, {1, 4}}};
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        const auto& [c, a, b] = shapes[i];
        cases.push_back({"where/" + std::to_string(i), "torch.where(x0, x1, x2)",
                         [](const Inputs& x) { return one(where(x[0], x[1], x[2])); },
                         {mask(c, 170 + 3 * i), sample_normal(a, 171 + 3 * i), sample_normal(b, 172 + 3 * i)}});
    }
    cases.push_back({"sum/bool_all", "torch.sum(x0)", [](const Inputs& x) { return one(sum(x[0])); },
                     {mask({4, 5}, 180)}, false});
    cases.push_back({"sum/bool_axis", "torch.sum(x0, 1, keepdim=True)",
                     [](const Inputs& x) { return one(sum(x[0], {1}, true)); }, {mask({4, 5}, 181)}, false});
    cases.push_back({"sum/bool_empty", "torch.sum(x0, 0)", [](const Inputs& x) { return one(sum(x[0], {0})); },
                     {mask({0, 3}, 182)}, false});
    cases.push_back({"to/bool", "x0.to(torch.bool)", [](const Inputs& x) { return one(x[0].to(boolean)); },
                     {with_specials({4, 6}, 183)}, false});
    cases.push_back({"to/from_bool", "x0.to(torch.float64)", [](const Inputs& x) { return one(x[0].to(float64)); },
                     {mask({5}, 184)}, false});
    cases.push_back({"to/bool_to_int64", "x0.to(torch.int64)", [](const Inputs& x) { return one(x[0].to(int64)); },
                     {mask({2, 3}, 185)}, false});
}

}  // namespace

XGRAD_TORCH_CASES(logical_cases) {
    std::vector<TorchCase> cases;
    add_comparisons(cases);
    add_predicates(cases);
    add_logical(cases);
    add_any_all(cases);
    add_where_sum_and_conversions(cases);
    return cases;
}
