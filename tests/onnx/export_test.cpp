// io::export_onnx: the graph written (read back with ONNX's protobuf
// classes), the weights' layouts, the errors, the extension point. Whether
// runtimes accept and run the files: onnx/runtime (check_onnx.py).
#include <boost/test/unit_test.hpp>
#include <onnx/onnx_pb.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "../test_helpers.hpp"
#include "../io/io_test_util.hpp"
#include "xgrad/xgrad.hpp"

using namespace xgrad;
using xgrad_test::slurp;
using xgrad_test::TempDir;

namespace {

onnx::ModelProto read_model(const std::string& path) {
    onnx::ModelProto model;
    BOOST_REQUIRE(model.ParseFromString(slurp(path)));
    return model;
}

std::vector<std::string> op_types(const onnx::ModelProto& model) {
    std::vector<std::string> ops;
    for (const auto& node : model.graph().node()) ops.push_back(node.op_type());
    return ops;
}

const onnx::TensorProto& initializer(const onnx::ModelProto& model, const std::string& name) {
    for (const auto& t : model.graph().initializer())
        if (t.name() == name) return t;
    BOOST_FAIL("no initializer " + name);
    throw;
}

template <class T> std::vector<T> values(const onnx::TensorProto& t) {
    std::vector<T> out(t.raw_data().size() / sizeof(T));
    std::memcpy(out.data(), t.raw_data().data(), t.raw_data().size());
    return out;
}

const onnx::AttributeProto& attribute(const onnx::NodeProto& node, const std::string& name) {
    for (const auto& a : node.attribute())
        if (a.name() == name) return a;
    BOOST_FAIL("node " + node.name() + " has no attribute " + name);
    throw;
}

std::vector<std::int64_t> ints(const onnx::AttributeProto& a) { return {a.ints().begin(), a.ints().end()}; }

std::vector<std::int64_t> dims(const onnx::ValueInfoProto& v) {
    std::vector<std::int64_t> out;
    for (const auto& d : v.type().tensor_type().shape().dim()) out.push_back(d.has_dim_param() ? -1 : d.dim_value());
    return out;
}

// A layer with no exporter until a test registers one.
class Doubler : public nn::Layer<Doubler> {
public:
    Tensor forward(const Tensor& x, bool) override { return x * 2.0; }
    Shape output_shape(const Shape& input_shape) override { return input_shape; }
    static const nn::Options<Doubler>& options() {
        static const auto options = nn::Options<Doubler>("Doubler", [] { return std::make_shared<Doubler>(); });
        return options;
    }
};

// A layer keeping features 0 and 2 of 3 through a bool mask, exported by a
// test's exporter as Where(mask, x, 0) with a bool initializer.
class KeepMask : public nn::Layer<KeepMask> {
public:
    Tensor forward(const Tensor& x, bool) override { return where(mask(), x, zeros({}, x.dtype())); }
    Shape output_shape(const Shape& input_shape) override { return input_shape; }
    static Tensor mask() { return tensor({1, 0, 1}, boolean); }
    static const nn::Options<KeepMask>& options() {
        static const auto options = nn::Options<KeepMask>("KeepMask", [] { return std::make_shared<KeepMask>(); });
        return options;
    }
};

// A layer running an op with no ONNX converter (cumprod records an autograd
// node but does not report itself to the tracer).
class Cumulative : public nn::Layer<Cumulative> {
public:
    Tensor forward(const Tensor& x, bool) override { return cumprod(x, 1); }
    Shape output_shape(const Shape& input_shape) override { return input_shape; }
    static const nn::Options<Cumulative>& options() {
        static const auto options = nn::Options<Cumulative>("Cumulative", [] { return std::make_shared<Cumulative>(); });
        return options;
    }
};

// examples/custom_model.cpp's user layer and residual model, as it writes them.
class RMSNorm : public nn::Layer<RMSNorm> {
public:
    void build(const Shape& input_shape) override { add_weight("scale", {input_shape.back()}, nn::Ones()); }
    Tensor forward(const Tensor& x, bool) override {
        return x * rsqrt(mean(square(x), {-1}, true) + 1e-6) * weight("scale");
    }
    Shape output_shape(const Shape& input_shape) override { return input_shape; }
    static const nn::Options<RMSNorm>& options() {
        static const auto options = nn::Options<RMSNorm>("RMSNorm", [] { return std::make_shared<RMSNorm>(); });
        return options;
    }
};

class ResidualMlp : public nn::Cloneable<ResidualMlp> {
public:
    ResidualMlp() : Cloneable("ResidualMlp") {
        in_ = register_module("in", nn::Dense(4, "relu"));
        norm_ = register_module("norm", RMSNorm());
        block_ = register_module("block", nn::Dense(4, "relu"));
        out_ = register_module("out", nn::Dense(3, "softmax"));
    }
    Tensor forward(const Tensor& x, bool) override {
        const Tensor h = (*in_)(x);
        return (*out_)(h + (*block_)((*norm_)(h)));
    }

private:
    nn::Child<nn::Dense> in_, block_, out_;
    nn::Child<RMSNorm> norm_;
};

// A module calling `inner`, registered as `name`: nested, they make a layer
// path such as encoder.block_1.dense.
class Wrapper : public nn::Cloneable<Wrapper> {
public:
    Wrapper(const std::string& name, nn::ModulePtr inner) : Cloneable("Wrapper") {
        register_module(name, std::move(inner));
    }
    Tensor forward(const Tensor& x, bool) override { return children()[0]->call(x, false) + 1.0; }
};
std::shared_ptr<Wrapper> deep(nn::ModulePtr op_layer) {
    return std::make_shared<Wrapper>(
        "encoder", std::make_shared<Wrapper>("block_1", std::make_shared<Wrapper>("dense", std::move(op_layer))));
}

// Keeps, along axis 1, the running maximum: values gathered at indices
// computed by a loop over the data, which the tracer cannot see.
class RunningMax : public nn::Layer<RunningMax> {
public:
    Tensor forward(const Tensor& x, bool) override { return cummax(x, 1).values; }
    Shape output_shape(const Shape& input_shape) override { return input_shape; }
    static const nn::Options<RunningMax>& options() {
        static const auto options = nn::Options<RunningMax>("RunningMax", [] { return std::make_shared<RunningMax>(); });
        return options;
    }
};

// A user op that reports itself to the tracer, as tools/docs/extending.md shows.
struct Cube : Function<Cube> {
    static constexpr const char* name = "cube";
    static Tensor forward(FunctionContext& ctx, const Tensor& x) {
        ctx.save_for_backward({x});
        const CompositeOpTrace trace;  // written as one op: the muls inside are not traced
        Tensor y = x * x * x;
        trace.record("cube", {&x}, y);
        return y;
    }
    static std::vector<Tensor> backward(FunctionContext& ctx, const std::vector<Tensor>& g) {
        const Tensor x = ctx.saved_tensors()[0];
        return {g[0] * 3.0 * x * x};
    }
};
class Cuber : public nn::Cloneable<Cuber> {
public:
    Cuber() : Cloneable("Cuber") { register_module("dense", nn::Dense(2)); }
    Tensor forward(const Tensor& x, bool) override { return Cube::apply(children()[0]->call(x, false)); }
};

std::string export_error(nn::Module& model, const std::string& path, const Shape& shape) {
    try {
        io::export_onnx(model, path, shape);
    } catch (const ValueError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

BOOST_AUTO_TEST_CASE(bool_constants_are_onnx_bool_initializers) {
    TempDir dir;
    io::register_onnx_exporter("KeepMask", [](nn::Module&, io::OnnxGraph& g, const io::OnnxValue& x) {
        return x.same_layout(g.node("Where", {g.constant("mask", KeepMask::mask()), x.name, g.scalar("zero", 0.0)}));
    });
    nn::Sequential model{nn::Dense(3), KeepMask()};
    io::export_onnx(model, dir.file("mask.onnx"), {1, 3});
    const onnx::ModelProto m = read_model(dir.file("mask.onnx"));
    const onnx::TensorProto& mask = initializer(m, "keep_mask/mask");
    BOOST_TEST(mask.data_type() == onnx::TensorProto::BOOL);
    BOOST_TEST(mask.dims_size() == 1);
    BOOST_TEST(mask.raw_data() == std::string("\x01\x00\x01", 3));  // one byte per element, as ONNX stores BOOL
}

BOOST_AUTO_TEST_CASE(mlp_graph_model_metadata_and_dense_weights) {
    TempDir dir;
    manual_seed(1);
    nn::Sequential model{nn::Flatten(), nn::Dense(4, "relu"), nn::Dropout(0.5), nn::Dense(3, "softmax")};
    io::export_onnx(model, dir.file("mlp.onnx"), {1, 2, 5});
    const onnx::ModelProto m = read_model(dir.file("mlp.onnx"));

    BOOST_TEST(m.ir_version() == 7);
    BOOST_TEST(m.opset_import(0).version() == 13);
    BOOST_TEST(m.producer_name() == "xgrad");
    // Dropout leaves no node; Dense is Gemm then its activation.
    BOOST_TEST(op_types(m) == (std::vector<std::string>{"Flatten", "Gemm", "Relu", "Gemm", "Softmax"}),
               boost::test_tools::per_element());
    BOOST_TEST(m.graph().input(0).name() == "input");
    BOOST_TEST(dims(m.graph().input(0)) == (std::vector<std::int64_t>{-1, 2, 5}), boost::test_tools::per_element());
    BOOST_TEST(m.graph().input(0).type().tensor_type().shape().dim(0).dim_param() == "batch");
    BOOST_TEST(dims(m.graph().output(0)) == (std::vector<std::int64_t>{-1, 3}), boost::test_tools::per_element());
    BOOST_TEST(m.graph().node(4).output(0) == "output");
    BOOST_TEST(m.graph().node(3).input(0) == m.graph().node(2).output(0));

    // Gemm holds the kernel [units, in] with transB = 1.
    const onnx::NodeProto& gemm = m.graph().node(1);
    BOOST_TEST(attribute(gemm, "transB").i() == 1);
    const onnx::TensorProto& w = initializer(m, gemm.input(1));
    BOOST_TEST((std::vector<std::int64_t>(w.dims().begin(), w.dims().end()) == std::vector<std::int64_t>{4, 10}));
    BOOST_TEST(w.data_type() == onnx::TensorProto::FLOAT);
    const std::vector<float> kernel = model[1]->weight("kernel").to_vector<float>();  // [10, 4]
    const std::vector<float> stored = values<float>(w);
    for (int i = 0; i < 10; ++i)
        for (int j = 0; j < 4; ++j) BOOST_TEST(stored[j * 10 + i] == kernel[i * 4 + j]);
    BOOST_TEST(values<float>(initializer(m, gemm.input(2))) == model[1]->weight("bias").to_vector<float>(),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(images_are_transposed_once_around_the_image_layers) {
    TempDir dir;
    manual_seed(2);
    nn::Sequential model{nn::Conv2D(3, {2, 2}, "relu").padding("same").strides({2, 1}), nn::BatchNormalization(),
                         nn::MaxPooling2D({2, 2}), nn::Flatten(), nn::Dense(2)};
    io::export_onnx(model, dir.file("cnn.onnx"), {1, 5, 4, 2});
    const onnx::ModelProto m = read_model(dir.file("cnn.onnx"));
    BOOST_TEST(op_types(m) == (std::vector<std::string>{"Transpose", "Conv", "Relu", "BatchNormalization", "MaxPool",
                                                         "Transpose", "Flatten", "Gemm"}),
               boost::test_tools::per_element());
    BOOST_TEST(ints(attribute(m.graph().node(0), "perm")) == (std::vector<std::int64_t>{0, 3, 1, 2}),
               boost::test_tools::per_element());
    BOOST_TEST(ints(attribute(m.graph().node(5), "perm")) == (std::vector<std::int64_t>{0, 2, 3, 1}),
               boost::test_tools::per_element());

    // Conv: kernel [kh, kw, C, F] stored as [F, C, kh, kw]; "same" on 5 x 4
    // with stride 2 x 1 pads rows 0 above / 1 below, columns 0 left / 1 right.
    const onnx::NodeProto& conv = m.graph().node(1);
    BOOST_TEST(ints(attribute(conv, "pads")) == (std::vector<std::int64_t>{0, 0, 1, 1}), boost::test_tools::per_element());
    BOOST_TEST(ints(attribute(conv, "strides")) == (std::vector<std::int64_t>{2, 1}), boost::test_tools::per_element());
    BOOST_TEST(ints(attribute(conv, "kernel_shape")) == (std::vector<std::int64_t>{2, 2}),
               boost::test_tools::per_element());
    BOOST_TEST(attribute(conv, "group").i() == 1);
    const std::vector<float> kernel = model[0]->weight("kernel").to_vector<float>();
    const std::vector<float> stored = values<float>(initializer(m, conv.input(1)));
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
            for (int c = 0; c < 2; ++c)
                for (int f = 0; f < 3; ++f)
                    BOOST_TEST(stored[((f * 2 + c) * 2 + i) * 2 + j] == kernel[((i * 2 + j) * 2 + c) * 3 + f]);

    // Batch norm in inference form: the moving statistics and Keras' epsilon.
    const onnx::NodeProto& bn = m.graph().node(3);
    BOOST_TEST(attribute(bn, "epsilon").f() == 1e-3f);
    BOOST_TEST(values<float>(initializer(m, bn.input(3))) == model[1]->weight("moving_mean").to_vector<float>(),
               boost::test_tools::per_element());
    BOOST_TEST(values<float>(initializer(m, bn.input(4))) == model[1]->weight("moving_variance").to_vector<float>(),
               boost::test_tools::per_element());
    BOOST_TEST(dims(m.graph().output(0)) == (std::vector<std::int64_t>{-1, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(float64_models_export_as_double) {
    TempDir dir;
    nn::Sequential model{nn::Dense(2, "tanh")};
    model.to(float64);
    io::export_onnx(model, dir.file("f64.onnx"), {3, 4});
    const onnx::ModelProto m = read_model(dir.file("f64.onnx"));
    BOOST_TEST(m.graph().input(0).type().tensor_type().elem_type() == onnx::TensorProto::DOUBLE);
    for (const auto& t : m.graph().initializer()) BOOST_TEST(t.data_type() == onnx::TensorProto::DOUBLE);
    BOOST_TEST(values<double>(initializer(m, "dense/bias")) == model[0]->weight("bias").to_vector<double>(),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(activations_by_name_and_composed_ones) {
    TempDir dir;
    nn::Sequential model{nn::Dense(3, "selu"), nn::Dense(3, "gelu"), nn::Dense(3, "swish"), nn::Dense(3, "hard_sigmoid")};
    io::export_onnx(model, dir.file("act.onnx"), {1, 2});
    const onnx::ModelProto m = read_model(dir.file("act.onnx"));
    BOOST_TEST(op_types(m) == (std::vector<std::string>{"Gemm", "Selu", "Gemm", "Div", "Erf", "Add", "Mul", "Mul",
                                                         "Gemm", "Sigmoid", "Mul", "Gemm", "HardSigmoid"}),
               boost::test_tools::per_element());
    BOOST_TEST(attribute(m.graph().node(1), "alpha").f() == 1.6732632423543772f);
    BOOST_TEST(attribute(m.graph().node(1), "gamma").f() == 1.0507009873554805f);
    BOOST_TEST(attribute(m.graph().node(12), "alpha").f() == static_cast<float>(1.0 / 6.0));
}

BOOST_AUTO_TEST_CASE(what_cannot_be_exported_is_named) {
    TempDir dir;
    const auto message_of = [&](nn::Sequential& model, const Shape& shape) {
        try {
            io::export_onnx(model, dir.file("bad.onnx"), shape);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    // A layer without an exporter is traced: it fails only for an op without a converter.
    nn::Sequential unknown{nn::Dense(2), Cumulative()};
    BOOST_TEST(message_of(unknown, {1, 3}).find("op 'cumprod' in layer 'cumulative' has no ONNX converter") !=
               std::string::npos);
    nn::Sequential threshold{nn::ReLU().threshold(0.5)};
    BOOST_TEST(message_of(threshold, {1, 3}).find("layer 're_lu' (ReLU): a threshold other than 0") !=
               std::string::npos);
    nn::Sequential lambda{nn::Dense(2, [](const Tensor& x) { return x * 3.0; })};
    BOOST_TEST(message_of(lambda, {1, 3}).find("layer 'dense': activation 'custom' has no ONNX form") !=
               std::string::npos);
    nn::Sequential dense{nn::Dense(2)};
    BOOST_CHECK_THROW(io::export_onnx(dense, dir.file("x.onnx"), Shape{}), ShapeError);
    BOOST_CHECK_THROW(io::export_onnx(dense, dir.file("x.onnx"), {1, 0}), ShapeError);
    dense(ones({1, 3}));
    BOOST_CHECK_THROW(io::export_onnx(dense, dir.file("x.onnx"), {1, 4}), ShapeError);  // built for 3 features
    BOOST_TEST(!std::filesystem::exists(dir.file("x.onnx")));
    BOOST_TEST(!std::filesystem::exists(dir.file("bad.onnx")));
    BOOST_CHECK_THROW(io::export_onnx(dense, dir.file("no/such/folder/x.onnx"), {1, 3}), IoError);
}

// Conv2DTranspose's crops as ConvTranspose's symmetric pads, a Slice for the
// rest and output_padding past the full result; the kernel [kh, kw, F, C]
// stored as [C, F, kh, kw]; the factors as Resize's scales.
BOOST_AUTO_TEST_CASE(image_layers_geometry) {
    TempDir dir;
    manual_seed(3);
    // "same", stride 2, 3x3 on 5 rows: the full result has 11, Keras keeps the first 10.
    nn::Sequential same{nn::Conv2DTranspose(2, 3).strides({2, 2}).padding("same")};
    io::export_onnx(same, dir.file("same.onnx"), {1, 5, 5, 1});
    const onnx::ModelProto m = read_model(dir.file("same.onnx"));
    BOOST_TEST(op_types(m) == (std::vector<std::string>{"Transpose", "ConvTranspose", "Slice", "Transpose"}),
               boost::test_tools::per_element());
    const onnx::NodeProto& conv = m.graph().node(1);
    BOOST_TEST(ints(attribute(conv, "pads")) == (std::vector<std::int64_t>{0, 0, 0, 0}), boost::test_tools::per_element());
    BOOST_TEST(values<std::int64_t>(initializer(m, m.graph().node(2).input(2))) == (std::vector<std::int64_t>{10, 10}),
               boost::test_tools::per_element());
    const std::vector<float> kernel = same[0]->weight("kernel").to_vector<float>();  // [3, 3, 2, 1]
    const std::vector<float> stored = values<float>(initializer(m, conv.input(1)));  // [1, 2, 3, 3]
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            for (int f = 0; f < 2; ++f) BOOST_TEST(stored[(f * 3 + i) * 3 + j] == kernel[(i * 3 + j) * 2 + f]);
    // "valid", a 2x2 kernel with stride 3: 3 positions per input, the last one past the full result.
    nn::Sequential past{nn::Conv2DTranspose(2, 2).strides({3, 3})};
    io::export_onnx(past, dir.file("past.onnx"), {1, 4, 4, 1});
    const onnx::ModelProto p = read_model(dir.file("past.onnx"));
    BOOST_TEST(ints(attribute(p.graph().node(1), "output_padding")) == (std::vector<std::int64_t>{1, 1}),
               boost::test_tools::per_element());
    BOOST_TEST(dims(p.graph().output(0)) == (std::vector<std::int64_t>{-1, 12, 12, 2}), boost::test_tools::per_element());
    nn::Sequential up{nn::UpSampling2D({2, 3}).interpolation("bilinear")};
    io::export_onnx(up, dir.file("up.onnx"), {1, 4, 4, 1});
    const onnx::ModelProto u = read_model(dir.file("up.onnx"));
    const onnx::NodeProto& resize = u.graph().node(1);
    BOOST_TEST(resize.op_type() == "Resize");
    BOOST_TEST(attribute(resize, "coordinate_transformation_mode").s() == "half_pixel");
    BOOST_TEST(values<float>(initializer(u, resize.input(2))) == (std::vector<float>{1, 1, 2, 3}),
               boost::test_tools::per_element());
    // Resize's scales are float32 in ONNX: a float64 model's UpSampling2D is refused, naming it.
    up.to(float64);
    try {
        io::export_onnx(up, dir.file("up64.onnx"), {1, 4, 4, 1});
        BOOST_ERROR("a float64 UpSampling2D exported");
    } catch (const ValueError& e) {
        BOOST_TEST(std::string(e.what()).find("layer 'up_sampling2d' (UpSampling2D): ONNX's Resize takes float32 scales") !=
                   std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(a_failed_export_leaves_the_previous_file) {
    TempDir dir;
    nn::Sequential good{nn::Dense(2)};
    io::export_onnx(good, dir.file("model.onnx"), {1, 3});
    const std::string before = slurp(dir.file("model.onnx"));
    nn::Sequential bad{nn::Dense(2), Cumulative()};
    BOOST_CHECK_THROW(io::export_onnx(bad, dir.file("model.onnx"), {1, 3}), ValueError);
    BOOST_TEST(slurp(dir.file("model.onnx")) == before);
}

BOOST_AUTO_TEST_CASE(a_subclassed_model_exports_by_tracing) {
    TempDir dir;
    ResidualMlp model;
    io::export_onnx(model, dir.file("residual.onnx"), {1, 5});
    const onnx::ModelProto m = read_model(dir.file("residual.onnx"));
    // Dense layers by their exporter (Gemm), RMSNorm (no exporter) op by op, the skip connection an Add.
    BOOST_TEST(op_types(m) == (std::vector<std::string>{"Gemm", "Relu", "Mul", "ReduceMean", "Add", "Sqrt",
                                                         "Reciprocal", "Mul", "Mul", "Gemm", "Relu", "Add", "Gemm",
                                                         "Softmax"}),
               boost::test_tools::per_element());
    // Nodes are named by the layer path that ran them, weights by their path in the model.
    BOOST_TEST(m.graph().node(3).name() == "norm/ReduceMean");
    BOOST_TEST(ints(attribute(m.graph().node(3), "axes")) == std::vector<std::int64_t>{1}, boost::test_tools::per_element());
    BOOST_TEST(attribute(m.graph().node(3), "keepdims").i() == 1);
    BOOST_TEST(m.graph().node(8).input(1) == "norm.scale");
    BOOST_TEST(values<float>(initializer(m, "norm.scale")) == std::vector<float>(4, 1.0f), boost::test_tools::per_element());
    BOOST_TEST(values<float>(initializer(m, "norm/scalar")) == std::vector<float>{1e-6f}, boost::test_tools::per_element());
    // The skip connection adds the first Dense's output to the block's.
    BOOST_TEST(m.graph().node(11).input(0) == m.graph().node(1).output(0));
    BOOST_TEST(m.graph().output(0).name() == "output");
    BOOST_TEST(dims(m.graph().output(0)) == (std::vector<std::int64_t>{-1, 3}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_sequential_traces_a_layer_without_an_exporter) {
    TempDir dir;
    // Doubler has no exporter (until the last test case): its x * 2 is traced inside the Sequential.
    nn::Sequential model{nn::Dense(2), Doubler()};
    io::export_onnx(model, dir.file("seq.onnx"), {1, 3});
    const onnx::ModelProto m = read_model(dir.file("seq.onnx"));
    BOOST_TEST(op_types(m) == (std::vector<std::string>{"Gemm", "Mul"}), boost::test_tools::per_element());
    BOOST_TEST(m.graph().node(1).name() == "doubler/Mul");
    BOOST_TEST(values<float>(initializer(m, "doubler/scalar")) == std::vector<float>{2.0f},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(without_layer_exporters_every_op_is_traced) {
    TempDir dir;
    nn::Sequential model{nn::Flatten(), nn::Dense(3, "relu"), nn::Dense(2, "softmax")};
    model(ones({1, 2, 2}));
    io::export_onnx(model, dir.file("ops.onnx"), {1, 2, 2}, {.layer_exporters = false});
    const onnx::ModelProto m = read_model(dir.file("ops.onnx"));
    // flatten → reshape, Dense → linear (Gemm with the weight stored [out, in]) and relu, softmax.
    BOOST_TEST(op_types(m) == (std::vector<std::string>{"Reshape", "Gemm", "Relu", "Gemm", "Softmax"}),
               boost::test_tools::per_element());
    // The batch is copied from the input (0), so it stays symbolic.
    BOOST_TEST(values<std::int64_t>(initializer(m, "flatten/shape")) == (std::vector<std::int64_t>{0, 4}),
               boost::test_tools::per_element());
    const Tensor kernel = model.children()[1]->weight("kernel");  // [4, 3]
    const std::vector<float> weight = values<float>(initializer(m, "dense/weight"));  // [3, 4]
    BOOST_TEST_REQUIRE(weight.size() == 12u);
    for (std::int64_t o = 0; o < 3; ++o)
        for (std::int64_t i = 0; i < 4; ++i) BOOST_TEST(weight[o * 4 + i] == kernel.data<float>()[i * 3 + o]);
    BOOST_TEST(attribute(m.graph().node(4), "axis").i() == 1);
}

BOOST_AUTO_TEST_CASE(traced_batch_norm_on_images_stays_in_onnx_layout) {
    TempDir dir;
    manual_seed(2);
    nn::Sequential model{nn::Conv2D(3, 1).use_bias(false), nn::BatchNormalization(), nn::ReLU()};
    model(normal({4, 4, 4, 2}, 1.0, 2.0), true);  // moving statistics away from 0 and 1
    io::export_onnx(model, dir.file("bn.onnx"), {1, 4, 4, 2}, {.layer_exporters = false});
    const onnx::ModelProto m = read_model(dir.file("bn.onnx"));
    // Batch norm in inference form, (x − mean) · scale + beta per channel,
    // on the convolution's channels-first output: constants [C, 1, 1], no
    // transposes until the output (OpenCV 4.6 fails on a channels-last
    // image times a [C] constant).
    BOOST_TEST(op_types(m) == (std::vector<std::string>{"Transpose", "Conv", "Sub", "Mul", "Add", "Relu", "Transpose"}),
               boost::test_tools::per_element());
    const onnx::TensorProto& mean = initializer(m, "batch_normalization/constant");
    BOOST_TEST(std::vector<std::int64_t>(mean.dims().begin(), mean.dims().end()) == (std::vector<std::int64_t>{3, 1, 1}),
               boost::test_tools::per_element());
    BOOST_TEST(values<float>(mean) == model.children()[1]->weight("moving_mean").to_vector<float>(),
               boost::test_tools::per_element());
    BOOST_TEST(m.graph().node(2).input(0) == m.graph().node(1).output(0));
    BOOST_TEST(m.graph().node(2).input(1) == "batch_normalization/constant");
}

BOOST_AUTO_TEST_CASE(an_op_without_converter_names_the_op_and_the_layer_path_and_writes_nothing) {
    TempDir dir;
    const std::string path = dir.file("model.onnx");
    std::ofstream(path) << "previous";
    const auto model = deep(std::make_shared<Cumulative>());
    (*model)(ones({1, 3}));
    BOOST_TEST(export_error(*model, path, {1, 3}) ==
               "export_onnx: op 'cumprod' in layer 'encoder.block_1.dense' has no ONNX converter (it does not report "
               "itself to the tracer); register one with io::register_onnx_converter(\"cumprod\", …) and report the op "
               "with trace_op(), or give that layer a layer exporter");
    BOOST_TEST(slurp(path) == "previous");
}

BOOST_AUTO_TEST_CASE(a_value_computed_out_of_the_tracers_sight_fails_the_export) {
    TempDir dir;
    nn::Sequential model{nn::Dense(6), RunningMax()};
    // cummax's values are a gather at indices found by a loop: they would be a constant.
    const std::string message = export_error(model, dir.file("max.onnx"), {1, 3});
    BOOST_TEST(message.find("export_onnx: op 'gather' in layer 'running_max' takes a tensor of shape [1,6] computed "
                            "from the model's input by code the tracer does not see") == 0u,
               message);
    BOOST_TEST(!std::filesystem::exists(dir.file("max.onnx")));
}

BOOST_AUTO_TEST_CASE(a_user_op_exports_through_its_converter) {
    TempDir dir;
    Cuber model;
    model(ones({1, 3}));
    BOOST_TEST(export_error(model, dir.file("cube.onnx"), {1, 3}).find("op 'cube' in the forward of model 'cuber' "
                                                                     "has no ONNX converter") != std::string::npos);
    io::register_onnx_converter("cube", [](const io::TracedOp& op, io::OnnxGraph& g) {
        const io::OnnxValue x = op.value(0);
        return x.same_layout(g.node("Mul", {g.node("Mul", {x.name, x.name}), x.name}));
    });
    io::export_onnx(model, dir.file("cube.onnx"), {1, 3});
    const onnx::ModelProto m = read_model(dir.file("cube.onnx"));
    BOOST_TEST(op_types(m) == (std::vector<std::string>{"Gemm", "Mul", "Mul"}), boost::test_tools::per_element());
    BOOST_TEST(m.graph().node(1).name() == "Mul");  // run by the model's own forward: no layer prefix
}

// Last: the exporter stays registered for the rest of the program.
BOOST_AUTO_TEST_CASE(a_user_exporter_is_used_like_the_built_in_ones) {
    TempDir dir;
    io::register_onnx_exporter("Doubler", [](nn::Module&, io::OnnxGraph& g, const io::OnnxValue& x) {
        return x.same_layout(g.node("Mul", {x.name, g.scalar("two", 2.0)}));
    });
    nn::Sequential model{nn::Conv2D(2, 1), Doubler(), nn::Flatten()};
    io::export_onnx(model, dir.file("user.onnx"), {1, 2, 2, 1});
    const onnx::ModelProto m = read_model(dir.file("user.onnx"));
    // The Mul keeps the channels-first layout of the Conv before it.
    BOOST_TEST(op_types(m) == (std::vector<std::string>{"Transpose", "Conv", "Mul", "Transpose", "Flatten"}),
               boost::test_tools::per_element());
    BOOST_TEST(m.graph().node(2).name() == "doubler/Mul");
    BOOST_TEST(values<float>(initializer(m, "doubler/two")) == std::vector<float>{2.0f},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_model_of_two_inputs_and_two_outputs_exports_with_its_names) {
    TempDir dir;
    // Wide & Deep: the wide input joins the deep path's output; an auxiliary output on the deep path.
    auto wide = nn::Input({5}, "wide");
    auto deep = nn::Input({6}, "deep");
    auto hidden = nn::Dense(4, "relu").set_name("hidden")(deep);
    auto joined = nn::Concatenate().set_name("joined")({wide, hidden});
    auto main_output = nn::Dense(1).set_name("main_output")(joined);
    auto aux_output = nn::Dense(1).set_name("aux_output")(hidden);
    nn::Model model({wide, deep}, {main_output, aux_output});
    io::export_onnx(model, dir.file("wd.onnx"), {{1, 5}, {1, 6}});
    const onnx::ModelProto m = read_model(dir.file("wd.onnx"));
    BOOST_TEST_REQUIRE(m.graph().input_size() == 2);
    BOOST_TEST(m.graph().input(0).name() == "wide");
    BOOST_TEST(m.graph().input(1).name() == "deep");
    BOOST_TEST(dims(m.graph().input(1)) == (std::vector<std::int64_t>{-1, 6}), boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(m.graph().output_size() == 2);
    BOOST_TEST(m.graph().output(0).name() == "main_output");
    BOOST_TEST(m.graph().output(1).name() == "aux_output");
    BOOST_TEST(dims(m.graph().output(1)) == (std::vector<std::int64_t>{-1, 1}), boost::test_tools::per_element());
    // The hidden Dense by its exporter, the merge op by op under the merge layer's name.
    BOOST_TEST(op_types(m) == (std::vector<std::string>{"Gemm", "Relu", "Concat", "Gemm", "Gemm"}),
               boost::test_tools::per_element());
    BOOST_TEST(m.graph().node(2).name() == "joined/Concat");
    BOOST_TEST(m.graph().node(2).input(0) == "wide");
    BOOST_TEST(m.graph().node(0).input(0) == "deep");
    // The auxiliary head reads the hidden value the merge reads; each head writes its graph output.
    BOOST_TEST(m.graph().node(3).name() == "aux_output/Gemm");
    BOOST_TEST(m.graph().node(3).input(0) == m.graph().node(1).output(0));
    BOOST_TEST(m.graph().node(3).output(0) == "aux_output");
    BOOST_TEST(m.graph().node(4).input(0) == m.graph().node(2).output(0));
    BOOST_TEST(m.graph().node(4).output(0) == "main_output");

    // The one-shape form keeps "input" and "output" for a model of one input and output.
    auto in = nn::Input({3}, "features");
    nn::Model single({in}, {nn::Dense(2).set_name("logits")(in)});
    io::export_onnx(single, dir.file("single.onnx"), {1, 3});
    const onnx::ModelProto s = read_model(dir.file("single.onnx"));
    BOOST_TEST(s.graph().input(0).name() == "input");
    BOOST_TEST(s.graph().output(0).name() == "output");
    io::export_onnx(single, dir.file("named.onnx"), std::vector<Shape>{{1, 3}});
    const onnx::ModelProto named = read_model(dir.file("named.onnx"));
    BOOST_TEST(named.graph().input(0).name() == "features");
    BOOST_TEST(named.graph().output(0).name() == "logits");

    CHECK_THROWS_WITH(io::export_onnx(model, dir.file("x.onnx"), std::vector<Shape>{{1, 5}}), ShapeError,
                      "the model takes 2 inputs, got 1 example shapes");
    CHECK_THROWS_WITH(io::export_onnx(model, dir.file("x.onnx"), {{1, 5}, {1, 7}}), ShapeError,
                      "input 'deep' expects shape (None, 6), got (1, 7)");
    CHECK_THROWS_WITH(io::export_onnx(model, dir.file("x.onnx"), std::vector<Shape>{}), ShapeError,
                      "no example input shape");
    BOOST_TEST(!std::filesystem::exists(dir.file("x.onnx")));
}
