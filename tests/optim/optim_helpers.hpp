#pragma once
// Shared by the optimizer tests: a fixed three-step gradient sequence on a
// two-element float64 parameter, and small objectives to minimize.
//
// Every update-rule test uses θ0 = [1, −2] and the gradients
//   g1 = [0.5, 1], g2 = [−0.5, 2], g3 = [1, 0]
// set by hand (not from a loss), so the expected values follow from the
// update formulas alone. The g3 = 0 element makes second-moment estimates
// shrink (which AMSGrad must ignore).
#include <functional>
#include <vector>

#include "../test_helpers.hpp"

namespace optim_test {

using xgrad::Tensor;

inline const std::vector<std::vector<double>> gradients = {{0.5, 1.0}, {-0.5, 2.0}, {1.0, 0.0}};

inline Tensor theta0() { return xgrad::tensor({1.0, -2.0}, xgrad::float64).requires_grad_(); }

/// Steps `opt` (already holding θ) three times with the fixed gradients; returns θ after each step.
inline std::vector<std::vector<double>> three_steps(xgrad::optim::Optimizer& opt, const Tensor& theta) {
    std::vector<std::vector<double>> out;
    for (const auto& g : gradients) {
        Tensor(theta).set_grad(xgrad::from_vector(g, {2}));
        opt.step();
        out.push_back(theta.to_vector<double>());
    }
    return out;
}

/// |a − b| ≤ 1e-12 + 1e-12·|b| elementwise (float64 kernels against a double reference).
inline bool near(const std::vector<double>& a, const std::vector<double>& b, double tol = 1e-12) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!(std::abs(a[i] - b[i]) <= tol + tol * std::abs(b[i]))) return false;
    return true;
}

/// f(θ) = Σ a_i (θ_i − c_i)², minimum 0 at c = [3, −1, 0.5, 2] with curvatures a = [1, 10, 0.1, 3]
/// (an ill-conditioned bowl). Runs `steps` steps from θ = 0 and returns the final f.
inline double minimize_quadratic(const std::function<std::unique_ptr<xgrad::optim::Optimizer>(Tensor)>& make,
                                 int steps) {
    using namespace xgrad;
    Tensor theta = zeros({4}, float64).requires_grad_();
    const Tensor c = tensor({3.0, -1.0, 0.5, 2.0}, float64), a = tensor({1.0, 10.0, 0.1, 3.0}, float64);
    auto opt = make(theta);
    double f = 0;
    for (int i = 0; i < steps; ++i) {
        opt->zero_grad();
        Tensor loss = sum(a * square(theta - c));
        f = loss.item();
        loss.backward();
        opt->step();
    }
    return f;
}

/// Rosenbrock f(x, y) = (1 − x)² + 100(y − x²)² from (−1.5, 2); minimum 0 at (1, 1).
/// Returns the final (x, y).
inline std::vector<double> minimize_rosenbrock(const std::function<std::unique_ptr<xgrad::optim::Optimizer>(Tensor)>& make,
                                               int steps) {
    using namespace xgrad;
    Tensor xy = tensor({-1.5, 2.0}, float64).requires_grad_();
    auto opt = make(xy);
    for (int i = 0; i < steps; ++i) {
        opt->zero_grad();
        const Tensor x = slice(xy, 0, 0, 1), y = slice(xy, 0, 1, 2);
        Tensor loss = sum(square(1.0 - x) + 100.0 * square(y - square(x)));
        loss.backward();
        opt->step();
    }
    return xy.to_vector<double>();
}

}  // namespace optim_test
