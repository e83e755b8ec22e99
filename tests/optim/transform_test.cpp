#include "optim_helpers.hpp"

using namespace xgrad;
using namespace xgrad::optim;
using optim_test::near;

namespace {

// Gradient centralization (Yong et al., 2020) for a Dense kernel [in, out]:
// subtract each output unit's mean gradient over its inputs (column means).
GradientTransformPtr centralize() {
    return make_transform("centralize", [](SlotView& s, const StepInfo&) {
        if (s.update.rank() != 2) return;
        const std::int64_t rows = s.update.size(0), cols = s.update.size(1);
        double* u = s.update.data<double>();
        for (std::int64_t j = 0; j < cols; ++j) {
            double mean = 0;
            for (std::int64_t i = 0; i < rows; ++i) mean += u[i * cols + j];
            mean /= static_cast<double>(rows);
            for (std::int64_t i = 0; i < rows; ++i) u[i * cols + j] -= mean;
        }
    });
}

// A user transform with state: an exponential moving average of the updates.
class Ema : public PerParameterTransform {
public:
    std::string name() const override { return "ema"; }
    std::vector<std::string> slot_state_names() const override { return {"average"}; }
    std::vector<Tensor> init_slot_state(const Tensor& param) const override { return {zeros_like(param)}; }
    void update_slot(SlotView& s, const StepInfo&) override {
        double* u = s.update.data<double>();
        double* a = s.state[0].data<double>();
        for (std::int64_t i = 0; i < s.update.numel(); ++i) u[i] = a[i] = 0.5 * a[i] + 0.5 * u[i];
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(optim_transform)

BOOST_AUTO_TEST_CASE(user_transform_in_a_chain) {
    Tensor w = zeros({2, 2}, float64).requires_grad_();
    w.set_grad(tensor({{1.0, 2.0}, {3.0, 6.0}}, float64));
    // Column means [2, 4]: centralized [[−1, −2], [1, 2]], norm sqrt(10), then clipped to norm 1.
    Optimizer opt({w}, chain({centralize(), clip_by_global_norm(1.0), scale_by_learning_rate()}), 1.0);
    opt.step();
    const double k = 1.0 / std::sqrt(10.0);
    BOOST_TEST(near(w.to_vector<double>(), {k, 2 * k, -k, -2 * k}));
    BOOST_TEST(opt.name() == "Optimizer");
}

BOOST_AUTO_TEST_CASE(user_transform_with_state) {
    Tensor theta = optim_test::theta0();
    Optimizer opt({theta}, chain({std::make_shared<Ema>(), scale_by_learning_rate()}), 0.1);
    const auto h = optim_test::three_steps(opt, theta);
    // a1 = 0.5·g1 = [0.25, 0.5]; θ1 = [1, −2] − 0.1·a1 = [0.975, −2.05]
    BOOST_TEST(near(h[0], {0.975, -2.05}));
    // a2 = 0.5·a1 + 0.5·g2 = [−0.125, 1.25]; θ2 = [0.9875, −2.175]
    BOOST_TEST(near(h[1], {0.9875, -2.175}));
    const auto s = opt.state_dict();
    // a3 = 0.5·a2 + 0.5·g3 = [0.4375, 0.625]
    BOOST_TEST(near(s.at("params.0/ema.average").to_vector<double>(), {0.4375, 0.625}));
}

BOOST_AUTO_TEST_CASE(chain_names_state_by_transform) {
    auto c = chain({scale(2.0), scale_by_momentum(0.5), scale(3.0), scale_by_momentum(0.5, true)});
    BOOST_TEST(c->slot_state_names() == std::vector<std::string>({"momentum.momentum", "momentum_1.momentum"}),
               boost::test_tools::per_element());
    auto nadam = chain({clip_by_value(1.0), scale_by_nadam(), scale_by_learning_rate()});
    BOOST_TEST(nadam->global_state_names() == std::vector<std::string>({"nadam.u_product"}),
               boost::test_tools::per_element());
    // Nested chains keep every state apart.
    auto nested = chain({chain({scale_by_adam()}), scale_by_learning_rate()});
    BOOST_TEST(nested->slot_state_names() == std::vector<std::string>({"chain.adam.momentum", "chain.adam.velocity"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(scale_and_scale_by_schedule) {
    Tensor theta = optim_test::theta0();
    // u = −η · 2 · schedule(t − 1) · g with schedule(s) = 1/(s + 1)
    Optimizer opt({theta}, chain({scale(2.0), scale_by_schedule([](std::int64_t s) { return 1.0 / double(s + 1); }),
                                  scale_by_learning_rate()}), 0.1);
    const auto h = optim_test::three_steps(opt, theta);
    // θ1 = [1, −2] − 0.2·[0.5, 1] = [0.9, −2.2]; θ2 = θ1 − 0.1·[−0.5, 2] = [0.95, −2.4]
    BOOST_TEST(near(h[0], {0.9, -2.2}));
    BOOST_TEST(near(h[1], {0.95, -2.4}));
    // θ3 = θ2 − (0.2/3)·[1, 0]
    BOOST_TEST(near(h[2], {0.95 - 0.2 / 3, -2.4}));
}

BOOST_AUTO_TEST_CASE(keras_weight_decay_is_decoupled) {
    // SGD(η = 0.1, weight_decay = 0.5): θ ← θ − θ·0.5·0.1, then θ ← θ − 0.1·g:
    // [1, −2]·0.95 − 0.1·[0.5, 1] = [0.9, −2.0]
    Tensor theta = optim_test::theta0();
    theta.set_grad(tensor({0.5, 1.0}, float64));
    SGD sgd({theta}, SGDOptions().learning_rate(0.1).weight_decay(0.5));
    sgd.step();
    BOOST_TEST(near(theta.to_vector<double>(), {0.9, -2.0}));

    // Adam: decoupled decay is not normalized away. Element 2 has g = 0, so
    // Adam leaves it alone and only the decay moves it: −2·0.95 = −1.9.
    // Element 1: 1·0.95 − ≈0.1 (Adam's first step ≈ η·sign(g)).
    Tensor a = optim_test::theta0();
    a.set_grad(tensor({0.5, 0.0}, float64));
    Adam adam({a}, AdamOptions().learning_rate(0.1).weight_decay(0.5));
    adam.step();
    BOOST_TEST(std::abs(a.to_vector<double>()[0] - 0.85) < 1e-5);
    BOOST_TEST(near({a.to_vector<double>()[1]}, {-1.9}));

    // Coupled L2 (PyTorch Adam's weight_decay): g ← g + 0.5·θ = [1.0, −1.0],
    // then Adam's first step ≈ η·sign(g) on *both* elements: [0.9, −1.9].
    Tensor b = optim_test::theta0();
    b.set_grad(tensor({0.5, 0.0}, float64));
    Optimizer coupled({b}, chain({add_weight_decay(0.5), scale_by_adam(), scale_by_learning_rate()}), 0.1);
    coupled.step();
    BOOST_TEST(std::abs(b.to_vector<double>()[0] - 0.9) < 1e-5);
    BOOST_TEST(std::abs(b.to_vector<double>()[1] + 1.9) < 1e-5);
}

BOOST_AUTO_TEST_CASE(keras_order_clip_then_decay_then_update) {
    // clipvalue 0.1 clips the gradient only, not the decay:
    // θ ← [1, −2]·(1 − 0.5·0.1) − 0.1·clip([0.5, 1]) = [0.95, −1.9] − [0.01, 0.01] = [0.94, −1.91]
    Tensor theta = optim_test::theta0();
    theta.set_grad(tensor({0.5, 1.0}, float64));
    SGD opt({theta}, SGDOptions().learning_rate(0.1).weight_decay(0.5).clipvalue(0.1));
    opt.step();
    BOOST_TEST(near(theta.to_vector<double>(), {0.94, -1.91}));
    const auto& parts = std::dynamic_pointer_cast<Chain>(opt.transform())->transforms();
    BOOST_TEST_REQUIRE(parts.size() == 3u);
    BOOST_TEST(parts[0]->name() == "clip_by_value");
    BOOST_TEST(parts[1]->name() == "weight_decay");
    BOOST_TEST(parts[2]->name() == "learning_rate");
}

BOOST_AUTO_TEST_CASE(invalid_arguments) {
    CHECK_THROWS_WITH(chain({scale(1.0), nullptr}), ValueError, "chain: transform 1 is null");
    CHECK_THROWS_WITH(decoupled_weight_decay(-1.0), ValueError, "weight_decay must be >= 0");
    CHECK_THROWS_WITH(make_transform("x", nullptr), ValueError, "make_transform: empty function for 'x'");
    CHECK_THROWS_WITH(Optimizer(nullptr, 0.1), ValueError, "Optimizer: null transform");
    // A chain that never applies the learning rate would move w = 1 uphill on
    // w² (w ← w + 2w: 1 → 3 → 9) whatever the rate: refused at construction.
    Tensor w = tensor({1.0}).requires_grad_();
    CHECK_THROWS_WITH(Optimizer({w}, chain({clip_by_global_norm(1.0), scale(1.0)}), 0.1), ValueError,
                      "Optimizer: the transform 'chain' never reads the learning rate, so it would be ignored");
    CHECK_THROWS_WITH(Optimizer({w}, make_transform("mine", [](SlotView&, const StepInfo&) {}), 0.1), ValueError,
                      "the transform 'mine' never reads the learning rate");
    // A custom transform that applies it itself is accepted.
    Optimizer own({w}, make_transform("sgd_by_hand", [](SlotView& s, const StepInfo&) {
        s.update.data<float>()[0] *= static_cast<float>(-s.learning_rate);
    }, /*reads_learning_rate=*/true), 0.25);
    square(w).sum().backward();
    own.step();
    BOOST_TEST(w.item() == 0.5);  // 1 − 0.25·2
}

BOOST_AUTO_TEST_SUITE_END()
