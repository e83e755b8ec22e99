// distributed:: over MPI (built when Meson finds MPI; collectives_single.cpp otherwise).
// The C API only: MPI's deprecated C++ bindings do not compile cleanly.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "watchdog.hpp"
#include "xgrad/distributed/collectives.hpp"

namespace xgrad::distributed {

namespace {

bool initialized_here = false;  // finalize() ends only what init() started

void check(int code, const char* what) {
    if (code == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(code, text, &length);
    throw DistributedError(std::string(what) + ": " + std::string(text, static_cast<std::size_t>(length)));
}

using detail::watchdog;
using Span = detail::Watchdog::Span;

void require_started(const char* op) {
    if (!initialized()) throw DistributedError(std::string(op) + ": call distributed::init() first");
}

MPI_Datatype mpi_type(Dtype d) {
    switch (d) {
        case Dtype::float32: return MPI_FLOAT;
        case Dtype::float64: return MPI_DOUBLE;
        case Dtype::int64: return MPI_INT64_T;
        case Dtype::uint8: return MPI_UINT8_T;
        case Dtype::boolean: return MPI_C_BOOL;
    }
    throw DtypeError("distributed: unsupported dtype");
}

// What every rank tells the others before a collective: dtype, rank, an
// op-specific argument (the root of a broadcast) and up to 8 dimensions
// (a higher rank's trailing dimensions folded into the 8th).
constexpr int kDims = 8;
constexpr int kWords = 3 + kDims;
using Descriptor = std::array<std::int64_t, kWords>;

Descriptor describe(const Tensor& t, std::int64_t arg) {
    Descriptor d{};
    d[0] = static_cast<std::int64_t>(t.dtype());
    d[1] = static_cast<std::int64_t>(t.rank());
    d[2] = arg;
    for (std::size_t i = 0; i < t.rank(); ++i) {
        const std::size_t slot = std::min<std::size_t>(i, kDims - 1);
        d[3 + slot] = i < kDims ? t.shape()[i] : d[3 + slot] * t.shape()[i];
    }
    return d;
}

std::string text_of(const Descriptor& d) {
    std::string s(dtype_name(static_cast<Dtype>(d[0])));
    s += " [";
    for (std::int64_t i = 0; i < std::min<std::int64_t>(d[1], kDims); ++i) {
        if (i) s += ',';
        s += std::to_string(d[3 + i]);
    }
    return s + "]";
}

/// Exchanges descriptors and throws the same ValueError on every rank when
/// they disagree (dimension 0 may differ when `first_dim_free`).
std::vector<Descriptor> agree(const char* op, const Tensor& t, std::int64_t arg, bool first_dim_free) {
    require_started(op);
    const Descriptor mine = describe(t, arg);
    std::vector<Descriptor> all(static_cast<std::size_t>(size()));
    check(MPI_Allgather(mine.data(), kWords, MPI_INT64_T, all.data(), kWords, MPI_INT64_T, MPI_COMM_WORLD), op);
    for (std::size_t r = 1; r < all.size(); ++r) {
        bool same = all[r][0] == all[0][0] && all[r][1] == all[0][1] && all[r][2] == all[0][2];
        for (int i = 0; i < kDims && same; ++i) same = (first_dim_free && i == 0) || all[r][3 + i] == all[0][3 + i];
        if (same) continue;
        std::string what = std::string(op) + ": rank " + std::to_string(r) + " passed " + text_of(all[r]) +
                           " but rank 0 passed " + text_of(all[0]);
        if (all[r][2] != all[0][2]) what += " (and a different root)";
        throw ValueError(what + (first_dim_free ? "; only the first dimension may differ" : ""));
    }
    return all;
}

/// Runs fn(offset, count) over [0, n) in pieces of at most `piece` elements
/// (by default, what fits MPI's int counts).
template <class F> void in_pieces(std::int64_t n, F&& fn, std::int64_t piece = INT_MAX / 2) {
    for (std::int64_t offset = 0; offset < n; offset += piece) fn(offset, static_cast<int>(std::min(piece, n - offset)));
}

// All-reduces of large buffers go in 4 MiB pieces: between two local ranks
// a 100 MB float buffer reduced in pieces that stay in cache took 27 ms
// against 48-54 ms in one MPI_Allreduce (tools/bench/distributed).
constexpr std::size_t kReducePieceBytes = std::size_t{4} << 20;

}  // namespace

bool available() noexcept { return true; }

void init(int* argc, char*** argv) {
    int started = 0, ended = 0;
    MPI_Initialized(&started);
    MPI_Finalized(&ended);
    if (ended) throw DistributedError("distributed::init: MPI was already finalized");
    if (!started) {
        int provided = 0;
        check(MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
        initialized_here = true;
    }
    // Errors become exceptions instead of aborting every rank.
    check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
    if (const char* env = std::getenv("XGRAD_DISTRIBUTED_TIMEOUT")) {
        char* end = nullptr;
        const double seconds = std::strtod(env, &end);
        if (end == env || *end != '\0' || !(seconds >= 0))
            throw ValueError(std::string("XGRAD_DISTRIBUTED_TIMEOUT: expected seconds >= 0, got \"") + env + "\"");
        watchdog().set_timeout(seconds);
    }
    watchdog().start(rank());
}

void finalize() {
    if (!initialized_here || !initialized()) {
        watchdog().stop();
        return;
    }
    initialized_here = false;
    int code = MPI_SUCCESS;
    {
        // MPI_Finalize waits for every rank: bounded like a collective.
        const Span span(watchdog(), "MPI_Finalize");
        code = MPI_Finalize();
    }
    watchdog().stop();
    check(code, "MPI_Finalize");
}

void abort(const std::string& reason, int code) {
    int r = 0;
    if (initialized()) MPI_Comm_rank(MPI_COMM_WORLD, &r);
    std::fprintf(stderr, "xgrad: rank %d: %s\n", r, reason.c_str());
    std::fflush(stderr);
    if (initialized()) MPI_Abort(MPI_COMM_WORLD, code);
    std::exit(code);
}

void set_timeout(double seconds) {
    if (!(seconds >= 0)) throw ValueError("distributed::set_timeout: seconds must be >= 0, got " + std::to_string(seconds));
    watchdog().set_timeout(seconds);
}

double timeout() noexcept { return watchdog().timeout(); }

bool initialized() noexcept {
    int started = 0, ended = 0;
    MPI_Initialized(&started);
    MPI_Finalized(&ended);
    return started && !ended;
}

int rank() {
    require_started("distributed::rank");
    int r = 0;
    check(MPI_Comm_rank(MPI_COMM_WORLD, &r), "MPI_Comm_rank");
    return r;
}

int size() {
    require_started("distributed::size");
    int n = 1;
    check(MPI_Comm_size(MPI_COMM_WORLD, &n), "MPI_Comm_size");
    return n;
}

void all_reduce(Tensor& t, ReduceOp op) {
    const Span span(watchdog(), "all_reduce");
    agree("all_reduce", t, static_cast<std::int64_t>(op), false);
    if (op == ReduceOp::mean && !is_floating(t.dtype()))
        throw DtypeError(std::string("all_reduce: a mean needs a floating dtype, got ") + std::string(dtype_name(t.dtype())));
    auto* data = static_cast<char*>(t.raw_data());
    const std::size_t item = itemsize(t.dtype());
    in_pieces(
        t.numel(),
        [&](std::int64_t offset, int count) {
            check(MPI_Allreduce(MPI_IN_PLACE, data + offset * static_cast<std::int64_t>(item), count,
                                mpi_type(t.dtype()), MPI_SUM, MPI_COMM_WORLD),
                  "all_reduce");
        },
        static_cast<std::int64_t>(kReducePieceBytes / item));
    if (op == ReduceOp::mean) t.mul_(1.0 / size());
    else t.impl()->storage->bump_version();
}

void broadcast(Tensor& t, int root) {
    const Span span(watchdog(), "broadcast");
    agree("broadcast", t, root, false);
    if (root < 0 || root >= size())
        throw ValueError("broadcast: root " + std::to_string(root) + " is not a rank (size " + std::to_string(size()) + ")");
    auto* data = static_cast<char*>(t.raw_data());
    const std::size_t item = itemsize(t.dtype());
    in_pieces(t.numel(), [&](std::int64_t offset, int count) {
        check(MPI_Bcast(data + offset * static_cast<std::int64_t>(item), count, mpi_type(t.dtype()), root, MPI_COMM_WORLD),
              "broadcast");
    });
    t.impl()->storage->bump_version();
}

Tensor all_gather(const Tensor& t) {
    const Span span(watchdog(), "all_gather");
    const Tensor rows = t.rank() == 0 ? t.reshape({1}) : t;
    const std::vector<Descriptor> all = agree("all_gather", rows, 0, true);
    // Elements per row from the trailing dimensions, not numel / rows: a rank
    // with no rows must count the same row size as the others.
    std::int64_t inner = 1;
    for (std::size_t i = 1; i < rows.rank(); ++i) inner *= rows.size(static_cast<std::int64_t>(i));
    Shape shape = rows.shape();
    std::int64_t total_rows = 0;
    for (const Descriptor& d : all) total_rows += d[3];
    shape[0] = total_rows;
    Tensor out = empty(shape, t.dtype());
    if (total_rows * inner > INT_MAX)
        throw ValueError("all_gather: " + std::to_string(total_rows * inner) + " elements exceed MPI's int count");
    std::vector<int> counts(all.size()), offsets(all.size());
    int offset = 0;
    for (std::size_t r = 0; r < all.size(); ++r) {
        counts[r] = static_cast<int>(all[r][3] * inner);
        offsets[r] = offset;
        offset += counts[r];
    }
    check(MPI_Allgatherv(rows.raw_data(), static_cast<int>(rows.numel()), mpi_type(t.dtype()), out.raw_data(),
                         counts.data(), offsets.data(), mpi_type(t.dtype()), MPI_COMM_WORLD),
          "all_gather");
    return out;
}

void barrier() {
    require_started("barrier");
    const Span span(watchdog(), "barrier");
    check(MPI_Barrier(MPI_COMM_WORLD), "barrier");
}

}  // namespace xgrad::distributed
