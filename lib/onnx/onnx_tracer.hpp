#pragma once
// OnnxTracer: the tracer export_onnx() installs while the model runs once;
// it writes each op (or layer taken as a unit) into an OnnxGraph as it runs.
#include <exception>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "xgrad/nn/module_tracer.hpp"
#include "xgrad/onnx/converter_registry.hpp"
#include "xgrad/onnx/exporter_registry.hpp"

namespace xgrad::io::detail {

class OnnxTracer final : public nn::ModuleTracer {
public:
    // Writes into `graph`; `model` names the weights' initializers; with
    // `layer_exporters` a module whose type has one is written by it.
    OnnxTracer(OnnxGraph& graph, nn::Module& model, bool layer_exporters);

    // Runs `model` on `inputs` (the graph inputs `values`, one per input) by
    // its list call, which every module takes, and returns the values of its outputs in
    // xgrad's layout; throws the first failure of the trace (an op without a
    // converter, …).
    std::vector<OnnxValue> trace(nn::Module& model, const std::vector<Tensor>& inputs,
                                 const std::vector<OnnxValue>& values);

    // A tensor stored as an initializer, and what used it first (for errors).
    struct Constant {
        Tensor value;
        std::string user;
    };
    // The initializers made from tensors, in the order they were made.
    const std::vector<Constant>& constants() const noexcept { return constants_made_; }

    void record(std::string_view op, std::span<const Tensor* const> inputs, std::span<const Tensor> outputs,
                OpAttributes attributes) override;
    void produced(std::string_view op, const Tensor& output) override;
    bool enter_module(nn::Module& module, std::span<const Tensor> inputs) override;
    void leave_module(nn::Module& module, std::span<const Tensor> inputs, std::span<const Tensor> outputs,
                      bool as_unit) override;

private:
    void add_input(const Tensor& t, const OnnxValue& value);
    // The ONNX value holding `t` (an initializer if no traced op produced it).
    OnnxValue value_of(const Tensor& t);
    bool is_constant(const Tensor& t) const;
    void define(const Tensor& t, OnnxValue value);
    // "encoder.block_1.dense", or the model's own forward.
    std::string where() const;

    OnnxGraph& graph_;
    bool layer_exporters_;
    std::string model_name_;
    std::unordered_map<const xgrad::detail::TensorImpl*, OnnxValue> values_;
    std::unordered_set<const xgrad::detail::TensorImpl*> constants_;  // values_ made initializers
    std::unordered_set<const xgrad::detail::TensorImpl*> folded_;     // reported outputs of ops on constants
    std::unordered_map<const xgrad::detail::TensorImpl*, std::string> weight_names_;
    // Outputs of ops that did not report themselves: the error to give if one is used.
    std::unordered_map<const xgrad::detail::TensorImpl*, std::string> unreported_;
    // Every tensor in values_ and unreported_, kept alive so that no address is reused for
    // another tensor while the model runs.
    std::vector<Tensor> kept_;
    // The modules being called (the model first) and, below the model, the
    // names their parents registered them under ("encoder", "block_1", …).
    std::vector<const nn::Module*> modules_;
    std::vector<std::string> path_;
    std::string user_;  // the op or layer being written, for errors about its inputs
    std::vector<Constant> constants_made_;
    std::exception_ptr failure_;
};

// Throws ValueError unless both traces (of one model on two different
// inputs) made the same constants: a constant that changes with the input
// was computed from it by code the tracer does not see.
void check_same_constants(const OnnxTracer& first, const OnnxTracer& second);

}  // namespace xgrad::io::detail
