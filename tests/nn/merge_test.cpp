// Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot.
#include <memory>

#include "../test_helpers.hpp"

using namespace xgrad;
using namespace xgrad::nn;
using xgrad_test::values;

namespace {
const Tensor a = tensor({{1.0, -2.0, 3.0}, {4.0, 5.0, -6.0}});
const Tensor b = tensor({{2.0, 2.0, 2.0}, {-1.0, 0.5, 1.0}});
const Tensor c = tensor({{0.0, 1.0, 10.0}, {1.0, 1.0, 1.0}});

std::vector<double> merged(Module&& layer, const std::vector<Tensor>& inputs) {
    const std::vector<Tensor> out = layer(inputs);
    BOOST_TEST_REQUIRE(out.size() == 1u);
    return values(out[0]);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(nn_merge)

BOOST_AUTO_TEST_CASE(elementwise_merges) {
    using v = std::vector<double>;
    BOOST_TEST(merged(Add(), {a, b, c}) == v({3, 1, 15, 4, 6.5, -4}), boost::test_tools::per_element());
    BOOST_TEST(merged(Subtract(), {a, b}) == v({-1, -4, 1, 5, 4.5, -7}), boost::test_tools::per_element());
    BOOST_TEST(merged(Multiply(), {a, b, c}) == v({0, -4, 60, -4, 2.5, -6}), boost::test_tools::per_element());
    BOOST_TEST(merged(Average(), {a, b}) == v({1.5, 0, 2.5, 1.5, 2.75, -2.5}), boost::test_tools::per_element());
    BOOST_TEST(merged(Maximum(), {a, b, c}) == v({2, 2, 10, 4, 5, 1}), boost::test_tools::per_element());
    BOOST_TEST(merged(Minimum(), {a, b, c}) == v({0, -2, 2, -1, 0.5, -6}), boost::test_tools::per_element());
    // A size of 1 broadcasts (Keras' rule).
    BOOST_TEST(merged(Add(), {a, tensor({{1.0}, {2.0}})}) == v({2, -1, 4, 6, 7, -4}), boost::test_tools::per_element());
    BOOST_TEST((Add().output_shapes({Shape{-1, 3}, Shape{-1, 1}, Shape{4, 3}}) == std::vector<Shape>{Shape{4, 3}}));
    BOOST_TEST(Add().type_name() == "Add");
    BOOST_TEST(Minimum().name() == "minimum");
}

BOOST_AUTO_TEST_CASE(on_tensors_the_one_output_is_a_tensor) {
    // Tensors converts to its only tensor, so a merge passes where a Tensor goes.
    const Tensor sum = Add()({a, b});
    BOOST_TEST(values(sum) == std::vector<double>({3, 0, 5, 3, 5.5, -5}), boost::test_tools::per_element());
    BOOST_TEST(values(Dense(1).set_name("head")(Concatenate()({a, b}))).size() == 2u);
    Tensors two{a, b};
    CHECK_THROWS_WITH(static_cast<Tensor>(two), ValueError, "gave 2 outputs, used here as one tensor");
}

BOOST_AUTO_TEST_CASE(gradients_flow_to_every_input) {
    Tensor x = a, y = b;
    x.requires_grad_(true);
    y.requires_grad_(true);
    Multiply()({x, y})[0].sum().backward();
    BOOST_TEST(values(x.grad()) == values(b), boost::test_tools::per_element());
    BOOST_TEST(values(y.grad()) == values(a), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(counts_and_shapes_are_checked) {
    CHECK_THROWS_WITH(Subtract()({a, b, c}), ValueError, "subtract (Subtract) takes exactly 2 inputs, got 3");
    CHECK_THROWS_WITH(Add()(std::vector<Tensor>{a}), ValueError, "add (Add) takes at least 2 inputs, got 1");
    CHECK_THROWS_WITH(Add()({a, zeros({2, 4})}), ShapeError,
                      "add (Add): dimension 1 differs (sizes must be equal or 1), got (2, 3) and (2, 4)");
    CHECK_THROWS_WITH(Maximum()({a, zeros({2, 3, 1})}), ShapeError,
                      "maximum (Maximum): inputs must have the same rank, got (2, 3) and (2, 3, 1)");
    CHECK_THROWS_WITH(Concatenate()({a, zeros({3, 2})}), ShapeError,
                      "concatenate (Concatenate): dimensions other than axis -1 must be equal; dimension 0 differs, got "
                      "(2, 3) and (3, 2)");
    CHECK_THROWS_WITH(Concatenate(0)({a, b}), ShapeError, "concatenate (Concatenate): axis 0 is the batch axis");
    CHECK_THROWS_WITH(Concatenate(3)({a, b}), ShapeError, "axis 3 is out of range for rank 2, got (2, 3) and (2, 3)");
    CHECK_THROWS_WITH(Dot()({a, zeros({2, 4})}), ShapeError,
                      "dot (Dot): axis 1 of x (3) and axis 1 of y (4) must have the same size, got (2, 3) and (2, 4)");
    CHECK_THROWS_WITH(Dot()({a, b, c}), ValueError, "dot (Dot) takes exactly 2 inputs, got 3");
}

BOOST_AUTO_TEST_CASE(concatenate_joins_along_an_axis) {
    using v = std::vector<double>;
    const Tensor joined = Concatenate()({a, tensor({{7.0}, {8.0}})})[0];
    BOOST_TEST(joined.shape() == (Shape{2, 4}));
    BOOST_TEST(values(joined) == v({1, -2, 3, 7, 4, 5, -6, 8}), boost::test_tools::per_element());
    const Tensor x = reshape(a, {2, 1, 3});
    BOOST_TEST(Concatenate(1)({x, x, x})[0].shape() == (Shape{2, 3, 3}));
    BOOST_TEST((Concatenate(1).output_shapes({Shape{-1, 2, 3}, Shape{-1, -1, 3}}) == std::vector<Shape>{Shape{-1, -1, 3}}));
    BOOST_TEST((Concatenate().output_shapes({Shape{-1, 2, 3}, Shape{-1, 2, 4}}) == std::vector<Shape>{Shape{-1, 2, 7}}));
    BOOST_TEST(Concatenate(2).config().at("axis") == "2");
    BOOST_TEST(Concatenate::from_config({{"axis", "1"}})->axis() == 1);
}

BOOST_AUTO_TEST_CASE(dot_is_keras_batch_dot) {
    using v = std::vector<double>;
    const Tensor d = Dot()({a, b})[0];
    BOOST_TEST(d.shape() == (Shape{2, 1}));
    BOOST_TEST(values(d) == v({2 - 4 + 6, -4 + 2.5 - 6}), boost::test_tools::per_element());
    // [b, n, m] · [b, m, k] along (2, 1): a matrix product per sample.
    const Tensor x = tensor({{{1.0, 2.0}, {3.0, 4.0}}}), y = tensor({{{5.0, 6.0}, {7.0, 8.0}}});
    BOOST_TEST(values(Dot({2, 1})({x, y})[0]) == v({19, 22, 43, 50}), boost::test_tools::per_element());
    // Along (1, 1): x's columns with y's columns, xᵀy.
    BOOST_TEST(values(Dot({1, 1})({x, y})[0]) == v({26, 30, 38, 44}), boost::test_tools::per_element());
    BOOST_TEST((Dot({2, 1}).output_shapes({Shape{-1, 4, 2}, Shape{-1, 2, 5}}) == std::vector<Shape>{Shape{-1, 4, 5}}));
    // normalize: the cosine similarity.
    const Tensor cos = Dot({-1}, true)({tensor({{3.0, 4.0}}), tensor({{4.0, 3.0}})})[0];
    BOOST_TEST(cos.item() == 24.0 / 25.0, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(Dot({1}, true).config().at("normalize") == "true");
}

// Every merge layer inside a functional model: save, load, same configs and predictions.
BOOST_AUTO_TEST_CASE(merge_layers_round_trip_through_a_saved_model) {
    const SymbolicTensor x = Input({3}, "x"), y = Input({3}, "y");
    std::vector<std::unique_ptr<Module>> layers;
    layers.push_back(std::make_unique<Add>());
    layers.push_back(std::make_unique<Subtract>());
    layers.push_back(std::make_unique<Multiply>());
    layers.push_back(std::make_unique<Average>());
    layers.push_back(std::make_unique<Maximum>());
    layers.push_back(std::make_unique<Minimum>());
    layers.push_back(std::make_unique<Dot>(std::vector<std::int64_t>{1}, true));
    std::vector<SymbolicTensor> merges;
    for (const auto& layer : layers) merges.push_back((*layer)({x, y})[0]);  // copied into the graph
    Model model({x, y}, {Concatenate(1)(merges)[0]});
    BOOST_TEST(model.outputs()[0] == (Shape{-1, 19}));
    const ModulePtr back = io::model_from_json(io::architecture_json(model));
    BOOST_TEST_REQUIRE(back->children().size() == model.children().size());
    for (std::size_t i = 0; i < model.children().size(); ++i) {
        BOOST_TEST(back->children()[i]->type_name() == model.children()[i]->type_name());
        BOOST_TEST((back->children()[i]->config() == model.children()[i]->config()));
    }
    BOOST_TEST(back->children()[8]->config().at("normalize") == "true");
    const Tensor a_in = randn({4, 3}), b_in = randn({4, 3});
    auto& loaded = dynamic_cast<Model&>(*back);
    BOOST_TEST(values(loaded({a_in, b_in})[0]) == values(model({a_in, b_in})[0]),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
