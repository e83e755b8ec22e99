// xgrad export: a saved model written as ONNX.
#include <cstdio>

#include <xgrad/io/model.hpp>
#include <xgrad/onnx/export.hpp>

#include "../arguments.hpp"
#include "../commands.hpp"
#include "../output_files.hpp"
#include "../usage_error.hpp"

namespace xgrad::cli {

namespace {

int run_export(const Arguments& a) {
    if (!a.has("model-file")) throw UsageError("export needs --model-file FILE (a model saved by train --save)");
    if (!a.has("onnx")) throw UsageError("export needs --onnx FILE (the ONNX file to write)");
    const std::string model_file = a.text("model-file"), onnx = a.text("onnx");
    check_outputs(a, {{"--model-file", model_file}});
    Shape example{1};
    if (a.has("input-shape"))
        for (const std::int64_t d : a.dims("input-shape")) example.push_back(d);
    const nn::ModulePtr model = io::load(model_file);
    if (!a.has("input-shape")) {
        if (!model->build_input_shape())
            throw UsageError("--model-file '" + model_file + "' was saved unbuilt: give --input-shape");
        example = *model->build_input_shape();
        example[0] = 1;
    }
    io::export_onnx(*model, onnx, example);
    std::printf("wrote %s (example input %s; the batch dimension is symbolic)\n", onnx.c_str(),
                to_string(example).c_str());
    return 0;
}

}  // namespace

Command export_command() {
    return {.name = "export",
            .summary = "write a saved model (train --save) as ONNX for other runtimes",
            .groups = {{"export options",
                        {
                            {.name = "model-file", .kind = FlagKind::text, .value_name = "FILE",
                             .help = "a model saved by `xgrad train --save` or io::save() (required)"},
                            {.name = "onnx", .kind = FlagKind::output_file, .value_name = "FILE",
                             .help = "the ONNX file to write, not the --model-file itself (required)"},
                            {.name = "input-shape", .kind = FlagKind::dims, .value_name = "D,D,..",
                             .help = "one input's shape without the batch (default: the shape the saved "
                                     "model was built for)"},
                        }}},
            .notes = "  export writes opset 13 (io::export_onnx) with a symbolic batch dimension,\n"
                     "  in inference form.\n",
            .run = run_export};
}

}  // namespace xgrad::cli
