// A custom model in C++: a residual MLP with a user-written RMSNorm layer,
// typed child handles, clone(), weights saved and loaded into a second
// instance built in the same process, the user layer saved with its option, ONNX export by tracing, and a
// hand-written training loop over
// a DataLoader with Adam and gradient clipping by global norm.
//   custom_model [--short]
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

/// RMSNorm: y = x / sqrt(mean(x², last axis) + ε) · scale, one learned scale
/// per feature. A layer with an option table: ε is validated (> 0) by the
/// constructor and by from_config(), and saved with the layer.
class RMSNorm : public nn::Layer<RMSNorm> {
public:
    explicit RMSNorm(double epsilon = 1e-6) { set(&RMSNorm::epsilon_, epsilon); }
    void build(const Shape& input_shape) override { add_weight("scale", {input_shape.back()}, nn::Ones()); }
    Tensor forward(const Tensor& x, bool) override {
        return x * rsqrt(mean(square(x), {-1}, true) + epsilon_) * weight("scale");
    }
    Shape output_shape(const Shape& input_shape) override { return input_shape; }
    static const nn::Options<RMSNorm>& options() {
        static const auto options =
            nn::Options<RMSNorm>("RMSNorm").add("epsilon", &RMSNorm::epsilon_, nn::require::positive);
        return options;
    }

private:
    double epsilon_ = 1e-6;
};
XGRAD_REGISTER_LAYER(RMSNorm);

/// x → Dense(h, relu) → [h + Dense(h, relu)(RMSNorm(h))] → Dense(classes, softmax).
class ResidualMlp : public nn::Cloneable<ResidualMlp> {
public:
    ResidualMlp(std::int64_t hidden, std::int64_t classes) : Cloneable("ResidualMlp") {
        in_ = register_module("in", nn::Dense(hidden, "relu", "he_normal"));
        norm_ = register_module("norm", RMSNorm());
        block_ = register_module("block", nn::Dense(hidden, "relu", "he_normal"));
        out_ = register_module("out", nn::Dense(classes, "softmax"));
    }
    Tensor forward(const Tensor& x, bool) override {
        const Tensor h = (*in_)(x);
        return (*out_)(h + (*block_)((*norm_)(h)));
    }

private:
    nn::Child<nn::Dense> in_, block_, out_;
    nn::Child<RMSNorm> norm_;
};

int main(int argc, char** argv) {
    const bool short_run = argc > 1 && std::strcmp(argv[1], "--short") == 0;
    manual_seed(42);
    // Three Gaussian blobs in 8 dimensions.
    Generator data_gen(7);
    const std::int64_t n = short_run ? 600 : 6000;
    const Tensor y = randint({n}, 0, 3, data_gen);
    const Tensor centers = normal({3, 8}, 0.0, 2.0, float32, data_gen);
    const Tensor x = index_select(centers, 0, y) + normal({n, 8}, 0.0, 1.0, float32, data_gen);

    ResidualMlp model(32, 3);
    model(zeros({1, 8}));  // build
    for (const auto& [name, t] : model.named_parameters()) std::printf("%-12s %s\n", name.c_str(), to_string(t.shape()).c_str());

    optim::Adam adam(model, optim::AdamOptions().learning_rate(0.01).global_clipnorm(1.0));
    data::DataLoader loader(x, y, {.batch_size = 32, .shuffle = true, .seed = 1});
    double first = 0, last = 0;
    for (int epoch = 0; epoch < (short_run ? 3 : 10); ++epoch) {
        double total = 0;
        std::int64_t seen = 0;
        for (const data::Batch& b : loader) {
            const Tensor loss = losses::sparse_categorical_crossentropy(b.y, model(b.x, true));
            adam.zero_grad();
            loss.backward();
            adam.step();
            total += loss.item() * static_cast<double>(b.size());
            seen += b.size();
        }
        last = total / static_cast<double>(seen);
        if (epoch == 0) first = last;
        std::printf("epoch %d  loss %.4f\n", epoch + 1, last);
    }

    // clone(): an independent copy whose typed children are its own.
    auto copy = std::dynamic_pointer_cast<ResidualMlp>(model.clone());
    const Tensor probe = slice(x, 0, 0, 16);
    const bool clone_same = max(abs(model(probe, false) - (*copy)(probe, false))).item() == 0.0;
    {
        NoGradGuard no_grad;
        for (Tensor t : copy->parameters()) t.fill_(0.0);
    }
    const bool clone_independent = sum(abs(model.parameters()[0])).item() > 0;

    // Weights into a second instance built in the same process: same keys.
    const auto path = (std::filesystem::temp_directory_path() / "xgrad_custom_model.safetensors").string();
    io::save_weights(model, path);
    ResidualMlp second(32, 3);
    second(zeros({1, 8}));
    io::load_weights(second, path);
    const bool loaded_same = max(abs(model(probe, false) - second(probe, false))).item() == 0.0;

    // The user layer saves and loads whole, its option included, as a built-in one.
    nn::Sequential head{RMSNorm(1e-5).input_shape({8}), nn::Dense(3)};
    io::save(head, path);
    const bool option_saved = io::load(path)->children()[0]->config().at("epsilon") == "1e-05";
    std::filesystem::remove(path);

    // The subclassed model exports to ONNX by tracing: the ops its forward
    // runs are written one by one (RMSNorm has no exporter of its own).
    const auto onnx_path = (std::filesystem::temp_directory_path() / "xgrad_custom_model.onnx").string();
    io::export_onnx(model, onnx_path, {1, 8});
    const bool exported = std::filesystem::file_size(onnx_path) > 0;
    std::filesystem::remove(onnx_path);

    const double accuracy = metrics::sparse_categorical_accuracy(y, model(x, false)).item();
    std::printf("loss %.4f -> %.4f, accuracy %.3f; clone equal %d, independent %d; loaded equal %d; "
                "RMSNorm epsilon saved %d; exported to ONNX %d\n",
                first, last, accuracy, clone_same, clone_independent, loaded_same, option_saved, exported);
    return last < first && accuracy > 0.9 && clone_same && clone_independent && loaded_same && option_saved && exported
               ? 0
               : 1;
}
