#include "xgrad/core/tensor.hpp"

#include <cstring>

#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/ops/advanced_indexing.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

// The Tensor members that are ops (they record autograd nodes), kept here
// so that lib/core knows no graph.
namespace xgrad {

Tensor Tensor::to(Dtype target) const {
    if (dtype() == target) return *this;
    Tensor out(shape(), target);
    out.copy_(*this);
    trace_op("to", {this}, out);
    if (is_floating(target) && is_floating(dtype())) {
        record("to", out, {this}, [source = dtype()](const Tensor& g, InputGrads& dx) {
            dx[0] = g.to(source);
        });
    }
    return out;
}

Tensor Tensor::clone() const {
    Tensor out(shape(), dtype());
    std::memcpy(out.raw_data(), raw_data(), static_cast<std::size_t>(numel()) * itemsize(dtype()));
    trace_op("clone", {this}, out);
    record("clone", out, {this}, [](const Tensor& g, InputGrads& dx) { dx[0] = g; });
    return out;
}

Tensor Tensor::reshape(const Shape& s) const { return xgrad::reshape(*this, s); }
Tensor Tensor::flatten() const { return xgrad::flatten(*this); }
Tensor Tensor::sum() const { return xgrad::sum(*this); }
Tensor Tensor::mean() const { return xgrad::mean(*this); }
Tensor Tensor::t() const {
    if (rank() != 2) throw ShapeError("t: expected a 2-D tensor, got shape " + to_string(shape()));
    return transpose(*this, 0, 1);
}

Tensor Tensor::index(std::initializer_list<TensorIndex> indices) const { return xgrad::index(*this, indices); }
Tensor Tensor::index(const std::vector<TensorIndex>& indices) const { return xgrad::index(*this, indices); }
Tensor Tensor::index_put(std::initializer_list<TensorIndex> indices, const Tensor& v, bool accumulate) const {
    return xgrad::index_put(*this, indices, v, accumulate);
}
Tensor Tensor::index_put(const std::vector<TensorIndex>& indices, const Tensor& v, bool accumulate) const {
    return xgrad::index_put(*this, indices, v, accumulate);
}
IndexedUpdate Tensor::at(std::initializer_list<TensorIndex> indices) const { return IndexedUpdate(*this, indices); }
IndexedUpdate Tensor::at(const std::vector<TensorIndex>& indices) const { return IndexedUpdate(*this, indices); }
IndexedUpdate Tensor::at(const TensorIndex& index) const { return IndexedUpdate(*this, {index}); }

Tensor IndexedUpdate::set(const Tensor& v) const { return xgrad::index_put(x_, indices_, v, false); }
Tensor IndexedUpdate::set(double v) const { return set(scalar(v, x_.dtype())); }
Tensor IndexedUpdate::add(const Tensor& v) const { return xgrad::index_put(x_, indices_, v, true); }
Tensor IndexedUpdate::add(double v) const { return add(scalar(v, x_.dtype())); }
Tensor IndexedUpdate::get() const { return xgrad::index(x_, indices_); }

XGRAD_REGISTER_OP(to, differentiable);
XGRAD_REGISTER_OP(clone, differentiable);

}  // namespace xgrad
