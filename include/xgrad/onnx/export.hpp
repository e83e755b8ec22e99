#pragma once
/// \file
/// Exporting a model to ONNX, for inference in any ONNX runtime (ONNX
/// Runtime, OpenCV's dnn module, TensorRT, …):
///
///     io::export_onnx(model, "model.onnx", {1, 28, 28});   // example input: [batch, ...]
///
/// The file holds one graph with input "input" and output "output" (a model
/// of several inputs or outputs: the list form below), in the
/// model's dtype, with a symbolic batch dimension ("batch"), opset 13 of the
/// default domain (IR version 7). Layers export in inference form:
/// BatchNormalization with its moving statistics, Dropout, AlphaDropout and
/// GaussianNoise removed, RReLU as LeakyReLU with the mean slope.
///
/// Images stay channels-last at the graph's input and output, as in xgrad;
/// ONNX's Conv and pooling take channels-first, so the exporter transposes
/// in front of the first such layer and back only where a layer needs
/// xgrad's order (Flatten, Dense on images, Reshape, the output).
///
/// The model runs once on the example input while a tracer records the ops
/// it executes, each written by the converter registered for it
/// (converter_registry.hpp): Sequential, subclassed and functional models
/// export alike. A module whose type has a layer exporter
/// (exporter_registry.hpp) is written by that exporter as one unit, so a
/// Sequential of built-in layers keeps the graph it had before tracing.
/// This header brings both registries: a program exporting a layer or an op
/// of its own registers its exporter or converter first.
///
/// Thread safety: export_onnx() reads the model; exporting different models
/// from different threads is safe, exporting one model while another thread
/// trains it is not.
#include <string>
#include <vector>

#include "xgrad/core/shape.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/onnx/converter_registry.hpp"
#include "xgrad/onnx/exporter_registry.hpp"

namespace xgrad::io {

/// Writes `model` (built for `example_input_shape` if not yet built) as an
/// ONNX model to `path`, atomically: a failure leaves an existing file as it
/// was. `example_input_shape` is one input's shape with the batch first
/// ([1, 28, 28]); the batch dimension is exported as symbolic. The model runs
/// once on a zero batch of that shape (inference mode, no graph recorded), so
/// a shape it cannot take fails here with the layer's own ShapeError.
/// ValueError naming the op and the layer path that ran it ("op 'cummax' in
/// layer 'encoder.block_1.dense' has no ONNX converter"), or naming the layer
/// for an option its exporter cannot express (e.g. a custom activation
/// callable), before anything is written; IoError naming `path` when it
/// cannot be written.
void export_onnx(nn::Module& model, const std::string& path, const Shape& example_input_shape);

/// How export_onnx() writes a model.
struct OnnxExportOptions {
    /// Write a module whose type has a layer exporter with it, as one unit
    /// (the default); false traces every module down to its ops.
    bool layer_exporters = true;
};

/// export_onnx() with `options`.
void export_onnx(nn::Module& model, const std::string& path, const Shape& example_input_shape,
                 const OnnxExportOptions& options);

/// A model of several inputs or outputs (a functional nn::Model's, in its
/// order): one example shape per input, each with the batch first.
///
///     io::export_onnx(wide_and_deep, "wide_and_deep.onnx", {{1, 5}, {1, 6}});
///
/// The graph's inputs and outputs take the model's names (input_names() and
/// output_names(): an nn::Model's Input layers and output layers, such as
/// "wide", "deep", "output", "aux_output"), or "input", "input_1", … and
/// "output", "output_1", … for a model that gives none. ShapeError when the
/// model names its inputs and their count is not the number of shapes;
/// ValueError when an output's name is taken by a value inside the graph
/// (an input or a weight); otherwise as the one-shape form.
void export_onnx(nn::Module& model, const std::string& path, const std::vector<Shape>& example_input_shapes,
                 const OnnxExportOptions& options = {});

}  // namespace xgrad::io
