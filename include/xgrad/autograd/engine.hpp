#pragma once
/// \file
/// Running the graph backwards: backward() accumulates into leaves' .grad,
/// grad() returns gradients without touching .grad.
///
/// Nodes run in topological order (Kahn's algorithm, no recursion: a chain of
/// any length is fine). Gradients are accumulated, never assigned. The graph's
/// saved tensors are freed afterwards unless retain_graph is set; a second
/// backward through a freed graph throws AutogradError.
///
/// Thread safety: graphs built in different threads from different leaves
/// are independent. One graph is differentiated by one thread at a time: a
/// backward pass that reaches a node another thread's pass is running
/// through throws AutogradError. Not detected: two threads whose separate
/// graphs share leaves (one model's weights) accumulating into the same
/// .grad at once; give each thread its own model.
#include <optional>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// Backpropagates from `outputs` with seed gradients `grad_outputs` (an
/// undefined seed means ones, allowed only for one-element outputs).
/// create_graph here leaves a reference cycle on each leaf (see
/// Tensor::backward); for higher-order gradients use grad() instead.
void backward(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs = {},
              bool retain_graph = false, bool create_graph = false);

/// Options of grad().
struct GradOptions {
    /// Keep the graph for another backward (defaults to create_graph).
    std::optional<bool> retain_graph;
    /// Record the backward pass, so the result can be differentiated again.
    bool create_graph = false;
    /// Return an undefined tensor for an input the outputs do not depend on,
    /// instead of throwing.
    bool allow_unused = false;
};

/// d(sum_i <outputs[i], grad_outputs[i]>) / d(inputs[j]) for each j, without
/// touching any .grad. With create_graph the results carry their own history:
/// grad(grad(y, x), x) gives second derivatives.
std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs = {}, GradOptions options = {});

}  // namespace xgrad
