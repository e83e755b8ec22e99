#include <cmath>
#include <cstdio>
#include <limits>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../test_helpers.hpp"
#include "xgrad/models/chapter11.hpp"
#include "xgrad/nn/rescaling.hpp"
#include "xgrad/optim/sgd.hpp"
#include "xgrad/train/fit.hpp"
#include "xgrad/train/progress.hpp"

using namespace xgrad;
using namespace xgrad::nn;
using xgrad_test::values;

namespace {

/// Two Gaussian blobs in 2-D labelled 0/1: linearly separable.
std::pair<Tensor, Tensor> blobs(std::int64_t n, std::uint64_t seed) {
    Generator g(seed);
    Tensor labels = randint({n}, 0, 2, g);
    Tensor centers = labels.to(float32) * 4.0 - 2.0;  // −2 or +2
    Tensor x = normal({n, 2}, 0.0, 1.0, float32, g) + reshape(centers, {n, 1});
    return {x, labels};
}

std::shared_ptr<optim::SGD> sgd(Module& model, double lr) {
    return std::make_shared<optim::SGD>(optim::ParamGroup(model), optim::SGDOptions().learning_rate(lr));
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(train_fit)

BOOST_AUTO_TEST_CASE(fit_learns_and_reports_history) {
    manual_seed(1);
    auto [x, y] = blobs(512, 7);
    Sequential model{Dense(8, "relu").input_shape({2}), Dense(2, "softmax")};
    std::ostringstream log;
    train::FitOptions o;
    o.loss = "sparse_categorical_crossentropy";
    o.optimizer = sgd(model, 0.1);
    o.metrics = {"accuracy"};
    o.epochs = 3;
    o.validation_split = 0.25;
    o.out = &log;
    const train::History h = train::fit(model, x, y, o);
    BOOST_TEST(h.size() == 3u);
    BOOST_TEST(h["loss"].size() == 3u);
    BOOST_TEST(h["val_accuracy"].back() > 0.95);
    BOOST_TEST(h["loss"].back() < h["loss"].front());
    // 384 training samples at batch 32: 12 steps per epoch, one line each epoch.
    BOOST_TEST(log.str().find("Epoch 1/3\n12/12 ") != std::string::npos);
    BOOST_TEST(log.str().find(" - val_accuracy: ") != std::string::npos);
    BOOST_TEST(model.is_training());
}

BOOST_AUTO_TEST_CASE(one_sgd_step_by_hand) {
    // One batch, one epoch: the update equals w − lr·dL/dw computed directly.
    Sequential model{Dense(1, "linear", "ones").input_shape({2})};
    const Tensor x = tensor({{1.0, 2.0}, {3.0, 4.0}}), y = tensor({{1.0}, {2.0}});
    // pred = [3, 7]; MSE = ((3−1)² + (7−2)²)/2 = 14.5; dL/dw = [(2·1 + 5·3), (2·2 + 5·4)] = [17, 24]; dL/db = 7
    train::FitOptions o;
    o.loss = "mse";
    o.optimizer = sgd(model, 0.01);
    o.batch_size = 2;
    o.shuffle = false;
    o.verbose = 0;
    const train::History h = train::fit(model, x, y, o);
    BOOST_TEST(h["loss"][0] == 14.5, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(values(model[0]->weight("kernel")) == std::vector<double>({1 - 0.17, 1 - 0.24}),
               boost::test_tools::tolerance(1e-6) << boost::test_tools::per_element());
    BOOST_TEST(model[0]->weight("bias").item() == -0.07, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(regularization_is_part_of_the_loss) {
    Sequential model{Dense(1, "linear", "ones").kernel_regularizer(L2(0.5)).input_shape({2})};
    const Tensor x = tensor({{1.0, 2.0}, {3.0, 4.0}}), y = tensor({{3.0}, {7.0}});  // exact fit: data loss 0
    train::FitOptions o;
    o.loss = "mse";
    o.optimizer = sgd(model, 0.0);
    o.batch_size = 2;
    o.verbose = 0;
    BOOST_TEST(train::fit(model, x, y, o)["loss"][0] == 1.0, boost::test_tools::tolerance(1e-6));  // 0.5·(1² + 1²)
}

// A batch size of any magnitude means "all samples in one batch" (Keras):
// the step count ⌈n / batch_size⌉ used to overflow at INT64_MAX and train
// nothing. With one full batch the step is the one computed by hand above.
BOOST_AUTO_TEST_CASE(huge_batch_size_is_one_batch) {
    const std::int64_t huge = std::numeric_limits<std::int64_t>::max();
    Sequential model{Dense(1, "linear", "ones").input_shape({2})};
    const Tensor x = tensor({{1.0, 2.0}, {3.0, 4.0}}), y = tensor({{1.0}, {2.0}});
    std::ostringstream log;
    train::FitOptions o;
    o.loss = "mse";
    o.optimizer = sgd(model, 0.01);
    o.batch_size = huge;
    o.out = &log;
    o.verbose = 2;
    const train::History h = train::fit(model, x, y, o);
    BOOST_TEST(h["loss"][0] == 14.5, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(values(model[0]->weight("kernel")) == std::vector<double>({1 - 0.17, 1 - 0.24}),
               boost::test_tools::tolerance(1e-6) << boost::test_tools::per_element());
    BOOST_TEST(log.str().find("1/1 ") != std::string::npos, log.str());
    train::EvaluateOptions e;
    e.loss = "mse";
    e.batch_size = huge;
    e.out = &log;
    e.verbose = 0;
    BOOST_TEST(std::isfinite(train::evaluate(model, x, y, e).at("loss")));
    BOOST_TEST((train::predict(model, x, huge).shape() == Shape{2, 1}));
}

BOOST_AUTO_TEST_CASE(evaluate_and_predict) {
    Sequential model{Dense(2, "softmax", "zeros").input_shape({3})};
    const Tensor x = randn({10, 3});
    const Tensor labels = tensor({0, 1, 0, 1, 0, 1, 0, 1, 0, 0}, int64);
    train::EvaluateOptions e;
    e.loss = "sparse_categorical_crossentropy";
    e.metrics = {"accuracy"};
    e.batch_size = 4;
    const train::Logs logs = train::evaluate(model, x, labels, e);
    // Zero weights: uniform probabilities, loss log 2; argmax ties pick class 0: 6 of 10 right.
    BOOST_TEST(logs.at("loss") == std::log(2.0), boost::test_tools::tolerance(1e-6));
    BOOST_TEST(logs.at("accuracy") == 0.6, boost::test_tools::tolerance(1e-9));
    const Tensor p = train::predict(model, x, 3);
    BOOST_TEST((p.shape() == Shape{10, 2}));
    BOOST_TEST(!p.requires_grad());
    CHECK_THROWS_WITH(train::evaluate(model, x, slice(labels, 0, 0, 5), e), ShapeError,
                      "evaluate: x [10,3] and y [5] must have the same number of samples");
}

// Counting metrics (precision, auc) are computed from the counts of all
// batches, not averaged per batch; batch-mean metrics (mae) stay weighted means.
BOOST_AUTO_TEST_CASE(evaluate_counts_precision_and_auc_over_all_batches) {
    // An identity model, so y_pred = x: p = [0.9, 0.6, 0.4, 0.7, 0.2], y = [1, 0, 1, 1, 0].
    Sequential model{nn::Rescaling(1.0).input_shape({1})};
    const Tensor x = tensor({{0.9}, {0.6}, {0.4}, {0.7}, {0.2}}), y = tensor({{1}, {0}, {1}, {1}, {0}});
    train::EvaluateOptions e;
    e.metrics = {"precision", "recall", "auc", "mae"};
    e.batch_size = 2;
    const train::Logs logs = train::evaluate(model, x, y, e);
    // p > 0.5: tp 2, fp 1, fn 1 → precision = recall = 2/3 (per-batch precisions 1/2, 1, 1 would average to 0.8)
    BOOST_TEST(logs.at("precision") == 2.0 / 3, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(logs.at("recall") == 2.0 / 3, boost::test_tools::tolerance(1e-12));
    // negatives 0.6, 0.2; positives 0.9, 0.4, 0.7: 5 of the 6 pairs ranked right → 5/6 (all in distinct bins)
    BOOST_TEST(logs.at("auc") == 5.0 / 6, boost::test_tools::tolerance(1e-9));
    // |e| = [0.1, 0.6, 0.6, 0.3, 0.2] → mean 0.36
    BOOST_TEST(logs.at("mean_absolute_error") == 0.36, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(seeded_shuffling_is_reproducible) {
    auto [x, y] = blobs(200, 3);
    auto run = [&] {
        manual_seed(5);
        Sequential model{Dense(4, "tanh").input_shape({2}), Dense(2, "softmax")};
        train::FitOptions o;
        o.loss = "sparse_categorical_crossentropy";
        o.optimizer = sgd(model, 0.05);
        o.epochs = 2;
        o.verbose = 0;
        o.seed = 11;
        train::fit(model, x, y, o);
        return values(model[0]->weight("kernel"));
    };
    BOOST_TEST(run() == run(), boost::test_tools::per_element());
}

// Finding 5: fit shuffled on its own, so the same seed gave another order
// than a hand-written loop over DataLoader. Now both give the same weights.
BOOST_AUTO_TEST_CASE(fit_matches_a_hand_written_loop_over_data_loader) {
    auto [x, y] = blobs(100, 4);
    auto model_and_optimizer = [] {
        manual_seed(9);
        auto model = std::make_shared<Sequential>(
            std::initializer_list<AnyModule>{Dense(4, "tanh").input_shape({2}), Dense(2, "softmax")});
        return std::make_pair(model, sgd(*model, 0.1));
    };
    auto [a, opt_a] = model_and_optimizer();
    train::FitOptions o;
    o.loss = "sparse_categorical_crossentropy";
    o.optimizer = opt_a;
    o.epochs = 3;
    o.batch_size = 16;  // 7 batches, the last of 4
    o.verbose = 0;
    o.seed = 123;
    train::fit(*a, x, y, o);

    auto [b, opt_b] = model_and_optimizer();
    data::DataLoader loader(x, y, {.batch_size = 16, .shuffle = true, .seed = 123});
    for (int epoch = 0; epoch < 3; ++epoch) {
        for (const data::Batch& batch : loader) {
            Tensor loss = losses::sparse_categorical_crossentropy(batch.y, (*b)(batch.x, true));
            opt_b->zero_grad();
            loss.backward();
            opt_b->step();
        }
    }
    BOOST_TEST(values((*a)[0]->weight("kernel")) == values((*b)[0]->weight("kernel")), boost::test_tools::per_element());
    BOOST_TEST(values((*a)[1]->weight("bias")) == values((*b)[1]->weight("bias")), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(early_stopping_restores_best_weights) {
    // Linear regression: a learning rate of 50 from epoch 1 on makes gradient descent diverge.
    Generator g(4);
    const Tensor x = randn({128, 2}, float32, g);
    const Tensor y = slice(x, 1, 0, 1) * 2.0;
    Sequential model{Dense(1).input_shape({2})};
    auto stopper = std::make_shared<train::EarlyStopping>("val_loss", 0.0, 1, true);
    train::FitOptions o;
    o.loss = "mse";
    o.optimizer = sgd(model, 0.05);
    o.epochs = 20;
    o.verbose = 0;
    o.validation_data = {{x, y}};
    o.callbacks = {stopper,
                   std::make_shared<train::LearningRateScheduler>([](int epoch, double lr) { return epoch == 0 ? lr : 50.0; })};
    const train::History h = train::fit(model, x, y, o);
    BOOST_TEST(stopper->stopped_epoch() == 1);
    BOOST_TEST(stopper->best_epoch() == 0);
    BOOST_TEST(h.size() == 2u);
    BOOST_TEST(h["learning_rate"][1] == 50.0);
    BOOST_TEST(h["val_loss"][1] > h["val_loss"][0]);
    // The restored weights are epoch 0's: they give its validation loss again.
    train::EvaluateOptions e;
    e.loss = "mse";
    BOOST_TEST(train::evaluate(model, x, y, e).at("loss") == h["val_loss"][0], boost::test_tools::tolerance(1e-5));
}

BOOST_AUTO_TEST_CASE(early_stopping_patience_counts_epochs) {
    // Keras: stop once `patience` epochs pass without improvement.
    train::EarlyStopping stop("val_loss", 0.0, 2);
    Sequential model{Dense(1).input_shape({1})};
    optim::SGD opt{optim::ParamGroup(model)};
    train::TrainContext ctx{model, opt, 10, 1};
    stop.on_train_begin(ctx);
    const double losses[] = {1.0, 0.9, 0.95, 0.91};
    for (int epoch = 0; epoch < 4 && !ctx.stop_training; ++epoch) {
        train::Logs logs{{"val_loss", losses[epoch]}};
        stop.on_epoch_end(epoch, logs, ctx);
    }
    BOOST_TEST(stop.stopped_epoch() == 3);
    BOOST_TEST(stop.best_epoch() == 1);
    train::Logs missing{{"loss", 1.0}};
    CHECK_THROWS_WITH(stop.on_epoch_end(4, missing, ctx), ValueError, "monitored value 'val_loss' is not in the logs");
}

BOOST_AUTO_TEST_CASE(reduce_lr_on_plateau) {
    Sequential model{Dense(1).input_shape({1})};
    optim::SGD opt(optim::ParamGroup(model), optim::SGDOptions().learning_rate(1.0));
    train::TrainContext ctx{model, opt, 10, 1};
    train::ReduceLROnPlateau plateau("val_loss", optim::PlateauOptions().factor(0.5).patience(2));
    const double losses[] = {1.0, 1.0, 1.0, 0.5, 0.5, 0.5};
    std::vector<double> rates;
    for (int epoch = 0; epoch < 6; ++epoch) {
        train::Logs logs{{"val_loss", losses[epoch]}};
        plateau.on_epoch_end(epoch, logs, ctx);
        rates.push_back(opt.learning_rate());
    }
    // Stalled at epochs 1 and 2 → halve; improves at 3; stalls at 4 and 5 → halve again.
    BOOST_TEST(rates == std::vector<double>({1.0, 1.0, 0.5, 0.5, 0.5, 0.25}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(csv_logger_terminate_on_nan_and_lambda) {
    const auto dir = std::filesystem::temp_directory_path() / "xgrad_fit_test";
    std::filesystem::create_directories(dir);
    const std::string csv = (dir / "log.csv").string();
    auto [x, y] = blobs(64, 2);
    Sequential model{Dense(2, "softmax").input_shape({2})};
    int epochs_seen = 0;
    auto counter = std::make_shared<train::LambdaCallback>();
    counter->epoch_end = [&](int, train::Logs&, train::TrainContext&) { ++epochs_seen; };
    train::FitOptions o;
    o.loss = "sparse_categorical_crossentropy";
    o.optimizer = sgd(model, 0.1);
    o.metrics = {"accuracy"};
    o.epochs = 2;
    o.verbose = 0;
    o.callbacks = {std::make_shared<train::CSVLogger>(csv), counter};
    train::fit(model, x, y, o);
    BOOST_TEST(epochs_seen == 2);
    const std::string text = read_file(csv);
    BOOST_TEST(text.rfind("epoch,accuracy,loss\n0,", 0) == 0u);
    BOOST_TEST(std::count(text.begin(), text.end(), '\n') == 3);

    auto nan_stop = std::make_shared<train::TerminateOnNaN>();
    const Tensor bad_x = full({64, 2}, NAN);
    o.callbacks = {nan_stop};
    o.epochs = 5;
    const train::History h = train::fit(model, bad_x, y, o);
    BOOST_TEST(nan_stop->terminated());
    BOOST_TEST(h.size() == 1u);
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(history_csv_and_svg) {
    train::History h;
    h.append(0, {{"loss", 1.5}, {"val_loss", 2.0}, {"accuracy", 0.5}});
    h.append(1, {{"loss", 1.0}, {"val_loss", 1.5}, {"accuracy", 0.75}});
    BOOST_TEST(h.to_csv() == "epoch,accuracy,loss,val_loss\n0,0.5,1.5,2\n1,0.75,1,1.5\n");
    const std::string svg = h.to_svg();
    BOOST_TEST(svg.rfind("<svg", 0) == 0u);
    BOOST_TEST(svg.find(">loss</text>") != std::string::npos);
    BOOST_TEST(svg.find(">accuracy</text>") != std::string::npos);
    BOOST_TEST(svg.find("validation") != std::string::npos);
    BOOST_TEST(std::count(svg.begin(), svg.end(), '\n') > 10);
    CHECK_THROWS_WITH(h["val_accuracy"], ValueError, "no values for 'val_accuracy' (known: accuracy, loss, val_loss)");
    CHECK_THROWS_WITH(h.write_csv("/nonexistent-dir/h.csv"), IoError, "/nonexistent-dir/h.csv: cannot open for writing");
}

BOOST_AUTO_TEST_CASE(progress_formatting) {
    BOOST_TEST(train::ProgressBar::format_values({{"loss", 0.72341}, {"accuracy", 0.76123}}) ==
               " - accuracy: 0.7612 - loss: 0.7234");
    BOOST_TEST(train::ProgressBar::format_duration(3.4) == "3s");
    BOOST_TEST(train::ProgressBar::format_duration(0.0021) == "2ms");
    BOOST_TEST(train::ProgressBar::format_duration(65) == "1m 5s");
    std::ostringstream out;
    train::ProgressBar bar(out, 1719, false);
    bar.update(5, {{"loss", 1.0}});
    BOOST_TEST(out.str().empty());  // not a terminal: only the final line
    bar.finish({{"loss", 0.5}, {"val_loss", 0.25}});
    BOOST_TEST(out.str().rfind("1719/1719 \u2501", 0) == 0u);
    BOOST_TEST(out.str().find("/step - loss: 0.5000 - val_loss: 0.2500\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_options_are_rejected) {
    Sequential model{Dense(1).input_shape({1})};
    train::FitOptions o;
    o.verbose = 0;
    CHECK_THROWS_WITH(train::fit(model, ones({4, 1}), ones({4, 1}), o), ValueError, "an optimizer is required");
    o.optimizer = sgd(model, 0.1);
    o.validation_split = 1.0;
    CHECK_THROWS_WITH(train::fit(model, ones({4, 1}), ones({4, 1}), o), ValueError, "validation_split must be in [0, 1)");
    o.validation_split = 0;
    CHECK_THROWS_WITH(train::fit(model, ones({4, 1}), ones({3, 1}), o), ShapeError,
                      "fit: x [4,1] and y [3,1] must have the same number of samples");
}

BOOST_AUTO_TEST_SUITE_END()
