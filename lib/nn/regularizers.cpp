#include "xgrad/nn/regularizers.hpp"

#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad::nn {

Tensor L1L2::operator()(const Tensor& w) const {
    Tensor penalty = zeros({}, w.dtype());
    if (l1 != 0.0) penalty = penalty + sum(abs(w)) * l1;
    if (l2 != 0.0) penalty = penalty + sum(square(w)) * l2;
    return penalty;
}

RegularizerRef::RegularizerRef(const char* name) {
    const std::string n = name;
    if (n == "l1") ptr_ = std::make_shared<L1>();
    else if (n == "l2") ptr_ = std::make_shared<L2>();
    else if (n == "l1_l2") ptr_ = std::make_shared<L1L2>(0.01, 0.01);
    else throw ValueError("unknown regularizer '" + n + "' (known: l1, l2, l1_l2)");
}

}  // namespace xgrad::nn
