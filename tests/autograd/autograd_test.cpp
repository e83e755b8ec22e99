#include <future>
#include <thread>

#include "../test_helpers.hpp"

using namespace xgrad;
using xgrad_test::values;

BOOST_AUTO_TEST_SUITE(autograd_engine)

BOOST_AUTO_TEST_CASE(backward_of_a_polynomial) {
    // y = x² + 3x at x = 2: dy/dx = 2x + 3 = 7
    Tensor x = scalar(2.0, float64).requires_grad_();
    Tensor y = x * x + 3.0 * x;
    y.backward();
    BOOST_TEST(x.grad().item() == 7.0);
    BOOST_TEST(x.is_leaf());
    BOOST_TEST(!y.is_leaf());
    BOOST_TEST(std::string(y.grad_fn()->name()) == "add");
}

BOOST_AUTO_TEST_CASE(gradients_accumulate_until_zeroed) {
    Tensor x = tensor({1.0, 2.0}).requires_grad_();
    (x * 3.0).sum().backward();
    (x * 3.0).sum().backward();
    BOOST_TEST(values(x.grad()) == std::vector<double>({6, 6}), boost::test_tools::per_element());
    x.zero_grad();
    BOOST_TEST(!x.grad().defined());
}

BOOST_AUTO_TEST_CASE(non_scalar_needs_explicit_gradient) {
    Tensor x = tensor({1.0, 2.0}).requires_grad_();
    Tensor y = x * 2.0;
    CHECK_THROWS_WITH(y.backward(), AutogradError, "implied only for a one-element output");
    y.backward(tensor({1.0, 10.0}));
    BOOST_TEST(values(x.grad()) == std::vector<double>({2, 20}), boost::test_tools::per_element());
    CHECK_THROWS_WITH((x * 2.0).backward(tensor({1.0})), ShapeError, "has shape [1] but the output has [2]");
}

BOOST_AUTO_TEST_CASE(second_backward_needs_retain_graph) {
    Tensor x = scalar(3.0).requires_grad_();
    Tensor y = x * x;
    y.backward(Tensor(), /*retain_graph=*/true);
    y.backward();
    BOOST_TEST(x.grad().item() == 12.0);
    CHECK_THROWS_WITH(y.backward(), AutogradError, "backward through the graph a second time");
}

BOOST_AUTO_TEST_CASE(in_place_change_of_saved_tensor_is_detected) {
    Tensor w = tensor({1.0, 2.0}).requires_grad_();
    Tensor x = tensor({3.0, 4.0});
    Tensor y = (w * x).sum();
    x.add_(ones({2}));
    CHECK_THROWS_WITH(y.backward(), AutogradError, "modified in place");
}

BOOST_AUTO_TEST_CASE(int64_cannot_require_grad) {
    Tensor i = arange(3);
    CHECK_THROWS_WITH(i.requires_grad_(), DtypeError, "only floating tensors can require gradients");
}

BOOST_AUTO_TEST_CASE(detach_and_no_grad) {
    Tensor x = scalar(2.0).requires_grad_();
    Tensor d = x.detach();
    BOOST_TEST(!d.requires_grad());
    BOOST_TEST(d.raw_data() == x.raw_data());
    {
        NoGradGuard guard;
        BOOST_TEST(!is_grad_enabled());
        Tensor y = x * x;
        BOOST_TEST(!y.requires_grad());
    }
    BOOST_TEST(is_grad_enabled());
    Tensor y = x * d;  // d is a constant: dy/dx = d = 2
    y.backward();
    BOOST_TEST(x.grad().item() == 2.0);
}

BOOST_AUTO_TEST_CASE(leaf_grads_do_not_alias) {
    // add's backward hands the same gradient to both inputs; each .grad must own its data.
    Tensor a = tensor({1.0, 2.0}).requires_grad_();
    Tensor b = tensor({1.0, 2.0}).requires_grad_();
    (a + b).sum().backward();
    BOOST_TEST(a.grad().raw_data() != b.grad().raw_data());
    Tensor ga = a.grad();
    ga.mul_(5.0);
    BOOST_TEST(values(b.grad()) == std::vector<double>({1, 1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(retain_grad_on_non_leaf) {
    Tensor x = scalar(2.0).requires_grad_();
    Tensor h = x * 3.0;
    h.retain_grad();
    Tensor y = h * h;  // dy/dh = 2h = 12
    y.backward();
    BOOST_TEST(h.grad().item() == 12.0);
    BOOST_TEST(x.grad().item() == 36.0);
}

BOOST_AUTO_TEST_CASE(functional_grad_leaves_dot_grad_alone) {
    Tensor x = scalar(3.0, float64).requires_grad_();
    Tensor y = x * x * x;
    const auto g = grad({y}, {x});
    BOOST_TEST(g[0].item() == 27.0);  // 3x²
    BOOST_TEST(!x.grad().defined());
    Tensor unused = scalar(1.0).requires_grad_();
    CHECK_THROWS_WITH(grad({x * 2.0}, {unused}), AutogradError, "was not used");
    GradOptions allow;
    allow.allow_unused = true;
    BOOST_TEST(!grad({x * 2.0}, {unused}, {}, allow)[0].defined());
}

BOOST_AUTO_TEST_CASE(grad_with_respect_to_a_non_leaf) {
    Tensor x = scalar(2.0, float64).requires_grad_();
    Tensor h = x * x;
    Tensor y = h * 5.0;
    BOOST_TEST(grad({y}, {h})[0].item() == 5.0);
}

BOOST_AUTO_TEST_CASE(second_derivative_of_cube) {
    // y = x³: y' = 3x², y'' = 6x; at x = 2: 12, 12
    Tensor x = scalar(2.0, float64).requires_grad_();
    Tensor y = pow(x, 3.0);
    GradOptions keep;
    keep.create_graph = true;
    Tensor dy = grad({y}, {x}, {}, keep)[0];
    BOOST_TEST(dy.item() == 12.0);
    Tensor d2y = grad({dy}, {x})[0];
    BOOST_TEST(d2y.item() == 12.0, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(second_derivative_of_tanh_and_sigmoid) {
    // tanh'' = -2 tanh (1 - tanh²); σ'' = σ(1-σ)(1-2σ)
    const double x0 = 0.7;
    GradOptions keep;
    keep.create_graph = true;
    Tensor x = scalar(x0, float64).requires_grad_();
    Tensor t = xgrad::tanh(x);
    Tensor d2t = grad({grad({t}, {x}, {}, keep)[0]}, {x})[0];
    const double th = std::tanh(x0);
    BOOST_TEST(d2t.item() == -2 * th * (1 - th * th), boost::test_tools::tolerance(1e-12));
    Tensor s = sigmoid(x);
    Tensor d2s = grad({grad({s}, {x}, {}, keep)[0]}, {x})[0];
    const double sg = 1 / (1 + std::exp(-x0));
    BOOST_TEST(d2s.item() == sg * (1 - sg) * (1 - 2 * sg), boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(backward_with_create_graph_then_differentiate_grad) {
    Tensor x = scalar(1.5, float64).requires_grad_();
    Tensor y = x * x * x;
    y.backward(Tensor(), false, /*create_graph=*/true);
    Tensor g = x.grad();  // 3x², with history
    BOOST_TEST(g.requires_grad());
    BOOST_TEST(grad({g}, {x})[0].item() == 9.0, boost::test_tools::tolerance(1e-12));  // 6x
    // x.grad() holds a graph that holds x: the documented cycle, which only
    // zero_grad() breaks (LeakSanitizer reports x's graph otherwise).
    BOOST_TEST(x.grad().grad_fn() != nullptr);
    x.zero_grad();
    BOOST_TEST(!x.grad().defined());
}

BOOST_AUTO_TEST_CASE(long_chain_does_not_overflow_the_stack) {
    Tensor x = ones({1, 4}).requires_grad_();
    Tensor y = x;
    for (int i = 0; i < 10000; ++i) y = y * 1.0001;
    y.sum().backward();
    BOOST_TEST(x.grad().data<float>()[0] == std::pow(1.0001, 10000), boost::test_tools::tolerance(1e-3));
    // Destroying a 10,000-node graph must not recurse either.
    Tensor z = x;
    for (int i = 0; i < 100000; ++i) z = z + 1.0;
}

struct Cube : Function<Cube> {
    static constexpr const char* name = "cube";
    static Tensor forward(FunctionContext& ctx, const Tensor& x) {
        ctx.save_for_backward({x});
        return x * x * x;
    }
    static std::vector<Tensor> backward(FunctionContext& ctx, const std::vector<Tensor>& g) {
        const Tensor x = ctx.saved_tensors()[0];
        return {g[0] * 3.0 * x * x};
    }
};

// Holds a backward pass open until the test lets it go.
std::promise<void>* gate_entered = nullptr;
std::shared_future<void> gate_release;
struct Gate : Function<Gate> {
    static constexpr const char* name = "gate";
    static Tensor forward(FunctionContext&, const Tensor& x) { return x * 1.0; }
    static std::vector<Tensor> backward(FunctionContext&, const std::vector<Tensor>& g) {
        gate_entered->set_value();
        gate_release.wait();
        return {g[0]};
    }
};

struct WrongCount : Function<WrongCount> {
    static Tensor forward(FunctionContext&, const Tensor& x) { return x * 2.0; }
    static std::vector<Tensor> backward(FunctionContext&, const std::vector<Tensor>& g) { return {g[0], g[0]}; }
};

struct ScaledSum : Function<ScaledSum> {
    // Non-tensor arguments pass through; outputs may be saved.
    static Tensor forward(FunctionContext& ctx, const Tensor& a, double k, const Tensor& b) {
        Tensor out = (a + b) * k;
        ctx.saved_data["k"] = k;
        ctx.save_for_backward({out});
        return out;
    }
    static std::vector<Tensor> backward(FunctionContext& ctx, const std::vector<Tensor>& g) {
        const double k = std::any_cast<double>(ctx.saved_data["k"]);
        BOOST_TEST(ctx.saved_tensors()[0].defined());
        return {g[0] * k, g[0] * k};
    }
};

BOOST_AUTO_TEST_CASE(gradient_hook_on_a_non_leaf_sees_and_replaces) {
    // z = Σ y², y = 2x: dz/dy = 2y = [4, 8, 12], dz/dx = 2 · dz/dy.
    Tensor x = tensor({1.0, 2.0, 3.0}, float64).requires_grad_();
    Tensor y = x * 2.0;
    std::vector<double> seen;
    HookHandle observe = y.register_hook([&](const Tensor& g) {
        seen = values(g);
        return Tensor();
    });
    y.retain_grad();
    (y * y).sum().backward(Tensor(), true);
    BOOST_TEST(seen == std::vector<double>({4, 8, 12}), boost::test_tools::per_element());
    BOOST_TEST(values(x.grad()) == std::vector<double>({8, 16, 24}), boost::test_tools::per_element());

    // Hooks chain in registration order: (g + 1) · 3; .grad and retain_grad see the result.
    y.register_hook([](const Tensor& g) { return g + 1.0; });
    y.register_hook([](const Tensor& g) { return g * 3.0; });
    observe.remove();
    observe.remove();  // harmless
    seen.clear();
    x.zero_grad();
    y.zero_grad();
    (y * y).sum().backward();
    BOOST_TEST(seen.empty());
    BOOST_TEST(values(y.grad()) == std::vector<double>({15, 27, 39}), boost::test_tools::per_element());
    BOOST_TEST(values(x.grad()) == std::vector<double>({30, 54, 78}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(gradient_hook_on_a_leaf_runs_for_backward_and_grad) {
    Tensor x = tensor({1.0, -1.0}, float64).requires_grad_();
    int calls = 0;
    HookHandle h = x.register_hook([&](const Tensor& g) {
        ++calls;
        return g * 10.0;
    });
    (x * 3.0).sum().backward();
    (x * 3.0).sum().backward();  // the hook sees each pass's gradient, not the sum
    BOOST_TEST(calls == 2);
    BOOST_TEST(values(x.grad()) == std::vector<double>({60, 60}), boost::test_tools::per_element());
    const Tensor dx = grad({(x * x).sum()}, {x})[0];
    BOOST_TEST(values(dx) == std::vector<double>({20, -20}), boost::test_tools::per_element());
    h.remove();
    x.zero_grad();
    (x * 3.0).sum().backward();
    BOOST_TEST(calls == 3);
    BOOST_TEST(values(x.grad()) == std::vector<double>({3, 3}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(gradient_hook_errors_and_self_removal) {
    Tensor plain = tensor({1.0});
    CHECK_THROWS_WITH(plain.register_hook([](const Tensor&) { return Tensor(); }), AutogradError,
                      "register_hook: the tensor does not require grad");
    Tensor x = tensor({1.0, 2.0}).requires_grad_();
    Tensor y = x * 2.0;
    y.register_hook([](const Tensor&) { return zeros({3}); });
    CHECK_THROWS_WITH(y.sum().backward(), ShapeError, "gradient hook returned shape [3] for a gradient of shape [2]");

    // A hook may remove itself while it runs; the handle may outlive the tensor.
    HookHandle once;
    int calls = 0;
    once = x.register_hook([&](const Tensor&) {
        ++calls;
        once.remove();
        return Tensor();
    });
    (x * 1.0).sum().backward();
    (x * 1.0).sum().backward();
    BOOST_TEST(calls == 1);
    HookHandle orphan;
    {
        Tensor z = tensor({1.0}).requires_grad_();
        orphan = z.register_hook([](const Tensor&) { return Tensor(); });
    }
    orphan.remove();
}

BOOST_AUTO_TEST_CASE(custom_function) {
    Tensor x = scalar(2.0, float64).requires_grad_();
    Tensor y = Cube::apply(x);
    BOOST_TEST(y.item() == 8.0);
    BOOST_TEST(std::string(y.grad_fn()->name()) == "cube");
    y.backward();
    BOOST_TEST(x.grad().item() == 12.0);
    CHECK_GRADCHECK("cube", [](const std::vector<Tensor>& in) { return Cube::apply(in[0]); }, {randn({3, 2})});
    CHECK_GRADGRADCHECK("cube", [](const std::vector<Tensor>& in) { return Cube::apply(in[0]); }, {randn({3})});

    Tensor a = tensor({1.0, 2.0}).requires_grad_();
    Tensor b = tensor({3.0, 4.0}).requires_grad_();
    ScaledSum::apply(a, 3.0, b).sum().backward();
    BOOST_TEST(values(a.grad()) == std::vector<double>({3, 3}), boost::test_tools::per_element());
    BOOST_TEST(values(b.grad()) == std::vector<double>({3, 3}), boost::test_tools::per_element());

    Tensor w = tensor({1.0}).requires_grad_();
    CHECK_THROWS_WITH(WrongCount::apply(w).sum().backward(), AutogradError,
                      "backward returned 2 gradients, expected 1");
}

BOOST_AUTO_TEST_CASE(builtin_op_as_a_function_matches) {
    // The built-in mul and the same rule written through the public Function API agree.
    struct Mul : Function<Mul> {
        static Tensor forward(FunctionContext& ctx, const Tensor& a, const Tensor& b) {
            ctx.save_for_backward({a, b});
            return mul(a, b);
        }
        static std::vector<Tensor> backward(FunctionContext& ctx, const std::vector<Tensor>& g) {
            const auto s = ctx.saved_tensors();
            return {g[0] * s[1], g[0] * s[0]};
        }
    };
    const Tensor a0 = randn({4}, float64), b0 = randn({4}, float64);
    Tensor a1 = a0.clone().requires_grad_(), b1 = b0.clone().requires_grad_();
    Tensor a2 = a0.clone().requires_grad_(), b2 = b0.clone().requires_grad_();
    mul(a1, b1).sum().backward();
    Mul::apply(a2, b2).sum().backward();
    BOOST_TEST(values(a1.grad()) == values(a2.grad()), boost::test_tools::per_element());
    BOOST_TEST(values(b1.grad()) == values(b2.grad()), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(gradcheck_reports_a_wrong_gradient) {
    struct BadSquare : Function<BadSquare> {
        static Tensor forward(FunctionContext& ctx, const Tensor& x) {
            ctx.save_for_backward({x});
            return x * x;
        }
        static std::vector<Tensor> backward(FunctionContext& ctx, const std::vector<Tensor>& g) {
            return {g[0] * 3.0 * ctx.saved_tensors()[0]};  // wrong: should be 2x
        }
    };
    const auto r = gradcheck([](const std::vector<Tensor>& in) { return BadSquare::apply(in[0]); },
                             {tensor({1.0, 2.0})});
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.inputs.size() == 1u);
    BOOST_TEST(r.inputs[0].max_rel_error == 0.5, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(r.message.find("input 0 (shape [2])") != std::string::npos);
}

// A graph is differentiated by one thread at a time: a second thread that
// reaches a node of a running backward pass gets an AutogradError (the
// engine's per-pass counts live on the nodes).
BOOST_AUTO_TEST_CASE(second_thread_in_a_running_backward_pass_is_an_error) {
    Tensor x = tensor({1.0, 2.0}, float64).requires_grad_();
    const Tensor shared = Gate::apply(x) * 2.0;  // both outputs depend on this node
    const Tensor a = sum(shared * 3.0), b = sum(shared * 5.0);
    std::promise<void> entered, release;
    gate_entered = &entered;
    gate_release = release.get_future().share();
    std::thread first([&] { a.backward(); });
    entered.get_future().wait();  // the first pass is inside Gate's backward
    std::string error;
    try {
        b.backward();
    } catch (const AutogradError& e) {
        error = e.what();
    }
    release.set_value();
    first.join();
    BOOST_TEST(error.find("is in a backward pass running in another thread") != std::string::npos, error);
    BOOST_TEST(values(x.grad()) == std::vector<double>({6.0, 6.0}), boost::test_tools::per_element());
    // Once the first pass is over, the graph is free again.
    x.zero_grad();
    std::promise<void> entered_again;
    gate_entered = &entered_again;
    const Tensor c = sum(Gate::apply(x) * 4.0);
    c.backward();
    BOOST_TEST(values(x.grad()) == std::vector<double>({4.0, 4.0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
