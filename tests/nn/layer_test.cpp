// Layers' option tables (nn/layer.hpp), the configs of initializers,
// regularizers and constraints, and the registries behind them.
#include <algorithm>
#include <thread>

#include "../test_helpers.hpp"

using namespace xgrad;
using namespace xgrad::nn;

namespace {

template <class F> std::string error_of(F&& f) {
    try {
        f();
    } catch (const ValueError& e) {
        return e.what();
    }
    return "no error";
}
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// A regularizer with a parameter but no config(): it cannot be saved.
struct Unsaveable : Regularizer {
    Tensor operator()(const Tensor& w) const override { return sum(w) * 0.5; }
    std::string name() const override { return "unsaveable_for_test"; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(nn_layer)

// Setters, constructors and from_config() share one validation.
BOOST_AUTO_TEST_CASE(setters_validate_through_the_option_table) {
    BOOST_TEST(error_of([] { Dense(0); }) == "dense (Dense): units must be positive, got 0");
    BOOST_TEST(error_of([] { BatchNormalization().momentum(1.5); }) ==
               "batch_normalization (BatchNormalization): momentum must be in [0, 1], got 1.5");
    BOOST_TEST(error_of([] { Dropout(1.0); }) == "dropout (Dropout): rate must be in [0, 1), got 1");
    BOOST_TEST(error_of([] { GaussianNoise(-0.1); }) == "gaussian_noise (GaussianNoise): stddev must be in [0, 1], got -0.1");
    BOOST_TEST(error_of([] { ReLU().max_value(-1.0); }) == "re_lu (ReLU): max_value must be >= 0, got -1");
    BOOST_TEST(error_of([] { Dense::from_config({{"units", "-3"}}); }) == "dense (Dense): units must be positive, got -3");
    BOOST_TEST(error_of([] { BatchNormalization::from_config({{"momentum", "2"}}); }) ==
               "batch_normalization (BatchNormalization): momentum must be in [0, 1], got 2");
}

BOOST_AUTO_TEST_CASE(before_build_options_are_fixed_once_built) {
    Dense d(2);
    d.ensure_built({-1, 3});
    BOOST_TEST(error_of([&] { d.use_bias(false); }) == "dense (Dense): use_bias must be set before the layer is built");
    BatchNormalization bn;
    bn.ensure_built({-1, 3});
    BOOST_TEST(contains(error_of([&] { bn.axis(0); }), "axis must be set before the layer is built"));
    BOOST_TEST(error_of([&] { bn.momentum(0.5); }) == "no error");  // not structural
}

BOOST_AUTO_TEST_CASE(from_config_rejects_unknown_missing_and_malformed_options) {
    BOOST_TEST(error_of([] { Dense::from_config({{"units", "2"}, {"unit", "3"}}); }) ==
               "Dense: unknown option 'unit' in config");
    BOOST_TEST(error_of([] { Dense::from_config({{"units", "2"}, {"units.scale", "3"}}); }) ==
               "Dense: unknown option 'units.scale' in config");
    BOOST_TEST(error_of([] { Dense::from_config({{"units", "2"}, {"kernel_regularizer.l2", "3"}}); }) ==
               "Dense: config has 'kernel_regularizer.l2' but no 'kernel_regularizer'");
    BOOST_TEST(error_of([] { Dense::from_config({{"activation", "relu"}}); }) ==
               "Dense: config lacks the required option 'units'");
    BOOST_TEST(error_of([] { Dense::from_config({{"units", "2x"}}); }) == "config: 'units' is not an integer: '2x'");
    BOOST_TEST(error_of([] { PReLU::from_config({{"shared_axes", "[1,"}}); }) ==
               "config: 'shared_axes' is not a list of integers: '[1,'");
    BOOST_TEST(contains(error_of([] {
                            Dense::from_config({{"units", "2"}, {"kernel_regularizer", "l2"}, {"kernel_regularizer.l3", "1"}});
                        }),
                        "kernel_regularizer 'l2' has no option 'l3'"));
    BOOST_TEST(contains(error_of([] { Dense::from_config({{"units", "2"}, {"kernel_initializer", "nope"}}); }),
                        "unknown initializer 'nope' (known: "));
}

// Every option, including nested ones, appears in config() and survives from_config().
BOOST_AUTO_TEST_CASE(nested_options_round_trip) {
    Dense d(3, "selu", RandomNormal(0.1, 0.2));
    d.bias_initializer(Constant(0.5)).kernel_regularizer(L1L2(0.01, 0.02)).kernel_constraint(MaxNorm(1.5, 1));
    const Config c = d.config();
    BOOST_TEST(c.at("kernel_initializer") == "random_normal");
    BOOST_TEST(c.at("kernel_initializer.stddev") == "0.2");
    BOOST_TEST(c.at("bias_initializer.value") == "0.5");
    BOOST_TEST(c.at("kernel_regularizer.l2") == "0.02");
    BOOST_TEST(c.at("kernel_constraint.axis") == "1");
    BOOST_TEST(!c.count("bias_regularizer"));
    BOOST_TEST((Dense::from_config(c)->config() == c));
}

// Dense and Conv2D declare their kernel and bias options once (KernelBias):
// the same keys, the same validation, the same setters.
BOOST_AUTO_TEST_CASE(dense_and_conv2d_share_the_kernel_bias_options) {
    const std::vector<std::string> shared = {"use_bias",         "kernel_initializer", "bias_initializer",
                                             "kernel_regularizer", "bias_regularizer", "kernel_constraint",
                                             "bias_constraint"};
    const auto dense_keys = Dense::options().keys(), conv_keys = Conv2D::options().keys();
    for (const auto& key : shared) {
        BOOST_TEST(std::count(dense_keys.begin(), dense_keys.end(), key) == 1, "Dense " << key);
        BOOST_TEST(std::count(conv_keys.begin(), conv_keys.end(), key) == 1, "Conv2D " << key);
    }
    Conv2D conv(4, 3, {}, "he_normal");
    conv.bias_initializer(Constant(0.25)).kernel_regularizer(L2(0.5)).bias_constraint(MaxNorm(2.0)).use_bias(true);
    BOOST_TEST(conv.kernel_initializer().name() == "he_normal");
    const Config c = conv.config();
    BOOST_TEST(c.at("bias_initializer.value") == "0.25");
    BOOST_TEST(c.at("kernel_regularizer.l2") == "0.5");
    BOOST_TEST(c.at("bias_constraint") == "max_norm");
    BOOST_TEST((Conv2D::from_config(c)->config() == c));
    conv.ensure_built({-1, 5, 5, 2});
    BOOST_TEST(error_of([&] { conv.use_bias(false); }) ==
               conv.name() + " (Conv2D): use_bias must be set before the layer is built");
    // The kernel penalty: 0.5 · Σ kernel².
    const Tensor kernel = conv.weight("kernel");
    BOOST_TEST(conv.losses().size() == 1u);
    BOOST_TEST(conv.losses()[0].item<double>() == (sum(kernel * kernel) * 0.5).item<double>(),
               boost::test_tools::tolerance(1e-12));
}

// The table is core's (core/option_table.hpp): a type that is no layer gets
// config(), from_config() and apply() too, named by its table in errors.
BOOST_AUTO_TEST_CASE(option_table_serves_types_that_are_not_layers) {
    struct Decay {
        double rate = 0.5;
        bool staircase = false;
    };
    const auto table = OptionTable<Decay>("Decay")
                           .add("rate", &Decay::rate, require::unit_interval)
                           .add("staircase", &Decay::staircase);
    BOOST_TEST((table.config(Decay{}) == Config{{"rate", "0.5"}, {"staircase", "false"}}));
    BOOST_TEST(table.from_config({{"rate", "0.25"}})->rate == 0.25);
    Decay d;
    BOOST_TEST(error_of([&] { table.apply(d, {{"staircase", "true"}, {"rate", "2"}}); }) ==
               "Decay: rate must be in [0, 1], got 2");
    BOOST_TEST(!d.staircase);  // all or nothing
    BOOST_TEST(error_of([&] { table.apply(d, {{"rat", "0.1"}}); }) == "Decay: unknown option 'rat' in config");
    table.apply(d, {{"staircase", "true"}});
    BOOST_TEST(d.staircase);
    BOOST_TEST(d.rate == 0.5);
}

// Every registered initializer, regularizer and constraint rebuilds from its config.
BOOST_AUTO_TEST_CASE(configurable_kinds_rebuild_from_their_registries) {
    for (const auto& [name, make] : initializer_registry().entries()) {
        const InitializerPtr init = make(Config{});
        BOOST_TEST(init->name() == name);
        BOOST_TEST((make(init->config())->config() == init->config()), name);
    }
    BOOST_TEST(initializer_registry().names().size() == 15u);
    for (const auto& [name, make] : regularizer_registry().entries()) {
        const RegularizerPtr r = make(Config{});
        BOOST_TEST(r->name() == name);
        BOOST_TEST((make(r->config())->config() == r->config()), name);
    }
    for (const auto& [name, make] : constraint_registry().entries()) {
        const ConstraintPtr c = make(Config{});
        BOOST_TEST(c->name() == name);
        BOOST_TEST((make(c->config())->config() == c->config()), name);
    }
    BOOST_TEST(VarianceScaling(2.0, "fan_out", "uniform").config().at("mode") == "fan_out");
    BOOST_TEST(HeNormal().config().empty());  // its parameters are in its name
}

// Finding 3: a regularizer that load() could not rebuild fails at save time.
BOOST_AUTO_TEST_CASE(unregistered_or_unnamed_options_cannot_be_configured) {
    Dense d(2);
    d.kernel_regularizer(Unsaveable());
    BOOST_TEST(contains(error_of([&] { d.config(); }),
                        "kernel_regularizer 'unsaveable_for_test' is not a registered regularizer"));
    Dense f(2, [](const Tensor& x) { return x; });
    BOOST_TEST(contains(error_of([&] { f.config(); }), "activation 'custom' is not a registered activation"));
    // Registered under its name, but its factory cannot give it back: still an error.
    register_regularizer("unsaveable_for_test", [](const Config&) { return std::make_shared<L2>(); });
    BOOST_TEST(contains(error_of([&] { d.config(); }), "the registered factory does not rebuild it"));
}

BOOST_AUTO_TEST_CASE(summary_shows_the_options_from_the_table) {
    Sequential model{Dense(3, "relu").kernel_regularizer(L2(0.5)).input_shape({2}), Dropout(0.25), Flatten()};
    const std::string plain = model.summary();
    const std::string detailed = model.summary(true);
    BOOST_TEST(plain.find("units=") == std::string::npos);
    BOOST_TEST(detailed.find("    activation=relu bias_initializer=zeros kernel_initializer=glorot_uniform "
                             "kernel_regularizer=l2 kernel_regularizer.l2=0.5 units=3 use_bias=true\n") !=
                   std::string::npos,
               detailed);
    BOOST_TEST(detailed.find("    rate=0.25\n") != std::string::npos, detailed);
}

BOOST_AUTO_TEST_CASE(registry_is_thread_safe_with_sorted_names_and_ordered_entries) {
    Registry<int> r("number", {{"one", 1}, {"two", 2}});
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&r, t] {
            for (int i = 0; i < 200; ++i) {
                std::string name = "n";
                name += std::to_string(t);
                name += '_';
                name += std::to_string(i);
                r.add(std::move(name), i);
                (void)r.get("one");
            }
        });
    for (auto& th : threads) th.join();
    BOOST_TEST(r.names().size() == 802u);
    BOOST_TEST(r.names()[0] == "n0_0");           // sorted
    BOOST_TEST(r.entries()[0].first == "one");     // registration order
    r.add("one", 10);                               // replacing keeps the place
    BOOST_TEST(r.entries()[0].second == 10);
    BOOST_TEST(!r.insert("two", 20));               // insert never replaces
    BOOST_TEST(r.get("two") == 2);
    BOOST_TEST(r.get("n3_199") == 199);
    BOOST_TEST(error_of([&] { r.get("three"); }).starts_with("unknown number 'three' (known: "));
    BOOST_TEST(error_of([&] { r.add("", 0); }) == "number registry: the name must not be empty");
}

BOOST_AUTO_TEST_SUITE_END()
