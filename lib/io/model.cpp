#include "xgrad/io/model.hpp"

#include <charconv>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "io/json_util.hpp"
#include "nn/weight_budget.hpp"
#include "xgrad/io/safetensors.hpp"
#include "xgrad/nn/activation_layers.hpp"
#include "xgrad/nn/batch_norm.hpp"
#include "xgrad/nn/dense.hpp"
#include "xgrad/nn/dropout.hpp"
#include "xgrad/nn/flatten.hpp"
#include "xgrad/nn/sequential.hpp"

namespace xgrad::io {

using nlohmann::json;
using nn::Module;
using nn::ModulePtr;
using Config = Module::Config;

// ---- config values ----------------------------------------------------------------------

std::string config_value(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

double config_double(const Config& c, const std::string& key, double fallback) {
    const auto it = c.find(key);
    if (it == c.end()) return fallback;
    double v = 0;
    const auto& s = it->second;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size())
        throw ValueError("config: '" + key + "' is not a number: '" + s + "'");
    return v;
}

std::int64_t config_int(const Config& c, const std::string& key, std::int64_t fallback) {
    const auto it = c.find(key);
    if (it == c.end()) return fallback;
    std::int64_t v = 0;
    const auto& s = it->second;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size())
        throw ValueError("config: '" + key + "' is not an integer: '" + s + "'");
    return v;
}

bool config_bool(const Config& c, const std::string& key, bool fallback) {
    const auto it = c.find(key);
    if (it == c.end()) return fallback;
    if (it->second == "true") return true;
    if (it->second == "false") return false;
    throw ValueError("config: '" + key + "' is not true/false: '" + it->second + "'");
}

std::string config_string(const Config& c, const std::string& key, const std::string& fallback) {
    const auto it = c.find(key);
    return it == c.end() ? fallback : it->second;
}

// ---- registry ---------------------------------------------------------------------------------

namespace {

// An initializer by saved name; unknown or parameterized ones fall back to
// `fallback` (it only creates weights that load() overwrites).
nn::InitializerRef initializer_or(const Config& c, const std::string& key, const char* fallback) {
    try {
        return nn::InitializerRef(config_string(c, key, fallback));
    } catch (const ValueError&) {
        return nn::InitializerRef(fallback);
    }
}

void add_regularizer(const Config& c, const std::string& key, nn::Dense& d, bool kernel) {
    if (!c.count(key + ".l1") && !c.count(key + ".l2")) return;
    nn::L1L2 r(config_double(c, key + ".l1", 0.0), config_double(c, key + ".l2", 0.0));
    if (kernel) d.kernel_regularizer(r);
    else d.bias_regularizer(r);
}

std::map<std::string, LayerFactory> builtin_layers() {
    using Children = std::vector<ModulePtr>;
    std::map<std::string, LayerFactory> m;
    m["Sequential"] = [](const Config&, const Children& ch) { return std::make_shared<nn::Sequential>(ch); };
    m["Flatten"] = [](const Config&, const Children&) { return std::make_shared<nn::Flatten>(); };
    m["Dense"] = [](const Config& c, const Children&) {
        auto d = std::make_shared<nn::Dense>(config_int(c, "units", 1), nn::ActivationFn(config_string(c, "activation", "linear")),
                                             initializer_or(c, "kernel_initializer", "glorot_uniform"));
        d->use_bias(config_bool(c, "use_bias", true));
        d->bias_initializer(initializer_or(c, "bias_initializer", "zeros"));
        add_regularizer(c, "kernel_regularizer", *d, true);
        add_regularizer(c, "bias_regularizer", *d, false);
        if (c.count("kernel_constraint.max_norm"))
            d->kernel_constraint(nn::MaxNorm(config_double(c, "kernel_constraint.max_norm", 2.0),
                                             config_int(c, "kernel_constraint.axis", 0)));
        return d;
    };
    m["BatchNormalization"] = [](const Config& c, const Children&) {
        auto b = std::make_shared<nn::BatchNormalization>();
        b->axis(config_int(c, "axis", -1))
            .momentum(config_double(c, "momentum", 0.99))
            .epsilon(config_double(c, "epsilon", 1e-3))
            .center(config_bool(c, "center", true))
            .scale(config_bool(c, "scale", true));
        b->beta_initializer(initializer_or(c, "beta_initializer", "zeros"));
        b->gamma_initializer(initializer_or(c, "gamma_initializer", "ones"));
        b->moving_mean_initializer(initializer_or(c, "moving_mean_initializer", "zeros"));
        b->moving_variance_initializer(initializer_or(c, "moving_variance_initializer", "ones"));
        return b;
    };
    m["Dropout"] = [](const Config& c, const Children&) {
        return std::make_shared<nn::Dropout>(config_double(c, "rate", 0.5));
    };
    m["AlphaDropout"] = [](const Config& c, const Children&) {
        return std::make_shared<nn::AlphaDropout>(config_double(c, "rate", 0.5));
    };
    m["GaussianNoise"] = [](const Config& c, const Children&) {
        return std::make_shared<nn::GaussianNoise>(config_double(c, "stddev", 0.1));
    };
    m["ReLU"] = [](const Config& c, const Children&) {
        auto r = std::make_shared<nn::ReLU>();
        r->negative_slope(config_double(c, "negative_slope", 0.0)).threshold(config_double(c, "threshold", 0.0));
        if (c.count("max_value")) r->max_value(config_double(c, "max_value", 0.0));
        return r;
    };
    m["LeakyReLU"] = [](const Config& c, const Children&) {
        return std::make_shared<nn::LeakyReLU>(config_double(c, "negative_slope", 0.3));
    };
    m["PReLU"] = [](const Config& c, const Children&) {
        auto p = std::make_shared<nn::PReLU>();
        p->alpha_initializer(initializer_or(c, "alpha_initializer", "zeros"));
        const json axes = detail::parse_json_bounded(config_string(c, "shared_axes", "[]"), "PReLU shared_axes", 2);
        if (!axes.is_array()) throw ValueError("config: PReLU shared_axes is not a list");
        std::vector<std::int64_t> v;
        for (const json& a : axes) {
            if (!a.is_number_integer()) throw ValueError("config: PReLU shared_axes must hold integers");
            v.push_back(a.get<std::int64_t>());
        }
        p->shared_axes(std::move(v));
        return p;
    };
    m["ELU"] = [](const Config& c, const Children&) { return std::make_shared<nn::ELU>(config_double(c, "alpha", 1.0)); };
    m["RReLU"] = [](const Config& c, const Children&) {
        return std::make_shared<nn::RReLU>(config_double(c, "lower", 1.0 / 8), config_double(c, "upper", 1.0 / 3));
    };
    m["Activation"] = [](const Config& c, const Children&) {
        return std::make_shared<nn::Activation>(nn::ActivationFn(config_string(c, "activation", "linear")));
    };
    m["Softmax"] = [](const Config& c, const Children&) {
        return std::make_shared<nn::Softmax>(config_int(c, "axis", -1));
    };
    return m;
}

std::mutex& registry_mutex() {
    static std::mutex m;
    return m;
}
std::map<std::string, LayerFactory>& registry() {
    static std::map<std::string, LayerFactory> r = builtin_layers();
    return r;
}

// ---- architecture JSON ----------------------------------------------------------------------

json shape_json(const Shape& s) { return json(std::vector<std::int64_t>(s.begin(), s.end())); }

json layer_json(const Module& m, const std::string& name) {
    Config cfg = m.config();
    for (const char* key : {"activation"}) {
        const auto it = cfg.find(key);
        if (it != cfg.end() && it->second == "custom")
            throw IoError("save: " + m.name() + " (" + m.type_name() +
                          ") uses an unnamed activation callable; register it with nn::register_activation(name, fn) "
                          "and pass the name");
    }
    json j = {{"type", m.type_name()}, {"name", name}, {"trainable", m.trainable()},
              {"dtype", std::string(dtype_name(m.dtype()))}, {"config", cfg}};
    if (m.declared_input_shape()) j["input_shape"] = shape_json(*m.declared_input_shape());
    if (m.build_input_shape()) j["build_input_shape"] = shape_json(*m.build_input_shape());
    json layers = json::array();
    for (std::size_t i = 0; i < m.children().size(); ++i)
        layers.push_back(layer_json(*m.children()[i], m.child_names()[i]));
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
    LayerFactory factory;
    {
        std::lock_guard lock(registry_mutex());
        const auto it = registry().find(type);
        if (it == registry().end())
            throw IoError(what + ": unknown layer type '" + type +
                          "' (a user-defined layer must be registered with xgrad::io::register_layer(\"" + type +
                          "\", factory) before loading)");
        factory = it->second;
    }
    ModulePtr m;
    try {
        m = factory(cfg, children);
        if (!m) throw IoError("the factory returned null");
        m->set_name(jn.get<std::string>());
        if (j.contains("input_shape")) m->set_input_shape(shape_from(j["input_shape"], where + " input_shape"));
        const std::string ds = jd.get<std::string>();
        if (ds == "float64") m->to(float64);
        else if (ds != "float32") throw IoError("unsupported dtype '" + ds + "'");
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

void register_layer(const std::string& type_name, LayerFactory factory) {
    if (type_name.empty() || !factory) throw ValueError("register_layer: empty type name or factory");
    std::lock_guard lock(registry_mutex());
    registry()[type_name] = std::move(factory);
}

bool is_layer_registered(const std::string& type_name) {
    std::lock_guard lock(registry_mutex());
    return registry().count(type_name) != 0;
}

std::string architecture_json(const Module& model) {
    return json({{"format", 1}, {"model", layer_json(model, model.name())}}).dump();
}

ModulePtr model_from_json(const std::string& text) {
    const json j = detail::parse_json_bounded(text, "architecture");
    if (!j.is_object() || !j.contains("format") || j["format"] != 1 || !j.contains("model"))
        throw IoError("architecture: not an xgrad architecture (format 1) document");
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
