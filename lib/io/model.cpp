#include "xgrad/io/model.hpp"

#include <algorithm>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "io/json_util.hpp"
#include "nn/weight_budget.hpp"
#include "xgrad/io/safetensors.hpp"
#include "xgrad/nn/functional.hpp"
#include "xgrad/nn/layer.hpp"

namespace xgrad::io {

using nlohmann::json;
using nn::Module;
using nn::ModulePtr;
using nn::Config;

namespace {

// ---- architecture JSON ----------------------------------------------------------------------

json shape_json(const Shape& s) { return json(std::vector<std::int64_t>(s.begin(), s.end())); }

/// A functional model's wiring, as Keras stores it: each layer's
/// "inbound_nodes" (per call, its inbound tensors as [layer name, call,
/// output]) and the model's "input_layers" and "output_layers".
void add_graph_json(const nn::Model& model, json& j, json& layers) {
    const auto ref = [&](const nn::Model::TensorRef& r) {
        return json::array({model.child_names()[r.layer], r.node, r.index});
    };
    const nn::Model::Graph& graph = model.graph();
    for (std::size_t l = 0; l < graph.inbound.size(); ++l) {
        json calls = json::array();
        for (const auto& call : graph.inbound[l]) {
            json inbound = json::array();
            for (const nn::Model::TensorRef& r : call) inbound.push_back(ref(r));
            calls.push_back(std::move(inbound));
        }
        layers[l]["inbound_nodes"] = std::move(calls);
    }
    j["input_layers"] = json::array();
    for (const nn::Model::TensorRef& r : graph.inputs) j["input_layers"].push_back(ref(r));
    j["output_layers"] = json::array();
    for (const nn::Model::TensorRef& r : graph.outputs) j["output_layers"].push_back(ref(r));
}

json layer_json(const Module& m, const std::string& name) {
    // An option that could not be rebuilt (an unnamed activation, an
    // unregistered regularizer) fails here, at save time, never at load time.
    Config cfg;
    try {
        cfg = m.config();
    } catch (const ValueError& e) {
        throw IoError("save: " + std::string(e.what()));
    }
    if (!nn::layer_registry().contains(m.type_name()))
        throw IoError("save: " + m.name() + " has type '" + m.type_name() +
                      "', which is not a registered layer type, so load() could not rebuild it (register it with "
                      "XGRAD_REGISTER_LAYER or nn::register_layer)");
    json j = {{"type", m.type_name()}, {"name", name}, {"trainable", m.trainable()},
              {"dtype", std::string(dtype_name(m.dtype()))}, {"config", cfg}};
    if (m.declared_input_shape()) j["input_shape"] = shape_json(*m.declared_input_shape());
    if (m.build_input_shape()) j["build_input_shape"] = shape_json(*m.build_input_shape());
    json layers = json::array();
    for (std::size_t i = 0; i < m.children().size(); ++i)
        layers.push_back(layer_json(*m.children()[i], m.child_names()[i]));
    if (const auto* model = dynamic_cast<const nn::Model*>(&m)) add_graph_json(*model, j, layers);
    j["layers"] = std::move(layers);
    return j;
}

Shape shape_from(const json& j, const std::string& where) {
    if (!j.is_array() || j.size() > 64) throw IoError(where + " is not a list of dimensions");
    std::vector<std::int64_t> dims;
    for (const json& d : j) {
        if (!d.is_number_integer()) throw IoError(where + " holds a non-integer");
        const auto v = d.get<std::int64_t>();
        if (v < -1 || v > (std::int64_t{1} << 40)) throw IoError(where + " holds an invalid dimension " + std::to_string(v));
        dims.push_back(v);
    }
    return Shape(dims);
}

const json& field(const json& j, const char* key, const std::string& where) {
    if (!j.contains(key)) throw IoError(where + ": missing \"" + key + "\"");
    return j[key];
}

/// The layer entries in `j` and the "layers" lists below it (the parser
/// bounded the nesting).
std::size_t count_layers(const json& j) {
    std::size_t n = 1;
    if (!j.is_object()) return n;
    if (const auto it = j.find("layers"); it != j.end() && it->is_array())
        for (const json& child : *it) n += count_layers(child);
    return n;
}

/// A reference [layer name, call, output] of a functional model's graph.
nn::Model::TensorRef tensor_ref_from(const json& j, const std::unordered_map<std::string, std::size_t>& layer_index,
                                     const std::string& where) {
    if (!j.is_array() || j.size() != 3 || !j[0].is_string() || !j[1].is_number_unsigned() || !j[2].is_number_unsigned())
        throw IoError(where + ": a tensor reference is not [layer name, call index, output index]");
    const auto it = layer_index.find(j[0].get<std::string>());
    if (it == layer_index.end())
        throw IoError(where + ": a tensor reference names layer '" + j[0].get<std::string>() + "', which the model does not have");
    const auto node = j[1].get<std::uint64_t>(), index = j[2].get<std::uint64_t>();
    if (node >= max_layers || index >= max_layers)
        throw IoError(where + ": a tensor reference's index " + std::to_string(std::max(node, index)) + " is out of range");
    return {it->second, static_cast<std::size_t>(node), static_cast<std::size_t>(index)};
}

/// A functional model over `children` wired by the graph in its entry `j`.
ModulePtr functional_from(const json& j, const std::vector<ModulePtr>& children, const std::string& where) {
    const json& entries = field(j, "layers", where);
    std::unordered_map<std::string, std::size_t> layer_index;
    for (std::size_t i = 0; i < children.size(); ++i)
        if (!layer_index.emplace(entries[i]["name"].get<std::string>(), i).second)
            throw IoError(where + ": two layers are named '" + entries[i]["name"].get<std::string>() + "'");
    nn::Model::Graph graph;
    std::size_t calls = 0;
    for (std::size_t i = 0; i < children.size(); ++i) {
        const std::string at = where + ": layer '" + entries[i]["name"].get<std::string>() + "'";
        const json& nodes = field(entries[i], "inbound_nodes", at);
        if (!nodes.is_array()) throw IoError(at + ": \"inbound_nodes\" is not a list");
        calls += nodes.size();
        if (calls > max_layers)
            throw IoError(where + ": more than the " + std::to_string(max_layers) + " layer calls a model file may hold (io::max_layers)");
        auto& layer_calls = graph.inbound.emplace_back();
        for (const json& node : nodes) {
            if (!node.is_array()) throw IoError(at + ": an inbound node is not a list");
            auto& inbound = layer_calls.emplace_back();
            for (const json& r : node) inbound.push_back(tensor_ref_from(r, layer_index, at));
        }
    }
    for (const char* key : {"input_layers", "output_layers"}) {
        const json& list = field(j, key, where);
        if (!list.is_array()) throw IoError(where + ": \"" + key + "\" is not a list");
        auto& refs = key[0] == 'i' ? graph.inputs : graph.outputs;
        for (const json& r : list) refs.push_back(tensor_ref_from(r, layer_index, where + " " + key));
    }
    try {
        return std::make_shared<nn::Model>(children, graph);
    } catch (const Error& e) {
        throw IoError(where + ": " + e.what());
    }
}

ModulePtr layer_from(const json& j, const std::string& what, int depth) {
    if (depth > 32) throw IoError(what + ": layers nested too deeply");
    if (!j.is_object()) throw IoError(what + ": a layer entry is not an object");
    const json& jt = field(j, "type", what);
    if (!jt.is_string()) throw IoError(what + ": layer \"type\" is not a string");
    const std::string type = jt.get<std::string>();
    const std::string where = what + ": layer of type '" + type + "'";
    const json& jn = field(j, "name", where);
    const json& jtr = field(j, "trainable", where);
    const json& jd = field(j, "dtype", where);
    const json& jc = field(j, "config", where);
    if (!jn.is_string() || jn.get<std::string>().empty()) throw IoError(where + ": \"name\" is not a non-empty string");
    if (!jtr.is_boolean()) throw IoError(where + ": \"trainable\" is not a boolean");
    if (!jd.is_string()) throw IoError(where + ": \"dtype\" is not a string");
    if (!jc.is_object()) throw IoError(where + ": \"config\" is not an object");
    Dtype dtype;
    try {
        dtype = dtype_from_name(jd.get<std::string>());
    } catch (const DtypeError& e) {
        throw IoError(where + ": " + e.what());
    }
    if (!is_floating(dtype))
        throw IoError(where + ": dtype " + std::string(dtype_name(dtype)) + " is not a weight dtype (float32 or float64)");
    Config cfg;
    for (const auto& [k, v] : jc.items()) {
        if (!v.is_string()) throw IoError(where + ": config value '" + k + "' is not a string");
        cfg[k] = v.get<std::string>();
    }
    std::vector<ModulePtr> children;
    if (j.contains("layers")) {
        if (!j["layers"].is_array()) throw IoError(where + ": \"layers\" is not a list");
        for (const json& c : j["layers"]) children.push_back(layer_from(c, what, depth + 1));
    }
    nn::LayerFactory factory;
    try {
        factory = nn::layer_registry().get(type);
    } catch (const ValueError& e) {
        throw IoError(what + ": " + e.what() + " (a user-defined layer must be registered before loading)");
    }
    ModulePtr m;
    try {
        m = type == "Functional" ? functional_from(j, children, where) : factory(cfg, children);
        if (!m) throw IoError("the factory returned null");
        m->set_name(jn.get<std::string>());
        if (j.contains("input_shape")) m->set_input_shape(shape_from(j["input_shape"], where + " input_shape"));
        if (dtype != m->dtype()) m->to(dtype);
        if (j.contains("build_input_shape")) m->ensure_built(shape_from(j["build_input_shape"], where + " build_input_shape"));
        if (!jtr.get<bool>()) m->set_trainable(false);
    } catch (const IoError&) {
        throw;
    } catch (const std::exception& e) {
        throw IoError(where + " '" + jn.get<std::string>() + "': " + e.what());
    }
    return m;
}

std::string with_hint(const Module& model, const std::string& msg) {
    if (model.state_dict().empty())
        return msg + " (the model has no weights yet: build it first, e.g. call it once or declare its input shape)";
    return msg;
}

/// The model stored in a parsed file; `what` names the file in errors.
ModulePtr model_from_file(const TensorFile& f, const std::string& what) {
    const auto it = f.metadata.find("xgrad.architecture");
    if (it == f.metadata.end())
        throw IoError(what + ": no \"xgrad.architecture\" in __metadata__ (a weights-only file? use load_weights)");
    ModulePtr model;
    try {
        // The weights the architecture creates must all be in the file: cap
        // them at its tensors' size before any layer is built.
        std::uint64_t file_bytes = 0;
        for (const auto& [name, t] : f.tensors) file_bytes += static_cast<std::uint64_t>(t.numel()) * itemsize(t.dtype());
        const nn::detail::WeightBudget budget(file_bytes);
        model = model_from_json(it->second);
    } catch (const IoError& e) {
        throw IoError(what + ": " + e.what());
    }
    try {
        model->load_state_dict(f.tensors);
    } catch (const Error& e) {
        throw IoError(what + ": " + e.what());
    }
    return model;
}

}  // namespace

std::string architecture_json(const Module& model) {
    return json({{"format", 1}, {"model", layer_json(model, model.name())}}).dump();
}

ModulePtr model_from_json(const std::string& text) {
    const json j = detail::parse_json_bounded(text, "architecture");
    if (!j.is_object() || !j.contains("format") || j["format"] != 1 || !j.contains("model"))
        throw IoError("architecture: not an xgrad architecture (format 1) document");
    if (const std::size_t n = count_layers(j["model"]); n > max_layers)
        throw IoError("architecture: " + std::to_string(n) + " layers, more than the " + std::to_string(max_layers) +
                      " a model file may hold (io::max_layers)");
    return layer_from(j["model"], "architecture", 0);
}

void save(const Module& model, const std::string& path) {
    save_safetensors(path, model.state_dict(),
                     {{"format", "pt"}, {"xgrad.architecture", architecture_json(model)}, {"xgrad.version", "1"}});
}

ModulePtr load(const std::string& path) { return model_from_file(load_safetensors(path), path); }

ModulePtr load_from_memory(std::span<const std::byte> bytes, const std::string& what) {
    return model_from_file(parse_safetensors(bytes, what), what);
}

void save_weights(const Module& model, const std::string& path) {
    save_safetensors(path, model.state_dict(), {{"format", "pt"}});
}

void load_weights(Module& model, const std::string& path) {
    TensorFile f = load_safetensors(path);
    try {
        model.load_state_dict(f.tensors);
    } catch (const Error& e) {
        throw IoError(with_hint(model, path + ": " + e.what()));
    }
}

nn::ModulePtr clone_model(const nn::Module& model) { return model_from_json(architecture_json(model)); }

}  // namespace xgrad::io
