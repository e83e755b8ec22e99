#pragma once
/// \file
/// Op tracing: while an OpTracer is installed on a thread (OpTracerGuard),
/// every op that reports itself (trace_op(), next to its forward) tells it
/// its registry name, its input and output tensors and the attributes a
/// translation needs (axes, keepdims, shapes, strides, padding, …). ONNX
/// export by tracing (xgrad/onnx/export.hpp) is built on it.
///
/// Cost when nothing traces: one thread-local load and one branch per op;
/// the attributes are built by a lambda that runs only while tracing.
///
/// Composite ops (written with other public ops) follow one rule: an op
/// translated as a whole reports itself through a CompositeOpTrace, which
/// silences the ops it is made of; a composite without a translation of its
/// own reports nothing and its inner ops are traced instead.
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// The value of an attribute an op reports: an int, a real, a list of ints or a string.
using OpAttributeValue = std::variant<std::int64_t, double, std::vector<std::int64_t>, std::string>;

/// One attribute of a traced op ("axes", "keepdims", "alpha", …).
struct OpAttribute {
    std::string name;        ///< The attribute's name.
    OpAttributeValue value;  ///< Its value (bools as 0 / 1).
};

/// The attributes of one traced op, in the order the op reports them.
using OpAttributes = std::vector<OpAttribute>;

/// Receives the ops run on the thread it is installed on.
class OpTracer {
public:
    virtual ~OpTracer() = default;
    /// Op `op` (its registry name) ran on `inputs` (undefined where an
    /// optional input was not given) and produced `outputs`.
    virtual void record(std::string_view op, std::span<const Tensor* const> inputs, std::span<const Tensor> outputs,
                        OpAttributes attributes) = 0;
    /// Op `op` made `output`, whether or not it reports itself: autograd's
    /// record() and Function::apply() say so for every op while tracing, so
    /// an op without a trace_op() line is caught instead of its output being
    /// taken for a constant.
    virtual void produced(std::string_view op, const Tensor& output) = 0;
};

namespace detail {
/// The tracer of this thread, null when none (OpTracerGuard installs it).
/// initial-exec: read with one load at a fixed offset from the thread
/// pointer instead of a __tls_get_addr call (the library is linked, not
/// dlopen'ed late; glibc's static TLS surplus holds the pointer even then).
extern constinit thread_local OpTracer* op_tracer [[gnu::tls_model("initial-exec")]];
}  // namespace detail

/// The tracer installed on this thread, or null.
inline OpTracer* active_op_tracer() noexcept { return detail::op_tracer; }

/// RAII: installs `tracer` (null: none) on this thread for its scope.
class OpTracerGuard {
public:
    /// Installs `tracer`; the destructor restores the previous one.
    explicit OpTracerGuard(OpTracer* tracer) noexcept : previous_(detail::op_tracer) { detail::op_tracer = tracer; }
    ~OpTracerGuard() { detail::op_tracer = previous_; }
    OpTracerGuard(const OpTracerGuard&) = delete;
    OpTracerGuard& operator=(const OpTracerGuard&) = delete;

private:
    OpTracer* previous_;
};

/// The attributes of an op without any.
inline OpAttributes no_attributes() { return {}; }

namespace detail {
/// The slow path of trace_op(): builds the attributes and reports.
template <class MakeAttributes>
[[gnu::noinline, gnu::cold]] void report_op(OpTracer& tracer, const char* op, std::span<const Tensor* const> inputs,
                                             const Tensor& out, MakeAttributes& attributes) {
    tracer.record(op, inputs, std::span(&out, 1), attributes());
}
/// report_op() for a list of inputs.
template <class MakeAttributes>
[[gnu::noinline, gnu::cold]] void report_op(OpTracer& tracer, const char* op, const std::vector<Tensor>& inputs,
                                             const Tensor& out, MakeAttributes& attributes) {
    std::vector<const Tensor*> pointers;
    pointers.reserve(inputs.size());
    for (const Tensor& t : inputs) pointers.push_back(&t);
    tracer.record(op, pointers, std::span(&out, 1), attributes());
}
}  // namespace detail

/// Reports op `op` with `inputs` and output `out` to this thread's tracer, if
/// one is installed; `attributes()` (returning OpAttributes) runs only then.
/// Inlined: when nothing traces, this is one thread-local load and a branch.
template <class MakeAttributes = OpAttributes (*)()>
[[gnu::always_inline]] inline void trace_op(const char* op, std::initializer_list<const Tensor*> inputs,
                                            const Tensor& out, MakeAttributes&& attributes = no_attributes) {
    if (OpTracer* tracer = detail::op_tracer) [[unlikely]]
        detail::report_op(*tracer, op, std::span<const Tensor* const>(inputs.begin(), inputs.size()), out, attributes);
}

/// Reports op `op` with a list of inputs (concat, einsum) and output `out`.
template <class MakeAttributes = OpAttributes (*)()>
[[gnu::always_inline]] inline void trace_op(const char* op, const std::vector<Tensor>& inputs, const Tensor& out,
                                            MakeAttributes&& attributes = no_attributes) {
    if (OpTracer* tracer = detail::op_tracer) [[unlikely]]
        detail::report_op(*tracer, op, inputs, out, attributes);
}

/// RAII for a composite op reported as a whole: the ops it runs in its scope
/// are not traced; record() reports the composite itself.
class CompositeOpTrace {
public:
    CompositeOpTrace() noexcept : tracer_(detail::op_tracer) {
        if (tracer_) [[unlikely]]
            detail::op_tracer = nullptr;
    }
    ~CompositeOpTrace() {
        if (tracer_) [[unlikely]]
            detail::op_tracer = tracer_;
    }
    CompositeOpTrace(const CompositeOpTrace&) = delete;
    CompositeOpTrace& operator=(const CompositeOpTrace&) = delete;

    /// Reports the composite op to the tracer that was installed when it began.
    template <class MakeAttributes = OpAttributes (*)()>
    void record(const char* op, std::initializer_list<const Tensor*> inputs, const Tensor& out,
                MakeAttributes&& attributes = no_attributes) const {
        if (tracer_) [[unlikely]]
            detail::report_op(*tracer_, op, std::span<const Tensor* const>(inputs.begin(), inputs.size()), out,
                              attributes);
    }

    /// Reports the composite op with a list of inputs.
    template <class MakeAttributes = OpAttributes (*)()>
    void record(const char* op, const std::vector<Tensor>& inputs, const Tensor& out,
                MakeAttributes&& attributes = no_attributes) const {
        if (tracer_) [[unlikely]]
            detail::report_op(*tracer_, op, inputs, out, attributes);
    }

private:
    OpTracer* tracer_;
};

}  // namespace xgrad
