#pragma once
// Inputs shared by the linalg tests: reproducible, well-conditioned matrices
// (the gradchecks difference through the factorizations, so conditioning
// sets their accuracy).
#include "../test_helpers.hpp"

namespace xgrad_test {

/// Normal(0, 0.4) entries plus 2 on the diagonal of every matrix [..., n, n]
/// (float64): diagonally dominant enough to stay far from singular.
inline xgrad::Tensor well_conditioned(const xgrad::Shape& shape, std::uint64_t seed) {
    xgrad::Generator gen(seed);
    const std::int64_t n = shape[shape.size() - 1];
    return xgrad::normal(shape, 0.0, 0.4, xgrad::float64, gen) + xgrad::eye(n, n, xgrad::float64) * 2.0;
}

/// Normal(0, 1) entries [..., m, n] (float64), for rectangular inputs.
inline xgrad::Tensor random_matrix(const xgrad::Shape& shape, std::uint64_t seed) {
    xgrad::Generator gen(seed);
    return xgrad::normal(shape, 0.0, 1.0, xgrad::float64, gen);
}

/// X·Xᵀ + n·I for X [..., n, n]: symmetric positive-definite, differentiable in X.
inline xgrad::Tensor spd_from(const xgrad::Tensor& x) {
    const std::int64_t n = x.shape().back();
    return xgrad::matmul(x, xgrad::transpose(x, -2, -1)) + xgrad::eye(n, n, x.dtype()) * static_cast<double>(n);
}

/// max |a − b| over all elements (shapes must match).
inline double max_difference(const xgrad::Tensor& a, const xgrad::Tensor& b) {
    BOOST_REQUIRE(a.shape() == b.shape());
    const auto x = values(a), y = values(b);
    double worst = 0;
    for (std::size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::abs(x[i] - y[i]));
    return worst;
}

}  // namespace xgrad_test
