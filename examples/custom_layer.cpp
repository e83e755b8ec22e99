// A user-defined layer that saves and loads with the built-in ones: declare
// its options once in options() (they give the validated setter, config()
// and from_config()) and register it with XGRAD_REGISTER_LAYER; an ONNX
// exporter registered for its type name lets io::export_onnx() write it.
#include <cstdint>
#include <cstdio>
#include <string>
#include <filesystem>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

/// y = x · factor + learned offset (one per feature).
class ScaleShift : public nn::Layer<ScaleShift> {
public:
    explicit ScaleShift(double f = 1.0) { factor(f); }
    /// factor must be positive (ValueError otherwise).
    ScaleShift& factor(double factor) { return set(&ScaleShift::factor_, factor); }

    void build(const Shape& input_shape) override { add_weight("offset", {input_shape.back()}, nn::Zeros()); }
    Tensor forward(const Tensor& x, bool) override { return x * factor_ + weight("offset"); }
    Shape output_shape(const Shape& input_shape) override { return input_shape; }

    static const nn::Options<ScaleShift>& options() {
        static const auto options =
            nn::Options<ScaleShift>("ScaleShift").add("factor", &ScaleShift::factor_, nn::require::positive);
        return options;
    }

private:
    double factor_ = 1.0;
};
// Makes io::load() able to rebuild it, at program start.
XGRAD_REGISTER_LAYER(ScaleShift);

// Its ONNX form, x · factor + offset, in whatever layout the input has
// (the offset is per feature: the last axis in xgrad's layout).
const bool scale_shift_exports = [] {
    io::register_onnx_exporter("ScaleShift", [](nn::Module& layer, io::OnnxGraph& g, const io::OnnxValue& x) {
        const io::OnnxValue in = g.channels_last(x);
        const double factor = std::stod(layer.config().at("factor"));
        const std::string scaled = g.node("Mul", {in.name, g.scalar("factor", factor)});
        return in.same_layout(g.node("Add", {scaled, g.constant("offset", layer.weight("offset"))}));
    });
    return true;
}();

int main() {
    manual_seed(42);
    nn::Sequential model{nn::Dense(4, "relu").input_shape({3}), ScaleShift(0.5), nn::Dense(2)};
    model.eval();
    const Tensor x = randn({2, 3});
    const Tensor before = model(x);

    const auto path = (std::filesystem::temp_directory_path() / "xgrad_custom_layer.safetensors").string();
    io::save(model, path);
    nn::ModulePtr loaded = io::load(path);
    std::filesystem::remove(path);
    loaded->eval();
    const Tensor after = (*loaded)(x);

    std::printf("layers:");
    for (const auto& l : loaded->children()) std::printf(" %s(%s)", l->name().c_str(), l->type_name().c_str());
    std::printf("\nconfig of the loaded ScaleShift: factor = %s\n", loaded->children()[1]->config().at("factor").c_str());
    try {
        ScaleShift(-1.0);
    } catch (const ValueError& e) {
        std::printf("ScaleShift(-1): %s\n", e.what());
    }
    const auto onnx_path = (std::filesystem::temp_directory_path() / "xgrad_custom_layer.onnx").string();
    io::export_onnx(*loaded, onnx_path, {1, 3});
    std::printf("exported to ONNX: %ju bytes\n", static_cast<std::uintmax_t>(std::filesystem::file_size(onnx_path)));
    std::filesystem::remove(onnx_path);
    const bool same = before.to_vector<float>() == after.to_vector<float>();
    std::printf("same predictions: %s\n", same ? "yes" : "NO");
    return same ? 0 : 1;
}
