#pragma once
// One case of the PyTorch comparison (test ops/against_torch): an xgrad
// function, the same computation as a Python expression over torch, and the
// inputs. The case program (torch_cases.cpp) runs every case in float32 and
// float64, writes inputs, xgrad's outputs and gradients to a safetensors
// file, and check_against_torch.py recomputes them with Debian's
// python3-torch and compares.
//
// Add cases in a file of your family (tests/reference/<family>_cases.cpp,
// listed in tests/meson.build's torch_case_sources):
//
//     XGRAD_TORCH_CASES(cumsum_cases) {
//         using namespace xgrad::reference;
//         return {
//             {"cumsum/axis1", "torch.cumsum(x0, 1)", [](const Inputs& x) { return Outputs{xgrad::cumsum(x[0], 1)}; },
//              {sample_normal({3, 4}, 1)}},
//         };
//     }
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "xgrad/xgrad.hpp"

namespace xgrad::reference {

using Inputs = std::vector<Tensor>;
using Outputs = std::vector<Tensor>;

/// One comparison. Floating inputs are given in float64 and converted to the
/// run's dtype (float32, float64); other inputs (int64 indices, bool masks)
/// are passed as they are. Every floating input gets a gradient.
struct TorchCase {
    /// Unique; letters, digits and "/_-." ("cumsum/axis1", "sort/empty").
    std::string name;
    /// A Python expression over x0, x1, … (torch tensors of the inputs' dtypes,
    /// floating ones with requires_grad) and `torch`, giving a tensor or a
    /// tuple of tensors in the order `run` returns them.
    std::string torch;
    /// The xgrad computation.
    std::function<Outputs(const Inputs&)> run;
    /// The inputs, floating ones in float64.
    Inputs inputs;
    /// False for ops without gradients (argsort, unique, nonzero): values only.
    bool gradients = true;
    /// Tolerance on max|xgrad − torch| relative to max|torch| (per output and
    /// gradient), float32 and float64 runs. Widen only with a reason in a comment
    /// (an ill-conditioned decomposition).
    double float32_tolerance = 1e-6;
    double float64_tolerance = 1e-12;  ///< As float32_tolerance, for float64 runs.
};

/// N(0, 1) values from a generator seeded by `seed`, in float64 (named apart
/// from xgrad::normal, so both namespaces can be used together).
Tensor sample_normal(const Shape& shape, std::uint64_t seed);
/// Uniform in [low, high), float64.
Tensor sample_uniform(const Shape& shape, double low, double high, std::uint64_t seed);

namespace detail {
struct CaseRegistrar {
    explicit CaseRegistrar(std::vector<TorchCase> (*make)());
};
}  // namespace detail

/// Every case registered with XGRAD_TORCH_CASES, in registration order.
std::vector<TorchCase> all_cases();

}  // namespace xgrad::reference

/// Defines a function returning a family's cases and registers it.
#define XGRAD_TORCH_CASES(family)                                                       \
    static std::vector<::xgrad::reference::TorchCase> family();                         \
    static const ::xgrad::reference::detail::CaseRegistrar family##_registrar(family); \
    static std::vector<::xgrad::reference::TorchCase> family()
