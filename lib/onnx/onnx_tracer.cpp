// OnnxTracer: each traced op through its converter, each layer with an
// exporter through it, tensors mapped to the ONNX values holding them.
#include "onnx_tracer.hpp"

#include <cstring>

#include "xgrad/nn/sequential.hpp"

namespace xgrad::io::detail {

OnnxTracer::OnnxTracer(OnnxGraph& graph, nn::Module& model, bool layer_exporters)
    : graph_(graph), layer_exporters_(layer_exporters), model_name_(model.name()) {
    for (const auto& [name, t] : model.named_parameters()) weight_names_.emplace(t.impl().get(), name);
    for (const auto& [name, t] : model.named_buffers()) weight_names_.emplace(t.impl().get(), name);
}

void OnnxTracer::add_input(const Tensor& t, const OnnxValue& value) { define(t, value); }

void OnnxTracer::define(const Tensor& t, OnnxValue value) {
    unreported_.erase(t.impl().get());
    if (values_.insert_or_assign(t.impl().get(), std::move(value)).second) kept_.push_back(t);
}

void OnnxTracer::produced(std::string_view op, const Tensor& output) {
    if (failure_ || values_.contains(output.impl().get()) || folded_.contains(output.impl().get())) return;
    const std::string error = "export_onnx: op '" + std::string(op) + "' " + where() +
                              " has no ONNX converter (it does not report itself to the tracer); register one "
                              "with io::register_onnx_converter(\"" +
                              std::string(op) + "\", …) and report the op with trace_op(), or give that layer a "
                              "layer exporter";
    if (unreported_.insert_or_assign(output.impl().get(), error).second) kept_.push_back(output);
}

bool OnnxTracer::is_constant(const Tensor& t) const {
    const auto* impl = t.impl().get();
    return !unreported_.contains(impl) && (!values_.contains(impl) || constants_.contains(impl));
}

OnnxValue OnnxTracer::value_of(const Tensor& t) {
    const auto it = values_.find(t.impl().get());
    if (it != values_.end()) return it->second;
    const auto unreported = unreported_.find(t.impl().get());
    if (unreported != unreported_.end()) throw ValueError(unreported->second);
    const auto weight = weight_names_.find(t.impl().get());
    std::string name;
    if (weight != weight_names_.end()) {
        // A weight is named by its path in the model ("block.dense.kernel"), not by the op that read it.
        const std::string prefix = graph_.layer_name();
        graph_.set_name_prefix("");
        name = graph_.constant(weight->second, t);
        graph_.set_name_prefix(prefix);
    } else {
        name = graph_.constant("constant", t);
    }
    const OnnxValue value{name, t.shape(), false};
    constants_.insert(t.impl().get());
    constants_made_.push_back({t, user_});
    define(t, value);
    return value;
}

std::vector<OnnxValue> OnnxTracer::trace(nn::Module& model, const std::vector<Tensor>& inputs,
                                         const std::vector<OnnxValue>& values) {
    for (std::size_t i = 0; i < inputs.size(); ++i) add_input(inputs[i], values[i]);
    std::vector<Tensor> outputs;
    {
        const OpTracerGuard tracing(this);
        outputs = model.call(inputs, false);
    }
    if (failure_) std::rethrow_exception(failure_);
    std::vector<OnnxValue> result;
    for (std::size_t k = 0; k < outputs.size(); ++k) {
        user_ = outputs.size() == 1 ? "the model's output" : "the model's output " + std::to_string(k);
        OnnxValue output = graph_.channels_last(value_of(outputs[k]));
        output.shape = outputs[k].shape();
        result.push_back(std::move(output));
    }
    return result;
}

void check_same_constants(const OnnxTracer& first, const OnnxTracer& second) {
    const auto& a = first.constants();
    const auto& b = second.constants();
    if (a.size() != b.size())
        throw ValueError("export_onnx: the model ran different ops on two different inputs (control flow that "
                         "depends on the input's values), which one traced graph cannot express");
    for (std::size_t i = 0; i < a.size(); ++i) {
        const Tensor& x = a[i].value;
        const Tensor& y = b[i].value;
        const bool same = x.dtype() == y.dtype() && x.shape() == y.shape() &&
                          std::memcmp(x.raw_data(), y.raw_data(), static_cast<std::size_t>(x.numel()) * itemsize(x.dtype())) == 0;
        if (!same)
            throw ValueError("export_onnx: " + a[i].user + " takes a tensor of shape " + to_string(x.shape()) +
                             " computed from the model's input by code the tracer does not see (an op that does not "
                             "report itself, e.g. one computing indices in a loop); it would be written as a constant, "
                             "wrong for any other input");
    }
}

std::string OnnxTracer::where() const {
    if (path_.empty()) return "in the forward of model '" + model_name_ + "'";
    std::string path;
    for (const std::string& name : path_) path += (path.empty() ? "" : ".") + name;
    return "in layer '" + path + "'";
}

void OnnxTracer::record(std::string_view op, std::span<const Tensor* const> inputs, std::span<const Tensor> outputs,
                        OpAttributes attributes) {
    if (failure_ || outputs.size() != 1) {
        if (!failure_)
            failure_ = std::make_exception_ptr(ValueError("export_onnx: op '" + std::string(op) + "' " + where() +
                                                          " has several outputs, which tracing does not write"));
        return;
    }
    const Tensor& out = outputs[0];
    // An op giving back one of its inputs (an identity case) adds nothing.
    for (const Tensor* in : inputs)
        if (in->defined() && in->impl() == out.impl()) return;
    // An op on constants only gives a constant (folded: an initializer if used).
    bool folded = true;
    for (const Tensor* in : inputs) folded = folded && (!in->defined() || is_constant(*in));
    if (folded) {
        if (folded_.insert(out.impl().get()).second) kept_.push_back(out);
        return;
    }
    try {
        if (!onnx_converter_registry().contains(op))
            throw ValueError("export_onnx: op '" + std::string(op) + "' " + where() +
                             " has no ONNX converter; register one with io::register_onnx_converter(\"" +
                             std::string(op) + "\", …) or give that layer a layer exporter");
        const OpConverter converter = onnx_converter_registry().get(op);
        std::string prefix;
        for (const std::string& name : path_) prefix += (prefix.empty() ? "" : "/") + name;
        graph_.set_name_prefix(prefix);
        user_ = "op '" + std::string(op) + "' " + where();
        const TracedOp traced(
            op, inputs, out, attributes, [this](const Tensor& t) { return value_of(t); },
            [this](const Tensor& t) { return is_constant(t); });
        const OpTracerGuard quiet(nullptr);  // the ops a converter runs on weights are not the model's
        OnnxValue value = converter(traced, graph_);
        graph_.set_name_prefix("");
        value.shape = out.shape();
        define(out, std::move(value));
    } catch (const Error&) {
        graph_.set_name_prefix("");
        failure_ = std::current_exception();
    }
}

bool OnnxTracer::enter_module(nn::Module& module, std::span<const Tensor> inputs) {
    // The model itself is not part of the layer path; a module below it is
    // named as its parent registered it (its layer name if it is no child).
    if (!modules_.empty()) {
        const nn::Module& parent = *modules_.back();
        std::string name = module.name();
        for (std::size_t i = 0; i < parent.children().size(); ++i)
            if (parent.children()[i].get() == &module) name = parent.child_names()[i];
        path_.push_back(std::move(name));
    }
    modules_.push_back(&module);
    // A Sequential is traced as the container it is: its layers are then
    // written one by one, each by its exporter or op by op, so a layer
    // without an exporter inside it exports too (same graph otherwise).
    if (dynamic_cast<const nn::Sequential*>(&module)) return false;
    // Layer exporters take one input.
    return !failure_ && layer_exporters_ && inputs.size() == 1 && onnx_exporter_registry().contains(module.type_name());
}

void OnnxTracer::leave_module(nn::Module& module, std::span<const Tensor> inputs, std::span<const Tensor> outputs,
                              bool as_unit) {
    modules_.pop_back();
    if (!modules_.empty()) path_.pop_back();
    if (!as_unit || failure_) return;
    try {
        user_ = "layer '" + module.name() + "' (" + module.type_name() + ")";
        if (outputs.size() != 1)
            throw ValueError("export_onnx: " + user_ + " gives " + std::to_string(outputs.size()) +
                             " outputs; its layer exporter writes one");
        const OpTracerGuard quiet(nullptr);  // nor are those an exporter runs
        define(outputs[0], graph_.add(module, value_of(inputs[0])));
    } catch (const Error&) {
        failure_ = std::current_exception();
    }
}

}  // namespace xgrad::io::detail
