// distributed:: without MPI: one process, rank 0 of 1; collectives leave
// their tensors as they are (collectives_mpi.cpp is the MPI build's).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "xgrad/distributed/collectives.hpp"

namespace xgrad::distributed {

namespace {

bool started = false;
double timeout_seconds = 600.0;  // nothing waits in one process; kept for the API

void require_started(const char* op) {
    if (!started) throw DistributedError(std::string(op) + ": call distributed::init() first");
}

}  // namespace

bool available() noexcept { return false; }
void init(int*, char***) { started = true; }
void finalize() { started = false; }
bool initialized() noexcept { return started; }

void abort(const std::string& reason, int code) {
    std::fprintf(stderr, "xgrad: rank 0: %s\n", reason.c_str());
    std::exit(code);
}

void set_timeout(double seconds) {
    if (!(seconds >= 0)) throw ValueError("distributed::set_timeout: seconds must be >= 0, got " + std::to_string(seconds));
    timeout_seconds = seconds;
}

double timeout() noexcept { return timeout_seconds; }

int rank() {
    require_started("distributed::rank");
    return 0;
}

int size() {
    require_started("distributed::size");
    return 1;
}

void all_reduce(Tensor& t, ReduceOp op) {
    require_started("all_reduce");
    if (op == ReduceOp::mean && !is_floating(t.dtype()))
        throw DtypeError(std::string("all_reduce: a mean needs a floating dtype, got ") + std::string(dtype_name(t.dtype())));
}

void broadcast(Tensor&, int root) {
    require_started("broadcast");
    if (root != 0) throw ValueError("broadcast: root " + std::to_string(root) + " is not a rank (size 1)");
}

Tensor all_gather(const Tensor& t) {
    require_started("all_gather");
    return t.rank() == 0 ? t.reshape({1}).clone() : t.clone();
}

void barrier() { require_started("barrier"); }

}  // namespace xgrad::distributed
