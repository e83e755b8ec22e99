// PyTorch comparison cases for the unary math ops: trigonometric and
// hyperbolic functions, rounding and reciprocal.
#include "torch_case.hpp"

namespace {

using namespace xgrad;
using namespace xgrad::reference;

/// One case per shape: a vector, a batch and an empty tensor, with inputs in [low, high).
void add_unary(std::vector<TorchCase>& cases, const std::string& name, Tensor (*op)(const Tensor&), double low,
               double high) {
    const std::vector<Shape> shapes = {{7}, {3, 4, 5}, {0, 3}};
    for (std::size_t i = 0; i < shapes.size(); ++i)
        cases.push_back({name + "/" + std::to_string(i), "torch." + name + "(x0)",
                         [op](const Inputs& x) { return Outputs{op(x[0])}; },
                         {sample_uniform(shapes[i], low, high, 100 + i)}});
}

}  // namespace

XGRAD_TORCH_CASES(unary_cases) {
    std::vector<TorchCase> cases;
    add_unary(cases, "sin", &sin, -4, 4);
    add_unary(cases, "cos", &cos, -4, 4);
    add_unary(cases, "tan", &tan, -1.2, 1.2);
    add_unary(cases, "asin", &asin, -0.95, 0.95);
    add_unary(cases, "acos", &acos, -0.95, 0.95);
    add_unary(cases, "atan", &atan, -5, 5);
    add_unary(cases, "sinh", &sinh, -3, 3);
    add_unary(cases, "cosh", &cosh, -3, 3);
    add_unary(cases, "asinh", &asinh, -5, 5);
    add_unary(cases, "acosh", &acosh, 1.1, 5);
    add_unary(cases, "atanh", &atanh, -0.9, 0.9);
    add_unary(cases, "floor", &floor, -5, 5);
    add_unary(cases, "ceil", &ceil, -5, 5);
    add_unary(cases, "round", &round, -5, 5);
    add_unary(cases, "trunc", &trunc, -5, 5);
    add_unary(cases, "reciprocal", &reciprocal, 0.5, 3);
    // Exact halves: both round them to the even neighbour.
    cases.push_back({"round/halves", "torch.round(x0)", [](const Inputs& x) { return Outputs{round(x[0])}; },
                     {from_vector<double>({-2.5, -1.5, -0.5, 0.5, 1.5, 2.5}, {6})}});
    return cases;
}
