#include "xgrad/autograd/function.hpp"

#include <string>

namespace xgrad {

void FunctionContext::seal(std::span<const Tensor> outputs) {
    saved_.clear();
    for (const Tensor& t : to_save_) {
        std::size_t k = 0;
        while (k < outputs.size() && !outputs[k].is_same(t)) ++k;
        saved_.push_back(k < outputs.size() ? SavedTensor::output(t, static_cast<std::uint32_t>(k)) : SavedTensor(t));
    }
    to_save_.clear();
}

std::vector<Tensor> FunctionContext::saved_tensors() const {
    std::vector<Tensor> out;
    if (!to_save_.empty()) return to_save_;  // still inside forward
    out.reserve(saved_.size());
    for (const SavedTensor& s : saved_) out.push_back(s.get());
    return out;
}

namespace detail {

void place_function_grads(const char* name, std::vector<Tensor>& grads, std::span<Tensor> grad_inputs,
                          const std::vector<Shape>& input_shapes, const Node& node) {
    if (grads.size() != grad_inputs.size()) {
        throw AutogradError(std::string(name) + ": backward returned " + std::to_string(grads.size()) +
                            " gradients, expected " + std::to_string(grad_inputs.size()) +
                            " (one per tensor input)");
    }
    for (std::size_t i = 0; i < grads.size(); ++i) {
        if (!grads[i].defined() || !node.needs_input_grad(i)) continue;
        if (grads[i].shape() != input_shapes[i]) {
            throw ShapeError(std::string(name) + ": backward returned a gradient of shape " +
                             to_string(grads[i].shape()) + " for input " + std::to_string(i) + " of shape " +
                             to_string(input_shapes[i]));
        }
        grad_inputs[i] = std::move(grads[i]);
    }
}

}  // namespace detail
}  // namespace xgrad
