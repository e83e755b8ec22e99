// sum_across_ranks: an all-reduce in the autograd graph (both builds).
#include "xgrad/autograd/node.hpp"
#include "xgrad/distributed/collectives.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/registry.hpp"

namespace xgrad::distributed {

Tensor sum_across_ranks(const Tensor& x, double weight) {
    if (!(weight >= 0)) throw ValueError("sum_across_ranks: weight must be >= 0, got " + std::to_string(weight));
    Tensor out = x.detach().clone();
    all_reduce(out);
    record("sum_across_ranks", out, {&x}, [weight](const Tensor& g, InputGrads& dx) {
        // Written with the op itself, so a graph of the gradient (create_graph)
        // differentiates it again; every rank joins the all-reduce, whatever its weight.
        const Tensor total = sum_across_ranks(g * weight);
        if (dx.needs(0)) dx[0] = weight > 0 ? total * (1.0 / weight) : zeros_like(g);
    });
    return out;
}

XGRAD_REGISTER_OP(sum_across_ranks, differentiable);

}  // namespace xgrad::distributed
