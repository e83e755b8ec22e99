// The case registry and the input generators of the PyTorch comparison.
#include "torch_case.hpp"

namespace xgrad::reference {

namespace {
std::vector<std::vector<TorchCase> (*)()>& families() {
    static std::vector<std::vector<TorchCase> (*)()> makers;
    return makers;
}
}  // namespace

detail::CaseRegistrar::CaseRegistrar(std::vector<TorchCase> (*make)()) { families().push_back(make); }

std::vector<TorchCase> all_cases() {
    std::vector<TorchCase> cases;
    for (auto* make : families())
        for (auto& c : make()) cases.push_back(std::move(c));
    return cases;
}

Tensor sample_normal(const Shape& shape, std::uint64_t seed) {
    Generator gen(seed);
    return xgrad::normal(shape, 0.0, 1.0, float64, gen);
}

Tensor sample_uniform(const Shape& shape, double low, double high, std::uint64_t seed) {
    Generator gen(seed);
    return xgrad::uniform(shape, low, high, float64, gen);
}

}  // namespace xgrad::reference
