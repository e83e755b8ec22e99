// io::export_onnx: the graph written (read back with ONNX's protobuf
// classes), the weights' layouts, the errors, the extension point. Whether
// runtimes accept and run the files: onnx/runtime (check_onnx.py).
#include <boost/test/unit_test.hpp>
#include <onnx/onnx_pb.h>

#include <cstring>
#include <filesystem>

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
    nn::Sequential unknown{nn::Dense(2), Doubler()};
    BOOST_TEST(message_of(unknown, {1, 3}).find("layer 'doubler' (Doubler) has no ONNX exporter; register one with "
                                                "io::register_onnx_exporter(\"Doubler\"") != std::string::npos);
    nn::Sequential threshold{nn::ReLU().threshold(0.5)};
    BOOST_TEST(message_of(threshold, {1, 3}).find("layer 're_lu' (ReLU): a threshold other than 0") !=
               std::string::npos);
    nn::Sequential lambda{nn::Dense(2, [](const Tensor& x) { return x * 3.0; })};
    BOOST_TEST(message_of(lambda, {1, 3}).find("layer 'dense': activation 'custom' has no ONNX form") !=
               std::string::npos);
    nn::Sequential dense{nn::Dense(2)};
    BOOST_CHECK_THROW(io::export_onnx(dense, dir.file("x.onnx"), {}), ShapeError);
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
    nn::Sequential bad{nn::Dense(2), Doubler()};
    BOOST_CHECK_THROW(io::export_onnx(bad, dir.file("model.onnx"), {1, 3}), ValueError);
    BOOST_TEST(slurp(dir.file("model.onnx")) == before);
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
