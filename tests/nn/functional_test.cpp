// Keras' functional API: nn::Input, layers called on symbolic tensors, nn::Model.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "../io/io_test_util.hpp"
#include "../test_helpers.hpp"

using namespace xgrad;
using namespace xgrad::nn;
using xgrad_test::values;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Two inputs, two outputs: main = dense_main(concat(relu-dense(a), b)), aux = dense_aux(b).
struct WideAndDeep {
    SymbolicTensor a = Input({3}, "a");
    SymbolicTensor b = Input({2}, "b");
    SymbolicTensor h = Dense(4, "relu")(a);
    SymbolicTensor joined = Concatenate()({h, b});  // one output: usable as the tensor
    SymbolicTensor main = Dense(1).set_name("main")(joined);
    SymbolicTensor aux = Dense(2).set_name("aux")(b);
    Model model{{a, b}, {main, aux}};
};

// in → (shared dense)(x1), (shared dense)(x2) → add.
struct SharedLayer {
    SymbolicTensor x1 = Input({2}, "x1");
    SymbolicTensor x2 = Input({2}, "x2");
    std::shared_ptr<Dense> shared = std::make_shared<Dense>(1, "linear", "ones");
    SymbolicTensor sum = Add()({(*shared)(x1), (*shared)(x2)});
    Model model{{x1, x2}, {sum}};
};

// A weight-free graph for the hostile-file cases: in → relu → add(relu, in).
std::string small_architecture() {
    const SymbolicTensor in = Input({4}, "in");
    const SymbolicTensor r = ReLU().set_name("relu")(in);
    return io::architecture_json(Model(in, Add()({r, in})));
}

// `text` with `from` replaced by `to` (which must occur).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    BOOST_TEST_REQUIRE(at != std::string::npos, "'" << from << "' not in " << text);
    return text.replace(at, from.size(), to);
}

// A safetensors file with no tensors whose architecture is `architecture`.
std::string model_file(const std::string& architecture) {
    const std::string header =
        nlohmann::json({{"__metadata__", {{"format", "pt"}, {"xgrad.architecture", architecture}}}}).dump();
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
    return bytes + header;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nn_functional)
BOOST_AUTO_TEST_CASE(a_list_call_with_one_output_is_that_tensor) {
    const SymbolicTensor a = Input({3}, "a"), b = Input({3}, "b");
    const auto added = Add()({a, b});  // SymbolicTensors of one
    const auto out = Dense(2).set_name("out")(added);
    const Model model({a, b}, {out});
    BOOST_TEST(model.output_names() == std::vector<std::string>({"out"}), boost::test_tools::per_element());
    BOOST_TEST((model.outputs()[0] == Shape{-1, 2}));

    // A call with two outputs (a nested two-output model) is not one tensor.
    WideAndDeep wd;
    auto inner = std::static_pointer_cast<Model>(wd.model.clone());
    const SymbolicTensors both = (*inner)({Input({3}), Input({2})});
    BOOST_TEST(both.size() == 2u);
    CHECK_THROWS_WITH(Dense(1)(static_cast<const SymbolicTensor&>(both)), ValueError,
                      "gives 2 outputs, used here as one tensor: pick one by index ([0], [1], …)");
}


BOOST_AUTO_TEST_CASE(symbolic_tensors_carry_shapes_and_calls) {
    const SymbolicTensor in = Input({28, 28, 1}, "image");
    BOOST_TEST(in.shape() == (Shape{-1, 28, 28, 1}));
    BOOST_TEST((in.dtype() == float32));
    BOOST_TEST(in.layer()->type_name() == "InputLayer");
    BOOST_TEST(in.layer()->name() == "image");
    const SymbolicTensor h = Conv2D(4, 3)(in);
    BOOST_TEST(h.shape() == (Shape{-1, 26, 26, 4}));
    BOOST_TEST(h.layer()->built());
    BOOST_TEST(h.node()->inbound.size() == 1u);
    BOOST_TEST(h.node()->inbound[0].layer() == in.layer());
    BOOST_TEST(Input({5}).layer()->name() == "input");
    CHECK_THROWS_WITH(Input({0, 3}), ValueError, "dimensions must be positive or -1 (any), got 0");
    // Shapes are checked when the graph is built, naming the layer and all shapes.
    CHECK_THROWS_WITH(Add()({Input({3}), Input({4})}), ShapeError,
                      "add (Add) called on (None, 3) and (None, 4): add (Add): dimension 1 differs");
    // A built layer's weights are checked against a new input shape: a Dense
    // built for 3 features refuses 4 at graph-building time.
    auto dense = std::make_shared<Dense>(2);
    (*dense)(Input({3}));
    CHECK_THROWS_WITH((*dense)(Input({4})), ShapeError, "dense (Dense) called on (None, 4): ");
    BOOST_TEST((*dense)(Input({3})).shape() == (Shape{-1, 2}));
    CHECK_THROWS_WITH(Concatenate()({Input({2, 3}), Input({4, 5})}), ShapeError,
                      "concatenate (Concatenate) called on (None, 2, 3) and (None, 4, 5)");
}

BOOST_AUTO_TEST_CASE(two_inputs_two_outputs_equal_the_layers_called_by_hand) {
    WideAndDeep g;
    Model& model = g.model;
    BOOST_TEST((model.input_names() == std::vector<std::string>{"a", "b"}));
    BOOST_TEST((model.output_names() == std::vector<std::string>{"main", "aux"}));
    BOOST_TEST((model.inputs() == std::vector<Shape>{Shape{-1, 3}, Shape{-1, 2}}));
    BOOST_TEST((model.outputs() == std::vector<Shape>{Shape{-1, 1}, Shape{-1, 2}}));
    BOOST_TEST((model.child_names() == std::vector<std::string>{"a", "b", "dense", "concatenate", "main", "aux"}));
    BOOST_TEST(model.type_name() == "Functional");
    BOOST_TEST(model.name() == "model");

    const Tensor xa = randn({5, 3}), xb = randn({5, 2});
    const std::vector<Tensor> out = model({xa, xb});
    BOOST_TEST_REQUIRE(out.size() == 2u);
    const Tensor h = (*model.get_layer("dense"))(xa);
    const Tensor joined = (*model.get_layer("concatenate"))({h, xb})[0];
    BOOST_TEST(values(out[0]) == values((*model.get_layer("main"))(joined)), boost::test_tools::per_element());
    BOOST_TEST(values(out[1]) == values((*model.get_layer("aux"))(xb)), boost::test_tools::per_element());

    // Running errors: counts, shapes, the one-tensor call.
    CHECK_THROWS_WITH(model(std::vector<Tensor>{xa}), ValueError, "model (Functional) takes 2 inputs ('a', 'b'), got 1");
    CHECK_THROWS_WITH(model({xb, xb}), ShapeError, "input 'a' expects shape (None, 3), got (5, 2)");
    CHECK_THROWS_WITH(model(xa), ValueError, "model (Functional) has 2 inputs and 2 outputs: call it with a list of tensors");
    CHECK_THROWS_WITH(model.get_layer("nope"), ValueError,
                      "no layer named 'nope'; the layers are 'a', 'b', 'dense', 'concatenate', 'main', 'aux'");
}

BOOST_AUTO_TEST_CASE(shared_layer_has_one_set_of_weights_and_both_calls_give_gradients) {
    SharedLayer g;
    Model& model = g.model;
    BOOST_TEST(model.layers().size() == 4u);  // x1, x2, dense, add
    BOOST_TEST(model.get_layer("dense") == g.shared);
    BOOST_TEST(model.trainable_parameters().size() == 2u);
    const Tensor x1 = tensor({{1.0, 2.0}, {3.0, 4.0}}), x2 = tensor({{10.0, 20.0}, {30.0, 40.0}});
    const Tensor out = model({x1, x2}, true)[0];
    // Kernel of ones, bias zero: each call sums its row.
    BOOST_TEST(values(out) == std::vector<double>({33, 77}), boost::test_tools::per_element());
    out.sum().backward();
    // d Σ out / d kernel = Σ over the batch of x1 + x2; d / d bias = 2 calls × 2 rows.
    BOOST_TEST(values(g.shared->weight("kernel").grad()) == std::vector<double>({44, 66}), boost::test_tools::per_element());
    BOOST_TEST(values(g.shared->weight("bias").grad()) == std::vector<double>({4}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(summary_has_keras_connected_to_column) {
    SharedLayer g;
    const std::string text = g.model.summary();
    BOOST_TEST_MESSAGE(text);
    BOOST_TEST(contains(text, "Model: \"model\""));
    BOOST_TEST(contains(text, "Layer (type)"));
    BOOST_TEST(contains(text, "Connected to"));
    BOOST_TEST(contains(text, "[(None, 2)]"));  // an Input's row, as Keras
    // The shared layer's row lists both calls' inbound tensors, one per line.
    const std::size_t row = text.find(" dense (Dense)");
    BOOST_TEST_REQUIRE(row != std::string::npos);
    const std::string dense_row = text.substr(row, text.find('\n', text.find('\n', row) + 1) - row);
    BOOST_TEST(contains(dense_row, "(None, 1)"));
    BOOST_TEST(contains(dense_row, "3"));
    BOOST_TEST(contains(dense_row, "x1[0][0]\n"));
    BOOST_TEST(contains(dense_row, "x2[0][0]"));
    const std::size_t add_row = text.find(" add (Add)");
    BOOST_TEST_REQUIRE(add_row != std::string::npos);
    BOOST_TEST(contains(text.substr(add_row), "dense[0][0]\n"));
    BOOST_TEST(contains(text.substr(add_row), "dense[1][0]\n"));
    BOOST_TEST(contains(text, " Total params: 3 (12.00 B)"));
    BOOST_TEST(contains(text, " Trainable params: 3 (12.00 B)"));
    g.model.get_layer("dense")->set_trainable(false);
    BOOST_TEST(contains(g.model.summary(), " Non-trainable params: 3 (12.00 B)"));
}

BOOST_AUTO_TEST_CASE(nested_model_is_one_node_and_sits_in_a_sequential) {
    const SymbolicTensor in = Input({2}, "in");
    auto inner = std::make_shared<Model>(in, Dense(3, "tanh")(in), "inner");
    const SymbolicTensor x = Input({2}, "x");
    const SymbolicTensor y = (*inner)(x);
    BOOST_TEST(y.shape() == (Shape{-1, 3}));
    Model outer(x, Dense(1).set_name("head")(y), "outer");
    BOOST_TEST((outer.child_names() == std::vector<std::string>{"x", "inner", "head"}));
    const Tensor data = randn({4, 2});
    const Tensor expected = (*outer.get_layer("head"))((*inner)(data));
    BOOST_TEST(values(outer(data)) == values(expected), boost::test_tools::per_element());
    BOOST_TEST(contains(outer.summary(), " inner (Functional)"));
    BOOST_TEST(contains(outer.summary(), "x[0][0]"));
    // One input, one output: a layer of a Sequential (and so trainable by fit).
    Sequential seq{inner, Dense(1).set_name("top")};
    const Tensor s = seq(data);
    BOOST_TEST(values(s) == values((*seq[1])((*inner)(data))), boost::test_tools::per_element());
}

// One input, one output: train::fit trains it as any model, and a
// Sequential holding it saves and loads (the graph nested in the file).
BOOST_AUTO_TEST_CASE(fit_trains_it_and_a_sequential_holding_it_round_trips) {
    manual_seed(3);
    const SymbolicTensor in = Input({3}, "in");
    auto model = std::make_shared<Model>(in, Dense(1)(Dense(4, "tanh")(in)));
    const Tensor x = randn({64, 3});
    const Tensor y = sum(x * tensor({0.5, -1.0, 2.0}), {1}, true);
    train::FitOptions options;
    options.optimizer = std::make_shared<optim::SGD>(optim::ParamGroup(*model), optim::SGDOptions().learning_rate(0.05));
    options.epochs = 20;
    options.batch_size = 16;
    options.verbose = 0;
    const train::History history = train::fit(*model, x, y, options);
    BOOST_TEST(history["loss"].back() < 0.5 * history["loss"].front());

    Sequential seq{model, Dense(2).set_name("top")};
    const Tensor before = seq(x, false);
    const ModulePtr back = io::model_from_json(io::architecture_json(seq));
    back->load_state_dict(seq.state_dict());
    BOOST_TEST(values((*back)(x, false)) == values(before), boost::test_tools::per_element());
    BOOST_TEST(dynamic_cast<Model*>(dynamic_cast<Sequential&>(*back)[0].get()) != nullptr);
}

BOOST_AUTO_TEST_CASE(clone_is_independent_and_keeps_shared_layers_shared) {
    SharedLayer g;
    const ModulePtr copy = g.model.clone();
    auto& model_copy = dynamic_cast<Model&>(*copy);
    const Tensor x1 = randn({3, 2}), x2 = randn({3, 2});
    BOOST_TEST(values(model_copy({x1, x2})[0]) == values(g.model({x1, x2})[0]), boost::test_tools::per_element());
    BOOST_TEST(model_copy.get_layer("dense") != g.model.get_layer("dense"));
    BOOST_TEST(model_copy.trainable_parameters().size() == 2u);  // still one shared dense
    // The copy's graph runs the copy's layers.
    model_copy.get_layer("dense")->set_weights({zeros({2, 1}), tensor({5.0})});
    BOOST_TEST(values(model_copy({x1, x2})[0]) == std::vector<double>({10, 10, 10}), boost::test_tools::per_element());
    BOOST_TEST(values(g.shared->weight("kernel")) == std::vector<double>({1, 1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(freezing_the_model_or_one_layer) {
    WideAndDeep g;
    const std::size_t all = g.model.trainable_parameters().size();
    BOOST_TEST(all == 6u);
    g.model.get_layer("aux")->set_trainable(false);
    BOOST_TEST(g.model.trainable_parameters().size() == 4u);
    g.model.set_trainable(false);
    BOOST_TEST(g.model.trainable_parameters().empty());
    g.model.set_trainable(true);
    BOOST_TEST(g.model.trainable_parameters().size() == all);
}

BOOST_AUTO_TEST_CASE(a_named_layer_is_copied_once_and_shared_by_its_calls) {
    Dense named(2);
    const SymbolicTensor x = Input({2}, "x");
    const SymbolicTensor a = named(x), b = named(a);
    BOOST_TEST(a.layer() == b.layer());
    BOOST_TEST(a.layer().get() != &named);
    const SymbolicTensor c = Dense(2)(x), d = Dense(2)(x);
    BOOST_TEST(c.layer() != d.layer());
}

BOOST_AUTO_TEST_CASE(construction_errors_name_the_tensors) {
    WideAndDeep g;
    CHECK_THROWS_WITH(Model(g.h, g.main), ValueError, "model (Functional): input 0 is not an nn::Input but an output of dense (Dense)");
    CHECK_THROWS_WITH(Model({g.a, g.a, g.b}, {g.main}), ValueError, "model (Functional): input 'a' is given twice");
    CHECK_THROWS_WITH(Model(g.a, g.main), ValueError,
                      "model (Functional): graph disconnected: output 'main' needs input 'b', which is not among the "
                      "model's inputs ('a')");
    CHECK_THROWS_WITH(Model({g.a, g.b}, {g.aux}), ValueError, "model (Functional): input 'a' is not used by any output");
    CHECK_THROWS_WITH(Model(std::vector<SymbolicTensor>{}, {g.aux}), ValueError,
                      "a model needs at least one input and one output");
    // A refused model leaves its layers free to be named by the next one.
    const Model ok({g.a, g.b}, {g.main, g.aux});
    BOOST_TEST(ok.get_layer("main")->name() == "main");
}

BOOST_AUTO_TEST_CASE(save_load_round_trip_is_bit_identical) {
    WideAndDeep g;
    xgrad_test::TempDir dir;
    const std::string file = dir.file("functional.safetensors");
    io::save(g.model, file);
    const ModulePtr loaded = io::load(file);
    auto* back = dynamic_cast<Model*>(loaded.get());
    BOOST_TEST_REQUIRE(back != nullptr);
    BOOST_TEST(back->summary() == g.model.summary());
    BOOST_TEST((back->input_names() == g.model.input_names()));
    BOOST_TEST((back->output_names() == g.model.output_names()));
    const Tensor xa = randn({7, 3}), xb = randn({7, 2});
    const std::vector<Tensor> want = g.model({xa, xb}, false), got = (*back)({xa, xb}, false);
    for (std::size_t i = 0; i < 2; ++i) BOOST_TEST(values(got[i]) == values(want[i]), boost::test_tools::per_element());
    // Shared layers and nested models round-trip too.
    SharedLayer s;
    const ModulePtr s_back = io::model_from_json(io::architecture_json(s.model));
    s_back->load_state_dict(s.model.state_dict());
    const Tensor x1 = randn({3, 2}), x2 = randn({3, 2});
    BOOST_TEST(values((*s_back)({x1, x2})[0]) == values(s.model({x1, x2})[0]), boost::test_tools::per_element());
    BOOST_TEST(dynamic_cast<Model&>(*io::clone_model(s.model)).summary() == s.model.summary());
}

// Hostile architectures: each an IoError naming the file and the problem.
BOOST_AUTO_TEST_CASE(hostile_graphs_are_refused_with_the_problem_named) {
    const std::string good = small_architecture();
    BOOST_TEST_MESSAGE(good);
    BOOST_TEST(contains(good, R"("inbound_nodes":[[["relu",0,0],["in",0,0]]])"));
    BOOST_TEST(contains(good, R"("input_layers":[["in",0,0]])"));
    BOOST_TEST(contains(good, R"("output_layers":[["add",0,0]])"));
    BOOST_TEST(io::model_from_json(good)->children().size() == 3u);
    const auto refused = [](const std::string& architecture, const std::string& problem) {
        const std::string bytes = model_file(architecture);
        const auto* data = reinterpret_cast<const std::byte*>(bytes.data());
        try {
            io::load_from_memory({data, bytes.size()}, "hostile.safetensors");
            BOOST_ERROR("no error for: " << problem);
        } catch (const IoError& e) {
            const std::string message = e.what();
            BOOST_TEST(message.starts_with("hostile.safetensors: architecture: "), message);
            BOOST_TEST(contains(message, problem), message);
        }
    };
    const std::string relu_inbound = R"("inbound_nodes":[[["in",0,0]]])";
    refused(replaced(good, R"("type":"ReLU")", R"("type":"Mystery")"), "unknown layer type 'Mystery'");
    refused(replaced(good, R"(["relu",0,0])", R"(["ghost",0,0])"),
            "layer of type 'Functional': layer 'add': a tensor reference names layer 'ghost', which the model does not have");
    refused(replaced(good, R"(["relu",0,0])", R"(["relu",3,0])"),
            "layer of type 'Functional': model (Functional): call 0 of layer 'add' refers to call 3 of layer 'relu', which has 1");
    refused(replaced(good, R"(["relu",0,0])", R"(["relu",0,2])"),
            "call 0 of layer 'add' uses output 2 of 'relu' call 0, which has 1 outputs");
    refused(replaced(good, R"(["relu",0,0])", R"(["relu",99999999999,0])"),
            "layer 'add': a tensor reference's index 99999999999 is out of range");
    refused(replaced(good, R"(["relu",0,0])", R"(["relu",-1,0])"),
            "layer 'add': a tensor reference is not [layer name, call index, output index]");
    refused(replaced(good, relu_inbound, R"("inbound_nodes":[[["add",0,0]]])"),
            "the calls form a cycle (through layers 'relu', 'add')");
    refused(replaced(good, relu_inbound, R"("inbound_nodes":[[]])"), "call 0 of layer 'relu' has no inbound tensors");
    refused(replaced(good, relu_inbound, R"("inbound_nodes":[])"), "layer 'relu' is never called");
    refused(replaced(good, R"("input_layers":[["in",0,0]])", R"("input_layers":[["relu",0,0]])"),
            "input 0 ('relu', a ReLU) is not an Input");
    refused(replaced(good, R"("input_layers":[["in",0,0]])", R"("input_layers":[])"),
            "a model needs at least one input and one output");
    refused(replaced(good, R"("output_layers":[["add",0,0]])", R"("output_layers":[["relu",0,0]])"),
            "call 0 of layer 'add' does not lead to any output");
    std::string many_calls = R"("inbound_nodes":[)";
    for (std::size_t i = 0; i <= io::max_layers; ++i) {
        if (i) many_calls += ',';
        many_calls += R"([["in",0,0]])";
    }
    refused(replaced(good, relu_inbound, many_calls + "]"), "more than the 100000 layer calls a model file may hold");
}

// A deep chain is built, saved and loaded without recursion (linear time).
BOOST_AUTO_TEST_CASE(deep_graph_loads) {
    SymbolicTensor x = Input({2}, "in");
    const SymbolicTensor in = x;
    for (int i = 0; i < 3000; ++i) x = ReLU()(x);
    const Model model(in, x);
    const ModulePtr back = io::model_from_json(io::architecture_json(model));
    BOOST_TEST(back->children().size() == 3001u);
    BOOST_TEST(back->children().back()->name() == "re_lu_2999");
    BOOST_TEST(values((*back)(tensor({{-1.0, 2.0}}))) == std::vector<double>({0, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
