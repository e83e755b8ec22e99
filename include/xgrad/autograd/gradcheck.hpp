#pragma once
/// \file
/// Numerical gradient checking, public so that authors of custom ops and
/// layers get the same check as the core.
///
/// gradcheck() converts floating inputs to float64 leaves, reduces the output
/// to L = Σ y·v with a fixed random v, and compares dL/dx from backward with
/// central differences (L(x + eps) - L(x - eps)) / 2eps, element by element:
/// an element passes when |analytic - numeric| ≤ atol + rtol·|numeric|.
///
///     auto r = xgrad::gradcheck([](const auto& x) { return xgrad::tanh(x[0]); }, {xgrad::randn({3, 4})});
///     BOOST_TEST(r.ok, r.message);
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

using TensorFunction = std::function<Tensor(const std::vector<Tensor>&)>;

struct GradcheckOptions {
    double eps = 1e-6;
    double atol = 1e-5;
    double rtol = 1e-3;
    /// Seed of the random projection v.
    std::uint64_t seed = 1234;
};

/// The comparison for one input.
struct GradcheckInputReport {
    std::size_t input = 0;
    double max_abs_error = 0;
    double max_rel_error = 0;
    std::int64_t worst_index = -1;  // flat index of the element furthest out of tolerance
    double analytic = 0;            // both values at worst_index
    double numeric = 0;
    bool ok = true;
};

struct GradcheckResult {
    bool ok = true;
    std::vector<GradcheckInputReport> inputs;  // one per floating input
    /// Names each failing input, its worst element and both values; empty when ok.
    std::string message;
    explicit operator bool() const noexcept { return ok; }
};

/// First derivatives of fn at `inputs` against central differences (float64).
GradcheckResult gradcheck(const TensorFunction& fn, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});
/// Second derivatives: gradchecks x ↦ Σ ∂L/∂x · u (a Hessian-vector product
/// built with create_graph) against central differences.
GradcheckResult gradgradcheck(const TensorFunction& fn, const std::vector<Tensor>& inputs,
                              const GradcheckOptions& options = {});

std::ostream& operator<<(std::ostream& os, const GradcheckResult& r);

}  // namespace xgrad
