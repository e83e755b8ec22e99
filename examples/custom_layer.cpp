// A user-defined layer that saves and loads with the built-in ones: declare
// its options once in options() (they give the validated setter, config()
// and from_config()) and register it with XGRAD_REGISTER_LAYER.
#include <cstdio>
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
    const bool same = before.to_vector<float>() == after.to_vector<float>();
    std::printf("same predictions: %s\n", same ? "yes" : "NO");
    return same ? 0 : 1;
}
