// A distributed fit in which rank 1 fails at its third batch, in the way
// argv[1] names; check_failures.sh runs it under mpirun and checks that the
// job ends soon with a message naming the failure.
//   uncaught  an exception leaves main (through the Session)
//   caught    main catches it and returns (its Session then finalizes)
//   abort     main catches it and calls distributed::abort
//   killed    rank 1 is killed (SIGKILL)
//   hang      rank 1 stops calling collectives (sleeps)
//   disagree  rank 1 is given another shuffling seed: fit fails on every
//             rank at its start, naming the seeds (main catches it)
#include <chrono>
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>

#include "xgrad/distributed/collectives.hpp"
#include "xgrad/nn/dense.hpp"
#include "xgrad/nn/sequential.hpp"
#include "xgrad/optim/sgd.hpp"
#include "xgrad/train/fit.hpp"

using namespace xgrad;

namespace {

void run(const std::string& mode) {
    manual_seed(1);
    nn::Sequential model{nn::Dense(4, "relu"), nn::Dense(1)};
    const Tensor x = normal({256, 3}), y = normal({256, 1});
    auto fail = std::make_shared<train::LambdaCallback>();
    fail->batch_begin = [mode](std::int64_t batch, train::TrainContext& ctx) {
        if (ctx.rank != 1 || batch != 2) return;
        if (mode == "killed") std::raise(SIGKILL);
        if (mode == "hang") std::this_thread::sleep_for(std::chrono::hours(1));
        throw std::runtime_error("injected failure on rank 1 at batch 2");
    };
    train::FitOptions options;
    options.optimizer = std::make_shared<optim::SGD>(model);
    options.epochs = 2;
    options.batch_size = 8;
    options.verbose = 0;
    options.callbacks = {fail};
    options.distributed = true;
    if (mode == "disagree") options.seed = 42 + static_cast<std::uint64_t>(distributed::rank());
    train::fit(model, x, y, options);
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    distributed::Session session(&argc, &argv);
    if (mode == "uncaught") {
        run(mode);
        return 0;
    }
    try {
        run(mode);
    } catch (const std::exception& e) {
        if (mode == "abort") distributed::abort(e.what());
        std::fprintf(stderr, "rank %d caught: %s\n", distributed::rank(), e.what());
        return 1;
    }
    return 0;
}
