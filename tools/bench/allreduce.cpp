// xgrad_allreduce: all-reduce time and bandwidth for float32 buffers of
// 1–100 MB between the ranks of an mpirun, three ways, interleaved so that
// all see the same machine load (median of --reps runs each):
//   MPI_Allreduce            the plain in-place call, the floor
//   distributed::all_reduce  xgrad's collective on a tensor, mean (adds the
//                            ranks' agreement check on dtype and shape,
//                            4 MiB pieces, the division)
//   average_gradients        a model's gradients of that size, in 4 MiB
//                            buckets (copy in, reduce, copy out)
// Rank 0 prints a markdown table.
//   mpirun -np 2 xgrad_allreduce [--reps N]
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>

#include "xgrad/xgrad.hpp"

using namespace xgrad;

namespace {

double seconds_of(const std::function<void()>& fn) {
    distributed::barrier();
    const auto start = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
    distributed::Session session(&argc, &argv);
    int reps = 9;
    for (int i = 1; i + 1 < argc; i += 2)
        if (std::strcmp(argv[i], "--reps") == 0) reps = std::max(1, std::atoi(argv[i + 1]));
    const bool root = distributed::rank() == 0;
    if (root) {
        std::printf("| MB | MPI_Allreduce ms | all_reduce ms | average_gradients ms | all_reduce / MPI | average_gradients / MPI | MPI GB/s |\n");
        std::printf("|---:|---:|---:|---:|---:|---:|---:|\n");
    }
    for (const std::int64_t mb : {1, 4, 16, 64, 100}) {
        const std::int64_t n = mb * 1000 * 1000 / 4;
        Tensor buffer = ones({n});
        // A model whose gradients total n floats: Dense layers of 1000 × 1000
        // (+ bias) and one for the rest.
        nn::Sequential model;
        std::int64_t left = n;
        while (left > 0) {
            const std::int64_t units = std::min<std::int64_t>(1000, std::max<std::int64_t>(left / 1001, 1));
            model.add(nn::Dense(units));
            left -= 1000 * units + units;
        }
        model.ensure_built({-1, 1000});
        for (Tensor p : model.trainable_parameters()) p.set_grad(ones(p.shape()));
        std::vector<double> plain, tensor, gradients;
        const std::function<void()> runs[] = {
            [&] {
                plain.push_back(seconds_of([&] {
                    MPI_Allreduce(MPI_IN_PLACE, buffer.raw_data(), static_cast<int>(n), MPI_FLOAT, MPI_SUM,
                                  MPI_COMM_WORLD);
                }));
            },
            [&] { tensor.push_back(seconds_of([&] { distributed::all_reduce(buffer, distributed::ReduceOp::mean); })); },
            [&] { gradients.push_back(seconds_of([&] { distributed::average_gradients(model, 1); })); }};
        // Each repetition starts with another of the three (none always runs on a warm cache).
        for (int r = 0; r < reps; ++r)
            for (int k = 0; k < 3; ++k) runs[(r + k) % 3]();
        const double p = median(plain), t = median(tensor), g = median(gradients);
        if (root)
            std::printf("| %lld | %.3f | %.3f | %.3f | %.2f | %.2f | %.2f |\n", static_cast<long long>(mb), p * 1e3,
                        t * 1e3, g * 1e3, t / p, g / p, static_cast<double>(n) * 4 / p * 1e-9);
    }
    return 0;
}
