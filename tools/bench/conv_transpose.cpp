// xgrad_bench_conv_transpose: conv2d_transpose forward + backward (input,
// kernel and bias gradients) in float32 on one thread, oneDNN (the op) against
// the composite path (col2im of a matmul, the op's float64 path, composed
// here from the same public ops), on an autoencoder decoder's shapes; printed
// as a markdown table. `meson compile -C build bench_conv_transpose` runs it.
//
// Timing: best of 15 samples after a warm-up call, the two alternating.
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>

#include "alternating_timer.hpp"
#include "xgrad/xgrad.hpp"

using namespace xgrad;

namespace {

using bench::best_times;

/// The composite path: y = col2im(x · kernelᵀ) + bias over the conv2d
/// geometry that maps y back to x (padded by the crops conv_transpose_crop gives).
Tensor composite(const Tensor& x, const Tensor& kernel, const Tensor& bias, const Conv2dTransposeOptions& o) {
    const Shape& xs = x.shape();
    const Shape& ks = kernel.shape();
    const std::int64_t rows = xs[0] * xs[1] * xs[2], window = ks[0] * ks[1] * ks[2];
    std::array<std::int64_t, 4> crop{};
    Shape out{xs[0], 0, 0, ks[2]};
    for (int a = 0; a < 2; ++a) {
        const auto c = conv_transpose_crop(xs[1 + a], ks[a], o, a);
        crop[2 * a] = c[0];
        crop[2 * a + 1] = std::max<std::int64_t>(c[1], 0);
        out[1 + a] = conv_transpose_output_size(xs[1 + a], ks[a], o, a);
    }
    const Window2d w{{ks[0], ks[1]}, o.strides, o.dilation, Padding2d(crop[0], crop[1], crop[2], crop[3])};
    const Tensor cols = matmul(reshape(x, {rows, xs[3]}), transpose(reshape(kernel, {window, ks[3]}), 0, 1));
    return col2im(reshape(cols, {xs[0], xs[1], xs[2], window}), out, w) + bias;
}

struct Case {
    const char* what;
    Shape x;
    std::int64_t filters, k;
    Conv2dTransposeOptions options;
};

}  // namespace

int main() {
    set_num_threads(1);
    Generator gen(3);
    const Case cases[] = {
        {"[32,7,7,64] → 32 filters, 3x3, strides 2, same", {32, 7, 7, 64}, 32, 3, {.strides = {2, 2}, .padding = "same"}},
        {"[32,14,14,32] → 1 filter, 3x3, strides 2, same", {32, 14, 14, 32}, 1, 3, {.strides = {2, 2}, .padding = "same"}},
        {"[32,14,14,32] → 32 filters, 3x3, strides 1, same", {32, 14, 14, 32}, 32, 3, {.padding = "same"}},
        {"[64,7,7,128] → 64 filters, 4x4, strides 2, same (DCGAN)", {64, 7, 7, 128}, 64, 4, {.strides = {2, 2}, .padding = "same"}},
    };
    std::printf("conv2d_transpose forward + backward, float32, one thread (ms, best of 15, alternating)\n\n");
    std::printf("| shape | oneDNN | composite | ratio |\n|---|---|---|---|\n");
    for (const Case& c : cases) {
        const Tensor x = randn(c.x, float32, gen).requires_grad_();
        const Tensor kernel = randn({c.k, c.k, c.filters, c.x[3]}, float32, gen).requires_grad_();
        const Tensor bias = randn({c.filters}, float32, gen).requires_grad_();
        const auto pass = [&](auto&& forward) {
            return [&, forward] {
                const Tensor y = forward();
                (void)grad({y.sum()}, {x, kernel, bias});
            };
        };
        const auto [dnnl, comp] = best_times(pass([&] { return conv2d_transpose(x, kernel, bias, c.options); }),
                                             pass([&] { return composite(x, kernel, bias, c.options); }));
        std::printf("| %s | %.2f | %.2f | %.2f |\n", c.what, dnnl * 1e3, comp * 1e3, comp / dnnl);
    }
    return 0;
}
