#pragma once
/// \file
/// ModuleTracer: an op tracer (xgrad/autograd/trace.hpp) that also sees the
/// module calls, so a trace knows which layer ran each op and can take a
/// layer's call as one unit (ONNX export writes a layer that has a layer
/// exporter with it instead of tracing its ops).
#include <span>

#include "xgrad/autograd/trace.hpp"
#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

/// An OpTracer told by Module::call() when each module is entered and left,
/// for a call on one tensor and a call on a list (several inputs) alike.
class ModuleTracer : public OpTracer {
public:
    /// `module` is about to run forward on `inputs` (one for call(x)). True
    /// takes the call as one unit: the ops it runs are not traced, and
    /// leave_module() is told its outputs.
    virtual bool enter_module(Module& module, std::span<const Tensor> inputs) = 0;
    /// The call entered last returned `outputs`; `as_unit` is what enter_module() answered.
    /// Not called when forward throws (the trace is then abandoned).
    virtual void leave_module(Module& module, std::span<const Tensor> inputs, std::span<const Tensor> outputs,
                              bool as_unit) = 0;
};

}  // namespace xgrad::nn
