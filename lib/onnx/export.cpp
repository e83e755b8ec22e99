// export_onnx(): checks the model takes the example input, traces it (twice,
// to catch values computed where the tracer cannot see) and writes the
// traced graph atomically.
#include "xgrad/onnx/export.hpp"

#include "io/atomic_file.hpp"
#include "onnx_tracer.hpp"
#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad::io {

void export_onnx(nn::Module& model, const std::string& path, const Shape& example_input_shape,
                 const OnnxExportOptions& options) {
    const std::string what = "export_onnx(" + path + "): ";
    if (example_input_shape.empty()) throw ShapeError(what + "the example input shape needs a batch dimension");
    for (const std::int64_t d : example_input_shape)
        if (d <= 0)
            throw ShapeError(what + "example input shape " + to_string(example_input_shape) +
                             " has a dimension below 1");
    NoGradGuard no_grad;  // weights are read (permuted, converted), not differentiated
    // One batch through the model checks that every layer takes the shape
    // (and builds an unbuilt model) before anything is traced or written.
    Shape probe = example_input_shape;
    probe[0] = 1;
    model.call(zeros(probe, model.dtype()), false);
    // The trace runs a batch of one: a batch size baked into a constant or a
    // shape is then 1, which broadcasts to any batch. A second trace, on an
    // input in reverse order and of other magnitudes (0.5 - 2x), must make
    // the same constants: one that changes was computed from the input where
    // the tracer cannot see it (indices found by a loop over the data).
    const std::vector<OnnxValue> inputs{{"input", example_input_shape, false}};
    Generator gen(20261);
    const Tensor x = normal(probe, 0.0, 1.0, model.dtype(), gen);
    OnnxGraph graph(model.dtype()), check_graph(model.dtype());
    detail::OnnxTracer tracer(graph, model, options.layer_exporters);
    detail::OnnxTracer check(check_graph, model, options.layer_exporters);
    const OnnxValue output = tracer.trace(model, x, inputs[0]);
    check.trace(model, 0.5 - 2.0 * x, inputs[0]);
    detail::check_same_constants(tracer, check);
    detail::write_file_atomically(path, graph.serialize(inputs, {output}, model.name()));
}

void export_onnx(nn::Module& model, const std::string& path, const Shape& example_input_shape) {
    export_onnx(model, path, example_input_shape, OnnxExportOptions{});
}

}  // namespace xgrad::io
