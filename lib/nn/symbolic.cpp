#include "xgrad/nn/symbolic.hpp"

#include "nn/shape_probe.hpp"
#include "nn/summary_text.hpp"

namespace xgrad::nn {

SymbolicTensor::SymbolicTensor(std::shared_ptr<const SymbolicNode> node, std::size_t index)
    : node_(std::move(node)), index_(index) {}

const Shape& SymbolicTensor::shape() const { return node_->output_shapes.at(index_); }

Dtype SymbolicTensor::dtype() const { return node_->dtype; }

const ModulePtr& SymbolicTensor::layer() const { return node_->layer; }

InputLayer::InputLayer(std::vector<std::int64_t> shape, std::string dtype) {
    set(&InputLayer::shape_, std::move(shape));
    set(&InputLayer::dtype_, std::move(dtype));
}

const Options<InputLayer>& InputLayer::options() {
    static const auto options = Options<InputLayer>("InputLayer")
                                    .add("shape", &InputLayer::shape_, OptionKind::required)
                                    .add("dtype", &InputLayer::dtype_);
    return options;
}
XGRAD_REGISTER_LAYER(InputLayer);

Shape InputLayer::batch_shape() const {
    Shape s{-1};
    for (const std::int64_t d : shape_) {
        if (d == 0 || d < -1)
            throw ValueError(name() + " (InputLayer): dimensions must be positive or -1 (any), got " + std::to_string(d));
        s.push_back(d);
    }
    return s;
}

Dtype InputLayer::input_dtype() const { return dtype_from_name(dtype_); }

Tensor InputLayer::forward(const Tensor& x, bool) {
    const Shape expected = batch_shape();
    bool fits = x.rank() == expected.size();
    for (std::size_t i = 1; fits && i < expected.size(); ++i) fits = expected[i] < 0 || expected[i] == x.shape()[i];
    if (!fits)
        throw ShapeError("input '" + name() + "' expects shape " + detail::shape_text(expected) + ", got " +
                         detail::shape_text(x.shape()));
    return x;
}

Shape InputLayer::output_shape(const Shape& input_shape) {
    Shape s = batch_shape();
    if (!input_shape.empty()) s[0] = input_shape[0];
    return s;
}

SymbolicTensor Input(Shape shape, std::string name, Dtype dtype) {
    auto layer = std::make_shared<InputLayer>(std::vector<std::int64_t>(shape.begin(), shape.end()),
                                              std::string(dtype_name(dtype)));
    layer->set_name(name.empty() ? "input" : std::move(name));
    auto node = std::make_shared<SymbolicNode>();
    node->output_shapes = {layer->batch_shape()};  // checks the dimensions
    node->dtype = dtype;
    node->layer = std::move(layer);
    return SymbolicTensor(std::move(node), 0);
}

ModulePtr Module::symbolic_layer() {
    if (ModulePtr self = weak_from_this().lock()) return self;
    if (ModulePtr copy = symbolic_copy_.lock()) return copy;
    ModulePtr copy = clone();
    symbolic_copy_ = copy;
    return copy;
}

SymbolicTensors Module::operator()(const std::vector<SymbolicTensor>& inputs) {
    if (inputs.empty()) throw ValueError(name_ + " (" + type_name_ + ") called on no symbolic tensors");
    const ModulePtr layer = symbolic_layer();
    std::vector<Shape> shapes;
    shapes.reserve(inputs.size());
    for (const SymbolicTensor& t : inputs) shapes.push_back(t.shape());
    auto node = std::make_shared<SymbolicNode>();
    try {
        if (shapes.size() == 1) {
            layer->ensure_built(shapes[0]);
            detail::probe_built_layer(*layer, shapes[0]);
        }
        node->output_shapes = layer->output_shapes(shapes);
    } catch (const ShapeError& e) {
        throw ShapeError(name_ + " (" + type_name_ + ") called on " + detail::shapes_text(shapes) + ": " + e.what());
    } catch (const ValueError& e) {
        throw ValueError(name_ + " (" + type_name_ + ") called on " + detail::shapes_text(shapes) + ": " + e.what());
    }
    node->layer = layer;
    node->inbound = inputs;
    node->dtype = inputs[0].dtype();
    SymbolicTensors outputs;
    const std::shared_ptr<const SymbolicNode> shared = std::move(node);
    for (std::size_t i = 0; i < shared->output_shapes.size(); ++i) outputs.emplace_back(shared, i);
    return outputs;
}

SymbolicTensors::operator const SymbolicTensor&() const {
    if (size() != 1) {
        const std::string layer = empty() ? "a layer" : front().layer()->name() + " (" + front().layer()->type_name() + ")";
        throw ValueError(layer + " gives " + std::to_string(size()) +
                         " outputs, used here as one tensor: pick one by index ([0], [1], …)");
    }
    return front();
}

SymbolicTensor Module::operator()(const SymbolicTensor& x) {
    std::vector<SymbolicTensor> outputs = (*this)(std::vector<SymbolicTensor>{x});
    if (outputs.size() != 1)
        throw ValueError(name_ + " (" + type_name_ + ") gives " + std::to_string(outputs.size()) +
                         " outputs: call it on std::vector<SymbolicTensor>{x} to get them all");
    return outputs[0];
}

}  // namespace xgrad::nn
