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
/// Thread safety: collectives are called from one thread at a time (MPI is
/// initialized with MPI_THREAD_SERIALIZED); tensors they change must not be
/// used by other threads meanwhile.
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
/// Initializes MPI (argc/argv may be null) unless already initialized, by
/// xgrad or by the program. Without MPI: marks the single process as started.
void init(int* argc = nullptr, char*** argv = nullptr);
/// Finalizes MPI if init() initialized it (not when the program did).
void finalize();
bool initialized() noexcept;
/// This process's rank in [0, size()), and the number of processes.
/// DistributedError before init().
int rank();
int size();

/// init() on construction, finalize() on destruction.
class Session {
public:
    explicit Session(int* argc = nullptr, char*** argv = nullptr) { init(argc, argv); }
    ~Session() { finalize(); }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
};

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

}  // namespace distributed
}  // namespace xgrad
