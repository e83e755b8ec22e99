#include "xgrad/train/data_parallel.hpp"

#include <cstring>
#include <string>
#include <vector>

#include "xgrad/autograd/grad_mode.hpp"

namespace xgrad::distributed {

void broadcast_parameters(const std::map<std::string, Tensor>& state, int root) {
    NoGradGuard no_grad;
    for (const auto& [name, tensor] : state) {
        Tensor t = tensor;  // shares the owner's storage
        broadcast(t, root);
    }
}

void broadcast_parameters(nn::Module& model, int root) { broadcast_parameters(model.state_dict(), root); }

namespace {

/// Sums the scaled gradients of `params` (one dtype) across ranks in buckets, then divides by `total`.
void reduce_in_buckets(std::vector<Tensor>& params, double scale, double total, std::size_t bucket_bytes) {
    if (params.empty()) return;
    const Dtype dtype = params.front().dtype();
    const std::size_t item = itemsize(dtype);
    const auto bucket_elems = static_cast<std::int64_t>(std::max<std::size_t>(bucket_bytes / item, 1));
    std::size_t first = 0;
    while (first < params.size()) {
        // The parameters [first, last) fill one bucket (a larger one goes alone).
        std::int64_t elems = 0;
        std::size_t last = first;
        while (last < params.size() && (last == first || elems + params[last].numel() <= bucket_elems))
            elems += params[last++].numel();
        Tensor bucket = empty({elems}, dtype);
        auto* out = static_cast<char*>(bucket.raw_data());
        std::int64_t at = 0;
        for (std::size_t i = first; i < last; ++i) {
            const Tensor g = params[i].grad();
            const std::size_t bytes = static_cast<std::size_t>(params[i].numel()) * item;
            if (g.defined()) std::memcpy(out + at * static_cast<std::int64_t>(item), g.raw_data(), bytes);
            else std::memset(out + at * static_cast<std::int64_t>(item), 0, bytes);
            at += params[i].numel();
        }
        bucket.mul_(scale);
        all_reduce(bucket);
        bucket.mul_(1.0 / total);
        at = 0;
        for (std::size_t i = first; i < last; ++i) {
            Tensor g = params[i].grad();
            if (!g.defined()) {
                g = empty(params[i].shape(), dtype);
                params[i].set_grad(g);
            }
            std::memcpy(g.raw_data(), out + at * static_cast<std::int64_t>(item),
                        static_cast<std::size_t>(params[i].numel()) * item);
            at += params[i].numel();
        }
        first = last;
    }
}

}  // namespace

void average_gradients(const ParameterSource& source, std::int64_t local_samples, GradientAveraging options) {
    if (local_samples < 0)
        throw ValueError("average_gradients: local_samples must be >= 0, got " + std::to_string(local_samples));
    if (!source.parameters) throw ValueError("average_gradients: the parameter source is empty");
    NoGradGuard no_grad;
    Tensor count = scalar(static_cast<double>(local_samples), float64);
    all_reduce(count);
    const double total = count.item();
    if (total <= 0) throw ValueError("average_gradients: no rank had samples this step");
    std::vector<Tensor> f32, f64;
    // Frozen parameters are not among the trainable ones: skipped on every rank alike.
    for (const Tensor& p : source.parameters()) (p.dtype() == float64 ? f64 : f32).push_back(p);
    const auto scale = static_cast<double>(local_samples);
    reduce_in_buckets(f32, scale, total, options.bucket_bytes);
    reduce_in_buckets(f64, scale, total, options.bucket_bytes);
}

void average_gradients(nn::Module& model, std::int64_t local_samples, GradientAveraging options) {
    average_gradients(model.parameter_source(), local_samples, options);
}

}  // namespace xgrad::distributed
