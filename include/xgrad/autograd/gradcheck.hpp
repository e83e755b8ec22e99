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

/// The function under check: maps the input tensors to one output tensor.
using TensorFunction = std::function<Tensor(const std::vector<Tensor>&)>;

/// Step and tolerances of gradcheck() and gradgradcheck().
struct GradcheckOptions {
    double eps = 1e-6;   ///< Finite-difference step added to and subtracted from each element.
    double atol = 1e-5;  ///< Absolute tolerance.
    double rtol = 1e-3;  ///< Tolerance relative to |numeric|.
    /// Seed of the random projection v.
    std::uint64_t seed = 1234;
};

/// The comparison for one input.
struct GradcheckInputReport {
    std::size_t input = 0;          ///< Position of the input in the `inputs` argument.
    double max_abs_error = 0;       ///< Largest |analytic - numeric| over its elements.
    double max_rel_error = 0;       ///< Largest |analytic - numeric| / |numeric| over its elements.
    std::int64_t worst_index = -1;  ///< flat index of the element furthest out of tolerance
    double analytic = 0;            ///< both values at worst_index: this one is the gradient from backward,
    double numeric = 0;             ///< this one the central-difference estimate.
    bool ok = true;                 ///< Whether every element is within tolerance.
};

/// Outcome of gradcheck() or gradgradcheck(); converts to bool (true when passed).
struct GradcheckResult {
    bool ok = true;                            ///< Whether every input passed.
    std::vector<GradcheckInputReport> inputs;  ///< one per floating input
    /// Names each failing input, its worst element and both values; empty when ok.
    std::string message;
    /// Same as ok.
    explicit operator bool() const noexcept { return ok; }
};

/// First derivatives of fn at `inputs` against central differences (float64).
GradcheckResult gradcheck(const TensorFunction& fn, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});
/// Second derivatives: gradchecks x ↦ Σ ∂L/∂x · u (a Hessian-vector product
/// built with create_graph) against central differences.
GradcheckResult gradgradcheck(const TensorFunction& fn, const std::vector<Tensor>& inputs,
                              const GradcheckOptions& options = {});

/// Prints "gradcheck passed" or "gradcheck failed: " followed by the message.
std::ostream& operator<<(std::ostream& os, const GradcheckResult& r);

}  // namespace xgrad
