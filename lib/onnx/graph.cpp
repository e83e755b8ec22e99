// OnnxGraph: building an ONNX ModelProto with Debian's generated protobuf
// classes (libonnx_proto).
#include "xgrad/onnx/graph.hpp"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <map>

#include "xgrad/onnx/exporter_registry.hpp"

namespace xgrad::io {

namespace {

int onnx_element_type(Dtype dtype) {
    switch (dtype) {
    case float32: return onnx::TensorProto::FLOAT;
    case float64: return onnx::TensorProto::DOUBLE;
    case int64: return onnx::TensorProto::INT64;
    case boolean: return onnx::TensorProto::BOOL;  // one byte per element, 0 or 1, as xgrad stores it
    case uint8: throw DtypeError("export_onnx: no ONNX element type for " + std::string(dtype_name(dtype)));
    }
    throw_invalid_dtype(dtype);
}

// The value's shape as ONNX declares it: the batch symbolic, in the value's layout.
void set_value_info(onnx::ValueInfoProto& info, const std::string& name, const Shape& shape, Dtype dtype) {
    info.set_name(name);
    auto* tensor_type = info.mutable_type()->mutable_tensor_type();
    tensor_type->set_elem_type(onnx_element_type(dtype));
    auto* dims = tensor_type->mutable_shape();
    for (std::size_t i = 0; i < shape.size(); ++i) {
        auto* dim = dims->add_dim();
        if (i == 0) dim->set_dim_param("batch");
        else dim->set_dim_value(shape[i]);
    }
}

// The permutation moving the last axis to 1 (to_first) or axis 1 to the end.
std::vector<std::int64_t> channel_permutation(std::size_t rank, bool to_first) {
    std::vector<std::int64_t> perm{0};
    const auto last = static_cast<std::int64_t>(rank - 1);
    if (to_first) {
        perm.push_back(last);
        for (std::int64_t d = 1; d < last; ++d) perm.push_back(d);
    } else {
        for (std::int64_t d = 2; d <= last; ++d) perm.push_back(d);
        perm.push_back(1);
    }
    return perm;
}

}  // namespace

struct OnnxGraph::Impl {
    Dtype dtype;
    onnx::GraphProto graph;
    std::string layer;                     // the layer being exported: prefix of new names
    std::map<std::string, int> name_uses;  // for unique names

    std::string unique_name(std::string_view hint) {
        std::string base = layer.empty() ? std::string(hint) : layer + "/" + std::string(hint);
        const int n = name_uses[base]++;
        return n == 0 ? base : base + "_" + std::to_string(n);
    }
};

OnnxGraph::OnnxGraph(Dtype dtype) : impl_(std::make_unique<Impl>()) {
    if (!is_floating(dtype))
        throw DtypeError("export_onnx: the model's dtype must be float32 or float64, got " +
                         std::string(dtype_name(dtype)));
    impl_->dtype = dtype;
}

OnnxGraph::~OnnxGraph() = default;

Dtype OnnxGraph::dtype() const noexcept { return impl_->dtype; }

const std::string& OnnxGraph::layer_name() const noexcept { return impl_->layer; }

void OnnxGraph::set_name_prefix(std::string prefix) { impl_->layer = std::move(prefix); }

std::string OnnxGraph::constant(std::string_view hint, const Tensor& value) {
    const Tensor t = is_floating(value.dtype()) ? value.to(impl_->dtype) : value;
    onnx::TensorProto* proto = impl_->graph.add_initializer();
    const std::string name = impl_->unique_name(hint);
    proto->set_name(name);
    proto->set_data_type(onnx_element_type(t.dtype()));
    for (const std::int64_t d : t.shape()) proto->add_dims(d);
    // raw_data is little-endian, as x86-64 holds the values.
    proto->set_raw_data(t.raw_data(), static_cast<std::size_t>(t.numel()) * itemsize(t.dtype()));
    return name;
}

std::string OnnxGraph::scalar(std::string_view hint, double value) {
    return constant(hint, full(Shape{}, value, impl_->dtype));
}

std::string OnnxGraph::node(std::string_view op_type, const std::vector<std::string>& inputs,
                            const std::vector<OnnxAttribute>& attributes) {
    onnx::NodeProto* node = impl_->graph.add_node();
    const std::string name = impl_->unique_name(op_type);
    node->set_name(name);
    node->set_op_type(std::string(op_type));
    for (const std::string& input : inputs) node->add_input(input);
    node->add_output(name);
    for (const OnnxAttribute& a : attributes) {
        onnx::AttributeProto* attr = node->add_attribute();
        attr->set_name(a.name);
        if (const auto* i = std::get_if<std::int64_t>(&a.value)) {
            attr->set_type(onnx::AttributeProto::INT);
            attr->set_i(*i);
        } else if (const auto* f = std::get_if<double>(&a.value)) {
            attr->set_type(onnx::AttributeProto::FLOAT);
            attr->set_f(static_cast<float>(*f));
        } else if (const auto* ints = std::get_if<std::vector<std::int64_t>>(&a.value)) {
            attr->set_type(onnx::AttributeProto::INTS);
            for (const std::int64_t v : *ints) attr->add_ints(v);
        } else {
            attr->set_type(onnx::AttributeProto::STRING);
            attr->set_s(std::get<std::string>(a.value));
        }
    }
    return name;
}

OnnxValue OnnxGraph::channels_first(const OnnxValue& value) {
    if (value.channels_first || value.shape.size() < 3) return value;
    return {node("Transpose", {value.name}, {{"perm", channel_permutation(value.shape.size(), true)}}), value.shape,
            true};
}

OnnxValue OnnxGraph::channels_last(const OnnxValue& value) {
    if (!value.channels_first) return value;
    return {node("Transpose", {value.name}, {{"perm", channel_permutation(value.shape.size(), false)}}), value.shape,
            false};
}

OnnxValue OnnxGraph::add(nn::Module& layer, const OnnxValue& input) {
    const std::string& type = layer.type_name();
    if (!onnx_exporter_registry().contains(type))
        throw ValueError("export_onnx: layer '" + layer.name() + "' (" + type +
                         ") has no ONNX exporter; register one with io::register_onnx_exporter(\"" + type + "\", …)");
    const OnnxExporter exporter = onnx_exporter_registry().get(type);
    const std::string outer = impl_->layer;
    impl_->layer = layer.name();
    OnnxValue out = exporter(layer, *this, input);
    impl_->layer = outer;
    out.shape = layer.output_shape(input.shape);
    return out;
}

std::string OnnxGraph::serialize(const std::vector<OnnxValue>& inputs, const std::vector<OnnxValue>& outputs,
                                 const std::vector<std::string>& output_names, const std::string& graph_name) {
    onnx::GraphProto& graph = impl_->graph;
    impl_->layer.clear();
    graph.set_name(graph_name);
    for (const OnnxValue& in : inputs) set_value_info(*graph.add_input(), in.name, in.shape, impl_->dtype);
    const auto is_input_or_weight = [&](const std::string& value) {
        for (const OnnxValue& in : inputs)
            if (in.name == value) return true;
        for (const onnx::TensorProto& c : graph.initializer())
            if (c.name() == value) return true;
        return false;
    };
    for (std::size_t k = 0; k < outputs.size(); ++k) {
        const std::string& exported = output_names[k];
        std::string name = outputs[k].name;
        // The name is free unless a value inside the graph already has it.
        bool used = is_input_or_weight(exported);
        for (const onnx::NodeProto& n : graph.node())
            for (const std::string& o : n.output()) used = used || (o == exported && o != name);
        if (used)
            throw ValueError("export_onnx: the graph output name '" + exported +
                             "' is taken by a value inside the graph (an input, a weight or an op's output); "
                             "rename the layer that gives that output");
        // An output that is an input, a constant or an earlier output gets its own node.
        bool taken = is_input_or_weight(name);
        for (std::size_t j = 0; j < k; ++j) taken = taken || outputs[j].name == name;
        if (taken) name = node("Identity", {name});
        for (onnx::NodeProto& n : *graph.mutable_node()) {
            for (std::string& o : *n.mutable_output())
                if (o == name) o = exported;
            for (std::string& i : *n.mutable_input())
                if (i == name) i = exported;
        }
        set_value_info(*graph.add_output(), exported, outputs[k].shape, impl_->dtype);
    }

    onnx::ModelProto model;
    model.set_ir_version(7);  // the IR version of opset 13's release (ONNX 1.8)
    model.set_producer_name("xgrad");
    model.set_producer_version(XGRAD_VERSION_STRING);
    onnx::OperatorSetIdProto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(onnx_opset);
    *model.mutable_graph() = std::move(graph);
    std::string bytes;
    if (!model.SerializeToString(&bytes)) throw IoError("export_onnx: the model could not be serialized (over 2 GiB?)");
    return bytes;
}

}  // namespace xgrad::io
