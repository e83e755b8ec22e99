// Writes the models the ONNX runtime check (check_onnx.py) runs: for each,
// NAME.onnx (io::export_onnx), NAME.input (a batch, raw float32) and
// NAME.expected (xgrad's predictions for it, raw float32), and one line per
// model in OUTDIR/cases.txt: name, input shape, output shape. A model of
// several inputs or outputs has NAME.input_K and NAME.expected_K, and its
// shapes in cases.txt joined by ';'.
//   onnx_cases OUTDIR
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "xgrad/xgrad.hpp"

using namespace xgrad;

namespace {

// Wide & Deep with a merge of each kind OpenCV reads: two inputs (a wide
// one joining the deep path by Concatenate), a skip connection by Add, and
// a main and an auxiliary output.
nn::ModulePtr wide_and_deep() {
    const nn::SymbolicTensor wide = nn::Input({5}, "wide"), deep = nn::Input({6}, "deep");
    const nn::SymbolicTensor h1 = nn::Dense(8, "relu").set_name("hidden_1")(deep);
    const nn::SymbolicTensor h2 = nn::Add().set_name("skip")({h1, nn::Dense(8, "tanh").set_name("hidden_2")(h1)});
    const nn::SymbolicTensor joined = nn::Concatenate().set_name("joined")({wide, h2});
    const nn::SymbolicTensor main_output = nn::Dense(3, "softmax").set_name("main_output")(joined);
    const nn::SymbolicTensor aux_output = nn::Dense(2).set_name("aux_output")(h2);
    return std::make_shared<nn::Model>(std::vector{wide, deep}, std::vector{main_output, aux_output});
}

std::string shape_text(const Shape& s) {
    std::string out;
    for (const std::int64_t d : s) {
        if (!out.empty()) out += ',';
        out += std::to_string(d);
    }
    return out;
}

void write_raw(const std::string& path, const Tensor& t) {
    const Tensor f = t.to(float32);
    std::ofstream(path, std::ios::binary)
        .write(static_cast<const char*>(f.raw_data()), static_cast<std::streamsize>(f.numel() * sizeof(float)));
}

// Layers the notebook's models do not use: every other built-in exporter.
nn::Sequential layer_zoo() {
    nn::Sequential model{
        nn::Rescaling(1.0 / 2, 0.1),
        nn::Reshape({28, 28, 1}),
        nn::Conv2D(8, 3, "elu").strides({2, 2}).padding("same"),
        nn::BatchNormalization(),
        nn::AveragePooling2D({3, 3}).strides({2, 2}).padding("same"),
        nn::Conv2D(6, {2, 3}, "tanh").dilation_rate({2, 1}).groups(2),
        nn::MaxPooling2D({2, 2}).padding("same"),
        nn::LeakyReLU(0.1),
        nn::Flatten(),
        nn::Dense(32, "sigmoid"),
        nn::PReLU().alpha_initializer("random_normal"),
        nn::ELU(0.5),
        nn::Dropout(0.3),
        nn::Dense(16, "softplus"),
        nn::RReLU(0.1, 0.3),
        nn::Activation("swish"),
        nn::Dense(16),
        nn::ReLU().negative_slope(0.05),
        nn::Activation("gelu"),
        nn::Dense(10),
        nn::Softmax(),
    };
    return model;
}

// relu6: Clip with its bounds as inputs (opset 11 on), which OpenCV 4.6 cannot read.
nn::Sequential relu6() {
    nn::Sequential model{nn::Flatten(), nn::Dense(20), nn::ReLU().max_value(6.0), nn::Dense(10, "softmax")};
    return model;
}

// Image layers ending in global pooling and channels-first layers.
nn::Sequential global_pooling() {
    nn::Sequential model{
        nn::Reshape({1, 28, 28}),
        nn::Conv2D(4, 3, "relu").data_format("channels_first"),
        nn::MaxPooling2D({2, 2}).data_format("channels_first"),
        nn::Reshape({4, 13, 13}),
        nn::Conv2D(5, 3, "sigmoid").padding("same").data_format("channels_first"),
        nn::GlobalAveragePooling2D().data_format("channels_first"),
        nn::Dense(10, "softmax"),
    };
    return model;
}

// The transposed, depthwise and separable convolutions and the resizing
// layers, channels-last: "same" and "valid" transposed convolutions (one
// with output_padding, one whose output runs past the full result).
nn::Sequential image_layers() {
    nn::Sequential model{
        nn::Reshape({28, 28, 1}),
        nn::ZeroPadding2D({1, 2}, {0, 1}),
        nn::DepthwiseConv2D(3, "relu").depth_multiplier(2).strides({2, 2}).padding("same"),
        nn::SeparableConv2D(8, 3, "elu").padding("same"),
        nn::Cropping2D({1, 1}, {0, 1}),
        nn::Conv2DTranspose(6, 3, "tanh").strides({2, 2}).padding("same").output_padding({1}),
        nn::MaxPooling2D({4, 4}),
        nn::UpSampling2D({2, 2}),
        nn::Conv2DTranspose(4, 2).strides({3, 3}),
        nn::AveragePooling2D({6, 6}),
        nn::UpSampling2D({2, 3}).interpolation("bilinear"),
        nn::Flatten(),
        nn::Dense(10, "softmax"),
    };
    return model;
}

// The same layers on channels-first images, with dilation and explicit output_padding.
nn::Sequential image_layers_channels_first() {
    const std::string first = "channels_first";
    nn::Sequential model{
        nn::Reshape({1, 28, 28}),
        nn::DepthwiseConv2D(3).depth_multiplier(3).data_format(first),
        nn::ZeroPadding2D(1).data_format(first),
        nn::Cropping2D({2, 2}, {3, 1}).data_format(first),
        nn::UpSampling2D({1, 2}).interpolation("bilinear").data_format(first),
        nn::SeparableConv2D(4, 3, "relu").strides({2, 2}).dilation_rate({1, 2}).data_format(first),
        nn::Conv2DTranspose(2, {3, 2}, "sigmoid").strides({2, 2}).output_padding({1, 1}).data_format(first),
        nn::GlobalAveragePooling2D().data_format(first),
        nn::Dense(10, "softmax"),
    };
    return model;
}
// examples/custom_model.cpp's user layer and residual model, as it writes
// them: exported by tracing (RMSNorm has no layer exporter).
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
        in_ = register_module("in", nn::Dense(32, "relu", "he_normal"));
        norm_ = register_module("norm", RMSNorm());
        block_ = register_module("block", nn::Dense(32, "relu", "he_normal"));
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

// A functional model with a skip connection on images: conv → batch norm →
// relu → conv, added to the unit's input by an Add layer, pooled, a softmax
// head. Exported by tracing: Add has no layer exporter.
nn::ModulePtr functional_residual() {
    const nn::SymbolicTensor in = nn::Input({28, 28}, "image");
    const nn::SymbolicTensor x = nn::Conv2D(8, 3, "relu").padding("same")(nn::Reshape({28, 28, 1})(in));
    nn::SymbolicTensor h = nn::Conv2D(8, 3).padding("same")(x);
    h = nn::Conv2D(8, 3).padding("same")(nn::ReLU()(nn::BatchNormalization()(h)));
    const nn::SymbolicTensor joined = nn::ReLU()(nn::Add()({x, h}));
    const nn::SymbolicTensor out = nn::Dense(10, "softmax")(nn::GlobalAveragePooling2D()(joined));
    return std::make_shared<nn::Model>(in, out);
}

// A residual unit on images, written with ops: conv2d, batch-norm-free
// scaling, a skip connection added in ONNX's channels-first layout, global
// average pooling by mean, a linear head and log_softmax.
class ResidualCnn : public nn::Cloneable<ResidualCnn> {
public:
    ResidualCnn() : Cloneable("ResidualCnn") {
        stem_ = register_module("stem", nn::Conv2D(8, 3, "relu").padding("same"));
        conv_ = register_module("conv", nn::Conv2D(8, 3).padding("same"));
        head_ = register_module("head", nn::Dense(10));
    }
    Tensor forward(const Tensor& x, bool) override {
        const Tensor h = (*stem_)(reshape(x, {x.shape()[0], 28, 28, 1}));
        const Tensor pooled = max_pool2d(relu(h + (*conv_)(h) * 0.5), {.pool_size = {2, 2}});
        return log_softmax((*head_)(mean(pooled, {1, 2})), -1);
    }

private:
    nn::Child<nn::Conv2D> stem_, conv_;
    nn::Child<nn::Dense> head_;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: onnx_cases OUTDIR\n");
        return 2;
    }
    const std::string dir = argv[1];
    struct Case {
        std::string name;
        std::function<nn::ModulePtr()> make;
        Shape input_shape{8, 28, 28};
        bool layer_exporters = true;  // false: every layer traced op by op
    };
    const auto sequential = [](nn::Sequential (*make)()) {
        return [make] { return nn::ModulePtr(std::make_shared<nn::Sequential>(make())); };
    };
    const std::vector<Case> cases{
        {"mlp_relu", [] { return nn::ModulePtr(std::make_shared<nn::Sequential>(models::mlp("relu", "he_normal"))); }},
        {"mlp_leaky_relu",
         [] { return nn::ModulePtr(std::make_shared<nn::Sequential>(models::mlp("leaky_relu", "he_normal"))); }},
        {"mlp_elu", [] { return nn::ModulePtr(std::make_shared<nn::Sequential>(models::mlp("elu", "he_normal"))); }},
        {"batch_norm_mlp", sequential([] { return models::batch_norm_mlp(); })},
        {"selu_deep", [] { return nn::ModulePtr(std::make_shared<nn::Sequential>(models::selu_deep(20))); }},
        {"small_cnn", sequential(models::small_cnn)},
        {"book_cnn", sequential(models::book_cnn)},
        {"layer_zoo", sequential(layer_zoo)},
        {"global_pooling", sequential(global_pooling)},
        {"relu6", sequential(relu6)},
        {"image_layers", sequential(image_layers)},
        {"image_layers_channels_first", sequential(image_layers_channels_first)},
        // Export by tracing: a subclassed model, and Sequential models with every layer traced op by op.
        {"residual_mlp", [] { return nn::ModulePtr(std::make_shared<ResidualMlp>()); }, {8, 8}},
        {"residual_cnn", [] { return nn::ModulePtr(std::make_shared<ResidualCnn>()); }},
        {"functional_residual", functional_residual},
        {"mlp_traced", [] { return nn::ModulePtr(std::make_shared<nn::Sequential>(models::mlp("relu", "he_normal"))); },
         {8, 28, 28}, false},
        {"batch_norm_mlp_traced", sequential([] { return models::batch_norm_mlp(); }), {8, 28, 28}, false},
        {"small_cnn_traced", sequential(models::small_cnn), {8, 28, 28}, false},
        {"functional_residual_traced", functional_residual, {8, 28, 28}, false},
    };
    std::ofstream list(dir + "/cases.txt");
    manual_seed(7);
    for (const Case& c : cases) {
        const nn::ModulePtr made = c.make();
        nn::Module& model = *made;
        const Shape& input_shape = c.input_shape;
        // Training-mode batches move the batch-norm statistics away from 0 and 1.
        for (int step = 0; step < 3; ++step) {
            NoGradGuard no_grad;
            model(normal(input_shape, 0.5, 1.0), true);
        }
        const Tensor x = normal(input_shape, 0.5, 1.0);
        const Tensor y = model(x, false);
        Shape example = input_shape;
        example[0] = 1;
        io::export_onnx(model, dir + "/" + c.name + ".onnx", example, {.layer_exporters = c.layer_exporters});
        write_raw(dir + "/" + c.name + ".input", x);
        write_raw(dir + "/" + c.name + ".expected", y);
        list << c.name << ' ' << shape_text(x.shape()) << ' ' << shape_text(y.shape()) << '\n';
    }
    // Several inputs and outputs, exported by the list form of export_onnx.
    const nn::ModulePtr model = wide_and_deep();
    const std::vector<Tensor> xs{normal({8, 5}, 0.5, 1.0), normal({8, 6}, 0.5, 1.0)};
    const std::vector<Tensor> ys = (*model)(xs, false);
    io::export_onnx(*model, dir + "/wide_and_deep.onnx", {{1, 5}, {1, 6}});
    std::string input_shapes, output_shapes;
    for (std::size_t k = 0; k < 2; ++k) {
        write_raw(dir + "/wide_and_deep.input_" + std::to_string(k), xs[k]);
        write_raw(dir + "/wide_and_deep.expected_" + std::to_string(k), ys[k]);
        input_shapes += (k ? ";" : "") + shape_text(xs[k].shape());
        output_shapes += (k ? ";" : "") + shape_text(ys[k].shape());
    }
    list << "wide_and_deep " << input_shapes << ' ' << output_shapes << '\n';
    return 0;
}
