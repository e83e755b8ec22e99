// The chapter's initialization and activation cells, in xgrad:
//
//   Dense(50, "relu", "he_normal")                                  He init
//   Dense(50, "sigmoid", VarianceScaling(2.0, "fan_avg", "uniform"))  He init on fan_avg
//   Dense(50, leaky_relu, "he_normal")                              LeakyReLU as the activation
//   Dense(50, {}, "he_normal") + LeakyReLU(0.2)                     LeakyReLU as a layer
//   Dense(50, "selu", "lecun_normal")                               SELU + LeCun init
//
// For each layer it prints the kernel's standard deviation next to the
// formula's, then a few activation values. Exits 1 if a std is more than 5%
// off or the two LeakyReLU forms disagree.
#include <cmath>
#include <cstdio>
#include <memory>

#include <xgrad/xgrad.hpp>

using namespace xgrad;
using namespace xgrad::nn;

namespace {

constexpr std::int64_t n_inputs = 784;  // a flattened 28x28 image
constexpr std::int64_t n_units = 50;

bool report(const char* what, const Module& layer, double expected_std) {
    const double got = xgrad::std(layer.get_weights()[0]).item();
    const bool ok = std::abs(got - expected_std) <= 0.05 * expected_std;
    std::printf("%-48s kernel std %.5f   formula %.5f  %s\n", what, got, expected_std, ok ? "" : "(off!)");
    return ok;
}

}  // namespace

int main() {
    manual_seed(42);
    const Shape in{-1, n_inputs};
    bool ok = true;

    // He initialization: N(0, 2/fan_in) truncated at ±2σ (std corrected), fan_in = 784.
    Dense he(n_units, "relu", "he_normal");
    he.ensure_built(in);
    ok &= report("Dense(50, relu, he_normal)", he, std::sqrt(2.0 / n_inputs));

    // He on fan_avg = (784 + 50)/2, uniform: U(±sqrt(3·2/fan_avg)), std sqrt(2/fan_avg).
    Dense he_avg(n_units, "sigmoid", VarianceScaling(2.0, "fan_avg", "uniform"));
    he_avg.ensure_built(in);
    ok &= report("Dense(50, sigmoid, VarianceScaling(2, fan_avg))", he_avg,
                 std::sqrt(2.0 / ((n_inputs + n_units) / 2.0)));

    // LeakyReLU(0.2) passed as the activation (a layer object used as a function)...
    auto leaky = std::make_shared<LeakyReLU>(0.2);
    Dense leaky_dense(n_units, [leaky](const Tensor& x) { return (*leaky)(x); }, "he_normal");
    leaky_dense.ensure_built(in);
    ok &= report("Dense(50, LeakyReLU(0.2), he_normal)", leaky_dense, std::sqrt(2.0 / n_inputs));

    // ...or as a layer of its own after a Dense without activation: the same outputs.
    Sequential model{Dense(n_units, {}, "he_normal").input_shape({n_inputs}), LeakyReLU(0.2)};
    model.set_weights(leaky_dense.get_weights());
    const Tensor x = randn({8, n_inputs});
    const double diff = (abs(leaky_dense(x) - model(x))).sum().item();
    std::printf("%-48s total |difference| %g\n", "  LeakyReLU as activation vs as layer", diff);
    ok &= diff == 0.0;

    // SELU with LeCun initialization: N(0, 1/fan_in) truncated, std corrected.
    Dense selu_dense(n_units, "selu", "lecun_normal");
    selu_dense.ensure_built(in);
    ok &= report("Dense(50, selu, lecun_normal)", selu_dense, std::sqrt(1.0 / n_inputs));

    // A few activation values.
    const Tensor z = tensor({-3.0, -1.0, 0.0, 1.0, 3.0}, float64);
    std::printf("\nz                       = [-3, -1, 0, 1, 3]\n");
    const auto show = [](const char* name, const Tensor& t) {
        std::printf("%-23s =", name);
        for (const double v : t.to_vector<double>()) std::printf(" %9.5f", v);
        std::printf("\n");
    };
    show("relu", xgrad::relu(z));
    show("leaky_relu (0.2)", leaky_relu(z, 0.2));
    show("LeakyReLU() layer (0.3)", LeakyReLU()(z));
    show("elu", elu(z));
    show("selu", selu(z));
    show("gelu", gelu(z));
    show("gelu (tanh approx.)", gelu(z, true));
    show("silu / swish", silu(z));
    show("mish", mish(z));
    show("hard_sigmoid", hard_sigmoid(z));
    show("rrelu (inference)", rrelu(z, false));

    std::printf("\n%s\n", ok ? "all checks passed" : "CHECK FAILED");
    return ok ? 0 : 1;
}
