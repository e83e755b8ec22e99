// Wide & Deep (Hands-On ML, ch. 10) with the functional API: two inputs
// (a "wide" path of 5 features straight to the output, a "deep" path of 6
// through two hidden layers), a main output and an auxiliary output on the
// deep path alone, trained with loss_weights {0.9, 0.1}, then compared with
// a linear regression solved exactly (linalg::lstsq) on the same features.
//   wide_and_deep [--short]
//
// The data are generated (documented here, reproducible from the seed):
// 8 standard-normal features x0…x7 and
//     y = 0.8·x0 − 0.5·x1 + 0.3·x2·x3 + sin(2·x4) + 0.2·x5² − 0.4·tanh(x6 + x7) + ε,   ε ~ N(0, 0.1²),
// a target with a linear part (the wide path's job) and interactions a
// linear model cannot fit (the deep path's). As in the book, the wide input
// is features 0-4 and the deep input features 2-7.
#include <cstdio>
#include <cstring>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

namespace {

struct Split {
    Tensor wide, deep, y;
};

/// n samples of the documented data, features standardized with the training statistics.
Split generate(std::int64_t n, Generator& g) {
    const Tensor x = normal({n, 8}, 0.0, 1.0, float32, g);
    auto col = [&](std::int64_t j) { return slice(x, 1, j, j + 1); };
    const Tensor y = col(0) * 0.8 - col(1) * 0.5 + col(2) * col(3) * 0.3 + sin(col(4) * 2.0) +
                     square(col(5)) * 0.2 - tanh(col(6) + col(7)) * 0.4 + normal({n, 1}, 0.0, 0.1, float32, g);
    return {slice(x, 1, 0, 5), slice(x, 1, 2, 8), y};
}

double mse(const Tensor& a, const Tensor& b) { return mean(square(a - b)).item(); }

}  // namespace

int main(int argc, char** argv) {
    const bool short_run = argc > 1 && std::strcmp(argv[1], "--short") == 0;
    const std::int64_t n_train = short_run ? 2000 : 20000, n_test = short_run ? 500 : 5000;
    const int epochs = short_run ? 2 : 20;
    manual_seed(42);
    Generator g(7);
    const Split train = generate(n_train, g), valid = generate(n_test, g), test = generate(n_test, g);

    // The book's model: Normalization layers are left out, the data are standard already.
    auto input_wide = nn::Input({5}, "wide");
    auto input_deep = nn::Input({6}, "deep");
    auto hidden1 = nn::Dense(30, "relu")(input_deep);
    auto hidden2 = nn::Dense(30, "relu")(hidden1);
    auto joined = nn::Concatenate()({input_wide, hidden2});
    auto output = nn::Dense(1).set_name("output")(joined);
    auto aux_output = nn::Dense(1).set_name("aux_output")(hidden2);
    nn::Model model({input_wide, input_deep}, {output, aux_output});
    std::printf("%s\n", model.summary().c_str());

    train::FitOptions fit;
    fit.loss = {"mse", "mse"};
    fit.loss_weights = {0.9, 0.1};
    fit.optimizer = std::make_shared<optim::Adam>(optim::ParamGroup(model), optim::AdamOptions().learning_rate(1e-3));
    fit.epochs = epochs;
    fit.validation_data.emplace(train::ModelTensors{valid.wide, valid.deep}, train::ModelTensors{valid.y, valid.y});
    fit.verbose = 2;
    const train::History h = train::fit(model, {{"wide", train.wide}, {"deep", train.deep}}, {train.y, train.y}, fit);

    train::EvaluateOptions eval;
    eval.loss = {"mse", "mse"};
    eval.loss_weights = {0.9, 0.1};
    const train::Logs logs = train::evaluate(model, {test.wide, test.deep}, {test.y, test.y}, eval);

    // The linear baseline: least squares on all 8 features and a constant.
    const Tensor features = concat({train.wide, slice(train.deep, 1, 3, 6), ones({n_train, 1})}, 1);
    const Tensor coefficients = linalg::lstsq(features, train.y);
    const Tensor test_features = concat({test.wide, slice(test.deep, 1, 3, 6), ones({n_test, 1})}, 1);
    const double linear = mse(matmul(test_features, coefficients), test.y);

    std::printf("test MSE: main output %.4f, auxiliary output %.4f (total %.4f); linear regression %.4f; "
                "noise floor 0.0100\n",
                logs.at("output_loss"), logs.at("aux_output_loss"), logs.at("loss"), linear);
    std::printf("last epoch: loss %.4f, val_output_loss %.4f\n", h["loss"].back(), h["val_output_loss"].back());
    // The full run must beat the line: the deep path learns what a line cannot.
    if (!short_run && logs.at("output_loss") >= linear) {
        std::printf("the model did not beat linear regression\n");
        return 1;
    }
    return 0;
}
