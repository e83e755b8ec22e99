// OnnxGraph::activation(): the registered activations by name as ONNX
// operators (composed where ONNX has no single one, e.g. gelu, mish).
#include <cmath>
#include <numbers>

#include "xgrad/onnx/graph.hpp"

namespace xgrad::io {

OnnxValue OnnxGraph::activation(const nn::ActivationFn& fn, const OnnxValue& x) {
    const std::string& name = fn.name();
    const auto unary = [&](const char* op, std::vector<OnnxAttribute> attributes = {}) {
        return x.same_layout(node(op, {x.name}, attributes));
    };
    const auto times_x = [&](const std::string& y) { return x.same_layout(node("Mul", {x.name, y})); };
    if (name == "linear") return x;
    if (name == "relu") return unary("Relu");
    if (name == "leaky_relu") return unary("LeakyRelu", {{"alpha", 0.2}});  // nn::leaky_relu's default slope
    if (name == "elu") return unary("Elu", {{"alpha", 1.0}});
    if (name == "selu") return unary("Selu", {{"alpha", 1.6732632423543772}, {"gamma", 1.0507009873554805}});
    if (name == "tanh") return unary("Tanh");
    if (name == "sigmoid") return unary("Sigmoid");
    if (name == "hard_sigmoid") return unary("HardSigmoid", {{"alpha", 1.0 / 6.0}, {"beta", 0.5}});  // relu6(x + 3) / 6
    if (name == "softplus") return unary("Softplus");
    if (name == "softsign") return unary("Softsign");
    if (name == "exponential") return unary("Exp");
    if (name == "silu" || name == "swish") return times_x(node("Sigmoid", {x.name}));
    if (name == "mish") return times_x(node("Tanh", {node("Softplus", {x.name})}));
    // gelu: x · (1 + erf(x / √2)) / 2; gelu_tanh: x · (1 + tanh(√(2/π) · (x + 0.044715 x³))) / 2
    const auto half_x_times_one_plus = [&](const std::string& y) {
        return x.same_layout(node("Mul", {times_x(node("Add", {y, scalar("one", 1.0)})).name, scalar("half", 0.5)}));
    };
    if (name == "gelu")
        return half_x_times_one_plus(node("Erf", {node("Div", {x.name, scalar("sqrt2", std::numbers::sqrt2)})}));
    if (name == "gelu_tanh") {
        const std::string cube = node("Mul", {node("Mul", {x.name, x.name}), x.name});
        const std::string inner = node("Add", {x.name, node("Mul", {cube, scalar("c", 0.044715)})});
        const double k = std::sqrt(2.0 / std::numbers::pi);
        return half_x_times_one_plus(node("Tanh", {node("Mul", {inner, scalar("k", k)})}));
    }
    if (name == "softmax" || name == "log_softmax") {
        const OnnxValue in = channels_last(x);
        return in.same_layout(node(name == "softmax" ? "Softmax" : "LogSoftmax", {in.name},
                                   {{"axis", static_cast<std::int64_t>(in.shape.size()) - 1}}));
    }
    throw ValueError("export_onnx: layer '" + layer_name() + "': activation '" + name +
                     "' has no ONNX form (a custom callable; use a registered activation or a layer with an exporter)");
}

}  // namespace xgrad::io
