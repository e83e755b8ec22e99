// export_onnx(): checks the model takes the example inputs, traces it (twice,
// to catch values computed where the tracer cannot see) and writes the
// traced graph atomically.
#include "xgrad/onnx/export.hpp"

#include "io/atomic_file.hpp"
#include "onnx_tracer.hpp"
#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad::io {

namespace {

/// The model's own names for its `count` inputs (or outputs) when `named`
/// and it gives one each, else `fallback`, `fallback`_1, ….
std::vector<std::string> value_names(const std::vector<std::string>& model_names, std::size_t count,
                                     const std::string& fallback, bool named) {
    if (named && model_names.size() == count) return model_names;
    std::vector<std::string> names;
    for (std::size_t k = 0; k < count; ++k) names.push_back(k == 0 ? fallback : fallback + "_" + std::to_string(k));
    return names;
}

// The list form (`named`) names the graph's inputs and outputs as the model
// does; the one-shape form keeps "input" and "output".
void write_traced(nn::Module& model, const std::string& path, const std::vector<Shape>& shapes,
                  const OnnxExportOptions& options, bool named) {
    const std::string what = "export_onnx(" + path + "): ";
    if (shapes.empty()) throw ShapeError(what + "no example input shape");
    const std::vector<std::string> model_inputs = model.input_names();
    if (!model_inputs.empty() && model_inputs.size() != shapes.size())
        throw ShapeError(what + "the model takes " + std::to_string(model_inputs.size()) + " inputs, got " +
                         std::to_string(shapes.size()) + " example shapes");
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        std::string which;  // " i" when there are several
        if (shapes.size() > 1) which.append(" ").append(std::to_string(i));
        if (shapes[i].empty()) throw ShapeError(what + "the example input shape" + which + " needs a batch dimension");
        for (const std::int64_t d : shapes[i])
            if (d <= 0)
                throw ShapeError(what + "example input shape" + which + " " + to_string(shapes[i]) +
                                 " has a dimension below 1");
    }
    NoGradGuard no_grad;  // weights are read (permuted, converted), not differentiated
    // One batch through the model checks that every layer takes the shapes
    // (and builds an unbuilt model) before anything is traced or written.
    std::vector<Tensor> probe, x, check_x;
    Generator gen(20261);
    for (Shape shape : shapes) {
        shape[0] = 1;
        probe.push_back(zeros(shape, model.dtype()));
        x.push_back(normal(shape, 0.0, 1.0, model.dtype(), gen));
        check_x.push_back(0.5 - 2.0 * x.back());
    }
    model.call(probe, false);
    // The trace runs a batch of one: a batch size baked into a constant or a
    // shape is then 1, which broadcasts to any batch. A second trace, on an
    // input in reverse order and of other magnitudes (0.5 - 2x), must make
    // the same constants: one that changes was computed from the input where
    // the tracer cannot see it (indices found by a loop over the data).
    const std::vector<std::string> input_names = value_names(model_inputs, shapes.size(), "input", named);
    std::vector<OnnxValue> inputs;
    for (std::size_t i = 0; i < shapes.size(); ++i) inputs.push_back({input_names[i], shapes[i], false});
    OnnxGraph graph(model.dtype()), check_graph(model.dtype());
    detail::OnnxTracer tracer(graph, model, options.layer_exporters);
    detail::OnnxTracer check(check_graph, model, options.layer_exporters);
    const std::vector<OnnxValue> outputs = tracer.trace(model, x, inputs);
    check.trace(model, check_x, inputs);
    detail::check_same_constants(tracer, check);
    const std::vector<std::string> output_names = value_names(model.output_names(), outputs.size(), "output", named);
    detail::write_file_atomically(path, detail::serialize(graph, inputs, outputs, output_names, model.name()));
}

}  // namespace

std::string detail::serialize(OnnxGraph& graph, const std::vector<OnnxValue>& inputs,
                              const std::vector<OnnxValue>& outputs, const std::vector<std::string>& output_names,
                              const std::string& graph_name) {
    return graph.serialize(inputs, outputs, output_names, graph_name);
}

void export_onnx(nn::Module& model, const std::string& path, const std::vector<Shape>& example_input_shapes,
                 const OnnxExportOptions& options) {
    write_traced(model, path, example_input_shapes, options, true);
}

void export_onnx(nn::Module& model, const std::string& path, const Shape& example_input_shape,
                 const OnnxExportOptions& options) {
    write_traced(model, path, {example_input_shape}, options, false);
}

void export_onnx(nn::Module& model, const std::string& path, const Shape& example_input_shape) {
    export_onnx(model, path, example_input_shape, OnnxExportOptions{});
}

}  // namespace xgrad::io
