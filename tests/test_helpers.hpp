#pragma once
// Shared by every test executable: Boost.Test with a TAP reporter (one
// "ok N - suite/case" line per test case on stdout, so Meson's log counts
// cases, not executables), plus assertion helpers.
#include <boost/test/results_reporter.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "xgrad/xgrad.hpp"

namespace xgrad_test {

namespace ut = boost::unit_test;

class TapObserver : public ut::test_observer {
public:
    void test_unit_start(const ut::test_unit& tu) override {
        if (tu.p_type == ut::TUT_CASE) failed_ = false;
    }
    void test_unit_finish(const ut::test_unit& tu, unsigned long) override {
        if (tu.p_type != ut::TUT_CASE) return;
        std::cout << (failed_ ? "not ok " : "ok ") << ++count_ << " - " << tu.full_name() << std::endl;
    }
    void test_unit_skipped(const ut::test_unit& tu, ut::const_string) override {
        if (tu.p_type == ut::TUT_CASE) std::cout << "ok " << ++count_ << " - " << tu.full_name() << " # SKIP" << std::endl;
    }
    void test_unit_aborted(const ut::test_unit&) override { failed_ = true; }
    void assertion_result(ut::assertion_result ar) override {
        if (ar == ut::AR_FAILED) failed_ = true;
    }
    void exception_caught(const boost::execution_exception&) override { failed_ = true; }
    void test_finish() override { std::cout << "1.." << count_ << std::endl; }
    int priority() override { return 10; }

private:
    bool failed_ = false;
    int count_ = 0;
};

struct TapReporter {
    TapReporter() {
        ut::unit_test_log.set_stream(std::cerr);
        ut::results_reporter::set_stream(std::cerr);
        ut::framework::register_observer(observer);
    }
    ~TapReporter() { ut::framework::deregister_observer(observer); }
    TapObserver observer;
};

/// Elementwise |a - b| <= atol + rtol·|b| after converting both to double.
inline bool allclose(const xgrad::Tensor& a, const xgrad::Tensor& b, double rtol = 1e-5, double atol = 1e-6) {
    if (!(a.shape() == b.shape())) return false;
    const auto x = a.to_vector<double>(), y = b.to_vector<double>();
    for (std::size_t i = 0; i < x.size(); ++i)
        if (!(std::abs(x[i] - y[i]) <= atol + rtol * std::abs(y[i]))) return false;
    return true;
}

inline std::vector<double> values(const xgrad::Tensor& t) { return t.to_vector<double>(); }

/// 1..h·w in float64 as one single-channel image [1, h, w, 1] (the image tests' hand computations).
inline xgrad::Tensor counting_image(std::int64_t h, std::int64_t w) {
    return xgrad::arange(1.0, static_cast<double>(h * w) + 1, 1.0, xgrad::float64).reshape({1, h, w, 1});
}

}  // namespace xgrad_test

using XgradTapReporter = xgrad_test::TapReporter;
BOOST_TEST_GLOBAL_FIXTURE(XgradTapReporter);

/// Gradchecks `fn` (a callable taking const std::vector<Tensor>&) at `inputs`
/// and records that op `name` has a gradcheck case (tests/ops_coverage_test.cpp
/// looks for `CHECK_GRADCHECK("name"` in the test sources).
/// The function and inputs go through __VA_ARGS__ so a lambda capture list
/// with commas needs no extra parentheses.
#define CHECK_GRADCHECK(name, ...)                                                       \
    do {                                                                                 \
        const auto xgrad_result_ = ::xgrad::gradcheck(__VA_ARGS__);                     \
        BOOST_TEST(xgrad_result_.ok, (name) << ": " << xgrad_result_.message);           \
    } while (0)

/// Same for second derivatives.
#define CHECK_GRADGRADCHECK(name, ...)                                                   \
    do {                                                                                 \
        const auto xgrad_result_ = ::xgrad::gradgradcheck(__VA_ARGS__);                 \
        BOOST_TEST(xgrad_result_.ok, (name) << " (second order): " << xgrad_result_.message); \
    } while (0)

/// Checks that `expr` throws exception type `type` whose message contains `text`.
#define CHECK_THROWS_WITH(expr, type, text)                                              \
    BOOST_CHECK_EXCEPTION(expr, type, [&](const type& e_) {                              \
        const bool found_ = std::string(e_.what()).find(text) != std::string::npos;      \
        if (!found_) BOOST_TEST_MESSAGE("message was: " << e_.what());                   \
        return found_;                                                                   \
    })
