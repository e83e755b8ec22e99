// Cumulative ops: hand values along each axis, the cumprod gradient with one
// and several zeros, ties and NaN in cummax/cummin, stable logcumsumexp,
// empty and 0-d tensors, errors, gradchecks to second order in float64.
#include <cmath>
#include <limits>

#include "../test_helpers.hpp"

using namespace xgrad;
using xgrad_test::values;
using Fn = std::vector<Tensor>;
namespace tt = boost::test_tools;

namespace {

const double inf = std::numeric_limits<double>::infinity();

Tensor f64(std::vector<double> v, const Shape& shape) { return from_vector(v, shape); }

/// d Σ(w ⊙ cumprod(x)) / dx for a 1-D x, with weights w = 1, 2, 3, ….
std::vector<double> cumprod_grad(const std::vector<double>& x) {
    Tensor t = f64(x, {static_cast<std::int64_t>(x.size())}).requires_grad_();
    const Tensor w = arange(1.0, static_cast<double>(x.size()) + 1, 1.0, float64);
    sum(mul(cumprod(t, 0), w)).backward();
    return values(t.grad());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_scans)

BOOST_AUTO_TEST_CASE(cumsum_along_each_axis) {
    const Tensor x = tensor({{1, 2, 3}, {4, 5, 6}});
    BOOST_TEST(values(cumsum(x, 0)) == std::vector<double>({1, 2, 3, 5, 7, 9}), tt::per_element());
    BOOST_TEST(values(cumsum(x, -1)) == std::vector<double>({1, 3, 6, 4, 9, 15}), tt::per_element());
    BOOST_TEST(values(cumsum(x.to(int64), 1)) == std::vector<double>({1, 3, 6, 4, 9, 15}), tt::per_element());
    BOOST_TEST((cumsum(x.to(int64), 1).dtype() == int64));
    BOOST_TEST(cumsum(zeros({0, 3}), 0).shape() == (Shape{0, 3}));
    BOOST_TEST(cumsum(zeros({2, 0}), 1).shape() == (Shape{2, 0}));
    BOOST_TEST(values(cumsum(scalar(4.0), 0)) == std::vector<double>({4}), tt::per_element());
    // float32 accumulates in double: 10^6 ones sum exactly to 10^6, and 0.1 × 10^6 to 10^5 within float rounding
    BOOST_TEST(values(cumsum(full({1000000}, 0.1, float32), 0)).back() == 100000.0, tt::tolerance(1e-7));
    // d Σ (w ⊙ cumsum x) / dx_i = Σ_{k ≥ i} w_k: w = 1, 2, 3 → 6, 5, 3
    Tensor t = tensor({1.0, 2.0, 3.0}, float64).requires_grad_();
    sum(mul(cumsum(t, 0), tensor({1.0, 2.0, 3.0}, float64))).backward();
    BOOST_TEST(values(t.grad()) == std::vector<double>({6, 5, 3}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(cumprod_values_and_gradient_with_zeros) {
    BOOST_TEST(values(cumprod(tensor({2.0, 3.0, 0.5}), 0)) == std::vector<double>({2, 6, 3}), tt::per_element());
    BOOST_TEST(values(cumprod(tensor({{1.0, 2.0}, {3.0, 4.0}}, float64), 0)) == std::vector<double>({1, 2, 3, 8}),
               tt::per_element());
    // out = [x0, x0x1, x0x1x2], weights 1, 2, 3:
    // d/dx0 = 1 + 2x1 + 3x1x2, d/dx1 = 2x0 + 3x0x2, d/dx2 = 3x0x1
    // no zero, x = (2, 3, 4): 1 + 6 + 36 = 43, 4 + 24 = 28, 18
    BOOST_TEST(cumprod_grad({2, 3, 4}) == std::vector<double>({43, 28, 18}), tt::tolerance(1e-14) << tt::per_element());
    // one zero, x = (2, 0, 4): 1 + 0 + 0 = 1, 4 + 24 = 28, 0
    BOOST_TEST(cumprod_grad({2, 0, 4}) == std::vector<double>({1, 28, 0}), tt::tolerance(1e-14) << tt::per_element());
    // two zeros, x = (0, 3, 0): 1 + 6 + 0 = 7, 0, 0
    BOOST_TEST(cumprod_grad({0, 3, 0}) == std::vector<double>({7, 0, 0}), tt::tolerance(1e-14) << tt::per_element());
    // zero first, x = (0, 3, 4): 1 + 6 + 36 = 43, 0, 0
    BOOST_TEST(cumprod_grad({0, 3, 4}) == std::vector<double>({43, 0, 0}), tt::tolerance(1e-14) << tt::per_element());
    BOOST_TEST(cumprod(zeros({0}, float64), 0).shape() == (Shape{0}));
}

BOOST_AUTO_TEST_CASE(cummax_cummin_ties_take_the_later_index_and_nan_propagates) {
    const Tensor x = tensor({1.0, 3.0, 2.0, 3.0, 5.0}, float64);
    const auto [mx, imx] = cummax(x, 0);
    BOOST_TEST(values(mx) == std::vector<double>({1, 3, 3, 3, 5}), tt::per_element());
    BOOST_TEST(imx.to_vector<std::int64_t>() == std::vector<std::int64_t>({0, 1, 1, 3, 4}), tt::per_element());
    const auto [mn, imn] = cummin(tensor({{2.0, 1.0}, {1.0, 3.0}, {1.0, 0.0}}, float64), 0);
    BOOST_TEST(values(mn) == std::vector<double>({2, 1, 1, 1, 1, 0}), tt::per_element());
    BOOST_TEST(imn.to_vector<std::int64_t>() == std::vector<std::int64_t>({0, 0, 1, 0, 2, 2}), tt::per_element());
    const auto [mnan, inan] = cummax(tensor({1.0, std::nan(""), 5.0}), 0);
    BOOST_TEST(std::isnan(values(mnan)[2]));
    BOOST_TEST(inan.to_vector<std::int64_t>() == std::vector<std::int64_t>({0, 1, 1}), tt::per_element());
    // gradient goes to the index: x1 picked at steps 1, 2, x3 at step 3
    Tensor t = x.clone().requires_grad_();
    sum(cummax(t, 0).values).backward();
    BOOST_TEST(values(t.grad()) == std::vector<double>({1, 2, 0, 1, 1}), tt::per_element());
    const auto [e, ei] = cummax(zeros({3, 0}), 1);
    BOOST_TEST(e.shape() == (Shape{3, 0}));
    BOOST_TEST(ei.shape() == (Shape{3, 0}));
}

// cumsum runs the scan kernels (down the rows for an outer axis, rows in
// groups along the last): every axis of a [9, 13, 260] tensor equals the
// sequential sum exactly, float64 and float32 (summed in float64, rounded once).
BOOST_AUTO_TEST_CASE(cumsum_equals_the_sequential_sum_along_every_axis) {
    const Shape shape{9, 13, 260};
    Generator gen(5);
    for (Dtype dtype : {float32, float64}) {
        const Tensor x = randn(shape, dtype, gen);
        const std::vector<double> xs = values(x);
        for (std::int64_t axis : {0, 1, 2}) {
            const std::vector<double> got = values(cumsum(x, axis));
            std::int64_t stride = 1;
            for (std::int64_t d = 2; d > axis; --d) stride *= shape[static_cast<std::size_t>(d)];
            const std::int64_t dim = shape[static_cast<std::size_t>(axis)];
            std::size_t mismatches = 0;
            for (std::int64_t start = 0; start < x.numel(); ++start) {
                if ((start / stride) % dim != 0) continue;  // lanes start at index 0 along the axis
                double acc = 0;
                for (std::int64_t i = 0; i < dim; ++i) {
                    const auto at = static_cast<std::size_t>(start + i * stride);
                    acc = i == 0 ? xs[at] : acc + xs[at];
                    const double want = dtype == float32 ? static_cast<float>(acc) : acc;
                    if (got[at] != want) ++mismatches;
                }
            }
            BOOST_TEST(mismatches == 0u, dtype_name(dtype) << " axis " << axis);
        }
    }
}

BOOST_AUTO_TEST_CASE(logcumsumexp_is_stable) {
    const auto v = values(logcumsumexp(tensor({1000.0, 1000.0, -inf, 0.0}, float64), 0));
    BOOST_TEST(v[0] == 1000.0);
    BOOST_TEST(v[1] == 1000.0 + std::log(2.0), tt::tolerance(1e-15));
    BOOST_TEST(v[2] == 1000.0 + std::log(2.0), tt::tolerance(1e-15));
    BOOST_TEST(v[3] == 1000.0 + std::log(2.0), tt::tolerance(1e-15));
    BOOST_TEST(values(logcumsumexp(full({2}, -inf, float32), 0)) == std::vector<double>({-inf, -inf}), tt::per_element());
    // x = (0, 0): out = (0, log 2); d Σ out / dx0 = 1 + 1/2, d/dx1 = 1/2
    Tensor t = zeros({2}, float64).requires_grad_();
    sum(logcumsumexp(t, 0)).backward();
    BOOST_TEST(values(t.grad()) == std::vector<double>({1.5, 0.5}), tt::tolerance(1e-15) << tt::per_element());
    // large inputs: the gradient stays finite. out = (800, 800, 800 + log 2):
    // d/dx0 = 1 + 1 + 1/2, d/dx1 = e^−1600 ≈ 0, d/dx2 = e^(−log 2)
    Tensor big = tensor({800.0, -800.0, 800.0}, float64).requires_grad_();
    sum(logcumsumexp(big, 0)).backward();
    BOOST_TEST(values(big.grad()) == std::vector<double>({2.5, 0.0, 0.5}), tt::tolerance(1e-12) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(errors_name_the_op_and_axis) {
    CHECK_THROWS_WITH(cumsum(ones({2, 3}), 2), ValueError, "cumsum: axis 2 is out of range for a tensor of rank 2");
    CHECK_THROWS_WITH(cumprod(ones({2}), -2), ValueError, "cumprod: axis -2");
    CHECK_THROWS_WITH(cummax(ones({2}), 1), ValueError, "cummax: axis 1");
    CHECK_THROWS_WITH(cummin(zeros({2}, int64), 0), DtypeError, "cummin");
    CHECK_THROWS_WITH(logcumsumexp(zeros({2}, int64), 0), DtypeError, "logcumsumexp");
    CHECK_THROWS_WITH(cumprod(zeros({2}, int64), 0), DtypeError, "cumprod");
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    const Tensor x = f64({0.7, -1.3, 2.2, -0.4, 1.9, 0.3, 1.2, -0.8, 0.5, 1.6, -1.1, 0.9}, {3, 4});
    const Tensor with_zeros = f64({0.7, 0.0, 2.2, -0.4, 0.0, 0.3, 0.0, -0.8, 0.5, 1.6, -1.1, 0.0}, {3, 4});
    // linear ops (cumsum, cummax, cummin) are squared for a nonzero second derivative
    for (std::int64_t axis : {0, 1, -1}) {
        CHECK_GRADCHECK("cumsum", [axis](const Fn& v) { return cumsum(v[0], axis); }, {x});
        CHECK_GRADGRADCHECK("cumsum", [axis](const Fn& v) { return square(cumsum(v[0], axis)); }, {x});
        CHECK_GRADCHECK("cumprod", [axis](const Fn& v) { return cumprod(v[0], axis); }, {x});
        CHECK_GRADGRADCHECK("cumprod", [axis](const Fn& v) { return cumprod(v[0], axis); }, {x});
        CHECK_GRADCHECK("cumprod", [axis](const Fn& v) { return cumprod(v[0], axis); }, {with_zeros});
        CHECK_GRADGRADCHECK("cumprod", [axis](const Fn& v) { return cumprod(v[0], axis); }, {with_zeros});
        CHECK_GRADCHECK("cummax", [axis](const Fn& v) { return cummax(v[0], axis).values; }, {x});
        CHECK_GRADGRADCHECK("cummax", [axis](const Fn& v) { return square(cummax(v[0], axis).values); }, {x});
        CHECK_GRADCHECK("cummin", [axis](const Fn& v) { return cummin(v[0], axis).values; }, {x});
        CHECK_GRADGRADCHECK("cummin", [axis](const Fn& v) { return square(cummin(v[0], axis).values); }, {x});
        CHECK_GRADCHECK("logcumsumexp", [axis](const Fn& v) { return logcumsumexp(v[0], axis); }, {x});
        CHECK_GRADGRADCHECK("logcumsumexp", [axis](const Fn& v) { return logcumsumexp(v[0], axis); }, {x});
    }
}

BOOST_AUTO_TEST_SUITE_END()
