#pragma once
/// \file
/// How many threads xgrad uses inside one op.
///
/// xgrad parallelizes large ops (matrix products, convolutions, pooling,
/// im2col) over a pool of its own: the calling thread plus
/// num_threads() − 1 workers. Idle workers spin
/// for about a millisecond, so back-to-back small ops hand work over without
/// a wake-up, then sleep. The BLAS libraries underneath (oneDNN, OpenBLAS)
/// run single-threaded inside it, so threads never multiply.
///
/// Thread safety: any thread may run ops. One op at a time uses the pool;
/// an op started while another thread's op holds it (or from inside a pool
/// task) runs on its own thread alone. A parallel op splits its output into
/// disjoint blocks, one per thread, so no sum is split across threads; the
/// BLAS kernel may still block a narrower product differently, so results
/// at different thread counts can differ in the last bits.
namespace xgrad {

/// Sets the number of threads per op (≥ 1; 1 = no workers). Waits for a
/// running parallel op to finish. The default is the XGRAD_NUM_THREADS
/// environment variable, else the number of CPUs this process may run on.
/// Throws ValueError for n < 1.
void set_num_threads(int n);

/// The number of threads per op. Throws ValueError on first use if
/// XGRAD_NUM_THREADS is set but is not a positive integer.
int num_threads();

}  // namespace xgrad
