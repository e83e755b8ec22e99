/// Deprecated forwarding header: ONNX export moved to xgrad/onnx/ (export.hpp, exporter_registry.hpp, graph.hpp); this path goes away in the next release.
#include "xgrad/onnx/export.hpp"
