// A user-defined layer that saves and loads with the built-in ones:
// implement config() (its constructor options as strings) and register a
// factory under its type name before io::load() meets it.
#include <cstdio>
#include <filesystem>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

/// y = x · factor + learned offset (one per feature).
class ScaleShift : public nn::Cloneable<ScaleShift> {
public:
    explicit ScaleShift(double factor = 1.0) : Cloneable("ScaleShift"), factor_(factor) {}

    void build(const Shape& input_shape) override {
        add_weight("offset", {input_shape.back()}, nn::Zeros());
    }
    Tensor forward(const Tensor& x, bool) override { return x * factor_ + weight("offset"); }
    Shape output_shape(const Shape& input_shape) override { return input_shape; }
    Config config() const override { return {{"factor", io::config_value(factor_)}}; }

private:
    double factor_;
};

int main() {
    // Once, before loading any file that contains a ScaleShift:
    io::register_layer("ScaleShift", [](const nn::Module::Config& c, const std::vector<nn::ModulePtr>&) {
        return std::make_shared<ScaleShift>(io::config_double(c, "factor", 1.0));
    });

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
    std::printf("\nsame predictions: %s\n", before.to_vector<float>() == after.to_vector<float>() ? "yes" : "NO");
    return before.to_vector<float>() == after.to_vector<float>() ? 0 : 1;
}
