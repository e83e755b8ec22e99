// Autodiff end to end: fit a small MLP to y = tanh(3x) − x/2 + exp(−4x²) on
// [−1, 1] with gradient descent written by hand (forward, loss, backward,
// update), then take a second derivative through the same machinery.
//   autodiff_demo [--short]
#include <cstdio>
#include <cstring>
#include <iostream>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

int main(int argc, char** argv) {
    const bool short_run = argc > 1 && std::strcmp(argv[1], "--short") == 0;
    manual_seed(0);
    const Tensor x = reshape(linspace(-1, 1, 256), {256, 1});
    const Tensor y = tanh(x * 3.0) - x * 0.5 + exp(square(x) * -4.0);

    nn::Sequential model{nn::Dense(32, "tanh").input_shape({1}), nn::Dense(32, "tanh"), nn::Dense(1)};
    const auto params = model.trainable_parameters();
    const double lr = 0.1;
    const int steps = short_run ? 200 : 3000;
    double first = 0, last = 0;
    for (int step = 0; step <= steps; ++step) {
        const Tensor loss = mean(square(model(x) - y));
        for (Tensor p : params) p.zero_grad();
        loss.backward();
        {
            NoGradGuard no_grad;  // updates are not part of the graph
            for (Tensor p : params) p.add_(p.grad(), -lr);
        }
        if (step == 0) first = loss.item();
        last = loss.item();
        if (step % (steps / 5) == 0) std::printf("step %5d  mse %.6f\n", step, last);
    }

    // d²/dx² of x³ at x = 2 is 12, through grad(create_graph=true).
    Tensor t = scalar(2.0, float64).requires_grad_();
    GradOptions opts;
    opts.create_graph = true;
    const Tensor dt = grad({pow(t, 3.0)}, {t}, {}, opts)[0];
    const Tensor d2t = grad({dt}, {t})[0];
    std::printf("d/dx x^3 at 2 = %.1f, d2/dx2 = %.1f\n", dt.item(), d2t.item());

    const bool learned = last < first / 10;
    std::printf("mse %.6f -> %.6f: %s\n", first, last, learned ? "learned" : "did NOT learn");
    return learned && d2t.item() == 12.0 ? 0 : 1;
}
