// Optimizer options as configs (Keras' get_config keys and defaults, from
// REFERENCE.md) and the optimizer registry.
#include "optim_helpers.hpp"
#include "xgrad/optim/registry.hpp"

using namespace xgrad;
using namespace xgrad::optim;

namespace {

/// Keras' get_config options shared by every optimizer, at their defaults
/// (clipnorm, clipvalue and global_clipnorm are None: absent).
Config keras_base(const char* learning_rate, const char* weight_decay = "0") {
    return {{"learning_rate", learning_rate}, {"weight_decay", weight_decay}};
}

Config with(Config c, std::initializer_list<std::pair<const std::string, std::string>> entries) {
    for (const auto& [key, value] : entries) c[key] = value;
    return c;
}

/// A user's optimizer, defined by its options class: plain gradient descent
/// scaled by `factor`.
class ScaledSGDOptions : public OptimizerOptions<ScaledSGDOptions> {
public:
    static constexpr const char* optimizer_name = "ScaledSGD";
    ScaledSGDOptions() : OptimizerOptions(0.1) {}
    ScaledSGDOptions& factor(double f) { return factor_ = f, *this; }
    GradientTransformPtr transform() const {
        std::vector<GradientTransformPtr> parts = keras_prefix(optimizer_name, *this);
        parts.push_back(scale(factor_));
        parts.push_back(scale_by_learning_rate());
        return chain(std::move(parts));
    }
    static const OptionTable<ScaledSGDOptions>& options() {
        static const auto o = option_table().add("factor", &ScaledSGDOptions::factor_, require::positive);
        return o;
    }

private:
    double factor_ = 1.0;
};

/// An options class written before option tables: no options(), so no config.
class TablelessOptions : public OptimizerOptions<TablelessOptions> {
public:
    static constexpr const char* optimizer_name = "Tableless";
    TablelessOptions() : OptimizerOptions(0.1) {}
    GradientTransformPtr transform() const { return chain({scale_by_learning_rate()}); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(optim_config)

BOOST_AUTO_TEST_CASE(config_has_keras_keys_and_defaults) {
    BOOST_TEST(SGD().config() == with(keras_base("0.01"), {{"momentum", "0"}, {"nesterov", "false"}}));
    BOOST_TEST(Adagrad().config() ==
               with(keras_base("0.001"), {{"initial_accumulator_value", "0.1"}, {"epsilon", "1e-07"}}));
    BOOST_TEST(RMSprop().config() == with(keras_base("0.001"), {{"rho", "0.9"},
                                                                {"momentum", "0"},
                                                                {"epsilon", "1e-07"},
                                                                {"centered", "false"}}));
    const Config adam = with(keras_base("0.001"), {{"beta_1", "0.9"}, {"beta_2", "0.999"}, {"epsilon", "1e-07"}});
    BOOST_TEST(Adam().config() == with(adam, {{"amsgrad", "false"}}));
    BOOST_TEST(AdamW().config() == with(adam, {{"amsgrad", "false"}, {"weight_decay", "0.004"}}));
    BOOST_TEST(Adamax().config() == adam);
    BOOST_TEST(Nadam().config() == adam);
    BOOST_TEST(Lion().config() == with(keras_base("0.001"), {{"beta_1", "0.9"}, {"beta_2", "0.99"}}));
}

BOOST_AUTO_TEST_CASE(config_holds_set_options_and_the_current_learning_rate) {
    SGD opt(SGDOptions().learning_rate(0.1).momentum(0.9).nesterov(true).clipnorm(2.5));
    BOOST_TEST(opt.config() == with(keras_base("0.1"), {{"momentum", "0.9"}, {"nesterov", "true"}, {"clipnorm", "2.5"}}));
    opt.set_learning_rate(0.05);  // as ReduceLROnPlateau does
    BOOST_TEST(opt.config().at("learning_rate") == "0.05");
    BOOST_TEST(SGDOptions::options().config(SGDOptions().global_clipnorm(1)).at("global_clipnorm") == "1");
}

BOOST_AUTO_TEST_CASE(from_config_round_trips) {
    const auto check = [](const Optimizer& original, const OptimizerFactory& make) {
        const Config config = original.config();
        const std::unique_ptr<Optimizer> copy = make(config);
        BOOST_TEST(copy->name() == original.name());
        BOOST_TEST(copy->config() == config);
        BOOST_TEST(copy->transform()->config() == original.transform()->config());
        BOOST_TEST(copy->num_param_groups() == 0u);
    };
    check(SGD(SGDOptions().learning_rate(0.2).momentum(0.5).nesterov(true).weight_decay(0.01)),
          optimizer_factory<SGDOptions>());
    check(Adagrad(AdagradOptions().initial_accumulator_value(0.5).epsilon(1e-5).clipvalue(3)),
          optimizer_factory<AdagradOptions>());
    check(RMSprop(RMSpropOptions().rho(0.8).momentum(0.25).centered(true)), optimizer_factory<RMSpropOptions>());
    check(Adam(AdamOptions().beta_1(0.8).beta_2(0.99).epsilon(1e-8).amsgrad(true)), optimizer_factory<AdamOptions>());
    check(AdamW(AdamWOptions().weight_decay(0.1).global_clipnorm(1.5)), optimizer_factory<AdamWOptions>());
    check(Adamax(AdamaxOptions().learning_rate(0.002)), optimizer_factory<AdamaxOptions>());
    check(Nadam(NadamOptions().beta_2(0.9)), optimizer_factory<NadamOptions>());
    check(Lion(LionOptions().beta_1(0.95).beta_2(0.98)), optimizer_factory<LionOptions>());
}

BOOST_AUTO_TEST_CASE(from_config_steps_as_the_options_say) {
    Tensor a = optim_test::theta0(), b = optim_test::theta0();
    SGD direct({a}, SGDOptions().learning_rate(0.1).momentum(0.9).nesterov(true));
    std::unique_ptr<SGD> rebuilt = SGD::from_config({{"learning_rate", "0.1"}, {"momentum", "0.9"}, {"nesterov", "true"}});
    rebuilt->add_param_group(ParamGroup({b}));
    const auto expected = optim_test::three_steps(direct, a);
    const auto got = optim_test::three_steps(*rebuilt, b);
    for (std::size_t i = 0; i < expected.size(); ++i) BOOST_TEST(got[i] == expected[i], boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(from_config_refuses_unknown_keys_and_bad_values) {
    CHECK_THROWS_WITH(SGD::from_config({{"momentun", "0.9"}}), ValueError, "SGD: unknown option 'momentun' in config");
    CHECK_THROWS_WITH(Adam::from_config({{"centered", "true"}}), ValueError, "Adam: unknown option 'centered'");
    CHECK_THROWS_WITH(SGD::from_config({{"momentum", "1.5"}}), ValueError, "SGD: momentum must be in [0, 1], got 1.5");
    CHECK_THROWS_WITH(Adam::from_config({{"beta_1", "1"}}), ValueError, "Adam: beta_1 must be in [0, 1), got 1");
    CHECK_THROWS_WITH(Lion::from_config({{"beta_1", "0"}}), ValueError, "Lion: beta_1 must be in (0, 1], got 0");
    CHECK_THROWS_WITH(Adagrad::from_config({{"initial_accumulator_value", "-1"}}), ValueError,
                      "Adagrad: initial_accumulator_value must be >= 0, got -1");
    CHECK_THROWS_WITH(RMSprop::from_config({{"weight_decay", "-0.1"}}), ValueError,
                      "RMSprop: weight_decay must be >= 0, got -0.1");
    CHECK_THROWS_WITH(AdamW::from_config({{"clipnorm", "0"}}), ValueError, "AdamW: clipnorm must be positive, got 0");
    CHECK_THROWS_WITH(SGD::from_config({{"learning_rate", "fast"}}), ValueError,
                      "config: 'learning_rate' is not a number: 'fast'");
    CHECK_THROWS_WITH(SGD::from_config({{"nesterov", "yes"}}), ValueError, "config: 'nesterov' is not true/false: 'yes'");
    // Valid one by one, refused together, by the optimizer as Keras does.
    CHECK_THROWS_WITH(SGD::from_config({{"clipnorm", "1"}, {"clipvalue", "1"}}), ValueError,
                      "SGD: only one of clipnorm, clipvalue and global_clipnorm can be set");
}

BOOST_AUTO_TEST_CASE(a_schedule_has_no_config) {
    Adam scheduled(AdamOptions().learning_rate(ExponentialDecay(0.01, 10, 0.5)));
    CHECK_THROWS_WITH(scheduled.config(), ValueError, "Adam: the learning rate is a Schedule, which has no config");
    CHECK_THROWS_WITH(AdamOptions::options().config(AdamOptions().learning_rate(CosineDecay(0.01, 100))), ValueError,
                      "Adam: learning_rate is a Schedule, which has no config");
    const Tensor w = optim_test::theta0();
    Optimizer chain_only(ParamGroup({w}), chain({scale_by_learning_rate()}), 0.1, "Custom");
    CHECK_THROWS_WITH(chain_only.config(), ValueError, "Custom: no option table, so no config");
    const NamedOptimizer<TablelessOptions> tableless;  // still compiles and steps
    CHECK_THROWS_WITH(tableless.config(), ValueError, "Tableless: no option table, so no config");
}

BOOST_AUTO_TEST_CASE(registry_has_every_builtin_by_keras_name) {
    const std::vector<std::string> builtins = {"adagrad", "adam", "adamax", "adamw", "lion", "nadam", "rmsprop", "sgd"};
    for (const auto& name : builtins) BOOST_TEST(optimizer_registry().contains(name), name);
    const std::unique_ptr<Optimizer> adamw = optimizer_registry().get("adamw")({{"learning_rate", "0.01"}});
    BOOST_TEST(adamw->name() == "AdamW");
    BOOST_TEST(adamw->learning_rate() == 0.01);
    BOOST_TEST(adamw->config().at("weight_decay") == "0.004");
    CHECK_THROWS_WITH(optimizer_registry().get("adamm"), ValueError, "unknown optimizer 'adamm' (known: adagrad, adam,");
    CHECK_THROWS_WITH(optimizer_registry().get("rmsprop")({{"rho", "2"}}), ValueError, "RMSprop: rho must be in [0, 1], got 2");
}

BOOST_AUTO_TEST_CASE(a_registered_custom_optimizer_is_made_by_name) {
    optimizer_registry().add("scaled_sgd", optimizer_factory<ScaledSGDOptions>());
    const std::unique_ptr<Optimizer> opt = optimizer_registry().get("scaled_sgd")({{"factor", "2"}, {"learning_rate", "0.5"}});
    BOOST_TEST(opt->name() == "ScaledSGD");
    BOOST_TEST(opt->config() == with(keras_base("0.5"), {{"factor", "2"}}));
    Tensor theta = optim_test::theta0();
    opt->add_param_group(ParamGroup({theta}));
    const auto h = optim_test::three_steps(*opt, theta);
    // θ ← θ − 0.5·2·g: [1, −2] − [0.5, 1] = [0.5, −3]
    BOOST_TEST(optim_test::near(h[0], {0.5, -3.0}));
    CHECK_THROWS_WITH(optimizer_registry().get("scaled_sgd")({{"factor", "-1"}}), ValueError,
                      "ScaledSGD: factor must be positive, got -1");
}

BOOST_AUTO_TEST_SUITE_END()
