#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../test_helpers.hpp"
#include "xgrad/optim/sgd.hpp"
#include "xgrad/train/fit.hpp"
#include "xgrad/train/gradient_monitor.hpp"

using namespace xgrad;
using namespace xgrad::nn;
using train::Finding;
using xgrad_test::values;

namespace {

/// 512 standardized 20-feature samples, 5 classes from a random linear teacher.
std::pair<Tensor, Tensor> classes() {
    Generator g(1);
    Tensor x = normal({512, 20}, 0.0, 1.0, float32, g);
    Tensor y = argmax(matmul(x, normal({20, 5}, 0.0, 1.0, float32, g)), 1);
    return {x, y};
}

/// `depth` Dense(width, activation) layers with the given initializers, then Dense(5, softmax).
Sequential deep_net(int depth, const char* activation, InitializerRef init, int width, double bias = 0.0) {
    Sequential model;
    for (int i = 0; i < depth; ++i) model.add(Dense(width, activation, init).bias_initializer(Constant(bias)));
    model.add(Dense(5, "softmax"));
    return model;
}

/// Two epochs of SGD (batch 32, 32 steps) recording every 4th step; returns the monitor.
std::shared_ptr<train::GradientMonitor> train_monitored(Sequential& model, const Tensor& x, const Tensor& y,
                                                        optim::SGDOptions sgd, const char* loss) {
    manual_seed(7);
    model.ensure_built({-1, x.size(1)});
    auto monitor = std::make_shared<train::GradientMonitor>(
        train::GradientMonitorOptions{.every = 4, .print_each_epoch = false});
    train::FitOptions o;
    o.loss = loss;
    o.optimizer = std::make_shared<optim::SGD>(model, sgd);
    o.epochs = 2;
    o.batch_size = 32;
    o.shuffle = false;
    o.verbose = 0;
    o.callbacks = {monitor};
    train::fit(model, x, y, o);
    return monitor;
}

std::vector<Finding::Kind> kinds(const train::GradientMonitor& m) {
    std::vector<Finding::Kind> out;
    for (const Finding& f : m.diagnose()) out.push_back(f.kind);
    return out;
}

bool has(const std::vector<Finding::Kind>& ks, Finding::Kind k) { return std::find(ks.begin(), ks.end(), k) != ks.end(); }

/// One recorded SGD step of a hand-written loop on loss = Σ model(x).
void monitored_step(train::GradientMonitor& monitor, Module& model, optim::SGD& sgd, const Tensor& x) {
    monitor.begin_step(model);
    const Tensor loss = model(x, true).sum();
    sgd.zero_grad();
    loss.backward();
    sgd.step();
    monitor.end_step(model);
}

double l2_norm(const Tensor& t) { return std::sqrt((t.to(float64) * t.to(float64)).sum().item()); }

}  // namespace

BOOST_AUTO_TEST_SUITE(gradient_monitor)

// Glorot & Bengio's setting: sigmoid with N(0, 1) weights, 50 layers deep.
BOOST_AUTO_TEST_CASE(deep_sigmoid_with_normal_init_vanishes_and_saturates) {
    auto [x, y] = classes();
    Sequential model = deep_net(50, "sigmoid", RandomNormal(0.0, 1.0), 32);
    const auto monitor = train_monitored(model, x, y, optim::SGDOptions().learning_rate(0.01),
                                         "sparse_categorical_crossentropy");
    BOOST_TEST(monitor->records().size() == 8u);  // steps 0, 4, …, 28
    BOOST_TEST(monitor->layers().size() == 51u);
    const auto findings = monitor->diagnose();
    BOOST_TEST_REQUIRE(findings.size() >= 2u);
    BOOST_TEST((findings[0].kind == Finding::Kind::vanishing));
    BOOST_TEST(findings[0].first_layer == 0);
    BOOST_TEST(findings[0].last_layer >= 20);
    BOOST_TEST(findings[0].message.find("vanishing gradients in layers 1-") == 0u);
    BOOST_TEST(has(kinds(*monitor), Finding::Kind::saturation));
    const auto& last = monitor->records().back().layers;
    BOOST_TEST(last.front().output_grad_norm < 1e-5 * last.back().output_grad_norm);
}

BOOST_AUTO_TEST_CASE(relu_with_he_init_and_selu_with_lecun_init_are_healthy) {
    auto [x, y] = classes();
    Sequential relu = deep_net(20, "relu", "he_normal", 64);
    const auto relu_monitor = train_monitored(relu, x, y, optim::SGDOptions().learning_rate(0.01),
                                              "sparse_categorical_crossentropy");
    BOOST_TEST((kinds(*relu_monitor) == std::vector<Finding::Kind>{Finding::Kind::healthy}));

    Sequential selu = deep_net(50, "selu", "lecun_normal", 32);
    const auto selu_monitor = train_monitored(selu, x, y, optim::SGDOptions().learning_rate(0.01),
                                              "sparse_categorical_crossentropy");
    BOOST_TEST((kinds(*selu_monitor) == std::vector<Finding::Kind>{Finding::Kind::healthy}));
    BOOST_TEST(selu_monitor->diagnose()[0].message.find("healthy at step 28") == 0u);
    // Self-normalization: mean ≈ 0 and std ≈ 1 through all 50 SELU layers (first recorded step).
    const auto& first = selu_monitor->records().front().layers;
    for (std::size_t i = 0; i < 50; ++i) {
        BOOST_TEST(std::abs(first[i].activation_mean) < 0.3);
        BOOST_TEST(first[i].activation_std > 0.7);
        BOOST_TEST(first[i].activation_std < 1.5);
        BOOST_TEST(first[i].dead_fraction == 0.0);
    }
}

BOOST_AUTO_TEST_CASE(too_large_learning_rate_explodes_and_clipnorm_keeps_it_stable) {
    Generator g(1);
    const Tensor x = normal({512, 20}, 0.0, 1.0, float32, g);
    const Tensor y = matmul(x, normal({20, 1}, 0.0, 1.0, float32, g));
    const auto regression = [] {
        Sequential model;
        for (int i = 0; i < 4; ++i) model.add(Dense(64, "selu", "lecun_normal"));
        model.add(Dense(1));
        return model;
    };
    Sequential diverging = regression();
    const auto exploding = train_monitored(diverging, x, y, optim::SGDOptions().learning_rate(0.1), "mse");
    const auto findings = exploding->diagnose();
    BOOST_TEST_REQUIRE(findings.size() == 1u);
    BOOST_TEST((findings[0].kind == Finding::Kind::exploding));
    BOOST_TEST(findings[0].message.find("NaN or infinite values in layers 1-5") != std::string::npos);

    Sequential clipped = regression();
    const auto stable =
        train_monitored(clipped, x, y, optim::SGDOptions().learning_rate(0.1).clipnorm(1.0), "mse");
    BOOST_TEST(!has(kinds(*stable), Finding::Kind::exploding));
    BOOST_TEST(std::isfinite(stable->records().back().loss));
    BOOST_TEST(stable->records().back().loss < stable->records().front().loss);
}

BOOST_AUTO_TEST_CASE(large_negative_biases_kill_relus_and_leaky_relu_fixes_it) {
    auto [x, y] = classes();
    Sequential relu = deep_net(4, "relu", "he_normal", 32, -5.0);
    const auto dead = train_monitored(relu, x, y, optim::SGDOptions().learning_rate(0.01),
                                      "sparse_categorical_crossentropy");
    const auto findings = dead->diagnose();
    const auto it = std::find_if(findings.begin(), findings.end(),
                                 [](const Finding& f) { return f.kind == Finding::Kind::dead_units; });
    BOOST_TEST_REQUIRE((it != findings.end()));
    BOOST_TEST(it->first_layer == 0);
    BOOST_TEST(it->last_layer == 3);
    BOOST_TEST(dead->records().back().layers[0].dead_fraction > 0.8);

    Sequential leaky;
    for (int i = 0; i < 4; ++i) {
        leaky.add(Dense(32, "linear", "he_normal").bias_initializer(Constant(-5.0)));
        leaky.add(LeakyReLU());
    }
    leaky.add(Dense(5, "softmax"));
    const auto alive = train_monitored(leaky, x, y, optim::SGDOptions().learning_rate(0.01),
                                       "sparse_categorical_crossentropy");
    BOOST_TEST((kinds(*alive) == std::vector<Finding::Kind>{Finding::Kind::healthy}));
    BOOST_TEST(alive->layers()[1].activation == "leaky_relu");
    BOOST_TEST(alive->records().back().layers[1].dead_fraction == 0.0);
}

// The figures equal norms computed by hand from .grad(), grad() and the weights.
BOOST_AUTO_TEST_CASE(figures_match_norms_computed_by_hand) {
    manual_seed(3);
    Sequential model{Dense(4, "relu"), Dense(3)};
    model.to(float64);
    model.ensure_built({-1, 2});
    const Tensor x = tensor({{1.0, -2.0}, {0.5, 3.0}, {-1.5, 0.25}}, float64);
    optim::SGD sgd(model, optim::SGDOptions().learning_rate(0.1));
    train::GradientMonitor monitor;
    monitor.begin_step(model);
    const Tensor pred = model(x, true);
    const Tensor loss = (pred * pred).mean();
    sgd.zero_grad();
    loss.backward();
    // By hand, before the step: the hidden output and the gradients of both outputs.
    const Tensor w1 = model[0]->weight("kernel").clone(), b1 = model[0]->weight("bias").clone();
    const Tensor w2 = model[1]->weight("kernel").clone();
    const Tensor h = relu(matmul(x, w1) + b1);
    const Tensor dpred = pred.detach() * (2.0 / 9.0);
    const Tensor dh = matmul(dpred, w2.t());
    const Tensor g1 = model[0]->weight("kernel").grad().clone(), g2 = model[1]->weight("kernel").grad().clone();
    const Tensor gb1 = model[0]->weight("bias").grad().clone();
    sgd.step();
    monitor.end_step(model, loss.item());

    BOOST_TEST_REQUIRE(monitor.records().size() == 1u);
    const auto& r = monitor.records()[0];
    BOOST_TEST(r.loss == loss.item());
    const auto tol = boost::test_tools::tolerance(1e-12);
    BOOST_TEST(r.layers[0].output_grad_norm == l2_norm(dh), tol);
    BOOST_TEST(r.layers[1].output_grad_norm == l2_norm(dpred), tol);
    BOOST_TEST(r.layers[0].weights[0].name == "kernel");
    BOOST_TEST(r.layers[0].weights[0].grad_norm == l2_norm(g1), tol);
    BOOST_TEST(r.layers[1].weights[0].grad_norm == l2_norm(g2), tol);
    BOOST_TEST(r.layers[0].grad_norm == std::sqrt(l2_norm(g1) * l2_norm(g1) + l2_norm(gb1) * l2_norm(gb1)), tol);
    // SGD: Δw = −0.1 g, so ‖Δw‖/‖w‖ = 0.1 ‖g‖ / ‖w‖ (biases start at zero: no ratio of their own).
    BOOST_TEST(r.layers[0].weights[0].update_ratio == 0.1 * l2_norm(g1) / l2_norm(w1), tol);
    BOOST_TEST(std::isnan(r.layers[0].weights[1].update_ratio));
    BOOST_TEST(r.layers[0].activation_mean == h.mean().item(), tol);
    const std::vector<double> hv = values(h);
    int dead = 0;
    for (int unit = 0; unit < 4; ++unit) dead += hv[unit] == 0 && hv[4 + unit] == 0 && hv[8 + unit] == 0;
    BOOST_TEST(r.layers[0].dead_fraction == dead / 4.0);
    BOOST_TEST(std::isnan(r.layers[1].dead_fraction));  // linear output: not a ReLU family
}

BOOST_AUTO_TEST_CASE(records_every_nth_step_and_leaves_no_hooks) {
    Sequential model{Dense(3, "tanh"), Dense(2, "sigmoid")};
    model.ensure_built({-1, 2});
    const Tensor x = tensor({{1.0, 2.0}, {-1.0, 0.5}});
    optim::SGD sgd(model, optim::SGDOptions());
    train::GradientMonitor monitor({.every = 3});
    int forward_calls = 0;
    HookHandle counter = model[0]->register_forward_hook([&](Module&, const Tensor&, const Tensor&) { ++forward_calls; });
    for (int step = 0; step < 7; ++step) monitored_step(monitor, model, sgd, x);
    BOOST_TEST(forward_calls == 7);  // the user's hook is untouched by the monitor's
    std::vector<std::int64_t> steps;
    for (const auto& r : monitor.records()) steps.push_back(r.step);
    BOOST_TEST(steps == std::vector<std::int64_t>({0, 3, 6}), boost::test_tools::per_element());
    BOOST_TEST(monitor.layers()[0].name == "dense");
    BOOST_TEST(monitor.layers()[1].activation == "sigmoid");
    BOOST_TEST(monitor.records()[0].layers[0].saturated_fraction >= 0.0);
    BOOST_TEST(std::isnan(monitor.records()[0].layers[0].dead_fraction));
    CHECK_THROWS_WITH(train::GradientMonitor({.every = 0}), ValueError, "every must be >= 1");
}

namespace {
/// Calls its second layer only when asked: that layer joins the monitor's list late.
class Branchy : public Cloneable<Branchy> {
public:
    Branchy() : Cloneable("Branchy") {
        first_ = register_module("first", Dense(2, "tanh"));
        second_ = register_module("second", Dense(2));
    }
    Tensor forward(const Tensor& x, bool) override { return use_second ? (*second_)((*first_)(x)) : (*first_)(x); }
    bool use_second = false;

private:
    Child<Dense> first_, second_;
};
}  // namespace

BOOST_AUTO_TEST_CASE(layers_are_named_by_path_and_may_join_late) {
    Branchy model;
    const Tensor x = tensor({{1.0, 2.0}});
    optim::SGD sgd(model, optim::SGDOptions());
    train::GradientMonitor monitor;
    for (int step = 0; step < 2; ++step) {
        model.use_second = step == 1;
        monitored_step(monitor, model, sgd, x);
    }
    BOOST_TEST_REQUIRE(monitor.layers().size() == 2u);
    BOOST_TEST(monitor.layers()[0].name == "first");
    BOOST_TEST(monitor.layers()[1].name == "second");
    BOOST_TEST(monitor.records()[0].layers.size() == 1u);
    BOOST_TEST(monitor.records()[1].layers.size() == 2u);
    const std::string csv = monitor.to_csv();
    BOOST_TEST(csv.find("0,second,") == std::string::npos);
    BOOST_TEST(csv.find("1,second,grad_norm.kernel,") != std::string::npos);
    BOOST_TEST(monitor.to_svg().find("<title>second, step 1: ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(table_csv_and_svg) {
    Sequential model{Dense(3, "relu"), Dense(2)};
    model.ensure_built({-1, 2});
    const Tensor x = tensor({{1.0, 2.0}, {-1.0, 0.5}});
    optim::SGD sgd(model, optim::SGDOptions());
    train::GradientMonitor monitor;
    std::ostringstream empty;
    monitor.print(empty);
    BOOST_TEST(empty.str() == "GradientMonitor: no step recorded yet\n");
    BOOST_TEST(monitor.diagnose().empty());
    for (int step = 0; step < 2; ++step) {
        monitor.begin_step(model);
        const Tensor loss = (model(x, true) * model(x, true)).mean();
        sgd.zero_grad();
        loss.backward();
        sgd.step();
        monitor.end_step(model, loss.item());
    }
    std::ostringstream table;
    monitor.print(table);
    BOOST_TEST(table.str().find("layer   activation") != std::string::npos);
    BOOST_TEST(table.str().find("\ndense_1 linear") != std::string::npos);
    BOOST_TEST(table.str().find("diagnosis:\n  - ") != std::string::npos);

    // CSV: per step one loss row, per layer 7 figures less the NaN ones, 2 per weight.
    const std::string csv = monitor.to_csv();
    BOOST_TEST(csv.rfind("step,layer,metric,value\n0,,loss,", 0) == 0u);
    BOOST_TEST(csv.find("\n1,dense_1,grad_norm.kernel,") != std::string::npos);
    BOOST_TEST(csv.find("dense_1,dead_fraction") == std::string::npos);
    // Step 0: dense has mean, std, dead, out-grad, grad, ratio and 2 per weight less the
    // zero-initialized bias's ratio (9); dense_1 the same without dead (8); the loss: 18 rows.
    // Step 1: the biases are no longer zero, so both have a ratio: 20 rows.
    BOOST_TEST(std::count(csv.begin(), csv.end(), '\n') == 1 + 18 + 20);

    const std::string svg = monitor.to_svg();
    BOOST_TEST(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0u);
    BOOST_TEST(svg.find("<title>dense_1, step 1: ") != std::string::npos);
    BOOST_TEST(svg.find("<polyline") != std::string::npos);
    BOOST_TEST(svg.find("</svg>") == svg.size() - 7);

    const auto dir = std::filesystem::temp_directory_path() / "xgrad_gradient_monitor_test";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "health.csv").string();
    monitor.write_csv(path);
    std::ifstream in(path);
    std::stringstream back;
    back << in.rdbuf();
    BOOST_TEST(back.str() == csv);
    CHECK_THROWS_WITH(monitor.write_svg((dir / "missing" / "health.svg").string()), IoError, "health.svg");
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(fit_prints_the_table_each_epoch) {
    auto [x, y] = classes();
    Sequential model = deep_net(2, "relu", "he_normal", 8);
    model.ensure_built({-1, 20});
    std::ostringstream out;
    auto monitor = std::make_shared<train::GradientMonitor>(train::GradientMonitorOptions{.every = 100, .out = &out});
    train::FitOptions o;
    o.loss = "sparse_categorical_crossentropy";
    o.optimizer = std::make_shared<optim::SGD>(model, optim::SGDOptions());
    o.epochs = 2;
    o.verbose = 0;
    o.callbacks = {monitor};
    train::fit(model, x, y, o);
    BOOST_TEST(monitor->records().size() == 1u);  // 32 steps: only step 0
    BOOST_TEST(out.str().find("Gradient health after epoch 1:\nstep 0, loss ") == 0u);
    BOOST_TEST(out.str().find("Gradient health after epoch 2:") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
