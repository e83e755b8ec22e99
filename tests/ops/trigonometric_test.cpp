// Trigonometric and hyperbolic functions: values against the C library,
// hand-computed derivatives, NaN outside the domains, gradchecks to second
// order in float64.
#include <cmath>
#include <limits>

#include "../test_helpers.hpp"

using namespace xgrad;
using xgrad_test::values;
using Fn = std::vector<Tensor>;
namespace tt = boost::test_tools;

namespace {

using Op = Tensor (*)(const Tensor&);
using Reference = double (*)(double);

struct Case {
    const char* name;
    Op op;
    Reference reference;
    std::vector<double> inside;  // points inside the domain, away from its edges
};

const std::vector<Case>& cases() {
    static const std::vector<Case> all = {
        {"sin", xgrad::sin, [](double v) { return std::sin(v); }, {-3.0, -1.2, 0.0, 0.4, 2.5}},
        {"cos", xgrad::cos, [](double v) { return std::cos(v); }, {-3.0, -1.2, 0.0, 0.4, 2.5}},
        {"tan", xgrad::tan, [](double v) { return std::tan(v); }, {-1.2, -0.5, 0.0, 0.4, 1.1}},
        {"asin", xgrad::asin, [](double v) { return std::asin(v); }, {-0.9, -0.3, 0.0, 0.5, 0.8}},
        {"acos", xgrad::acos, [](double v) { return std::acos(v); }, {-0.9, -0.3, 0.0, 0.5, 0.8}},
        {"atan", xgrad::atan, [](double v) { return std::atan(v); }, {-4.0, -0.3, 0.0, 0.5, 3.0}},
        {"sinh", xgrad::sinh, [](double v) { return std::sinh(v); }, {-2.0, -0.3, 0.0, 0.5, 1.5}},
        {"cosh", xgrad::cosh, [](double v) { return std::cosh(v); }, {-2.0, -0.3, 0.0, 0.5, 1.5}},
        {"asinh", xgrad::asinh, [](double v) { return std::asinh(v); }, {-4.0, -0.3, 0.0, 0.5, 3.0}},
        {"acosh", xgrad::acosh, [](double v) { return std::acosh(v); }, {1.2, 1.5, 2.0, 3.5, 9.0}},
        {"atanh", xgrad::atanh, [](double v) { return std::atanh(v); }, {-0.9, -0.3, 0.0, 0.5, 0.8}},
    };
    return all;
}

/// d op / dx at the scalar `v`, by backward.
double derivative(Op op, double v) {
    Tensor x = scalar(v, float64).requires_grad_();
    op(x).backward();
    return x.grad().item();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_trigonometric)

BOOST_AUTO_TEST_CASE(values_match_the_c_library_in_both_dtypes) {
    for (const Case& c : cases()) {
        BOOST_TEST_CONTEXT(c.name) {
            std::vector<double> expected;
            for (double v : c.inside) expected.push_back(c.reference(v));
            const Tensor x64 = from_vector(c.inside, {5});
            const Tensor y64 = c.op(x64);
            BOOST_TEST((y64.dtype() == float64));
            BOOST_TEST(values(y64) == expected, tt::tolerance(1e-15) << tt::per_element());
            const Tensor y32 = c.op(x64.to(float32));
            BOOST_TEST((y32.dtype() == float32));
            BOOST_TEST(values(y32) == expected, tt::tolerance(1e-6) << tt::per_element());
            BOOST_TEST(c.op(zeros({0, 3})).shape() == (Shape{0, 3}));
        }
    }
}

BOOST_AUTO_TEST_CASE(derivatives_by_hand) {
    BOOST_TEST(derivative(xgrad::sin, 0.0) == 1.0);
    BOOST_TEST(derivative(xgrad::cos, 0.5) == -std::sin(0.5), tt::tolerance(1e-15));
    BOOST_TEST(derivative(xgrad::tan, 0.5) == 1 / (std::cos(0.5) * std::cos(0.5)), tt::tolerance(1e-14));
    BOOST_TEST(derivative(xgrad::asin, 0.6) == 1.25, tt::tolerance(1e-15));   // 1/√(1 − 0.36) = 1/0.8
    BOOST_TEST(derivative(xgrad::acos, 0.6) == -1.25, tt::tolerance(1e-15));
    BOOST_TEST(derivative(xgrad::atan, 1.0) == 0.5);                          // 1/(1 + 1)
    BOOST_TEST(derivative(xgrad::sinh, 1.0) == std::cosh(1.0), tt::tolerance(1e-15));
    BOOST_TEST(derivative(xgrad::cosh, 1.0) == std::sinh(1.0), tt::tolerance(1e-15));
    BOOST_TEST(derivative(xgrad::asinh, 0.75) == 0.8, tt::tolerance(1e-15));  // 1/√(0.5625 + 1) = 1/1.25
    BOOST_TEST(derivative(xgrad::acosh, 1.25) == 1 / 0.75, tt::tolerance(1e-15));  // 1/√(1.5625 − 1)
    BOOST_TEST(derivative(xgrad::atanh, 0.5) == 4.0 / 3.0, tt::tolerance(1e-15));  // 1/(1 − 0.25)
}

BOOST_AUTO_TEST_CASE(outside_the_domain_is_nan_and_integers_are_refused) {
    const Tensor out = tensor({2.0, -1.5}).to(float64);
    for (Op op : {Op(xgrad::asin), Op(xgrad::acos), Op(xgrad::atanh)})
        for (double v : values(op(out))) BOOST_TEST(std::isnan(v));
    BOOST_TEST(std::isnan(values(xgrad::acosh(scalar(0.5, float64)))[0]));
    BOOST_TEST(values(xgrad::atanh(tensor({1.0, -1.0}).to(float64))) ==
                   std::vector<double>({std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}),
               tt::per_element());
    CHECK_THROWS_WITH(xgrad::sin(zeros({2}, int64)), DtypeError, "sin");
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    for (const Case& c : cases()) {
        const Tensor x = from_vector(c.inside, {5});
        const Op op = c.op;
        CHECK_GRADCHECK(c.name, [op](const Fn& v) { return op(v[0]); }, {x});
        CHECK_GRADGRADCHECK(c.name, [op](const Fn& v) { return op(v[0]); }, {x});
    }
    // the literal names, for the op-coverage test
    const Tensor x = tensor({-0.7, 0.2, 0.6}).to(float64), above_one = tensor({1.3, 2.0, 4.0}).to(float64);
    CHECK_GRADCHECK("sin", [](const Fn& v) { return xgrad::sin(v[0]); }, {x});
    CHECK_GRADCHECK("cos", [](const Fn& v) { return xgrad::cos(v[0]); }, {x});
    CHECK_GRADCHECK("tan", [](const Fn& v) { return xgrad::tan(v[0]); }, {x});
    CHECK_GRADCHECK("asin", [](const Fn& v) { return xgrad::asin(v[0]); }, {x});
    CHECK_GRADCHECK("acos", [](const Fn& v) { return xgrad::acos(v[0]); }, {x});
    CHECK_GRADCHECK("atan", [](const Fn& v) { return xgrad::atan(v[0]); }, {x});
    CHECK_GRADCHECK("sinh", [](const Fn& v) { return xgrad::sinh(v[0]); }, {x});
    CHECK_GRADCHECK("cosh", [](const Fn& v) { return xgrad::cosh(v[0]); }, {x});
    CHECK_GRADCHECK("asinh", [](const Fn& v) { return xgrad::asinh(v[0]); }, {x});
    CHECK_GRADCHECK("acosh", [](const Fn& v) { return xgrad::acosh(v[0]); }, {above_one});
    CHECK_GRADCHECK("atanh", [](const Fn& v) { return xgrad::atanh(v[0]); }, {x});
}

BOOST_AUTO_TEST_SUITE_END()
