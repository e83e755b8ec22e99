// fit / evaluate / predict with several inputs and outputs: Keras' x and y
// as lists or maps by name, one loss per output, loss_weights, per-output
// logs, checked against a hand-written loop over the same batches.
#include <cmath>
#include <map>
#include <sstream>

#include "../test_helpers.hpp"
#include "xgrad/data/loader.hpp"
#include "xgrad/nn/dense.hpp"
#include "xgrad/nn/functional.hpp"
#include "xgrad/nn/merge.hpp"
#include "xgrad/optim/sgd.hpp"
#include "xgrad/train/fit.hpp"

using namespace xgrad;
using namespace xgrad::nn;

namespace {

std::vector<std::string> keys(const train::History& h) {
    std::vector<std::string> out;
    for (const auto& entry : h.history()) out.push_back(entry.first);
    return out;
}

/// Wide & Deep, subclassed: the wide input joins the deep path's hidden
/// layer for the main output; the auxiliary output reads the hidden layer alone.
class WideDeep : public Cloneable<WideDeep> {
public:
    WideDeep() : Cloneable("WideDeep") {
        hidden_ = register_module("hidden", Dense(4, "relu"));
        main_ = register_module("main", Dense(1));
        aux_ = register_module("aux", Dense(1));
        to(float64);
    }
    std::vector<Tensor> forward_many(const std::vector<Tensor>& inputs, bool) override {
        const Tensor h = (*hidden_)(inputs[1]);
        return {(*main_)(concat({inputs[0], h}, 1)), (*aux_)(h)};
    }
    std::vector<std::string> input_names() const override { return {"wide", "deep"}; }
    std::vector<std::string> output_names() const override { return {"main_output", "aux_output"}; }

private:
    Child<Dense> hidden_, main_, aux_;
};

/// The same Wide & Deep with the functional API, in float64.
std::shared_ptr<Model> functional_wide_deep() {
    const SymbolicTensor wide = Input({2}, "wide", float64), deep = Input({3}, "deep", float64);
    const SymbolicTensor h = Dense(4, "relu")(deep);
    const SymbolicTensor main = Dense(1).set_name("main_output")(Concatenate()({wide, h}));
    const SymbolicTensor aux = Dense(1).set_name("aux_output")(h);
    auto model = std::make_shared<Model>(std::vector<SymbolicTensor>{wide, deep}, std::vector<SymbolicTensor>{main, aux});
    model->to(float64);
    return model;
}

struct Data {
    Tensor wide, deep, y;
};

Data regression(std::int64_t n, std::uint64_t seed) {
    Generator g(seed);
    Data d{normal({n, 2}, 0.0, 1.0, float64, g), normal({n, 3}, 0.0, 1.0, float64, g), Tensor()};
    d.y = sum(d.wide, {1}, true) - 0.5 * sum(d.deep * d.deep, {1}, true) + 0.1;
    return d;
}

std::shared_ptr<optim::SGD> sgd(Module& model, double lr) {
    return std::make_shared<optim::SGD>(optim::ParamGroup(model), optim::SGDOptions().learning_rate(lr));
}

double mse(const Tensor& a, const Tensor& b) { return mean(square(a - b)).item(); }

/// Trains `model` with fit and a copy of it by hand over the same batches;
/// the per-epoch logs must agree.
void check_against_hand_written_loop(Module& model) {
    const Data d = regression(70, 3);
    model({d.wide, d.deep}, false);  // builds the layers, so the copy starts from the same weights
    const ModulePtr reference = model.clone();

    train::FitOptions o;
    o.loss = {"mse", "mse"};
    o.loss_weights = {0.9, 0.1};
    o.optimizer = sgd(model, 0.05);
    o.metrics = {"mae"};
    o.epochs = 3;
    o.batch_size = 16;
    o.verbose = 0;
    const train::History h = train::fit(model, {{"wide", d.wide}, {"deep", d.deep}}, {d.y, d.y}, o);

    // The same batches (fit batches through this DataLoader), the same loss.
    auto opt = sgd(*reference, 0.05);
    const data::DataLoader loader(data::Dataset({d.wide, d.deep}, {d.y, d.y}),
                                  {.batch_size = 16, .shuffle = true, .seed = 42});
    for (int epoch = 0; epoch < 3; ++epoch) {
        double total = 0, main_loss = 0, aux_loss = 0, main_mae = 0, aux_mae = 0;
        std::int64_t samples = 0;
        for (const data::Batch& b : loader.epoch(epoch)) {
            opt->zero_grad();
            const std::vector<Tensor> out = (*reference)(b.inputs, true);
            BOOST_TEST_REQUIRE(out.size() == 2u);
            const Tensor l_main = mean(square(b.targets[0] - out[0]));
            const Tensor l_aux = mean(square(b.targets[1] - out[1]));
            const Tensor loss = l_main * 0.9 + l_aux * 0.1;
            loss.backward();
            opt->step();
            const auto n = static_cast<double>(b.size());
            samples += b.size();
            total += loss.item() * n;
            main_loss += l_main.item() * n;
            aux_loss += l_aux.item() * n;
            main_mae += mean(abs(b.targets[0] - out[0].detach())).item() * n;
            aux_mae += mean(abs(b.targets[1] - out[1].detach())).item() * n;
        }
        const auto n = static_cast<double>(samples);
        const auto e = static_cast<std::size_t>(epoch);
        BOOST_TEST(h["loss"][e] == total / n, boost::test_tools::tolerance(1e-12));
        BOOST_TEST(h["main_output_loss"][e] == main_loss / n, boost::test_tools::tolerance(1e-12));
        BOOST_TEST(h["aux_output_loss"][e] == aux_loss / n, boost::test_tools::tolerance(1e-12));
        // A metric's batch value is float32, as Keras' metrics are.
        BOOST_TEST(h["main_output_mean_absolute_error"][e] == main_mae / n, boost::test_tools::tolerance(1e-7));
        BOOST_TEST(h["aux_output_mean_absolute_error"][e] == aux_mae / n, boost::test_tools::tolerance(1e-7));
    }
    BOOST_TEST(keys(h) == (std::vector<std::string>{"aux_output_loss", "aux_output_mean_absolute_error", "loss", "main_output_loss",
                                                     "main_output_mean_absolute_error"}),
               boost::test_tools::per_element());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(train_fit_outputs)

BOOST_AUTO_TEST_CASE(two_outputs_train_as_a_hand_written_loop) {
    manual_seed(5);
    WideDeep subclassed;
    check_against_hand_written_loop(subclassed);
    manual_seed(5);
    check_against_hand_written_loop(*functional_wide_deep());
}

BOOST_AUTO_TEST_CASE(validation_and_evaluate_name_each_output) {
    const Data d = regression(40, 4);
    manual_seed(2);
    WideDeep model;
    train::FitOptions o;
    o.loss = {{"main_output", "mse"}, {"aux_output", "mae"}};
    o.loss_weights = {{"main_output", 1.0}, {"aux_output", 0.5}};
    o.optimizer = sgd(model, 0.01);
    o.output_metrics = {{"aux_output", {"mae"}}};
    o.validation_data = {{{d.wide, d.deep}, {d.y, d.y}}};
    o.verbose = 0;
    const train::History h = train::fit(model, {d.wide, d.deep}, {{"main_output", d.y}, {"aux_output", d.y}}, o);
    BOOST_TEST(keys(h) == (std::vector<std::string>{"aux_output_loss", "aux_output_mean_absolute_error", "loss", "main_output_loss",
                                                     "val_aux_output_loss", "val_aux_output_mean_absolute_error", "val_loss",
                                                     "val_main_output_loss"}),
               boost::test_tools::per_element());

    // After training, evaluate over the same data equals the validation pass
    // and the losses computed by hand on the whole set.
    const std::vector<Tensor> out = model({d.wide, d.deep}, false);
    const double main_loss = mse(out[0], d.y);
    const double aux_loss = mean(abs(out[1] - d.y)).item();
    train::EvaluateOptions e;
    e.loss = {{"main_output", "mse"}, {"aux_output", "mae"}};
    e.loss_weights = {1.0, 0.5};
    e.batch_size = 64;
    const train::Logs logs = train::evaluate(model, {d.wide, d.deep}, {d.y, d.y}, e);
    BOOST_TEST(logs.at("main_output_loss") == main_loss, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(logs.at("aux_output_loss") == aux_loss, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(logs.at("loss") == main_loss + 0.5 * aux_loss, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(h["val_loss"].back() == logs.at("loss"), boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(predict_outputs_in_batches) {
    const Data d = regression(37, 5);
    WideDeep model;
    const std::vector<Tensor> direct = model({d.wide, d.deep}, false);
    const std::vector<Tensor> batched = train::predict_outputs(model, {{"deep", d.deep}, {"wide", d.wide}}, 8);
    BOOST_TEST_REQUIRE(batched.size() == 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        BOOST_TEST(batched[i].shape() == Shape({37, 1}));
        BOOST_TEST(max(abs(batched[i] - direct[i])).item() < 1e-15);
    }
    CHECK_THROWS_WITH(train::predict(model, d.wide), ValueError, "has 2 outputs; use predict_outputs()");
}

BOOST_AUTO_TEST_CASE(mismatched_inputs_and_targets_are_named) {
    const Data d = regression(10, 6);
    WideDeep model;
    train::FitOptions o;
    o.optimizer = sgd(model, 0.01);
    o.verbose = 0;
    CHECK_THROWS_WITH(train::fit(model, {{"wide", d.wide}, {"deap", d.deep}}, {d.y, d.y}, o), ValueError,
                      "fit: x does not match the model's names (wide, deep): missing 'deep' unexpected 'deap'");
    CHECK_THROWS_WITH(train::fit(model, {d.wide, d.deep}, {d.y}, o), ValueError,
                      "fit: y has 1 value(s) for a model with 2");
    CHECK_THROWS_WITH(train::fit(model, {d.wide, slice(d.deep, 0, 0, 9)}, {d.y, d.y}, o), ShapeError,
                      "fit: x 'wide' [10,2] and x 'deep' [9,3] must have the same number of samples");
    CHECK_THROWS_WITH(train::fit(model, {d.wide, d.deep}, {d.y, slice(d.y, 0, 0, 4)}, o), ShapeError,
                      "and y 'aux_output' [4,1] must have the same number of samples");
    o.loss = {"mse", "mse", "mse"};
    CHECK_THROWS_WITH(train::fit(model, {d.wide, d.deep}, {d.y, d.y}, o), ValueError,
                      "fit: loss has 3 value(s) for a model with 2");
    o.loss = "mse";
    o.output_metrics = {{"main", {"mae"}}};
    CHECK_THROWS_WITH(train::fit(model, {d.wide, d.deep}, {d.y, d.y}, o), ValueError,
                      "output_metrics names 'main', which is not an output of the model (main_output, aux_output)");

    // A one-input model given a map.
    Dense single(1);
    CHECK_THROWS_WITH(train::predict_outputs(single, {{"x", d.wide}}), ValueError,
                      "predict: x is given by name, but the model has a single unnamed one");
}

BOOST_AUTO_TEST_SUITE_END()
