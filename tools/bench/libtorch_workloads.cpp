// libtorch_workloads: the workloads of xgrad_workloads (workloads.cpp) with
// libtorch's C++ frontend, same recipes: Keras initializers (he_normal and
// lecun_normal as truncated normals with Keras' correction, glorot_uniform
// output layer, zero biases), Keras' batch-norm settings (momentum 0.99 is
// PyTorch's 0.01, ε 1e-3), SGD / Adam (ε 1e-7), a new shuffle every epoch.
// The output layer gives logits and the loss is log_softmax + nll_loss,
// PyTorch's idiom (cheaper than Keras' softmax-then-log). Prints the same
// one-line format as xgrad_workloads. Built with -Dbench_libtorch=enabled.
//
// The cnn workload runs channels-first [N, 1, 28, 28], PyTorch's layout
// (glorot_uniform kernels: xavier_uniform_ computes the same fans).
//
//   libtorch_workloads bn_mlp|mlp_b256|selu100|cnn|book_cnn [--limit N]
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>

#include "workload_cli.hpp"
#include "xgrad/data/fashion_mnist.hpp"
#include "xgrad/data/idx.hpp"

namespace {

constexpr double kTruncatedStd = 0.87962566103423978;  // std of N(0, 1) truncated to ±2

/// Keras' VarianceScaling(scale, fan_in, truncated_normal) on a Linear layer.
torch::nn::Linear dense(std::int64_t in, std::int64_t out, double scale) {
    torch::nn::Linear layer(in, out);
    torch::NoGradGuard no_grad;
    const double std = std::sqrt(scale / static_cast<double>(in)) / kTruncatedStd;
    // N(0, std²) redrawn outside ±2·std (libtorch 1.13's C++ API has no trunc_normal_).
    torch::Tensor w = torch::randn_like(layer->weight) * std;
    for (torch::Tensor bad = w.abs() > 2 * std; bad.any().item<bool>(); bad = w.abs() > 2 * std)
        w = torch::where(bad, torch::randn_like(w) * std, w);
    layer->weight.copy_(w);
    torch::nn::init::zeros_(layer->bias);
    return layer;
}

/// Keras' glorot_uniform Dense layer (10 outputs: the output layer).
torch::nn::Linear output(std::int64_t in, std::int64_t out = 10) {
    torch::nn::Linear layer(in, out);
    torch::NoGradGuard no_grad;
    torch::nn::init::xavier_uniform_(layer->weight);
    torch::nn::init::zeros_(layer->bias);
    return layer;
}

/// A k x k "same" convolution (odd k) with Keras' glorot_uniform kernel and zero bias.
torch::nn::Conv2d conv(std::int64_t in, std::int64_t out, std::int64_t k = 3) {
    torch::nn::Conv2d layer(torch::nn::Conv2dOptions(in, out, k).padding(k / 2));
    torch::NoGradGuard no_grad;
    torch::nn::init::xavier_uniform_(layer->weight);
    torch::nn::init::zeros_(layer->bias);
    return layer;
}

torch::nn::BatchNorm1d batch_norm(std::int64_t c) {
    return torch::nn::BatchNorm1d(torch::nn::BatchNorm1dOptions(c).momentum(0.01).eps(1e-3));
}

/// An MNIST-format IDX file of `which` (0: training images, 1: training labels) as uint8 [N, …].
torch::Tensor idx_file(std::size_t which) {
    namespace fmt = xgrad::data::mnist_format;
    const auto path = fmt::find_file(xgrad::data::fashion_mnist::default_dir(), fmt::file_names[which]);
    const xgrad::data::IdxArray idx = xgrad::data::read_idx(path);
    const std::vector<std::int64_t> shape(idx.shape.begin(), idx.shape.end());
    return torch::from_blob(const_cast<std::uint8_t*>(idx.bytes.data()), shape, torch::kUInt8).clone();
}

}  // namespace

int main(int argc, char** argv) {
    const auto args = bench::parse_args(argc, argv);
    if (args && args->epochs != 1) {
        std::fprintf(stderr, "libtorch_workloads: --epochs is xgrad_workloads' only (one epoch here)\n");
        return 2;
    }
    if (!args) return 2;
    const std::string& workload = args->workload;
    if (const char* t = std::getenv("OMP_NUM_THREADS")) torch::set_num_threads(std::atoi(t));
    torch::manual_seed(42);

    torch::Tensor x = idx_file(0).slice(0, 0, args->limit).reshape({-1, 28 * 28}).to(torch::kFloat32).div_(255.0);
    const torch::Tensor y = idx_file(1).slice(0, 0, args->limit).to(torch::kInt64);

    torch::nn::Sequential model;
    std::int64_t batch_size = 32;
    double lr = 0.01;
    if (workload == "bn_mlp") {
        model = torch::nn::Sequential(batch_norm(784), dense(784, 300, 2.0), torch::nn::ReLU(), batch_norm(300),
                                      dense(300, 100, 2.0), torch::nn::ReLU(), batch_norm(100), output(100));
    } else if (workload == "mlp_b256") {
        model = torch::nn::Sequential(dense(784, 300, 2.0), torch::nn::ReLU(), dense(300, 100, 2.0), torch::nn::ReLU(),
                                      output(100));
        batch_size = 256;
        lr = 0.001;
    } else if (workload == "cnn") {
        x = x.reshape({-1, 1, 28, 28});
        model = torch::nn::Sequential(conv(1, 32), torch::nn::ReLU(), torch::nn::MaxPool2d(2), conv(32, 64),
                                      torch::nn::ReLU(), torch::nn::MaxPool2d(2), torch::nn::Flatten(),
                                      output(64 * 7 * 7, 128), torch::nn::ReLU(), torch::nn::Dropout(0.5), output(128));
        lr = 0.001;
    } else if (workload == "book_cnn") {
        x = x.reshape({-1, 1, 28, 28});
        model = torch::nn::Sequential(
            conv(1, 64, 7), torch::nn::ReLU(), torch::nn::MaxPool2d(2), conv(64, 128), torch::nn::ReLU(), conv(128, 128),
            torch::nn::ReLU(), torch::nn::MaxPool2d(2), conv(128, 256), torch::nn::ReLU(), conv(256, 256), torch::nn::ReLU(),
            torch::nn::MaxPool2d(2), torch::nn::Flatten(), output(256 * 3 * 3, 128), torch::nn::ReLU(),
            torch::nn::Dropout(0.5), output(128, 64), torch::nn::ReLU(), torch::nn::Dropout(0.5), output(64));
        lr = 0.001;
    } else {  // selu100
        x = (x - x.mean(0)) / (x.std(0, false) + 1e-7);
        model = torch::nn::Sequential(dense(784, 100, 1.0), torch::nn::SELU());
        for (int i = 1; i < 100; ++i) {
            model->push_back(dense(100, 100, 1.0));
            model->push_back(torch::nn::SELU());
        }
        model->push_back(output(100));
        lr = 0.001;
    }
    std::unique_ptr<torch::optim::Optimizer> optimizer;
    if (workload == "mlp_b256" || workload == "cnn" || workload == "book_cnn")
        optimizer = std::make_unique<torch::optim::Adam>(model->parameters(), torch::optim::AdamOptions(lr).eps(1e-7));
    else
        optimizer = std::make_unique<torch::optim::SGD>(model->parameters(), torch::optim::SGDOptions(lr));

    const auto start = std::chrono::steady_clock::now();
    model->train();
    const std::int64_t n = x.size(0);
    const torch::Tensor order = torch::randperm(n, torch::kInt64);
    double loss_sum = 0;
    for (std::int64_t b = 0; b < n; b += batch_size) {
        const torch::Tensor rows = order.slice(0, b, std::min(n, b + batch_size));
        const torch::Tensor xb = x.index_select(0, rows), yb = y.index_select(0, rows);
        optimizer->zero_grad();
        const torch::Tensor loss = torch::nll_loss(torch::log_softmax(model->forward(xb), 1), yb);
        loss.backward();
        optimizer->step();
        loss_sum += loss.item<double>() * static_cast<double>(rows.size(0));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bench::report(*args, "libtorch", seconds, loss_sum / static_cast<double>(n), std::to_string(torch::get_num_threads()));
    return 0;
}
