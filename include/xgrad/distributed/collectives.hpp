#pragma once
/// \file
/// Collective operations on tensors across processes, over MPI: the
/// building blocks of data-parallel training.
///
///     int main(int argc, char** argv) {
///         distributed::Session session(&argc, &argv);   // MPI_Init … MPI_Finalize
///         Tensor g = …;
///         distributed::all_reduce(g, distributed::ReduceOp::mean);
///     }
///     // mpirun -np 2 ./program
///
/// Every process (rank) must call the same collectives in the same order.
/// Each call first checks that all ranks passed the same dtype and shape
/// (all_gather: the same shape but the first dimension) and otherwise
/// throws ValueError on every rank, naming the ranks and shapes, instead of
/// letting MPI hang or mix up buffers.
///
/// Built without MPI (Meson option `-Dmpi=disabled`, or no MPI found), the
/// same calls run as a single process: rank 0 of 1, and every collective
/// leaves its tensor as it is. available() tells which.
///
/// A rank that fails must not leave the others waiting in a collective
/// forever (MPI cannot drop a rank and go on). So:
///  - a rank that dies, or exits without finalize(), makes mpirun end the
///    job at once, reporting which rank;
///  - an exception leaving a Session skips MPI_Finalize (which would wait
///    for the others), so the process exits and mpirun ends the job; a
///    program that catches an error it cannot recover from calls abort();
///  - a collective (or finalize()) that waits longer than timeout() for the
///    others prints which rank and operation waited and aborts the job
///    (MPI_Abort), so a hung or diverged rank costs at most the timeout.
///
/// Thread safety: collectives are called from one thread at a time (MPI is
/// initialized with MPI_THREAD_SERIALIZED); tensors they change must not be
/// used by other threads meanwhile. A watchdog thread (started by init(),
/// joined by finalize()) only reads the clock and may call MPI_Abort.
#include <exception>
#include <string>
#include <vector>

#include "xgrad/core/error.hpp"
#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// A failed MPI call, or a collective called before init().
class DistributedError : public Error {
public:
    using Error::Error;
};

namespace distributed {

/// Whether xgrad was built with MPI.
bool available() noexcept;
/// Whether an MPI launcher (Open MPI's mpirun, or a PMI launcher such as
/// srun) started this process: programs that also run alone call init()
/// only then (a plain start would pay for a one-process MPI_Init).
bool launched_by_mpirun() noexcept;
/// Initializes MPI (argc/argv may be null) unless already initialized, by
/// xgrad or by the program. Without MPI: marks the single process as started.
void init(int* argc = nullptr, char*** argv = nullptr);
/// Finalizes MPI if init() initialized it (not when the program did).
void finalize();
/// Whether collectives can be called now: MPI initialized (by xgrad or the
/// program) and not yet finalized; without MPI, init() called and finalize() not.
bool initialized() noexcept;
/// This process's rank in [0, size()).
/// DistributedError before init().
int rank();
/// The number of processes (1 without MPI). DistributedError before init().
int size();

/// Ends every rank's process now: prints "xgrad: rank R: <reason>" to
/// stderr and calls MPI_Abort (without MPI: std::exit(code)).
[[noreturn]] void abort(const std::string& reason, int code = 1);

/// How long a collective may wait for the other ranks before the job is
/// aborted, in seconds (0: forever). Default 600, or the environment's
/// XGRAD_DISTRIBUTED_TIMEOUT when init() runs. ValueError when negative.
void set_timeout(double seconds);
/// The current collective timeout in seconds (0: forever); see set_timeout().
double timeout() noexcept;

/// init() on construction, finalize() on destruction, except while an
/// exception unwinds: then MPI is left unfinalized so that mpirun, seeing
/// the process end, stops the other ranks instead of this one waiting for them.
class Session {
public:
    /// Calls init(argc, argv).
    explicit Session(int* argc = nullptr, char*** argv = nullptr) { init(argc, argv); }
    ~Session() {
        if (std::uncaught_exceptions() == 0) finalize();
    }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
};

/// How all_reduce() combines the ranks' tensors: elementwise sum, or mean
/// (floating dtypes only).
enum class ReduceOp { sum, mean };

/// Replaces `t` on every rank by the elementwise sum (or mean, floating
/// dtypes only) of all ranks' tensors.
void all_reduce(Tensor& t, ReduceOp op = ReduceOp::sum);
/// Copies `t` from rank `root` into `t` on every rank.
void broadcast(Tensor& t, int root = 0);
/// The ranks' tensors concatenated along dimension 0, in rank order, on
/// every rank; the first dimensions may differ (not the others).
Tensor all_gather(const Tensor& t);
/// Returns when every rank has called it.
void barrier();

/// A value every rank must agree on: what it is, for errors ("the seed"),
/// and the value as text ("42").
struct NamedValue {
    std::string what;   ///< What the value is, as the error names it.
    std::string value;  ///< The value as text; compared byte for byte.
};

/// Checks that every rank passed the same values (in the same order), as
/// the collectives check shapes: otherwise throws one ValueError on every
/// rank naming each value that differs and what each rank has, e.g.
/// "ranks disagree on the seed: rank 0 has 42, rank 1 has 7". Ranks with
/// the same value are listed together ("ranks 0, 2-3 have …"); a value
/// longer than 160 characters is shown around its first difference. One
/// all_gather of a 64-bit fingerprint per value, and only for values that
/// differ the texts themselves: cheap enough to call at the start of every
/// run. Without MPI, or on one rank, it returns at once.
void check_same_across_ranks(const std::vector<NamedValue>& values);
/// check_same_across_ranks() for one value.
void check_same_across_ranks(const std::string& what, const std::string& value);

/// The elementwise sum of `x` over all ranks, differentiable (op
/// "sum_across_ranks"): the building block of synchronized batch
/// normalization. Every rank must run its forward and, when x requires
/// grad, its backward, in the same order.
///
/// Backward: the gradient reaching rank r's x is Σ_s w_s·g_s / w_r, with g_s
/// rank s's output gradient and w = `weight`. That is the exact gradient of
/// the data-parallel objective Σ_r w_r·L_r / Σ w once average_gradients()
/// has weighted rank r's gradients by w_r: pass the rank's sample count (or
/// anything proportional to it, such as its rows). A rank with weight 0
/// (no samples this step) gets a zero gradient; with equal weights the
/// backward is the plain sum of the gradients. Without MPI, or on one rank,
/// the identity.
Tensor sum_across_ranks(const Tensor& x, double weight = 1.0);

}  // namespace distributed
}  // namespace xgrad
