#include <algorithm>
#include <chrono>

#include "../test_helpers.hpp"

using namespace xgrad;
using namespace xgrad::nn;
using xgrad_test::values;

namespace {
Sequential notebook_mlp() {
    return Sequential{Flatten({28, 28}), Dense(300, "relu"), Dense(100, "relu"), Dense(10, "softmax")};
}
std::int64_t numel_of(const std::vector<Tensor>& ts) {
    std::int64_t n = 0;
    for (const Tensor& t : ts) n += t.numel();
    return n;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(nn_module)

// Names come from registration, never from a process-wide counter: a layer
// is its type in snake_case until a model makes it unique within itself.
BOOST_AUTO_TEST_CASE(keras_style_names_unique_per_model) {
    Dense a(2), b(2);
    BOOST_TEST(a.name() == "dense");
    BOOST_TEST(b.name() == "dense");  // used to be dense_1: a global counter
    BOOST_TEST(Flatten().name() == "flatten");
    BOOST_TEST(BatchNormalization().name() == "batch_normalization");
    b.set_name("output");
    BOOST_TEST(b.name() == "output");
    BOOST_TEST(Sequential().name() == "sequential");
    Sequential model{Dense(2).input_shape({3}), Dense(2), Dense(2).set_name("head"), Dense(2)};
    BOOST_TEST((model.child_names() == std::vector<std::string>{"dense", "dense_1", "head", "dense_2"}));
    BOOST_TEST(model[1]->name() == "dense_1");
    BOOST_TEST(model.summary().find("dense_2 (Dense)") != std::string::npos);
}

// Step 13, finding 5: add() scanned every taken name for each candidate and
// tried flatten_1, flatten_2, … from the start, so n alike layers took time
// cubic in n (a file of 200k layers loaded in 76 s, one of 10^6 never).
BOOST_AUTO_TEST_CASE(many_alike_layers_are_named_in_linear_time) {
    constexpr std::size_t n = 100'000;
    const auto start = std::chrono::steady_clock::now();
    Sequential model;
    for (std::size_t i = 0; i < n; ++i) model.add(Flatten());
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    BOOST_TEST(model.size() == n);
    BOOST_TEST(model.child_names()[1] == "flatten_1");
    BOOST_TEST(model.child_names().back() == "flatten_" + std::to_string(n - 1));
    BOOST_TEST(model[-1]->name() == "flatten_" + std::to_string(n - 1));
    BOOST_TEST(took.count() < 10.0, "adding " << n << " layers took " << took.count() << " s");
}

// The suffix search resumes where it stopped, yet a name pop() frees is the
// next one given, as when every add() searched from dense_1.
BOOST_AUTO_TEST_CASE(pop_frees_the_name_for_the_next_alike_layer) {
    Sequential model{Dense(2).set_name("dense_1"), Dense(2), Dense(2), Dense(2)};
    BOOST_TEST((model.child_names() == std::vector<std::string>{"dense_1", "dense", "dense_2", "dense_3"}));
    model.pop();
    model.pop();
    model.add(Dense(2));
    model.add(Dense(2));
    BOOST_TEST((model.child_names() == std::vector<std::string>{"dense_1", "dense", "dense_2", "dense_3"}));
    model.pop();
    model.pop();
    model.pop();
    model.pop();
    model.add(Dense(2));
    model.add(Dense(2));
    BOOST_TEST((model.child_names() == std::vector<std::string>{"dense", "dense_1"}));
}

// Finding 1 of the step-7 review: a second identical model got other keys
// (res_mlp_1.*), so load_state_dict from one into the other threw.
BOOST_AUTO_TEST_CASE(identical_models_have_identical_keys) {
    Sequential a = notebook_mlp(), b = notebook_mlp();
    a(zeros({1, 28, 28}));
    b(zeros({1, 28, 28}));
    std::vector<std::string> ka, kb;
    for (const auto& [k, t] : a.state_dict()) ka.push_back(k);
    for (const auto& [k, t] : b.state_dict()) kb.push_back(k);
    BOOST_TEST(ka == kb, boost::test_tools::per_element());
    BOOST_TEST(ka[0] == "dense.bias");
    b.load_state_dict(a.state_dict());
    const Tensor x = randn({2, 28, 28});
    BOOST_TEST(values(a(x)) == values(b(x)), boost::test_tools::per_element());
}

namespace {
/// A user model: a residual block around typed children, and a weight of its own.
class ResidualBlock : public Cloneable<ResidualBlock> {
public:
    explicit ResidualBlock(bool own_weight = false) : Cloneable("ResidualBlock") {
        fc_ = register_module("fc", Dense(3, "tanh"));
        out_ = register_module("out", Dense(2));
        if (own_weight) register_parameter("scale", ones({3}));
    }
    Tensor forward(const Tensor& x, bool) override {
        const Tensor h = x + (*fc_)(x);
        return (*out_)(has_weight("scale") ? h * weight("scale") : h);
    }
    const Child<Dense>& fc() const { return fc_; }

private:
    Child<Dense> fc_, out_;
};
}  // namespace

// Keys are the registration path, every level, whatever the parent holds
// itself (adding "scale" used to rename dense.kernel to two.dense.kernel).
BOOST_AUTO_TEST_CASE(keys_are_registration_paths) {
    ResidualBlock plain, with_scale(true);
    plain(zeros({1, 3}));
    with_scale(zeros({1, 3}));
    std::vector<std::string> keys;
    for (const auto& [name, t] : with_scale.named_parameters()) keys.push_back(name);
    BOOST_TEST((keys == std::vector<std::string>{"scale", "fc.kernel", "fc.bias", "out.kernel", "out.bias"}));
    BOOST_TEST(plain.named_parameters()[0].name == "fc.kernel");
    Sequential outer{ResidualBlock(), Dense(1)};
    outer(zeros({1, 3}));
    BOOST_TEST(outer.named_parameters()[0].name == "residual_block.fc.kernel");
    BOOST_TEST(outer.named_parameters().back().name == "dense.bias");
    CHECK_THROWS_WITH(plain.register_module("fc", Dense(1)), ValueError, "the name 'fc' is already taken");
    CHECK_THROWS_WITH(plain.register_module("a.b", Dense(1)), ValueError, "invalid child name 'a.b'");
    CHECK_THROWS_WITH(plain.register_parameter("fc", ones({1})), ValueError, "the name 'fc' is already taken");
}

// Finding 2: clone() copied the object, but the user's typed handles still
// pointed at the original's layers, so the clone computed with old weights.
BOOST_AUTO_TEST_CASE(clone_of_a_user_model_owns_its_children) {
    ResidualBlock original;
    const Tensor x = randn({4, 3});
    const Tensor before = original(x);
    auto copy = std::dynamic_pointer_cast<ResidualBlock>(original.clone());
    BOOST_TEST_REQUIRE(copy);
    BOOST_TEST(copy->fc().ptr() == copy->children()[0]);  // the handle points into the copy
    BOOST_TEST(copy->fc().ptr() != original.fc().ptr());
    BOOST_TEST(values((*copy)(x)) == values(before), boost::test_tools::per_element());
    {
        NoGradGuard no_grad;
        copy->fc()->weight("kernel").fill_(0.0);
    }
    BOOST_TEST(values(original(x)) == values(before), boost::test_tools::per_element());
    BOOST_TEST(values((*copy)(x)) != values(before));
    // A layer shared twice within a model stays shared, once, in the copy.
    auto shared = std::make_shared<Dense>(3, "tanh");
    Sequential twice{shared, shared};
    twice(zeros({1, 3}));
    auto twice_copy = std::dynamic_pointer_cast<Sequential>(twice.clone());
    BOOST_TEST((*twice_copy)[0] == (*twice_copy)[1]);
    BOOST_TEST((*twice_copy)[0] != shared);
}

namespace {
/// A model whose forward takes two tensors.
class Masked : public Cloneable<Masked> {
public:
    Masked() : Cloneable("Masked") { drop_ = register_module("drop", Dropout(0.5)); }
    Tensor forward(const Tensor& x, const Tensor& mask) { return (*drop_)(x) * mask; }

private:
    Child<Dropout> drop_;
};

/// Calls its Dropout child without passing any mode flag down.
class DropInside : public Cloneable<DropInside> {
public:
    DropInside() : Cloneable("DropInside") { drop_ = register_module("drop", Dropout(0.5)); }
    Tensor forward(const Tensor& x, bool) override { return (*drop_)(x); }

private:
    Child<Dropout> drop_;
};

double kept_fraction(const Tensor& y) { return (y > 0.0).to(float32).mean().item(); }
}  // namespace

// Any forward signature; the single-tensor forward(x, training) is only what
// Sequential needs.
BOOST_AUTO_TEST_CASE(any_forward_signature) {
    Masked m;
    m.eval();
    const Tensor x = ones({1, 1000}), mask = full({1, 1000}, 2.0);
    BOOST_TEST(values(m.forward(x, mask)) == std::vector<double>(1000, 2.0), boost::test_tools::per_element());
    Sequential wrong{Masked()};
    CHECK_THROWS_WITH(wrong(x), ValueError,
                      "masked (Masked) has no forward(x, training), so it cannot be called with one tensor");
}

// The mode of model(x, training) reaches every module the call runs (Keras'
// call context); model(x) uses the model's own train()/eval() mode.
BOOST_AUTO_TEST_CASE(mode_of_the_call_reaches_children) {
    DropInside m;
    m.eval();
    const Tensor x = ones({1, 2000});
    const double kept = kept_fraction(m(x, true));
    BOOST_TEST(kept > 0.4);  // dropout active: the call says training, the module is in eval mode
    BOOST_TEST(kept < 0.6);
    BOOST_TEST(kept_fraction(m(x, false)) == 1.0);
    BOOST_TEST(kept_fraction(m(x)) == 1.0);
    m.train();
    BOOST_TEST(kept_fraction(m(x)) < 0.6);
    BOOST_TEST(kept_fraction(m(x, false)) == 1.0);  // MC-dropout style override, the other way
    BOOST_TEST(m.is_training());                    // outside a call: the module's own mode
}

BOOST_AUTO_TEST_CASE(summary_counts_of_the_notebook_mlp) {
    Sequential model = notebook_mlp();
    BOOST_TEST(model[1]->count_params() == 235500);  // 784·300 + 300
    BOOST_TEST(model[2]->count_params() == 30100);
    BOOST_TEST(model[3]->count_params() == 1010);
    BOOST_TEST(model.count_params() == 266610);
    const std::string s = model.summary();
    BOOST_TEST(s.find("dense_1 (Dense)") != std::string::npos);
    BOOST_TEST(s.find("(None, 784)") != std::string::npos);
    BOOST_TEST(s.find("Total params: 266,610 (1.02 MB)") != std::string::npos);
    BOOST_TEST(s.find("Non-trainable params: 0 (0.00 B)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(hierarchical_parameter_names) {
    Sequential model = notebook_mlp();
    const auto named = model.named_parameters();
    BOOST_TEST_REQUIRE(named.size() == 6u);
    BOOST_TEST(named[0].name == "dense.kernel");
    BOOST_TEST(named[3].name == "dense_1.bias");
    BOOST_TEST((named[4].tensor.shape() == Shape{100, 10}));
    const auto state = model.state_dict();
    BOOST_TEST(state.count("dense_2.kernel") == 1u);
}

BOOST_AUTO_TEST_CASE(lazy_build_on_first_call) {
    Dense d(4, "tanh");
    BOOST_TEST(!d.built());
    CHECK_THROWS_WITH(d.weight("kernel"), ValueError, "not built yet");
    const Tensor y = d(ones({2, 3}));
    BOOST_TEST(d.built());
    BOOST_TEST((y.shape() == Shape{2, 4}));
    BOOST_TEST((d.weight("kernel").shape() == Shape{3, 4}));
    CHECK_THROWS_WITH(d(ones({2, 5})), ShapeError, "(Dense): expected input [*, 3], got [2,5]");
}

BOOST_AUTO_TEST_CASE(dense_computes_x_w_plus_b) {
    Dense d(2, "linear", "ones");
    d.ensure_built({-1, 3});
    d.weight("bias").copy_(tensor({0.5, -1.0}));
    // [1, 2, 3] · ones(3, 2) + [0.5, -1] = [6.5, 5]
    BOOST_TEST(values(d(tensor({{1, 2, 3}}))) == std::vector<double>({6.5, 5}), boost::test_tools::per_element());
    Dense no_bias(2, "relu", "ones");
    no_bias.use_bias(false);
    BOOST_TEST(values(no_bias(tensor({{-1, -2, 1}}))) == std::vector<double>({0, 0}), boost::test_tools::per_element());
    BOOST_TEST(no_bias.parameters().size() == 1u);
}

BOOST_AUTO_TEST_CASE(dense_gradcheck) {
    Dense d(3, "tanh");
    d.to(float64);
    d.ensure_built({-1, 4});
    const Tensor kernel = d.weight("kernel"), bias = d.weight("bias");
    CHECK_GRADCHECK("dense", [&](const std::vector<Tensor>& v) {
        d.weight("kernel") = v[1];
        d.weight("bias") = v[2];
        return d(v[0]);
    }, {randn({5, 4}, float64), kernel, bias});
}

BOOST_AUTO_TEST_CASE(flatten_and_sequential_gradcheck) {
    Flatten f;
    BOOST_TEST((f(zeros({2, 3, 4})).shape() == Shape{2, 12}));
    BOOST_TEST((f.output_shape({-1, 28, 28}) == Shape{-1, 784}));
    CHECK_GRADCHECK("flatten", [&](const std::vector<Tensor>& v) { return f(v[0]); }, {randn({2, 3, 4}, float64)});
    // A whole model, in training and inference mode (identical for these layers).
    Sequential model{Flatten({2, 3}), Dense(4, "tanh"), Dense(2, "softmax")};
    model.to(float64);
    for (bool training : {true, false}) {
        CHECK_GRADCHECK("sequential", [&](const std::vector<Tensor>& v) { return model(v[0], training); },
                        {randn({3, 2, 3}, float64)});
    }
}

BOOST_AUTO_TEST_CASE(train_and_eval_propagate) {
    Sequential model = notebook_mlp();
    model.eval();
    for (const auto& layer : model) BOOST_TEST(!layer->is_training());
    model.train();
    for (const auto& layer : model) BOOST_TEST(layer->is_training());
}

BOOST_AUTO_TEST_CASE(freezing_moves_counts_and_stops_gradients) {
    Sequential model = notebook_mlp();
    model[1]->set_trainable(false);
    BOOST_TEST(numel_of(model.trainable_parameters()) == 30100 + 1010);
    BOOST_TEST(numel_of(model.non_trainable_parameters()) == 235500);
    BOOST_TEST(model.summary().find("Non-trainable params: 235,500") != std::string::npos);
    mean(model(randn({4, 28, 28}))).backward();
    BOOST_TEST(!model[1]->weight("kernel").grad().defined());
    BOOST_TEST(model[2]->weight("kernel").grad().defined());
    // Unfreezing works in place, without rebuilding.
    model[1]->set_trainable(true);
    mean(model(randn({4, 28, 28}))).backward();
    BOOST_TEST(model[1]->weight("kernel").grad().defined());
}

BOOST_AUTO_TEST_CASE(sequential_from_layers_shares_them_clone_does_not) {
    Sequential model_a = notebook_mlp();
    Sequential shared(model_a.layers().begin(), model_a.layers().end() - 1);
    shared.add(Dense(1, "sigmoid"));
    BOOST_TEST(shared[1].get() == model_a[1].get());
    {
        NoGradGuard no_grad;
        Tensor k = shared[1]->weight("kernel");
        k.fill_(0.25);
    }
    BOOST_TEST(model_a[1]->weight("kernel").data<float>()[0] == 0.25f);  // the notebook's pitfall

    auto copy = std::dynamic_pointer_cast<Sequential>(model_a.clone());
    BOOST_TEST_REQUIRE(copy);
    BOOST_TEST(copy->size() == 4u);
    BOOST_TEST(copy->layers()[1].get() != model_a[1].get());
    BOOST_TEST(values(copy->layers()[1]->weight("kernel")) == values(model_a[1]->weight("kernel")),
               boost::test_tools::per_element());
    {
        NoGradGuard no_grad;
        Tensor k = copy->layers()[1]->weight("kernel");
        k.fill_(9.0);
    }
    BOOST_TEST(model_a[1]->weight("kernel").data<float>()[0] == 0.25f);
    BOOST_TEST(copy->layers()[1]->weight("kernel").requires_grad());
}

BOOST_AUTO_TEST_CASE(get_and_set_weights) {
    Sequential a = notebook_mlp(), b = notebook_mlp();
    b.set_weights(a.get_weights());
    const Tensor x = randn({3, 28, 28});
    BOOST_TEST(values(a(x)) == values(b(x)), boost::test_tools::per_element());
    auto w = a.get_weights();
    w.pop_back();
    CHECK_THROWS_WITH(b.set_weights(w), ValueError, "set_weights got 5 arrays, the layer has 6 weights");
    w = a.get_weights();
    w[0] = zeros({2, 2});
    CHECK_THROWS_WITH(b.set_weights(w), ShapeError, "has shape [784,300] but the value has [2,2]");
}

BOOST_AUTO_TEST_CASE(load_state_dict_checks_names_and_shapes) {
    Sequential a = notebook_mlp();
    auto state = a.state_dict();
    state["dense.kernel"] = zeros({784, 300});
    a.load_state_dict(state);
    BOOST_TEST(a[1]->weight("kernel").sum().item() == 0.0);
    state.erase("dense.bias");
    CHECK_THROWS_WITH(a.load_state_dict(state), ValueError, "missing weight 'dense.bias'");
    state = a.state_dict();
    state["extra.kernel"] = zeros({1});
    CHECK_THROWS_WITH(a.load_state_dict(state), ValueError, "unexpected weight 'extra.kernel'");
    state = a.state_dict();
    state["dense_2.bias"] = zeros({3});
    CHECK_THROWS_WITH(a.load_state_dict(state), ShapeError, "'dense_2.bias' has shape [10] but the value has [3]");
}

// Step 13, finding 7: values were copied in name order while checking, so a
// mismatch in the last weight threw after every other weight was replaced.
BOOST_AUTO_TEST_CASE(failed_load_state_dict_changes_no_weight) {
    Sequential model = notebook_mlp();
    model(zeros({1, 28, 28}));
    std::map<std::string, std::vector<double>> before;
    for (const auto& [name, t] : model.state_dict()) before.emplace(name, values(t));
    const auto unchanged = [&] {
        for (const auto& [name, t] : model.state_dict()) {
            BOOST_TEST_INFO(name);
            BOOST_TEST(values(t) == before.at(name), boost::test_tools::per_element());
        }
    };
    std::map<std::string, Tensor> state;
    for (const auto& [name, t] : model.state_dict()) state.emplace(name, full(t.shape(), 7.0, t.dtype()));
    BOOST_REQUIRE(state.rbegin()->first == "dense_2.kernel");  // the last one copied
    state["dense_2.kernel"] = zeros({100, 9});
    CHECK_THROWS_WITH(model.load_state_dict(state), ShapeError,
                      "'dense_2.kernel' has shape [100,10] but the value has [100,9]");
    unchanged();
    CHECK_THROWS_WITH(model.check_state_dict(state), ShapeError, "'dense_2.kernel'");
    unchanged();
    state["dense_2.kernel"] = zeros({100, 10}, float64);  // converted to the weight's float32
    model.check_state_dict(state);
    unchanged();
    model.load_state_dict(state);
    BOOST_TEST(values(model[1]->weight("kernel")).front() == 7.0);
    BOOST_TEST(values(model[3]->weight("kernel")).back() == 0.0);
}

BOOST_AUTO_TEST_CASE(indexing_and_layer_access) {
    Sequential model = notebook_mlp();
    BOOST_TEST(model.size() == 4u);
    BOOST_TEST(model[-1]->type_name() == "Dense");
    BOOST_TEST(model.layer<Dense>(-1)->units() == 10);
    CHECK_THROWS_WITH(model[4], IndexError, "layer index 4 out of range for 4 layers");
    CHECK_THROWS_WITH(model.layer<Dense>(0), ValueError, "layer 0 is a Flatten");
    model.pop();
    BOOST_TEST(model.size() == 3u);
}

BOOST_AUTO_TEST_CASE(regularizer_losses_and_max_norm) {
    Dense d(2, "linear", "ones");
    d.kernel_regularizer(L2(0.01)).bias_regularizer(L1(0.5)).kernel_constraint(MaxNorm(1.0));
    d.ensure_built({-1, 3});
    d.weight("bias").copy_(tensor({1.0, -2.0}));
    const auto losses = d.losses();
    BOOST_TEST_REQUIRE(losses.size() == 2u);
    BOOST_TEST(losses[0].item() == 0.06, boost::test_tools::tolerance(1e-6));  // 0.01 · 6 ones²
    BOOST_TEST(losses[1].item() == 1.5, boost::test_tools::tolerance(1e-6));   // 0.5 · (|1| + |−2|)
    Sequential model{Dense(2)};
    BOOST_TEST(model.losses().empty());
    // Each column of ones(3, 2) has norm √3 > 1: rescaled to norm 1 (Keras: w · 1/(1e-7 + √3)).
    d.apply_constraints();
    BOOST_TEST(d.weight("kernel").data<float>()[0] == 1 / (1e-7 + std::sqrt(3.0)), boost::test_tools::tolerance(1e-6));
    BOOST_TEST(L1L2(0.1, 0.2)(tensor({1.0, -2.0})).item() == 0.1 * 3 + 0.2 * 5, boost::test_tools::tolerance(1e-6));
    CHECK_THROWS_WITH(RegularizerRef("l3"), ValueError, "unknown regularizer 'l3'");
}

BOOST_AUTO_TEST_CASE(forward_and_backward_hooks) {
    Sequential model{Dense(3, "relu", "ones"), Dense(2, "linear", "ones")};
    model.ensure_built({-1, 2});
    std::vector<std::string> order;
    std::vector<HookHandle> handles;
    for (const ModulePtr& layer : model.children()) {
        handles.push_back(layer->register_forward_hook([&](Module& m, const Tensor& in, const Tensor& out) {
            order.push_back(m.name() + to_string(in.shape()) + to_string(out.shape()));
        }));
    }
    std::vector<double> grad_of_output;
    HookHandle backward = model[1]->register_backward_hook([&](Module& m, const Tensor& g) {
        BOOST_TEST(m.name() == "dense_1");
        grad_of_output = values(g);
    });
    const Tensor x = tensor({{1.0, 2.0}});
    // out = [9, 9] (ones kernels, zero biases: h = [3, 3, 3]); loss = Σ out² → d loss/d out = 2 out.
    const Tensor out = model(x, true);
    BOOST_TEST(order == std::vector<std::string>({"dense[1,2][1,3]", "dense_1[1,3][1,2]"}),
               boost::test_tools::per_element());
    (out * out).sum().backward();
    BOOST_TEST(grad_of_output == std::vector<double>({18, 18}), boost::test_tools::per_element());

    // Removed hooks stay silent; a clone starts without hooks; no graph, no backward hook.
    for (HookHandle& h : handles) h.remove();
    order.clear();
    grad_of_output.clear();
    const ModulePtr copy = model.clone();
    (*copy)(x, true).sum().backward();
    BOOST_TEST(grad_of_output.empty());
    {
        NoGradGuard no_grad;
        model(x, false);
    }
    BOOST_TEST(order.empty());
    BOOST_TEST(grad_of_output.empty());
    backward.remove();
    model(x, true).sum().backward();
    BOOST_TEST(grad_of_output.empty());
    CHECK_THROWS_WITH(model.register_forward_hook(nullptr), ValueError, "register_forward_hook: the hook is empty");
}

namespace {
// A subclassed module with two inputs and two outputs: {a * w + b, a - b}.
class TwoInTwoOut : public Cloneable<TwoInTwoOut> {
public:
    TwoInTwoOut() : Cloneable("TwoInTwoOut") { register_parameter("w", tensor({2.0, 3.0})); }
    std::vector<Tensor> forward_many(const std::vector<Tensor>& in, bool training) override {
        saw_training = training;
        saw_mode = is_training();
        return {in.at(0) * weight("w") + in.at(1), in.at(0) - in.at(1)};
    }
    std::vector<std::string> input_names() const override { return {"left", "right"}; }
    std::vector<std::string> output_names() const override { return {"sum", "diff"}; }
    bool saw_training = false;
    bool saw_mode = false;
};
}  // namespace

// Step 16: Module's several-inputs / several-outputs call.
BOOST_AUTO_TEST_CASE(several_inputs_and_outputs) {
    TwoInTwoOut m;
    m.eval();
    const Tensor a = tensor({{1.0, 2.0}, {3.0, 4.0}}), b = tensor({{10.0, 20.0}, {30.0, 40.0}});
    std::vector<Tensor> out = m({a, b});
    BOOST_TEST(out.size() == 2u);
    BOOST_TEST(values(out[0]) == std::vector<double>({12, 26, 36, 52}), boost::test_tools::per_element());
    BOOST_TEST(values(out[1]) == std::vector<double>({-9, -18, -27, -36}), boost::test_tools::per_element());
    BOOST_TEST(!m.saw_training);
    // An explicit mode holds inside, as for model(x, training).
    out = m({a, b}, true);
    BOOST_TEST(m.saw_training);
    BOOST_TEST(m.saw_mode);
    BOOST_TEST(!m.is_training());
    BOOST_TEST((m.input_names() == std::vector<std::string>{"left", "right"}));
    BOOST_TEST((m.output_names() == std::vector<std::string>{"sum", "diff"}));
    // Gradients from both outputs reach w: d/dw Σ(a·w + b) = column sums of a.
    (out[0].sum() + out[1].sum()).backward();
    BOOST_TEST(values(m.weight("w").grad()) == std::vector<double>({4, 6}), boost::test_tools::per_element());
    // The several-shapes form of output_shape, by probing.
    const std::vector<Shape> shapes = m.output_shapes({Shape{-1, 2}, Shape{-1, 2}});
    BOOST_TEST((shapes == std::vector<Shape>{Shape{-1, 2}, Shape{-1, 2}}));

    // A one-input module called with a list: {forward(x)}, built on the way.
    // (A braced {a} picks the one-tensor call.)
    Dense dense(2, "linear", "ones");
    const std::vector<Tensor> one = dense(std::vector<Tensor>{a});
    BOOST_TEST(one.size() == 1u);
    BOOST_TEST(values(one[0]) == std::vector<double>({3, 3, 7, 7}), boost::test_tools::per_element());
    BOOST_TEST(dense.input_names().empty());
    BOOST_TEST(dense.output_names().empty());
    CHECK_THROWS_WITH(dense({a, b}), ValueError, "dense (Dense) takes one input, got 2");
    CHECK_THROWS_WITH(dense(std::vector<Tensor>{}), ValueError, "dense (Dense) called on no inputs");
    CHECK_THROWS_WITH(m(a), ValueError, "two_in_two_out (TwoInTwoOut) has no forward(x, training)");
}

// Forward hooks keep their one-tensor signature: they see a list call with
// one input and one output; backward hooks see every output's gradient.
BOOST_AUTO_TEST_CASE(hooks_on_several_outputs) {
    TwoInTwoOut m;
    Dense dense(2, "linear", "ones");
    int forward_calls = 0;
    std::vector<std::vector<double>> grads;
    const HookHandle f1 = m.register_forward_hook([&](Module&, const Tensor&, const Tensor&) { ++forward_calls; });
    const HookHandle f2 = dense.register_forward_hook([&](Module&, const Tensor& in, const Tensor& out) {
        ++forward_calls;
        BOOST_TEST(in.shape() == (Shape{1, 2}));
        BOOST_TEST(out.shape() == (Shape{1, 2}));
    });
    const HookHandle b1 = m.register_backward_hook([&](Module&, const Tensor& g) { grads.push_back(values(g)); });
    Tensor a = tensor({{1.0, 2.0}}), b = tensor({{3.0, 4.0}});
    a.requires_grad_(true);  // so that a - b has a node too
    const std::vector<Tensor> out = m({a, b});
    BOOST_TEST(forward_calls == 0);
    dense(std::vector<Tensor>{a});
    BOOST_TEST(forward_calls == 1);
    (out[0].sum() * 2.0 + out[1].sum() * 3.0).backward();
    BOOST_REQUIRE(grads.size() == 2u);
    std::sort(grads.begin(), grads.end());
    BOOST_TEST(grads[0] == std::vector<double>({2, 2}), boost::test_tools::per_element());
    BOOST_TEST(grads[1] == std::vector<double>({3, 3}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(float64_models) {
    Sequential model = notebook_mlp();
    model.to(float64);
    BOOST_TEST((model[1]->weight("kernel").dtype() == float64));
    BOOST_TEST((model(randn({2, 28, 28}, float64)).dtype() == float64));
}

BOOST_AUTO_TEST_SUITE_END()
