// The thread's op tracer (xgrad/autograd/trace.hpp).
#include "xgrad/autograd/trace.hpp"

namespace xgrad::detail {

constinit thread_local OpTracer* op_tracer [[gnu::tls_model("initial-exec")]] = nullptr;

}  // namespace xgrad::detail
