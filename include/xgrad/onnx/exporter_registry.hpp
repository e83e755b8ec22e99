#pragma once
/// \file
/// The extension point of ONNX export: each layer type has an exporter in
/// onnx_exporter_registry(), found by Module::type_name(). The built-in
/// layers register theirs the way a user layer would:
///
///     io::register_onnx_exporter("Scale", [](nn::Module& layer, io::OnnxGraph& g, const io::OnnxValue& x) {
///         return x.same_layout(g.node("Mul", {x.name, g.constant("factor", layer.weight("factor"))}));
///     });
#include <functional>
#include <string>

#include "xgrad/core/registry.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/onnx/graph.hpp"

namespace xgrad::io {

/// Writes `layer` applied to `input` into `graph` and returns its output
/// value (the shape is filled in by OnnxGraph::add()); ValueError naming the
/// layer for an option it cannot express.
using OnnxExporter = std::function<OnnxValue(nn::Module& layer, OnnxGraph& graph, const OnnxValue& input)>;
/// Every layer type export_onnx() can write, by Module::type_name().
Registry<OnnxExporter>& onnx_exporter_registry();
/// Registers (or replaces) the exporter for `type_name`.
void register_onnx_exporter(std::string type_name, OnnxExporter exporter);

}  // namespace xgrad::io
