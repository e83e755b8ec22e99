#include <numbers>

#include "optim_helpers.hpp"

using namespace xgrad;
using namespace xgrad::optim;

namespace {
bool close(double a, double b) { return std::abs(a - b) <= 1e-15 + 1e-12 * std::abs(b); }
}  // namespace

BOOST_AUTO_TEST_SUITE(optim_schedule)

BOOST_AUTO_TEST_CASE(exponential_decay) {
    const ExponentialDecay s(0.01, 20, 0.1);  // 0.01 · 0.1^(step/20)
    BOOST_TEST(close(s(0), 0.01));
    BOOST_TEST(close(s(10), 0.01 * std::sqrt(0.1)));  // 0.0031623
    BOOST_TEST(close(s(20), 0.001));
    BOOST_TEST(close(s(40), 1e-4));
    const auto stairs = ExponentialDecay(0.01, 20, 0.1).staircase(true);  // 0.01 · 0.1^floor(step/20)
    BOOST_TEST(close(stairs(19), 0.01));
    BOOST_TEST(close(stairs(25), 0.001));
    CHECK_THROWS_WITH(ExponentialDecay(0.01, 0, 0.1), ValueError, "ExponentialDecay: decay_steps must be > 0");
}

BOOST_AUTO_TEST_CASE(inverse_time_decay_is_power_scheduling) {
    const InverseTimeDecay s(0.1, 10, 1.0);  // 0.1 / (1 + step/10)
    BOOST_TEST(close(s(0), 0.1));
    BOOST_TEST(close(s(5), 0.1 / 1.5));
    BOOST_TEST(close(s(10), 0.05));
    BOOST_TEST(close(s(30), 0.025));
    const auto stairs = InverseTimeDecay(0.1, 10, 1.0).staircase(true);  // 0.1 / (1 + floor(step/10))
    BOOST_TEST(close(stairs(15), 0.05));
    BOOST_TEST(close(stairs(9), 0.1));
}

BOOST_AUTO_TEST_CASE(piecewise_constant_decay) {
    const PiecewiseConstantDecay s({5, 15}, {1.0, 0.5, 0.1});
    BOOST_TEST(s(0) == 1.0);
    BOOST_TEST(s(5) == 1.0);  // step ≤ 5
    BOOST_TEST(s(6) == 0.5);
    BOOST_TEST(s(15) == 0.5);
    BOOST_TEST(s(16) == 0.1);
    BOOST_TEST(s(1000) == 0.1);
    CHECK_THROWS_WITH(PiecewiseConstantDecay({5}, {1.0}), ValueError, "needs one more value than boundaries");
    CHECK_THROWS_WITH(PiecewiseConstantDecay({5, 5}, {1.0, 0.5, 0.1}), ValueError, "strictly increasing");
}

BOOST_AUTO_TEST_CASE(polynomial_decay) {
    const PolynomialDecay s(0.1, 10);  // (0.1 − 1e-4)(1 − min(step, 10)/10) + 1e-4
    BOOST_TEST(close(s(0), 0.1));
    BOOST_TEST(close(s(5), 0.0999 * 0.5 + 1e-4));  // 0.05005
    BOOST_TEST(close(s(10), 1e-4));
    BOOST_TEST(close(s(20), 1e-4));
    const auto squared = PolynomialDecay(0.1, 10).power(2).end_learning_rate(0.0);  // 0.1(1 − step/10)²
    BOOST_TEST(close(squared(5), 0.025));
    const auto cyclic = PolynomialDecay(0.1, 10).cycle(true);  // decay_steps · ceil(step/10)
    BOOST_TEST(close(cyclic(0), 0.1));
    BOOST_TEST(close(cyclic(10), 1e-4));
    BOOST_TEST(close(cyclic(15), 0.0999 * 0.25 + 1e-4));  // over 20 steps: 1 − 15/20 = 0.25
}

BOOST_AUTO_TEST_CASE(cosine_decay) {
    const CosineDecay s(0.1, 100);  // 0.1 · ½(1 + cos(π·min(step, 100)/100))
    BOOST_TEST(close(s(0), 0.1));
    BOOST_TEST(close(s(25), 0.1 * 0.5 * (1 + std::cos(std::numbers::pi / 4))));
    BOOST_TEST(close(s(50), 0.05));
    BOOST_TEST(std::abs(s(100)) < 1e-17);
    BOOST_TEST(std::abs(s(500)) < 1e-17);
    const auto floor = CosineDecay(0.1, 100).alpha(0.1);  // 0.1 · (0.9 · cosine + 0.1)
    BOOST_TEST(close(floor(50), 0.1 * (0.9 * 0.5 + 0.1)));
    BOOST_TEST(close(floor(100), 0.01));
    const auto warm = CosineDecay(0.0, 100).warmup(0.1, 10);  // 0 → 0.1 over 10 steps, then cosine from 0.1
    BOOST_TEST(close(warm(0), 0.0));
    BOOST_TEST(close(warm(5), 0.05));
    BOOST_TEST(close(warm(10), 0.1));
    BOOST_TEST(close(warm(60), 0.05));
    BOOST_TEST(std::abs(warm(1000)) < 1e-17);
}

BOOST_AUTO_TEST_CASE(one_cycle_pytorch_semantics) {
    // max 0.1, 100 steps: start 0.1/25 = 0.004, peak at step 0.3·100 − 1 = 29,
    // end 0.004/1e4 = 4e-7 at step 99; cosine annealing between.
    const OneCycle s(0.1, 100);
    const auto cos_anneal = [](double from, double to, double pct) {
        return to + (from - to) / 2 * (std::cos(std::numbers::pi * pct) + 1);
    };
    BOOST_TEST(close(s(0), 0.004));
    BOOST_TEST(close(s(10), cos_anneal(0.004, 0.1, 10.0 / 29)));
    BOOST_TEST(close(s(29), 0.1));
    BOOST_TEST(close(s(64), (0.1 + 4e-7) / 2));  // halfway through phase 2: (64 − 29)/(99 − 29) = 0.5
    BOOST_TEST(close(s(99), 4e-7));
    // Momentum the other way: 0.95 → 0.85 → 0.95.
    BOOST_TEST(close(s.momentum(0), 0.95));
    BOOST_TEST(close(s.momentum(29), 0.85));
    BOOST_TEST(close(s.momentum(64), 0.9));
    BOOST_TEST(close(s.momentum(99), 0.95));
    BOOST_TEST(close(s.momentum_schedule()(29), 0.85));
    CHECK_THROWS_WITH(s(100), ValueError, "OneCycle: step 100 is outside [0, 99]");

    const auto linear = OneCycle(0.1, 100).anneal(OneCycle::Anneal::linear);
    BOOST_TEST(close(linear(10), 0.004 + 0.096 * 10 / 29));
    const auto three = OneCycle(0.1, 100).three_phase(true);  // up to 29, down to 58, then to the minimum
    BOOST_TEST(close(three(29), 0.1));
    BOOST_TEST(close(three(58), 0.004));
    BOOST_TEST(close(three(99), 4e-7));
    BOOST_TEST(close(three.momentum(58), 0.95));
}

BOOST_AUTO_TEST_CASE(schedules_are_callables) {
    Schedule s = ExponentialDecay(1.0, 1, 0.5);
    BOOST_TEST(s(3) == 0.125);
    LearningRate lr = [](std::int64_t step) { return 1.0 / double(step + 1); };
    BOOST_TEST(lr.is_schedule());
    BOOST_TEST(lr(3) == 0.25);
    CHECK_THROWS_WITH(LearningRate(Schedule{}), ValueError, "LearningRate: empty schedule");
}

BOOST_AUTO_TEST_SUITE_END()
