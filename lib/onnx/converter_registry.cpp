// The op converters by op name, and TracedOp's accessors.
#include "xgrad/onnx/converter_registry.hpp"

namespace xgrad::io {

TracedOp::TracedOp(std::string_view name, std::span<const Tensor* const> inputs, const Tensor& output,
                   const OpAttributes& attributes, ValueOf value_of, IsConstant is_constant)
    : name_(name),
      inputs_(inputs),
      output_(output),
      attributes_(attributes),
      value_of_(std::move(value_of)),
      is_constant_(std::move(is_constant)) {}

const Tensor& TracedOp::input(std::size_t i) const {
    if (i >= inputs_.size())
        throw ValueError("export_onnx: op '" + std::string(name_) + "' has " + std::to_string(inputs_.size()) +
                         " inputs; its converter asked for input " + std::to_string(i));
    return *inputs_[i];
}

OnnxValue TracedOp::value(std::size_t i) const {
    const Tensor& t = input(i);
    if (!t.defined()) return {};
    return value_of_(t);
}

bool TracedOp::is_constant(std::size_t i) const {
    const Tensor& t = input(i);
    return t.defined() && is_constant_(t);
}

bool TracedOp::has(std::string_view name) const {
    for (const OpAttribute& a : attributes_)
        if (a.name == name) return true;
    return false;
}

const OpAttributeValue& TracedOp::attribute(std::string_view name) const {
    for (const OpAttribute& a : attributes_)
        if (a.name == name) return a.value;
    throw ValueError("export_onnx: op '" + std::string(name_) + "' reported no attribute '" + std::string(name) +
                     "' (its converter needs it)");
}

namespace {
template <class T> const T& attribute_as(std::string_view op, std::string_view name, const OpAttributeValue& v) {
    if (const T* typed = std::get_if<T>(&v)) return *typed;
    throw ValueError("export_onnx: op '" + std::string(op) + "': attribute '" + std::string(name) +
                     "' is of another kind than its converter expects");
}
}  // namespace

std::int64_t TracedOp::integer(std::string_view name) const {
    return attribute_as<std::int64_t>(name_, name, attribute(name));
}

double TracedOp::real(std::string_view name) const { return attribute_as<double>(name_, name, attribute(name)); }

const std::vector<std::int64_t>& TracedOp::integers(std::string_view name) const {
    return attribute_as<std::vector<std::int64_t>>(name_, name, attribute(name));
}

const std::string& TracedOp::text(std::string_view name) const {
    return attribute_as<std::string>(name_, name, attribute(name));
}

Registry<OpConverter>& onnx_converter_registry() {
    static Registry<OpConverter> registry("ONNX op converter");
    return registry;
}

void register_onnx_converter(std::string op_name, OpConverter converter) {
    onnx_converter_registry().add(std::move(op_name), std::move(converter));
}

}  // namespace xgrad::io
