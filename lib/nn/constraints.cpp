#include "xgrad/nn/constraints.hpp"

#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad::nn {

void MaxNorm::apply(Tensor& w) const {
    NoGradGuard no_grad;
    const Tensor norms = sqrt(sum(square(w), {axis}, true));
    const Tensor desired = clamp(norms, 0.0, max_value);
    w.copy_(w * (desired / (norms + 1e-7)));
}

ConstraintRef::ConstraintRef(const char* name) {
    const std::string n = name;
    if (n == "max_norm") ptr_ = std::make_shared<MaxNorm>();
    else throw ValueError("unknown constraint '" + n + "' (known: max_norm)");
}

}  // namespace xgrad::nn
