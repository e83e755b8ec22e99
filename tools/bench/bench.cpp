// xgrad_bench: matmul throughput, per-op autograd overhead, a 100-layer MLP
// pass and convolution layers, printed as markdown tables. `meson compile -C build bench` runs it.
//
// Timing: every number is the best of several samples after a warm-up call;
// a sample repeats the work until it lasts >= ~20 ms (so the clock's
// resolution does not matter) and reports the time per repetition.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "fma_peak.hpp"
#include "linalg/gemm.hpp"
#include "xgrad/xgrad.hpp"

using namespace xgrad;

namespace {

using Clock = std::chrono::steady_clock;

double peak_gflops = 0;  // float32 FMA peak at xgrad's thread count, measured in main()

/// Best time per call of f in seconds over `samples` samples of >= min_sample seconds.
double best_time(const std::function<void()>& f, int samples = 7, double min_sample = 0.02) {
    f();  // warm-up: caches, oneDNN JIT kernels, the buffer cache
    const auto t0 = Clock::now();
    f();
    const double once = std::chrono::duration<double>(Clock::now() - t0).count();
    const int reps = std::max(1, static_cast<int>(min_sample / std::max(once, 1e-9)));
    double best = 1e30;
    for (int s = 0; s < samples; ++s) {
        const auto start = Clock::now();
        for (int r = 0; r < reps; ++r) f();
        best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count() / reps);
    }
    return best;
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            return colon == std::string::npos ? line : line.substr(colon + 2);
        }
    }
    return "unknown";
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

// ---- (a) matmul throughput ---------------------------------------------------------

void row_gflops(const char* name, const char* how, double flops, double seconds, double raw_seconds) {
    const double gf = flops / seconds * 1e-9;
    std::printf("| %-34s | %-30s | %9.1f | %9.1f | %5.0f%% | %9.1f |\n", name, how, seconds * 1e6, gf,
                100.0 * gf / peak_gflops, flops / raw_seconds * 1e-9);
}

/// Raw detail::gemm time for op(A)·op(B), m×n×k, on fresh buffers (no op layer).
double raw_gemm_time(bool ta, bool tb, std::int64_t m, std::int64_t n, std::int64_t k) {
    std::vector<float> a(static_cast<std::size_t>(m * k), 0.5f), b(static_cast<std::size_t>(k * n), 0.25f),
        c(static_cast<std::size_t>(m * n));
    return best_time([&] {
        detail::gemm(ta, tb, m, n, k, 1.0f, a.data(), ta ? m : k, b.data(), tb ? k : n, 0.0f, c.data(), n);
    });
}

void matmul_section() {
    std::printf("\n### (a) matmul, float32\n\n");
    std::printf("| %-34s | %-30s | %9s | %9s | %6s | %9s |\n", "product (m x n x k)", "timed through", "us",
                "GFLOP/s", "%peak", "raw gemm");
    std::printf("|%s|%s|%s|%s|%s|%s|\n", std::string(36, '-').c_str(), std::string(32, '-').c_str(),
                std::string(11, '-').c_str(), std::string(11, '-').c_str(), std::string(8, '-').c_str(),
                std::string(11, '-').c_str());
    for (std::int64_t n : {128, 256, 512, 1024, 2048}) {
        const Tensor a = randn({n, n}), b = randn({n, n});
        const double t = best_time([&] { matmul(a, b); }, n >= 1024 ? 5 : 7);
        const std::string name = "square " + std::to_string(n);
        row_gflops(name.c_str(), "matmul(A, B)", 2.0 * n * n * n, t, raw_gemm_time(false, false, n, n, n));
    }
    struct Layer {
        std::int64_t batch, in, out;
    };
    for (const Layer& l : {Layer{32, 784, 300}, Layer{32, 300, 100}, Layer{32, 100, 100}}) {
        const double flops = 2.0 * l.batch * l.in * l.out;
        const Tensor x = randn({l.batch, l.in}), w = randn({l.in, l.out}), dy = randn({l.batch, l.out});
        char name[64];
        std::snprintf(name, sizeof name, "[%ldx%ld]x[%ldx%ld] fwd NN", long(l.batch), long(l.in), long(l.in),
                      long(l.out));
        row_gflops(name, "matmul(X, W)", flops, best_time([&] { matmul(x, w); }),
                   raw_gemm_time(false, false, l.batch, l.out, l.in));
        // dX = dY·Wᵀ: the backward of matmul with only X requiring grad; the
        // graph is kept, so each call is the engine plus that one product.
        {
            Tensor xg = x.clone().requires_grad_();
            const Tensor y = matmul(xg, w);
            GradOptions keep;
            keep.retain_graph = true;
            std::snprintf(name, sizeof name, "  dX = dY.W^T  NT %ldx%ldx%ld", long(l.batch), long(l.in),
                          long(l.out));
            row_gflops(name, "autograd grad(), 1 node", flops, best_time([&] { grad({y}, {xg}, {dy}, keep); }),
                       raw_gemm_time(false, true, l.batch, l.in, l.out));
        }
        {
            Tensor wg = w.clone().requires_grad_();
            const Tensor y = matmul(x, wg);
            GradOptions keep;
            keep.retain_graph = true;
            std::snprintf(name, sizeof name, "  dW = X^T.dY  TN %ldx%ldx%ld", long(l.in), long(l.out),
                          long(l.batch));
            row_gflops(name, "autograd grad(), 1 node", flops, best_time([&] { grad({y}, {wg}, {dy}, keep); }),
                       raw_gemm_time(true, false, l.in, l.out, l.batch));
        }
    }
    std::printf("\n`raw gemm` = GFLOP/s of detail::gemm alone on preallocated buffers (no tensor, no node).\n");
}

// ---- (b) per-op overhead -----------------------------------------------------------------

void overhead_section() {
    std::printf("\n### (b) per-op overhead: chain of 1000 elementwise ops on a [1,100] float32 tensor\n\n");
    std::printf("| %-58s | %10s |\n", "measurement (y = y*1.0001 and y = y + x alternating)", "us per op");
    std::printf("|%s|%s|\n", std::string(60, '-').c_str(), std::string(12, '-').c_str());
    constexpr int kOps = 1000;
    Tensor x = randn({1, 100}).requires_grad_();
    const Tensor seed = ones({1, 100});
    const auto chain = [&](const Tensor& start) {
        Tensor y = start;
        for (int i = 0; i < kOps; ++i) y = (i % 2 == 0) ? y * 1.0001 : y + x;
        return y;
    };
    const double nograd = best_time([&] {
        NoGradGuard g;
        chain(x);
    });
    const double fwd = best_time([&] { chain(x); });
    const double both = best_time([&] {
        Tensor y = chain(x);
        y.backward(seed);
        x.zero_grad();
    });
    std::printf("| %-58s | %10.3f |\n", "forward, NoGradGuard (kernels + allocation only)", nograd / kOps * 1e6);
    std::printf("| %-58s | %10.3f |\n", "forward, recording the graph", fwd / kOps * 1e6);
    std::printf("| %-58s | %10.3f |\n", "backward (difference)", (both - fwd) / kOps * 1e6);
    std::printf("| %-58s | %10.3f |\n", "**forward + backward** (step 8 target <= 0.3)", both / kOps * 1e6);
}

// ---- (c) 100-layer MLP ------------------------------------------------------------------------

void mlp_section() {
    std::printf("\n### (c) batch 32 through 100 x Linear(100,100) + tanh, forward + backward, float32\n\n");
    std::printf("| %-58s | %10s |\n", "variant", "ms / pass");
    std::printf("|%s|%s|\n", std::string(60, '-').c_str(), std::string(12, '-').c_str());
    constexpr int kLayers = 100;
    std::vector<Tensor> w, b;
    for (int i = 0; i < kLayers; ++i) {
        w.push_back((randn({100, 100}) * 0.1).requires_grad_());
        b.push_back(zeros({100}).requires_grad_());
    }
    const Tensor x = randn({32, 100});
    const auto pass = [&](bool fused, bool relu_act, bool do_backward) {
        Tensor h = x;
        for (int i = 0; i < kLayers; ++i) {
            const Tensor z = fused ? linear(h, w[i], b[i]) : matmul(h, w[i]) + b[i];
            h = relu_act ? relu(z) : tanh(z);
        }
        if (do_backward) {
            h.sum().backward();
            for (int i = 0; i < kLayers; ++i) {
                w[i].zero_grad();
                b[i].zero_grad();
            }
        }
    };
    const double fused = best_time([&] { pass(true, false, true); });
    const double composite = best_time([&] { pass(false, false, true); });
    const double relu_fused = best_time([&] { pass(true, true, true); });
    const double fwd_only = best_time([&] { pass(true, false, false); });
    std::printf("| %-58s | %10.3f |\n", "**linear(h, W, b) -> tanh** (step 8 target <= 1.5)", fused * 1e3);
    std::printf("| %-58s | %10.3f |\n", "matmul(h, W) + b -> tanh (composite, for comparison)", composite * 1e3);
    std::printf("| %-58s | %10.3f |\n", "linear(h, W, b) -> relu", relu_fused * 1e3);
    std::printf("| %-58s | %10.3f |\n", "linear -> tanh, forward only (recording)", fwd_only * 1e3);
    // 100 layers x (fwd + dX + dW), each 2·32·100·100 flops; dX of layer 0 is skipped.
    const double gemm_flops = 2.0 * 32 * 100 * 100 * (3.0 * kLayers - 1);
    std::printf("\n(%.1f GFLOP/s of GEMM work in the linear -> tanh pass.)\n", gemm_flops / fused * 1e-9);
}

// ---- (d) convolution and pooling -------------------------------------------------------------

void conv_section() {
    std::printf("\n### (d) conv2d \"same\", batch 32, float32, forward + backward (dx when not the first layer, "
                "dkernel, dbias)\n\n");
    std::printf("| %-36s | %12s | %12s | %13s | %9s | %6s |\n", "layer [H, W, C] -> filters", "oneDNN ms",
                "im2col ms", "oneDNN/im2col", "GFLOP/s", "%peak");
    std::printf("|%s|%s|%s|%s|%s|%s|\n", std::string(38, '-').c_str(), std::string(14, '-').c_str(),
                std::string(14, '-').c_str(), std::string(15, '-').c_str(), std::string(11, '-').c_str(),
                std::string(8, '-').c_str());
    struct ConvLayer {
        const char* name;
        std::int64_t size, channels, k, filters;
    };
    const ConvLayer layers[] = {{"[28,28,1] -> 32, 3x3 (small CNN 1)", 28, 1, 3, 32},
                                {"[14,14,32] -> 64 (small CNN 2)", 14, 32, 3, 64},
                                {"[28,28,1] -> 64, 7x7 (book CNN 1)", 28, 1, 7, 64},
                                {"[14,14,64] -> 128 (book CNN 2)", 14, 64, 3, 128},
                                {"[7,7,128] -> 256 (book CNN 4)", 7, 128, 3, 256}};
    for (const ConvLayer& l : layers) {
        const bool first = l.channels == 1;  // the images: no gradient wanted
        Tensor x = randn({32, l.size, l.size, l.channels}), kernel = randn({l.k, l.k, l.channels, l.filters}) * 0.1,
               bias = zeros({l.filters});
        if (!first) x.requires_grad_();
        kernel.requires_grad_();
        bias.requires_grad_();
        const Tensor dy = randn({32, l.size, l.size, l.filters});
        const Window2d window{{l.k, l.k}, {1, 1}, {1, 1}, "same"};
        const auto step = [&](const Tensor& y) {
            y.backward(dy);
            x.zero_grad();
            kernel.zero_grad();
            bias.zero_grad();
        };
        const double onednn = best_time([&] { step(conv2d(x, kernel, bias, {.padding = "same"})); });
        // The composite conv2d falls back to: one row per window, one product.
        const double composite = best_time([&] {
            const Tensor cols = im2col(x, window);
            const std::int64_t rows = cols.numel() / cols.shape()[3];
            step(reshape(matmul(reshape(cols, {rows, cols.shape()[3]}), reshape(kernel, {cols.shape()[3], l.filters})),
                         {32, l.size, l.size, l.filters}) +
                 bias);
        });
        const double flops = 2.0 * 32 * l.size * l.size * l.filters * l.k * l.k * l.channels * (first ? 2 : 3);
        const double gf = flops / onednn * 1e-9;
        std::printf("| %-36s | %12.3f | %12.3f | %13.2f | %9.1f | %5.0f%% |\n", l.name, onednn * 1e3, composite * 1e3,
                    onednn / composite, gf, 100.0 * gf / peak_gflops);
    }
    Tensor x = randn({32, 28, 28, 32}).requires_grad_();
    const Tensor dy = randn({32, 14, 14, 32});
    const double pool = best_time([&] {
        max_pool2d(x).backward(dy);
        x.zero_grad();
    });
    std::printf("\nmax_pool2d 2x2 on [32,28,28,32], forward + backward: %.3f ms.\n", pool * 1e3);
}

}  // namespace

int main() {
    const auto start = Clock::now();
    manual_seed(0);
    std::printf("## xgrad_bench\n\n");
    std::printf("- GEMM backend: %s\n", detail::gemm_backend());
    const int threads = num_threads();
    std::printf("- CPU: %s; %u hardware threads; xgrad threads: %d (XGRAD_NUM_THREADS)\n", cpu_model().c_str(),
                std::thread::hardware_concurrency(), threads);
    const double one_thread_peak = bench::fma_peak_gflops(1);
    peak_gflops = bench::fma_peak_gflops(threads);
    std::printf("- float32 FMA peak (measured, %s): %.1f GFLOP/s on 1 thread, %.1f on %d; %%peak below is against "
                "the latter\n",
                bench::fma_isa(), one_thread_peak, peak_gflops, threads);
    std::printf("- load average at start: %s\n", load_average().c_str());
    matmul_section();
    overhead_section();
    mlp_section();
    conv_section();
    std::printf("\n- load average at end: %s; total bench time %.1f s\n", load_average().c_str(),
                std::chrono::duration<double>(Clock::now() - start).count());
    return 0;
}
