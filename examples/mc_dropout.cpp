// Monte Carlo Dropout (Gal & Ghahramani, 2016), as in the chapter's MC Dropout
// section: train a small classifier with Dropout, then at inference call the
// model with training = true so dropout stays on, run it N times and average.
// The mean of the N probability vectors is usually a better estimate than a
// single deterministic pass, and their standard deviation shows how unsure the
// model is.
//
// The task is synthetic so the program runs in a second: three 2-D Gaussian
// blobs (classes 0, 1, 2) centred at (−2, 0), (2, 0) and (0, 2.5). A point
// deep inside a blob gets a confident, stable prediction; a point between
// blobs gets a spread-out one with a larger std.
//
// Training is plain full-batch gradient descent written out by hand (loss
// = mean cross-entropy, then θ ← θ − η·∂L/∂θ outside autograd).
//
//     mc_dropout            # 300 steps, 100 MC samples
//     mc_dropout --short    # fewer steps and samples (used by the test suite)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include <xgrad/xgrad.hpp>

using namespace xgrad;
using namespace xgrad::nn;

namespace {

// n points per class around each centre, std 1.
void make_blobs(std::int64_t n, Generator& gen, Tensor& x, Tensor& y) {
    const double centres[3][2] = {{-2.0, 0.0}, {2.0, 0.0}, {0.0, 2.5}};
    std::vector<double> xs;
    std::vector<std::int64_t> ys;
    for (int c = 0; c < 3; ++c) {
        for (std::int64_t i = 0; i < n; ++i) {
            xs.push_back(centres[c][0] + gen.normal());
            xs.push_back(centres[c][1] + gen.normal());
            ys.push_back(c);
        }
    }
    x = from_vector(xs, {3 * n, 2}).to(float32);
    y = from_vector(ys, {3 * n});
}

// Mean cross-entropy of probabilities p [N, K] against integer labels [N].
Tensor cross_entropy(const Tensor& p, const Tensor& labels) {
    const Tensor target = one_hot(labels, p.size(-1));
    return -(target * log(clamp(p, 1e-7, 1.0))).sum() / static_cast<double>(p.size(0));
}

double accuracy(const Tensor& p, const Tensor& labels) {
    const auto pred = argmax(p, -1).to_vector<std::int64_t>();
    const auto truth = labels.to_vector<std::int64_t>();
    int hits = 0;
    for (std::size_t i = 0; i < pred.size(); ++i) hits += pred[i] == truth[i];
    return static_cast<double>(hits) / static_cast<double>(pred.size());
}

}  // namespace

int main(int argc, char** argv) {
    const bool short_run = argc > 1 && std::strcmp(argv[1], "--short") == 0;
    const int steps = short_run ? 100 : 300;
    const int mc_samples = short_run ? 30 : 100;

    manual_seed(42);  // weight initialization and dropout masks
    Generator data_gen(7);
    Tensor x_train, y_train;
    make_blobs(200, data_gen, x_train, y_train);

    Sequential model{
        Dense(32, "relu", "he_normal").input_shape({2}),
        Dropout(0.2),
        Dense(32, "relu", "he_normal"),
        Dropout(0.2),
        Dense(3, "softmax"),
    };
    std::printf("%s", model.summary().c_str());

    const double learning_rate = 0.1;
    for (int step = 1; step <= steps; ++step) {
        const Tensor loss = cross_entropy(model(x_train, /*training=*/true), y_train);
        loss.backward();
        {
            NoGradGuard no_grad;
            for (Tensor p : model.trainable_parameters()) {
                p.add_(p.grad(), -learning_rate);
                p.zero_grad();
            }
        }
        if (step % (steps / 4) == 0) std::printf("step %3d  loss %.4f\n", step, loss.item());
    }
    model.eval();
    std::printf("training accuracy (dropout off): %.3f\n\n", accuracy(model(x_train), y_train));

    // Three new points: inside blob 0, inside blob 2, and between blobs 0, 1 and 2.
    const Tensor x_new = tensor({{-2.5, -0.5}, {0.0, 3.5}, {0.0, 0.9}});

    // MC Dropout: N stochastic passes with dropout on, stacked to [N, 3, K].
    std::vector<Tensor> passes;
    {
        NoGradGuard no_grad;
        for (int i = 0; i < mc_samples; ++i) passes.push_back(model(x_new, /*training=*/true));
    }
    const Tensor y_probas = stack(passes);
    const Tensor y_proba = mean(y_probas, {0});  // [3, K]: the MC estimate
    const Tensor y_std = xgrad::std(y_probas, {0});
    const Tensor y_single = model(x_new, /*training=*/false);

    const auto mc = y_proba.to_vector<double>(), sd = y_std.to_vector<double>(), det = y_single.to_vector<double>();
    std::printf("MC Dropout over %d passes (mean ± std of each class probability):\n", mc_samples);
    for (int i = 0; i < 3; ++i) {
        std::printf("  x = (%5.2f, %5.2f)  deterministic [", x_new.to_vector<double>()[2 * i],
                    x_new.to_vector<double>()[2 * i + 1]);
        for (int k = 0; k < 3; ++k) std::printf("%s%.2f", k ? ", " : "", det[3 * i + k]);
        std::printf("]  MC [");
        for (int k = 0; k < 3; ++k) std::printf("%s%.2f ± %.2f", k ? ", " : "", mc[3 * i + k], sd[3 * i + k]);
        std::printf("]\n");
    }

    // Sanity checks so the example fails loudly if something regresses.
    const double train_acc = accuracy(model(x_train), y_train);
    double max_std_confident = 0, max_std_between = 0;
    for (int k = 0; k < 3; ++k) {
        max_std_confident = std::max(max_std_confident, sd[k]);
        max_std_between = std::max(max_std_between, sd[6 + k]);
    }
    bool rows_sum_to_one = true;
    for (int i = 0; i < 3; ++i) {
        double s = 0;
        for (int k = 0; k < 3; ++k) s += mc[3 * i + k];
        rows_sum_to_one = rows_sum_to_one && std::abs(s - 1.0) < 1e-4;
    }
    std::printf("\nlargest std: confident point %.3f, point between blobs %.3f\n", max_std_confident,
                max_std_between);
    const bool ok = train_acc > 0.8 && rows_sum_to_one && max_std_between > max_std_confident;
    std::printf("%s\n", ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
