// The exporters by layer type name: one registry for the process.
#include "xgrad/onnx/exporter_registry.hpp"

namespace xgrad::io {

Registry<OnnxExporter>& onnx_exporter_registry() {
    static Registry<OnnxExporter> registry("ONNX exporter");
    return registry;
}

void register_onnx_exporter(std::string type_name, OnnxExporter exporter) {
    onnx_exporter_registry().add(std::move(type_name), std::move(exporter));
}

}  // namespace xgrad::io
