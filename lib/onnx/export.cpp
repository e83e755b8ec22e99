// export_onnx(): checks the model takes the example input, drives the
// layers' exporters over it and writes the file atomically.
#include "xgrad/onnx/export.hpp"

#include "io/atomic_file.hpp"
#include "xgrad/autograd/grad_mode.hpp"

namespace xgrad::io {

void export_onnx(nn::Module& model, const std::string& path, const Shape& example_input_shape) {
    const std::string what = "export_onnx(" + path + "): ";
    if (example_input_shape.empty()) throw ShapeError(what + "the example input shape needs a batch dimension");
    for (const std::int64_t d : example_input_shape)
        if (d <= 0)
            throw ShapeError(what + "example input shape " + to_string(example_input_shape) +
                             " has a dimension below 1");
    NoGradGuard no_grad;  // weights are read (permuted, converted), not differentiated
    // One batch through the model checks that every layer takes the shape
    // (and builds an unbuilt model) before anything is written.
    Shape probe = example_input_shape;
    probe[0] = 1;
    model.call(zeros(probe, model.dtype()), false);
    OnnxGraph graph(model.dtype());
    const OnnxValue input{"input", example_input_shape, false};
    const OnnxValue output = graph.channels_last(graph.add(model, input));
    detail::write_file_atomically(path, graph.serialize(input, output, model.name()));
}

}  // namespace xgrad::io
