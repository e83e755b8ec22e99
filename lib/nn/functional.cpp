#include "xgrad/nn/functional.hpp"

#include <algorithm>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "nn/summary_text.hpp"

namespace xgrad::nn {

namespace {

using detail::pad;
using detail::shape_text;

// io::load rebuilds a functional model with its graph (Model(layers, graph));
// the registration lets io::save store the type.
const detail::LayerRegistrar functional_registrar("Functional", [](const Config&, const std::vector<ModulePtr>&) -> ModulePtr {
    throw ValueError("Functional: a functional model is rebuilt with its graph, by io::load or io::model_from_json");
});

bool is_input(const Module& m) { return dynamic_cast<const InputLayer*>(&m) != nullptr; }

std::string names_text(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", '" : "'") + names[i] + "'";
    return out;
}

/// Whether a tensor of shape `given` fits a place of shape `expected` (batch and -1 match anything).
bool fits(const Shape& given, const Shape& expected) {
    if (given.size() != expected.size()) return false;
    for (std::size_t i = 1; i < given.size(); ++i)
        if (given[i] >= 0 && expected[i] >= 0 && given[i] != expected[i]) return false;
    return true;
}

}  // namespace

Model::Model(const SymbolicTensor& input, const SymbolicTensor& output, std::string name)
    : Model(std::vector<SymbolicTensor>{input}, std::vector<SymbolicTensor>{output}, std::move(name)) {}

Model::Model(const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& outputs, std::string name)
    : Cloneable("Functional") {
    set_name(name.empty() ? "model" : std::move(name));
    const std::string who = this->name() + " (Functional)";
    if (inputs.empty() || outputs.empty()) throw ValueError(who + ": a model needs at least one input and one output");
    std::unordered_map<const SymbolicNode*, std::size_t> input_of;
    std::vector<std::string> input_names;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const SymbolicTensor& t = inputs[i];
        if (!is_input(*t.layer()) || !t.node()->inbound.empty())
            throw ValueError(who + ": input " + std::to_string(i) + " is not an nn::Input but an output of " +
                             t.layer()->name() + " (" + t.layer()->type_name() + ")");
        if (!input_of.emplace(t.node().get(), i).second)
            throw ValueError(who + ": input '" + t.layer()->name() + "' is given twice");
        input_names.push_back(t.layer()->name());
    }

    // The calls the outputs need, each after the calls it uses (iterative
    // depth-first search: a deep graph must not exhaust the stack).
    std::unordered_map<const SymbolicNode*, bool> seen;  // false while on the stack
    std::vector<const SymbolicNode*> calls;
    for (const SymbolicTensor& out : outputs) {
        std::vector<std::pair<const SymbolicNode*, std::size_t>> stack;
        if (!seen.contains(out.node().get())) stack.emplace_back(out.node().get(), 0);
        seen.emplace(out.node().get(), false);
        while (!stack.empty()) {
            auto& [node, next] = stack.back();
            if (next < node->inbound.size()) {
                const SymbolicNode* in = node->inbound[next++].node().get();
                if (seen.contains(in)) continue;
                if (in->inbound.empty() && !input_of.contains(in))
                    throw ValueError(who + ": graph disconnected: output '" + out.layer()->name() + "' needs input '" +
                                     in->layer->name() + "', which is not among the model's inputs (" +
                                     names_text(input_names) + ")");
                seen.emplace(in, false);
                stack.emplace_back(in, 0);
            } else {
                seen[node] = true;
                if (!node->inbound.empty()) calls.push_back(node);
                stack.pop_back();
            }
        }
        if (out.node()->inbound.empty() && !input_of.contains(out.node().get()))
            throw ValueError(who + ": graph disconnected: output '" + out.layer()->name() +
                             "' is an input not among the model's inputs (" + names_text(input_names) + ")");
    }
    for (const SymbolicTensor& in : inputs)
        if (!seen.contains(in.node().get()))
            throw ValueError(who + ": input '" + in.layer()->name() + "' is not used by any output");

    // Layers: the inputs first, then in the order of their first call.
    std::vector<ModulePtr> layers;
    Graph graph;
    std::unordered_map<const Module*, std::size_t> layer_index;
    std::unordered_map<const SymbolicNode*, TensorRef> call_of;  // index unused
    const auto add_call = [&](const SymbolicNode* node) {
        const auto [it, added] = layer_index.emplace(node->layer.get(), layers.size());
        if (added) {
            layers.push_back(node->layer);
            graph.inbound.emplace_back();
        }
        std::vector<TensorRef> inbound;
        for (const SymbolicTensor& t : node->inbound) {
            const TensorRef& producer = call_of.at(t.node().get());
            inbound.push_back({producer.layer, producer.node, t.index()});
        }
        call_of.emplace(node, TensorRef{it->second, graph.inbound[it->second].size(), 0});
        graph.inbound[it->second].push_back(std::move(inbound));
    };
    for (const SymbolicTensor& in : inputs) {
        add_call(in.node().get());
        graph.inputs.push_back(call_of.at(in.node().get()));
    }
    for (const SymbolicNode* node : calls) add_call(node);
    for (const SymbolicTensor& out : outputs) {
        TensorRef ref = call_of.at(out.node().get());
        ref.index = out.index();
        graph.outputs.push_back(ref);
    }
    init(layers, std::move(graph));
}

Model::Model(const std::vector<ModulePtr>& layers, const Graph& graph) : Cloneable("Functional") {
    set_name("model");
    init(layers, graph);
}

void Model::init(const std::vector<ModulePtr>& layers, Graph graph) {
    const std::string who = name() + " (Functional)";
    if (graph.inbound.size() != layers.size())
        throw ValueError(who + ": the graph describes the calls of " + std::to_string(graph.inbound.size()) +
                         " layers, the model has " + std::to_string(layers.size()));
    if (graph.inputs.empty() || graph.outputs.empty())
        throw ValueError(who + ": a model needs at least one input and one output");

    // Children named as in Sequential: unique within the model (dense,
    // dense_1, …); a layer already in another model keeps its own name.
    // Registered once the graph is checked: a refused graph leaves the layers untouched.
    std::vector<std::string> keys;
    std::unordered_set<std::string> taken;
    std::unordered_map<std::string, std::uint64_t> last_suffix;
    for (const ModulePtr& m : layers) {
        if (!m) throw ValueError(who + ": a layer is null");
        std::string key = m->name();
        if (taken.contains(key)) {
            std::uint64_t& k = last_suffix[m->name()];
            do key = m->name() + "_" + std::to_string(++k);
            while (taken.contains(key));
        }
        taken.insert(key);
        keys.push_back(std::move(key));
    }
    const auto layer_name = [&](std::size_t l) { return "'" + keys[l] + "'"; };

    // Flat ids of the calls, and the references checked against them.
    std::size_t n = 0;
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const auto& calls = graph.inbound[l];
        if (calls.empty()) throw ValueError(who + ": layer " + layer_name(l) + " is never called");
        if (is_input(*layers[l]) && (calls.size() != 1 || !calls[0].empty()))
            throw ValueError(who + ": input layer " + layer_name(l) + " is called on tensors; an Input has one call, on nothing");
        node_offset_.push_back(n);
        for (std::size_t c = 0; c < calls.size(); ++c) {
            if (calls[c].empty() && !is_input(*layers[l]))
                throw ValueError(who + ": call " + std::to_string(c) + " of layer " + layer_name(l) + " has no inbound tensors");
            node_layer_.push_back(l);
        }
        n += calls.size();
    }
    const auto check_ref = [&](const TensorRef& r, const std::string& where) {
        if (r.layer >= layers.size())
            throw ValueError(who + ": " + where + " refers to layer " + std::to_string(r.layer) + ", the model has " +
                             std::to_string(layers.size()));
        if (r.node >= graph.inbound[r.layer].size())
            throw ValueError(who + ": " + where + " refers to call " + std::to_string(r.node) + " of layer " +
                             layer_name(r.layer) + ", which has " + std::to_string(graph.inbound[r.layer].size()));
    };
    std::vector<std::size_t> uses(n, 0);  // per call: how many inbound references point at it
    for (std::size_t l = 0; l < layers.size(); ++l)
        for (std::size_t c = 0; c < graph.inbound[l].size(); ++c)
            for (const TensorRef& r : graph.inbound[l][c]) {
                check_ref(r, "call " + std::to_string(c) + " of layer " + layer_name(l));
                ++uses[node_offset_[r.layer] + r.node];
            }
    std::vector<bool> is_model_input(n, false);
    for (std::size_t i = 0; i < graph.inputs.size(); ++i) {
        const TensorRef& r = graph.inputs[i];
        check_ref(r, "input " + std::to_string(i));
        if (!is_input(*layers[r.layer]) || r.index != 0)
            throw ValueError(who + ": input " + std::to_string(i) + " (" + layer_name(r.layer) + ", a " +
                             layers[r.layer]->type_name() + ") is not an Input");
        if (is_model_input[node_offset_[r.layer]])
            throw ValueError(who + ": input " + layer_name(r.layer) + " is given twice");
        is_model_input[node_offset_[r.layer]] = true;
    }
    for (std::size_t i = 0; i < graph.outputs.size(); ++i) check_ref(graph.outputs[i], "output " + std::to_string(i));
    for (std::size_t l = 0; l < layers.size(); ++l)
        if (is_input(*layers[l]) && !is_model_input[node_offset_[l]])
            throw ValueError(who + ": graph disconnected: input layer " + layer_name(l) +
                             " is not among the model's inputs");

    // Topological order (Kahn): a call after every call it uses; calls left
    // over lie on a cycle or after one.
    std::vector<std::size_t> first_use(n + 1, 0), users;  // CSR: the calls using each call
    for (std::size_t u = 0; u < n; ++u) first_use[u + 1] = first_use[u] + uses[u];
    users.resize(first_use[n]);
    std::vector<std::size_t> fill(first_use.begin(), first_use.end() - 1), pending(n, 0);
    for (std::size_t l = 0; l < layers.size(); ++l)
        for (std::size_t c = 0; c < graph.inbound[l].size(); ++c) {
            pending[node_offset_[l] + c] = graph.inbound[l][c].size();
            for (const TensorRef& r : graph.inbound[l][c]) users[fill[node_offset_[r.layer] + r.node]++] = node_offset_[l] + c;
        }
    order_.clear();
    for (std::size_t u = 0; u < n; ++u)
        if (pending[u] == 0) order_.push_back(u);
    for (std::size_t head = 0; head < order_.size(); ++head)
        for (std::size_t k = first_use[order_[head]]; k < first_use[order_[head] + 1]; ++k)
            if (--pending[users[k]] == 0) order_.push_back(users[k]);
    if (order_.size() < n) {
        std::string on_cycle;
        for (std::size_t u = 0, named = 0; u < n && named < 5; ++u)
            if (pending[u] > 0) on_cycle += (named++ ? ", " : "") + layer_name(node_layer_[u]);
        throw ValueError(who + ": the calls form a cycle (through layers " + on_cycle + ")");
    }

    // Every call must lead to an output.
    std::vector<bool> needed(n, false);
    std::vector<std::size_t> work;
    for (const TensorRef& r : graph.outputs) work.push_back(flat(r.layer, r.node));
    while (!work.empty()) {
        const std::size_t u = work.back();
        work.pop_back();
        if (needed[u]) continue;
        needed[u] = true;
        const std::size_t l = node_layer_[u];
        for (const TensorRef& r : graph.inbound[l][u - node_offset_[l]]) work.push_back(flat(r.layer, r.node));
    }
    for (std::size_t u = 0; u < n; ++u) {
        if (needed[u]) continue;
        const std::size_t l = node_layer_[u];
        if (is_input(*layers[l])) throw ValueError(who + ": input " + layer_name(l) + " is not used by any output");
        throw ValueError(who + ": call " + std::to_string(u - node_offset_[l]) + " of layer " + layer_name(l) +
                         " does not lead to any output");
    }

    // Shapes, in order: builds each layer for its first call's input.
    node_shapes_.assign(n, {});
    for (const std::size_t u : order_) {
        const std::size_t l = node_layer_[u];
        const auto& inbound = graph.inbound[l][u - node_offset_[l]];
        if (inbound.empty()) {
            node_shapes_[u] = {static_cast<const InputLayer&>(*layers[l]).batch_shape()};
            continue;
        }
        std::vector<Shape> shapes;
        for (const TensorRef& r : inbound) {
            const auto& produced = node_shapes_[flat(r.layer, r.node)];
            if (r.index >= produced.size())
                throw ValueError(who + ": call " + std::to_string(u - node_offset_[l]) + " of layer " + layer_name(l) +
                                 " uses output " + std::to_string(r.index) + " of " + layer_name(r.layer) + " call " +
                                 std::to_string(r.node) + ", which has " + std::to_string(produced.size()) + " outputs");
            shapes.push_back(produced[r.index]);
        }
        try {
            if (shapes.size() == 1) layers[l]->ensure_built(shapes[0]);
            node_shapes_[u] = layers[l]->output_shapes(shapes);
        } catch (const ShapeError& e) {
            throw ShapeError(who + ": " + layer_name(l) + " (" + layers[l]->type_name() + ") called on " +
                             detail::shapes_text(shapes) + ": " + e.what());
        }
    }
    for (std::size_t i = 0; i < graph.outputs.size(); ++i) {
        const TensorRef& r = graph.outputs[i];
        if (r.index >= node_shapes_[flat(r.layer, r.node)].size())
            throw ValueError(who + ": output " + std::to_string(i) + " is output " + std::to_string(r.index) + " of " +
                             layer_name(r.layer) + ", which has " +
                             std::to_string(node_shapes_[flat(r.layer, r.node)].size()) + " outputs");
    }
    graph_ = std::move(graph);
    for (std::size_t l = 0; l < layers.size(); ++l) {
        if (!layers[l]->has_parent()) layers[l]->set_name(keys[l]);
        register_module(std::move(keys[l]), layers[l]);
    }
}

std::vector<Tensor> Model::forward_many(const std::vector<Tensor>& inputs, bool training) {
    if (inputs.size() != graph_.inputs.size())
        throw ValueError(name() + " (Functional) takes " + std::to_string(graph_.inputs.size()) + " inputs (" +
                         names_text(input_names()) + "), got " + std::to_string(inputs.size()));
    std::vector<std::vector<Tensor>> values(node_layer_.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const TensorRef& r = graph_.inputs[i];
        values[flat(r.layer, r.node)] = {children()[r.layer]->call(inputs[i], training)};
    }
    std::vector<Tensor> args;
    for (const std::size_t u : order_) {
        const std::size_t l = node_layer_[u];
        const auto& inbound = graph_.inbound[l][u - node_offset_[l]];
        if (inbound.empty()) continue;
        args.clear();
        for (const TensorRef& r : inbound) args.push_back(values[flat(r.layer, r.node)][r.index]);
        Module& layer = *children()[l];
        if (args.size() == 1 && node_shapes_[u].size() == 1) values[u] = {layer.call(args[0], training)};
        else values[u] = layer.call(args, training);
        if (values[u].size() != node_shapes_[u].size())
            throw ValueError(name() + " (Functional): " + child_names()[l] + " gave " + std::to_string(values[u].size()) +
                             " outputs, " + std::to_string(node_shapes_[u].size()) + " expected");
    }
    std::vector<Tensor> outputs;
    for (const TensorRef& r : graph_.outputs) outputs.push_back(values[flat(r.layer, r.node)][r.index]);
    return outputs;
}

Tensor Model::forward(const Tensor& x, bool training) {
    if (graph_.inputs.size() != 1 || graph_.outputs.size() != 1)
        throw ValueError(name() + " (Functional) has " + std::to_string(graph_.inputs.size()) + " inputs and " +
                         std::to_string(graph_.outputs.size()) + " outputs: call it with a list of tensors");
    return forward_many({x}, training)[0];
}

Shape Model::output_shape(const Shape& input_shape) {
    std::vector<Shape> out = output_shapes({input_shape});
    if (out.size() != 1)
        throw ValueError(name() + " (Functional) has " + std::to_string(out.size()) + " outputs: use output_shapes()");
    return out[0];
}

std::vector<Shape> Model::output_shapes(const std::vector<Shape>& input_shapes) {
    if (input_shapes.size() != graph_.inputs.size())
        throw ValueError(name() + " (Functional) takes " + std::to_string(graph_.inputs.size()) + " inputs (" +
                         names_text(input_names()) + "), got " + std::to_string(input_shapes.size()) + " shapes");
    for (std::size_t i = 0; i < input_shapes.size(); ++i) {
        const Shape& expected = shape_of(graph_.inputs[i]);
        if (!fits(input_shapes[i], expected))
            throw ShapeError(name() + " (Functional): input '" + child_names()[graph_.inputs[i].layer] + "' expects " +
                             shape_text(expected) + ", got " + shape_text(input_shapes[i]));
    }
    std::vector<Shape> out = outputs();
    for (Shape& s : out)
        if (!s.empty() && !input_shapes[0].empty()) s[0] = input_shapes[0][0];
    return out;
}

std::vector<std::string> Model::input_names() const {
    std::vector<std::string> names;
    for (const TensorRef& r : graph_.inputs) names.push_back(child_names()[r.layer]);
    return names;
}

std::vector<std::string> Model::output_names() const {
    std::vector<std::string> names;
    std::unordered_map<std::string, std::size_t> times;
    for (const TensorRef& r : graph_.outputs) {
        const std::string& base = child_names()[r.layer];
        const std::size_t k = times[base]++;
        names.push_back(k == 0 ? base : base + "_" + std::to_string(k));
    }
    return names;
}

const ModulePtr& Model::get_layer(const std::string& name) const {
    for (std::size_t i = 0; i < children().size(); ++i)
        if (child_names()[i] == name) return children()[i];
    throw ValueError(this->name() + " (Functional): no layer named '" + name + "'; the layers are " +
                     names_text(child_names()));
}

std::vector<Shape> Model::inputs() const {
    std::vector<Shape> out;
    for (const TensorRef& r : graph_.inputs) out.push_back(shape_of(r));
    return out;
}

std::vector<Shape> Model::outputs() const {
    std::vector<Shape> out;
    for (const TensorRef& r : graph_.outputs) out.push_back(shape_of(r));
    return out;
}

std::string Model::tensor_text(const TensorRef& ref) const {
    return child_names()[ref.layer] + "[" + std::to_string(ref.node) + "][" + std::to_string(ref.index) + "]";
}

std::string Model::summary() const {
    struct Row {
        std::string layer, shape, params;
        std::vector<std::string> connected;
    };
    std::vector<Row> rows;
    for (std::size_t l = 0; l < children().size(); ++l) {
        const Module& m = *children()[l];
        Row row{" " + child_names()[l] + " (" + m.type_name() + ")", "", detail::with_commas(m.count_params()), {}};
        // A layer's outputs: one shape, a list for several, "multiple" when its calls differ (as Keras).
        const auto& first = node_shapes_[node_offset_[l]];
        bool alike = true;
        for (std::size_t c = 0; c < graph_.inbound[l].size(); ++c) {
            alike = alike && node_shapes_[node_offset_[l] + c] == first;
            for (const TensorRef& r : graph_.inbound[l][c]) row.connected.push_back(tensor_text(r));
        }
        if (!alike) row.shape = "multiple";
        else if (first.size() == 1 && !is_input(m)) row.shape = shape_text(first[0]);
        else {
            row.shape = "[";
            for (std::size_t i = 0; i < first.size(); ++i) row.shape += (i ? ", " : "") + shape_text(first[i]);
            row.shape += "]";
        }
        rows.push_back(std::move(row));
    }
    std::size_t name_width = 30, shape_width = 25, connected_width = 20;
    for (const Row& r : rows) {
        name_width = std::max(name_width, r.layer.size() + 2);
        shape_width = std::max(shape_width, r.shape.size() + 2);
        for (const std::string& c : r.connected) connected_width = std::max(connected_width, c.size() + 1);
    }
    const std::size_t param_width = 14;
    const std::size_t width = name_width + shape_width + param_width + connected_width;
    const std::string rule(width, '_'), thick(width, '=');
    std::ostringstream os;
    os << "Model: \"" << name() << "\"\n" << rule << "\n";
    os << pad(" Layer (type)", name_width) << pad("Output Shape", shape_width) << pad("Param #", param_width)
       << "Connected to\n"
       << thick << "\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row& r = rows[i];
        const std::string first = r.connected.empty() ? "" : r.connected[0];
        std::string line = pad(r.layer, name_width) + pad(r.shape, shape_width) + pad(r.params, param_width) + first;
        line.erase(line.find_last_not_of(' ') + 1);
        os << line << "\n";
        for (std::size_t c = 1; c < r.connected.size(); ++c)
            os << std::string(name_width + shape_width + param_width, ' ') << r.connected[c] << "\n";
        os << (i + 1 < rows.size() ? rule : thick) << "\n";
    }
    const std::int64_t total = count_params();
    std::int64_t trainable = 0;
    for (const Tensor& t : trainable_parameters()) trainable += t.numel();
    const double item = static_cast<double>(itemsize(dtype()));
    os << " Total params: " << detail::with_commas(total) << " (" << detail::readable_bytes(total * item) << ")\n"
       << " Trainable params: " << detail::with_commas(trainable) << " (" << detail::readable_bytes(trainable * item)
       << ")\n"
       << " Non-trainable params: " << detail::with_commas(total - trainable) << " ("
       << detail::readable_bytes((total - trainable) * item) << ")\n"
       << rule << "\n";
    return os.str();
}

}  // namespace xgrad::nn
