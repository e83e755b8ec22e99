// The replaced operator new/delete below pair malloc with free; GCC cannot see that.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

#include "optim_helpers.hpp"

// Counts heap allocations while `counting` is set, to prove that a step
// allocates nothing (tensors, their storage handles and nodes all come from operator new).
namespace {
std::atomic<long> allocations{0};
std::atomic<bool> counting{false};
}  // namespace

void* operator new(std::size_t n) {
    if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace xgrad;
using namespace xgrad::nn;
using namespace xgrad::optim;
using optim_test::near;

namespace {

// A small model whose layers are named "dense" and "dense_1".
std::shared_ptr<Sequential> small_mlp() {
    auto model = std::make_shared<Sequential>(std::initializer_list<AnyModule>{Dense(4, "tanh"), Dense(3)});
    model->ensure_built({-1, 2});
    return model;
}

void backward_on(Module& model, const Tensor& x) { sum(square(model(x))).backward(); }

std::vector<std::vector<double>> weights_of(const Module& m) {
    std::vector<std::vector<double>> out;
    for (const Tensor& t : m.parameters()) out.push_back(t.to_vector<double>());
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(optim_optimizer)

BOOST_AUTO_TEST_CASE(skips_frozen_and_gradless_tensors) {
    Tensor a = tensor({1.0, 2.0}, float64).requires_grad_();
    Tensor frozen = tensor({1.0, 2.0}, float64);  // requires_grad false
    Tensor no_grad = tensor({1.0, 2.0}, float64).requires_grad_();
    a.set_grad(tensor({1.0, 1.0}, float64));
    frozen.set_grad(tensor({1.0, 1.0}, float64));
    SGD opt({a, frozen, no_grad}, SGDOptions().learning_rate(0.1).momentum(0.9));
    opt.step();
    BOOST_TEST(near(a.to_vector<double>(), {0.9, 1.9}));
    BOOST_TEST(near(frozen.to_vector<double>(), {1.0, 2.0}));
    BOOST_TEST(near(no_grad.to_vector<double>(), {1.0, 2.0}));
    const auto state = opt.state_dict();
    BOOST_TEST(state.count("params.0/momentum.momentum") == 1u);
    BOOST_TEST(state.count("params.1/momentum.momentum") == 0u);  // never updated: no state
    BOOST_TEST(state.count("params.2/momentum.momentum") == 0u);
}

BOOST_AUTO_TEST_CASE(module_unfreeze_flow) {
    // The notebook's transfer learning: train the head with the base frozen,
    // then unfreeze and keep training with the same optimizer.
    auto model = small_mlp();
    const Tensor x = tensor({{0.5, -1.0}, {1.5, 2.0}});
    (*model)[0]->set_trainable(false);
    Adam opt(model);
    const auto before = weights_of(*model);
    opt.zero_grad();
    backward_on(*model, x);
    opt.step();
    auto after = weights_of(*model);
    BOOST_TEST(after[0] == before[0], boost::test_tools::per_element());  // dense.kernel frozen
    BOOST_TEST(after[1] == before[1], boost::test_tools::per_element());  // dense.bias frozen
    BOOST_TEST(after[2] != before[2]);                                    // dense_1.kernel trained
    auto state = opt.state_dict();
    BOOST_TEST(state.count("dense_1.kernel/adam.momentum") == 1u);
    BOOST_TEST(state.count("dense.kernel/adam.momentum") == 0u);

    (*model)[0]->set_trainable(true);
    opt.zero_grad();
    backward_on(*model, x);
    opt.step();
    const auto unfrozen = weights_of(*model);
    BOOST_TEST(unfrozen[0] != after[0]);
    state = opt.state_dict();
    BOOST_TEST(state.count("dense.kernel/adam.momentum") == 1u);
    BOOST_TEST(state.count("dense.bias/adam.velocity") == 1u);
    BOOST_TEST(opt.iterations() == 2);
}

BOOST_AUTO_TEST_CASE(param_groups_with_their_own_learning_rate) {
    Tensor base = tensor({1.0, 1.0}, float64).requires_grad_();
    Tensor head = tensor({1.0, 1.0}, float64).requires_grad_();
    SGD opt({base}, 0.1);
    opt.add_param_group(ParamGroup({head}).lr_scale(10.0));
    BOOST_TEST(opt.num_param_groups() == 2u);
    BOOST_TEST(opt.learning_rate(1) == 1.0);
    base.set_grad(tensor({0.5, -1.0}, float64));
    head.set_grad(tensor({0.5, -1.0}, float64));
    opt.step();
    // base: 1 − 0.1·g = [0.95, 1.1]; head: 1 − 1.0·g = [0.5, 2.0]
    BOOST_TEST(near(base.to_vector<double>(), {0.95, 1.1}));
    BOOST_TEST(near(head.to_vector<double>(), {0.5, 2.0}));
    // set_learning_rate moves every group and keeps the ratio.
    opt.set_learning_rate(0.01);
    opt.step();
    BOOST_TEST(near(base.to_vector<double>(), {0.945, 1.11}));
    BOOST_TEST(near(head.to_vector<double>(), {0.45, 2.1}));
    const auto state = opt.state_dict();
    BOOST_TEST(state.at("learning_rate").item() == 0.01);
    BOOST_TEST(state.at("iterations").item() == 2.0);
}

BOOST_AUTO_TEST_CASE(fine_tuning_groups_from_modules) {
    auto model = small_mlp();
    SGD opt(ParamGroup((*model)[1]), 0.1);                      // head at η
    opt.add_param_group(ParamGroup((*model)[0]).lr_scale(0.0));  // base at 0·η: learns nothing
    const auto before = weights_of(*model);
    backward_on(*model, tensor({{0.5, -1.0}}));
    opt.step();
    const auto after = weights_of(*model);
    BOOST_TEST(after[0] == before[0], boost::test_tools::per_element());
    BOOST_TEST(after[2] != before[2]);
    BOOST_TEST(opt.state_dict().size() == 2u);  // iterations, learning_rate (plain SGD has no per-parameter state)
}

BOOST_AUTO_TEST_CASE(constraints_applied_after_each_step) {
    Sequential model{Dense(2, "linear", "ones").kernel_constraint(MaxNorm(1.0))};
    model.ensure_built({-1, 3});
    SGD opt(model, 10.0);
    backward_on(model, ones({1, 3}));
    opt.step();
    // Each kernel column (a unit's incoming weights) has norm ≤ 1 after the step.
    const auto k = model[0]->weight("kernel").to_vector<double>();  // [3, 2]
    for (int j = 0; j < 2; ++j) {
        const double norm = std::sqrt(k[j] * k[j] + k[2 + j] * k[2 + j] + k[4 + j] * k[4 + j]);
        BOOST_TEST(norm <= 1.0 + 1e-6);
        BOOST_TEST(norm > 0.99);
    }
}

BOOST_AUTO_TEST_CASE(learning_rate_schedule_drives_the_steps) {
    Tensor theta = optim_test::theta0();
    // Step 0 and 1 (≤ boundary 1) use 0.1, step 2 uses 0.01.
    SGD opt({theta}, LearningRate(PiecewiseConstantDecay({1}, {0.1, 0.01})));
    BOOST_TEST(opt.has_schedule());
    BOOST_TEST(opt.learning_rate() == 0.1);
    const auto h = optim_test::three_steps(opt, theta);
    BOOST_TEST(near(h[0], {0.95, -2.1}));
    BOOST_TEST(near(h[1], {1.0, -2.3}));
    BOOST_TEST(near(h[2], {0.99, -2.3}));  // 1.0 − 0.01·1
    BOOST_TEST(opt.learning_rate() == 0.01);
    CHECK_THROWS_WITH(opt.set_learning_rate(0.5), ValueError, "SGD: the learning rate is a Schedule");
    opt.set_learning_rate(LearningRate(0.5));
    BOOST_TEST(!opt.has_schedule());
    BOOST_TEST(opt.learning_rate() == 0.5);
    BOOST_TEST(opt.state_dict().count("learning_rate") == 1u);
}

BOOST_AUTO_TEST_CASE(momentum_schedule_replaces_the_momentum) {
    Tensor theta = optim_test::theta0();
    SGD opt({theta}, SGDOptions().learning_rate(0.1).momentum(0.9));
    opt.set_momentum_schedule([](std::int64_t step) { return step == 1 ? 0.5 : 0.9; });
    const auto h = optim_test::three_steps(opt, theta);
    // m1 = −0.1·g1 = [−0.05, −0.1]; m2 = 0.5·m1 − 0.1·g2 = [0.025, −0.25]; θ2 = [0.95, −2.1] + m2
    BOOST_TEST(near(h[1], {0.975, -2.35}));

    // OneCycle drives both the learning rate and the momentum.
    OneCycle one_cycle(0.1, 10);
    Tensor w = optim_test::theta0();
    SGD cyc({w}, SGDOptions().momentum(0.9));
    cyc.set_learning_rate(one_cycle);
    cyc.set_momentum_schedule(one_cycle.momentum_schedule());
    BOOST_TEST(std::abs(cyc.learning_rate() - 0.1 / 25) < 1e-15);
    w.set_grad(tensor({1.0, 1.0}, float64));
    cyc.step();
    cyc.step();
    // m1 = −lr(0)·g; m2 = μ(1)·m1 − lr(1)·g
    const double m1 = -one_cycle(0), m2 = one_cycle.momentum(1) * m1 - one_cycle(1);
    BOOST_TEST(near(w.to_vector<double>(), {1.0 + m1 + m2, -2.0 + m1 + m2}));
}

BOOST_AUTO_TEST_CASE(state_round_trip_gives_bit_identical_steps) {
    const std::vector<std::function<std::unique_ptr<Optimizer>(std::shared_ptr<Sequential>)>> makers = {
        [](auto m) { return std::make_unique<SGD>(m, SGDOptions().learning_rate(0.1).momentum(0.9).nesterov(true)); },
        [](auto m) { return std::make_unique<Adagrad>(m, 0.1); },
        [](auto m) { return std::make_unique<RMSprop>(m, RMSpropOptions().centered(true).momentum(0.5)); },
        [](auto m) { return std::make_unique<Adam>(m, AdamOptions().amsgrad(true).clipnorm(0.5)); },
        [](auto m) { return std::make_unique<AdamW>(m, AdamWOptions().learning_rate(ExponentialDecay(0.01, 2, 0.5))); },
        [](auto m) { return std::make_unique<Adamax>(m, AdamaxOptions().global_clipnorm(0.1)); },
        [](auto m) { return std::make_unique<Nadam>(m, NadamOptions().weight_decay(0.01)); },
        [](auto m) { return std::make_unique<Lion>(m, 0.01); },
    };
    const Tensor x1 = tensor({{0.5, -1.0}, {1.5, 2.0}}), x2 = tensor({{-0.3, 0.7}, {2.0, -1.0}});
    for (const auto& make : makers) {
        auto model_a = small_mlp();
        auto model_b = std::dynamic_pointer_cast<Sequential>(model_a->clone());
        auto model_c = std::dynamic_pointer_cast<Sequential>(model_a->clone());
        auto a = make(model_a), b = make(model_b), c = make(model_c);
        for (int i = 0; i < 3; ++i) {
            a->zero_grad();
            backward_on(*model_a, i % 2 ? x1 : x2);
            a->step();
        }
        // c has state of its own (from other data) that loading must replace.
        c->zero_grad();
        backward_on(*model_c, x2 * 3.0);
        c->step();
        const auto saved = a->state_dict();
        b->load_state_dict(saved);  // b has no per-parameter state yet: kept until its first step
        c->load_state_dict(saved);
        model_b->load_state_dict(model_a->state_dict());
        model_c->load_state_dict(model_a->state_dict());
        for (int i = 0; i < 3; ++i) {
            const std::pair<Module*, Optimizer*> runs[] = {{model_a.get(), a.get()}, {model_b.get(), b.get()}, {model_c.get(), c.get()}};
            for (auto [model, opt] : runs) {
                opt->zero_grad();
                backward_on(*model, i % 2 ? x2 : x1);
                opt->step();
            }
        }
        BOOST_TEST_INFO("optimizer " << a->name());
        BOOST_TEST((weights_of(*model_a) == weights_of(*model_b)));
        BOOST_TEST_INFO("optimizer " << a->name());
        BOOST_TEST((weights_of(*model_a) == weights_of(*model_c)));
        const auto sa = a->state_dict(), sb = b->state_dict();
        BOOST_TEST(sa.size() == sb.size());
        for (const auto& [key, t] : sa) {
            BOOST_TEST_INFO(a->name() << " " << key);
            BOOST_TEST((sb.count(key) && t.to_vector<double>() == sb.at(key).to_vector<double>()));
        }
        BOOST_TEST(b->iterations() == 6);
    }
}

BOOST_AUTO_TEST_CASE(load_state_dict_errors) {
    Tensor theta = optim_test::theta0();
    Adam opt({theta}, 0.1);
    theta.set_grad(tensor({1.0, 1.0}, float64));
    opt.step();
    auto state = opt.state_dict();
    BOOST_TEST(state.size() == 4u);  // iterations, learning_rate, params.0/adam.{momentum, velocity}
    auto missing = state;
    missing.erase("iterations");
    CHECK_THROWS_WITH(opt.load_state_dict(missing), ValueError, "Adam: load_state_dict: missing 'iterations'");
    auto unexpected = state;
    unexpected.emplace("params.0/adam.velocity_hat", zeros({2}, float64));
    CHECK_THROWS_WITH(opt.load_state_dict(unexpected), ValueError, "unexpected key 'params.0/adam.velocity_hat'");
    auto wrong_shape = state;
    wrong_shape["params.0/adam.momentum"] = zeros({3}, float64);
    CHECK_THROWS_WITH(opt.load_state_dict(wrong_shape), ShapeError, "'params.0/adam.momentum' has shape [3]");
    BOOST_TEST(opt.iterations() == 1);  // a failed load changes nothing
    CHECK_THROWS_WITH(Nadam({theta}).load_state_dict(state), ValueError, "missing shared state 'nadam.u_product'");

    // A fresh optimizer checks the state of parameters it has not updated yet
    // against the state their first step creates (second look, finding 2).
    Adam fresh({optim_test::theta0()}, 0.1);
    CHECK_THROWS_WITH(fresh.load_state_dict(wrong_shape), ShapeError,
                      "Adam: load_state_dict: 'params.0/adam.momentum' has shape [3], the parameter's state [2]");
    auto unknown = state;
    unknown.emplace("params.1/adam.momentum", zeros({2}, float64));
    CHECK_THROWS_WITH(fresh.load_state_dict(unknown), ValueError,
                      "'params.1/adam.momentum' is state of 'params.1', which is not a parameter of this optimizer");
    BOOST_TEST(fresh.state_dict().size() == 2u);  // iterations, learning_rate: nothing pending
    fresh.load_state_dict(state);
    BOOST_TEST(fresh.state_dict().size() == 4u);
}

BOOST_AUTO_TEST_CASE(step_allocates_nothing) {
    const std::vector<std::function<std::unique_ptr<Optimizer>(std::vector<Tensor>)>> makers = {
        [](auto p) { return std::make_unique<SGD>(p, SGDOptions().momentum(0.9).nesterov(true).clipvalue(1.0)); },
        [](auto p) { return std::make_unique<Adagrad>(p); },
        [](auto p) { return std::make_unique<RMSprop>(p, RMSpropOptions().centered(true).momentum(0.5)); },
        [](auto p) { return std::make_unique<Adam>(p, AdamOptions().amsgrad(true).global_clipnorm(1.0).weight_decay(0.1)); },
        [](auto p) { return std::make_unique<AdamW>(p, AdamWOptions().learning_rate(CosineDecay(0.01, 100)).clipnorm(1.0)); },
        [](auto p) { return std::make_unique<Adamax>(p); },
        [](auto p) { return std::make_unique<Nadam>(p); },
        [](auto p) { return std::make_unique<Lion>(p); },
    };
    for (const auto& make : makers) {
        Tensor w = randn({64, 32}).requires_grad_(), b = zeros({32}).requires_grad_();
        w.set_grad(randn({64, 32}));
        b.set_grad(randn({32}));
        auto opt = make({w, b});
        opt->step();  // the first step creates the state
        const void* w_data = w.raw_data();
        const std::size_t cached = xgrad::detail::cached_bytes();
        allocations = 0;
        counting = true;
        for (int i = 0; i < 5; ++i) opt->step();
        counting = false;
        BOOST_TEST_INFO(opt->name());
        BOOST_TEST(allocations.load() == 0);
        BOOST_TEST(w.raw_data() == w_data);
        BOOST_TEST(xgrad::detail::cached_bytes() == cached);
        BOOST_TEST(opt->iterations() == 6);
    }
    // The counter does count (tensor handles come from a per-thread pool, a
    // std::vector from operator new).
    allocations = 0;
    counting = true;
    { std::vector<Tensor> handles(3); }
    counting = false;
    BOOST_TEST(allocations.load() > 0);
}

BOOST_AUTO_TEST_CASE(parallel_slot_updates_match_one_thread) {
    // Per-parameter chains update slots in parallel on 2 threads (here 12
    // slots, 2^17 elements: several tasks); a chain with global-norm clipping
    // runs transform by transform. Both give bit-identical weights at 1 and 2 threads.
    const auto train = [](int threads, bool global_clip) {
        const int previous = num_threads();
        set_num_threads(threads);
        Generator gen(3);
        std::vector<Tensor> params;
        for (int i = 0; i < 12; ++i) params.push_back(randn({i % 2 ? 64 : 512, 32}, float32, gen).requires_grad_());
        AdamOptions options;
        if (global_clip) options.global_clipnorm(1.0);
        Adam opt(params, options);
        BOOST_TEST(opt.transform()->per_parameter() == !global_clip);
        for (int step = 0; step < 3; ++step) {
            for (Tensor& p : params) p.set_grad(randn(p.shape(), float32, gen));
            opt.step();
        }
        set_num_threads(previous);
        std::vector<float> out;
        for (const Tensor& p : params)
            for (float v : p.to_vector<float>()) out.push_back(v);
        return out;
    };
    for (bool global_clip : {false, true}) {
        const auto one = train(1, global_clip), two = train(2, global_clip);
        BOOST_TEST(one == two, boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(module_step_allocates_only_the_parameter_list) {
    // A module group asks for trainable_parameters() each step (so freezing
    // works); that vector is the only allocation.
    auto model = small_mlp();
    Adam opt(model);
    backward_on(*model, tensor({{0.5, -1.0}}));
    opt.step();
    allocations = 0;
    counting = true;
    model->trainable_parameters();
    counting = false;
    const long list_allocations = allocations.load();
    allocations = 0;
    counting = true;
    opt.step();
    counting = false;
    BOOST_TEST(allocations.load() == list_allocations);
}

BOOST_AUTO_TEST_CASE(zero_grad_drops_gradients) {
    auto model = small_mlp();
    SGD opt(model);
    backward_on(*model, tensor({{0.5, -1.0}}));
    BOOST_TEST((*model)[0]->weight("kernel").grad().defined());
    opt.zero_grad();
    for (const Tensor& p : model->parameters()) BOOST_TEST(!p.grad().defined());
    Tensor t = tensor({1.0}).requires_grad_();
    t.set_grad(tensor({1.0}));
    SGD tensors({t});
    tensors.zero_grad();
    BOOST_TEST(!t.grad().defined());
}

BOOST_AUTO_TEST_CASE(parameters_added_later) {
    // Keras style: create the optimizer first, give it the parameters later.
    SGD opt(SGDOptions().learning_rate(0.5));
    Tensor w = tensor({1.0}, float64).requires_grad_();
    opt.add_param_group({w});
    w.set_grad(tensor({1.0}, float64));
    opt.step();
    BOOST_TEST(w.item() == 0.5);
    // The same tensor in two groups is an error.
    opt.add_param_group({w});
    CHECK_THROWS_WITH(opt.step(), ValueError, "a tensor can be in only one parameter group");
}

BOOST_AUTO_TEST_CASE(state_follows_a_weight_replaced_by_the_module) {
    auto model = small_mlp();
    Adam opt(model);
    backward_on(*model, tensor({{0.5, -1.0}}));
    opt.step();
    model->to(float64);  // replaces every weight tensor
    opt.zero_grad();
    backward_on(*model, tensor({{0.5, -1.0}}, float64));
    opt.step();
    const auto state = opt.state_dict();
    BOOST_TEST((state.at("dense.kernel/adam.momentum").dtype() == float64));
    BOOST_TEST(state.size() == 2u + 4u * 2u);  // iterations, learning_rate, 4 weights × (m, v)
}

// Optimizers see named tensors, never modules: state is keyed by the names
// a group gives, and a live source's projection runs after each step.
BOOST_AUTO_TEST_CASE(named_tensors_and_a_live_source_with_a_projection) {
    Tensor a = tensor({1.0, 2.0}, float64).requires_grad_();
    Tensor b = tensor({3.0}, float64).requires_grad_();
    SGD opt(std::vector<NamedTensor>{{"encoder.w", a}}, 0.5);
    int projections = 0;
    ParameterSource source;
    source.parameters = [&] { return std::vector<Tensor>{b}; };
    source.named_parameters = [&] { return std::vector<NamedTensor>{{"head.w", b}}; };
    source.project = [&] {
        ++projections;
        NoGradGuard no_grad;
        b.copy_(clamp(b, 0.0, 2.0));  // a projection onto [0, 2]
    };
    opt.add_param_group(source);
    a.set_grad(tensor({1.0, 1.0}, float64));
    b.set_grad(tensor({-4.0}, float64));
    opt.step();
    BOOST_TEST(xgrad_test::values(a) == std::vector<double>({0.5, 1.5}), boost::test_tools::per_element());
    BOOST_TEST(b.item() == 2.0);  // 3 + 2 = 5, projected to 2
    BOOST_TEST(projections == 1);
    const auto state = opt.state_dict();
    BOOST_TEST(state.count("iterations") == 1u);
    SGD momentum(std::vector<NamedTensor>{{"encoder.w", a}}, SGDOptions().learning_rate(0.1).momentum(0.9));
    a.set_grad(tensor({1.0, 1.0}, float64));
    momentum.step();
    BOOST_TEST(momentum.state_dict().count("encoder.w/momentum.momentum") == 1u);  // <name>/<transform>.<state>
    ParameterSource incomplete;
    incomplete.parameters = [&] { return std::vector<Tensor>{b}; };
    CHECK_THROWS_WITH(ParamGroup{incomplete}, ValueError, "needs both parameters and named_parameters");
}

BOOST_AUTO_TEST_SUITE_END()
