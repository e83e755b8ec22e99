#include "optim_helpers.hpp"

using namespace xgrad;
using namespace xgrad::optim;

BOOST_AUTO_TEST_SUITE(optim_plateau)

BOOST_AUTO_TEST_CASE(keras_defaults) {
    const PlateauOptions o;
    BOOST_TEST(o.factor() == 0.1);
    BOOST_TEST(o.patience() == 10);
    BOOST_TEST(o.min_delta() == 1e-4);
    BOOST_TEST(o.cooldown() == 0);
    BOOST_TEST(o.min_lr() == 0.0);
    BOOST_TEST((o.mode() == PlateauOptions::Mode::min));
}

BOOST_AUTO_TEST_CASE(reduces_after_patience_epochs_without_improvement) {
    SGD opt(SGDOptions().learning_rate(1.0));
    PlateauController plateau(opt, PlateauOptions().patience(2));
    BOOST_TEST(!plateau.step(1.0));     // best 1.0
    BOOST_TEST(!plateau.step(0.9));     // best 0.9
    BOOST_TEST(!plateau.step(0.9));     // wait 1
    BOOST_TEST(plateau.wait() == 1);
    BOOST_TEST(plateau.step(0.95));     // wait 2 ≥ patience: lr 1.0 → 0.1
    BOOST_TEST(opt.learning_rate() == 0.1);
    BOOST_TEST(plateau.wait() == 0);
    BOOST_TEST(!plateau.step(0.9));     // wait 1
    BOOST_TEST(plateau.step(0.9));      // wait 2: 0.1 → 0.01
    BOOST_TEST(std::abs(opt.learning_rate() - 0.01) < 1e-17);
    BOOST_TEST(plateau.best() == 0.9);
}

BOOST_AUTO_TEST_CASE(min_delta_is_absolute) {
    SGD opt(SGDOptions().learning_rate(1.0));
    PlateauController plateau(opt, PlateauOptions().patience(1));
    plateau.step(1.0);
    BOOST_TEST(plateau.step(0.99995));  // not < 1.0 − 1e-4: no improvement, patience 1 → reduce
    BOOST_TEST(opt.learning_rate() == 0.1);
    BOOST_TEST(plateau.best() == 1.0);
    BOOST_TEST(!plateau.step(0.9998));  // < 1.0 − 1e-4: improvement
    BOOST_TEST(plateau.best() == 0.9998);
}

BOOST_AUTO_TEST_CASE(cooldown_and_min_lr) {
    SGD opt(SGDOptions().learning_rate(1e-3));
    PlateauController plateau(opt, PlateauOptions().patience(1).cooldown(2).min_lr(5e-5));
    plateau.step(1.0);
    BOOST_TEST(plateau.step(1.0));  // 1e-3 → 1e-4; cooldown 2
    BOOST_TEST(plateau.cooldown_counter() == 2);
    BOOST_TEST(!plateau.step(1.0));  // cooling down (2 → 1): not counted
    // Cooldown 1 → 0, then (as Keras) counted at once: wait 1 ≥ 1: 1e-4 → max(1e-5, 5e-5) = 5e-5
    BOOST_TEST(plateau.step(1.0));
    BOOST_TEST(opt.learning_rate() == 5e-5);
    for (int i = 0; i < 5; ++i) plateau.step(1.0);
    BOOST_TEST(opt.learning_rate() == 5e-5);  // never below min_lr
}

BOOST_AUTO_TEST_CASE(max_mode_for_accuracies) {
    SGD opt(SGDOptions().learning_rate(1.0));
    PlateauController plateau(opt, PlateauOptions().patience(1).factor(0.5).mode(PlateauOptions::Mode::max));
    BOOST_TEST(!plateau.step(0.80));
    BOOST_TEST(!plateau.step(0.85));  // higher is better
    BOOST_TEST(plateau.step(0.84));   // 1.0 → 0.5
    BOOST_TEST(opt.learning_rate() == 0.5);
    plateau.reset();
    BOOST_TEST(!plateau.step(0.1));  // a fresh best after reset
}

BOOST_AUTO_TEST_CASE(errors) {
    SGD opt;
    CHECK_THROWS_WITH(PlateauController(opt, PlateauOptions().factor(1.0)), ValueError, "factor must be in (0, 1)");
    SGD scheduled(SGDOptions().learning_rate(ExponentialDecay(0.1, 10, 0.5)));
    PlateauController plateau(scheduled, PlateauOptions().patience(1));
    plateau.step(1.0);
    CHECK_THROWS_WITH(plateau.step(1.0), ValueError, "the learning rate is a Schedule");
}

BOOST_AUTO_TEST_SUITE_END()
