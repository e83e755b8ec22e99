// Dropout, AlphaDropout and GaussianNoise: the random mask or noise is drawn
// without history, then combined with x through differentiable primitives
// (mul, add), so the gradient is the mask's scale (or 1 for additive noise).
#include "xgrad/nn/dropout.hpp"

#include <cmath>
#include <string>

#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/registry.hpp"

namespace xgrad::nn {

namespace functional {

namespace {

void check_floating(const char* op, const Tensor& x) {
    if (!is_floating(x.dtype())) {
        throw DtypeError(std::string(op) + ": expected a floating dtype (float32 or float64), got " +
                         std::string(dtype_name(x.dtype())));
    }
}

void check_rate(const std::string& who, double rate) {
    if (!(rate >= 0.0 && rate < 1.0)) {
        throw ValueError(who + ": rate must be in [0, 1), got " + std::to_string(rate));
    }
}

void check_stddev(const std::string& who, double stddev) {
    if (!(stddev >= 0.0 && stddev <= 1.0)) {
        throw ValueError(who + ": stddev must be in [0, 1], got " + std::to_string(stddev));
    }
}

// SELU's negative saturation value −scale·alpha.
constexpr double selu_alpha = 1.6732632423543772848170429916717;
constexpr double selu_scale = 1.0507009873554804934193349852946;
constexpr double alpha_p = -selu_scale * selu_alpha;  // −1.7580993408473766

}  // namespace

Tensor dropout(const Tensor& x, double rate, bool training, Generator& gen) {
    check_rate("dropout", rate);
    check_floating("dropout", x);
    if (!training || rate == 0.0) return x;
    // keep / (1 − rate), drawn without history: [x.shape]
    Tensor scaled_keep = bernoulli(x.shape(), 1.0 - rate, x.dtype(), gen);
    scaled_keep.mul_(1.0 / (1.0 - rate));
    return x * scaled_keep;  // dy/dx = keep / (1 − rate)
}

Tensor alpha_dropout(const Tensor& x, double rate, bool training, Generator& gen) {
    check_rate("alpha_dropout", rate);
    check_floating("alpha_dropout", x);
    if (!training || rate == 0.0) return x;
    const double a = 1.0 / std::sqrt((1.0 - rate) * (1.0 + rate * alpha_p * alpha_p));
    const double b = -a * alpha_p * rate;
    // y = a·(x·keep + α'·(1 − keep)) + b = x·(a·keep) + (a·α'·(1 − keep) + b)
    const Tensor keep = bernoulli(x.shape(), 1.0 - rate, x.dtype(), gen);
    const Tensor gain = keep * a;
    const Tensor offset = (1.0 - keep) * (a * alpha_p) + b;
    return x * gain + offset;  // dy/dx = a·keep
}

Tensor gaussian_noise(const Tensor& x, double stddev, bool training, Generator& gen) {
    check_stddev("gaussian_noise", stddev);
    check_floating("gaussian_noise", x);
    if (!training || stddev == 0.0) return x;
    return x + normal(x.shape(), 0.0, stddev, x.dtype(), gen);  // dy/dx = 1
}

XGRAD_REGISTER_OP(dropout, differentiable);         // composite
XGRAD_REGISTER_OP(alpha_dropout, differentiable);   // composite
XGRAD_REGISTER_OP(gaussian_noise, differentiable);  // composite

}  // namespace functional

XGRAD_REGISTER_LAYER(Dropout);
XGRAD_REGISTER_LAYER(AlphaDropout);
XGRAD_REGISTER_LAYER(GaussianNoise);

}  // namespace xgrad::nn
