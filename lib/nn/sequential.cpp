#include "xgrad/nn/sequential.hpp"

#include <charconv>
#include <sstream>

#include "nn/summary_text.hpp"
#include "xgrad/nn/layer.hpp"

namespace xgrad::nn {

Sequential::Sequential() : Cloneable("Sequential") {}

// No options of its own: io::load() rebuilds it from its children.
static const detail::LayerRegistrar sequential_registrar(
    "Sequential", [](const Config& config, const std::vector<ModulePtr>& children) -> ModulePtr {
        if (!config.empty()) throw ValueError("Sequential: unknown option '" + config.begin()->first + "' in config");
        return std::make_shared<Sequential>(children);
    });

Sequential::Sequential(std::initializer_list<AnyModule> layers) : Sequential() {
    for (const AnyModule& l : layers) add(l);
}

Sequential& Sequential::add(AnyModule layer) {
    const ModulePtr& m = layer.ptr();
    if (!m) throw ValueError(name() + ": cannot add a null layer");
    if (children().empty() && m->declared_input_shape()) {
        Shape in = *m->declared_input_shape();
        in.insert(0, -1);
        built_input_ = in;
    }
    // Keras-style names, unique within this model: dense, dense_1, dense_2, …
    // A layer in no model yet takes the name; a shared layer keeps its own.
    // The search resumes after the last suffix this name got, so n layers
    // named alike are named in linear time.
    std::string key = m->name();
    if (!name_available(key)) {
        std::uint64_t& k = last_suffix_[m->name()];
        do key = m->name() + "_" + std::to_string(++k);
        while (!name_available(key));
    }
    if (!m->has_parent()) m->set_name(key);
    register_module(std::move(key), m);
    if (built_input_) {
        const Shape in = output_shapes_.empty() ? *built_input_ : output_shapes_.back();
        m->ensure_built(in);
        output_shapes_.push_back(m->output_shape(in));
    }
    return *this;
}

void Sequential::pop() {
    if (children().empty()) throw ValueError(name() + ": pop from an empty model");
    free_suffix(child_names().back());
    remove_last_child();
    if (output_shapes_.size() > size()) output_shapes_.pop_back();
}

void Sequential::free_suffix(const std::string& key) {
    const std::size_t underscore = key.rfind('_');
    if (underscore == std::string::npos) return;
    std::uint64_t k = 0;
    const char* last = key.data() + key.size();
    if (std::from_chars(key.data() + underscore + 1, last, k).ptr != last || k == 0) return;
    const auto it = last_suffix_.find(key.substr(0, underscore));
    if (it != last_suffix_.end() && it->second >= k) it->second = k - 1;
}

const ModulePtr& Sequential::operator[](std::int64_t i) const {
    const auto n = static_cast<std::int64_t>(size());
    if (i < -n || i >= n) {
        throw IndexError(name() + ": layer index " + std::to_string(i) + " out of range for " + std::to_string(n) +
                         " layers");
    }
    return children()[static_cast<std::size_t>(i < 0 ? i + n : i)];
}

void Sequential::build(const Shape& input_shape) {
    Shape in = input_shape;
    if (!in.empty()) in[0] = -1;
    built_input_ = in;
    output_shapes_.clear();
    for (const ModulePtr& m : children()) {
        m->ensure_built(in);
        in = m->output_shape(in);
        output_shapes_.push_back(in);
    }
}

Tensor Sequential::forward(const Tensor& x, bool training) {
    Tensor y = x;
    for (const ModulePtr& m : children()) y = m->call(y, training);
    return y;
}

Shape Sequential::output_shape(const Shape& input_shape) {
    Shape s = input_shape;
    for (const ModulePtr& m : children()) s = m->output_shape(s);
    return s;
}

namespace {

using detail::pad;
using detail::readable_bytes;
using detail::shape_text;
using detail::with_commas;

std::int64_t numel_sum(const std::vector<Tensor>& ts) {
    std::int64_t n = 0;
    for (const Tensor& t : ts) n += t.numel();
    return n;
}

/// "    units=300 activation=relu …" (nothing for a layer without options).
std::string options_line(const Module& m) {
    Config config;
    try {
        config = m.config();
    } catch (const ValueError& e) {
        return std::string("    (options not saveable: ") + e.what() + ")\n";
    }
    if (config.empty()) return "";
    std::string line = "   ";
    for (const auto& [key, value] : config) line += " " + key + "=" + value;
    return line + "\n";
}

}  // namespace

std::string Sequential::summary(bool show_options) const {
    std::ostringstream os;
    // The first column fits the longest "name (Type)", as Keras' does not truncate.
    std::size_t name_width = 30;
    for (std::size_t i = 0; i < size(); ++i)
        name_width = std::max(name_width, child_names()[i].size() + children()[i]->type_name().size() + 6);
    const std::size_t width = name_width + 25 + 14;
    const std::string rule(width, '_'), thick(width, '=');
    os << "Model: \"" << name() << "\"\n" << rule << "\n";
    os << pad(" Layer (type)", name_width) << pad("Output Shape", 25) << "Param #\n" << thick << "\n";
    for (std::size_t i = 0; i < size(); ++i) {
        const Module& m = *children()[i];
        const std::string shape = i < output_shapes_.size() ? shape_text(output_shapes_[i]) : "? (not built)";
        os << pad(" " + child_names()[i] + " (" + m.type_name() + ")", name_width) << pad(shape, 25) << with_commas(m.count_params())
           << "\n";
        if (show_options) os << options_line(m);
    }
    const std::int64_t total = count_params();
    const std::int64_t trainable = numel_sum(trainable_parameters());
    const double item = static_cast<double>(itemsize(dtype()));
    os << thick << "\n"
       << " Total params: " << with_commas(total) << " (" << readable_bytes(total * item) << ")\n"
       << " Trainable params: " << with_commas(trainable) << " (" << readable_bytes(trainable * item) << ")\n"
       << " Non-trainable params: " << with_commas(total - trainable) << " ("
       << readable_bytes((total - trainable) * item) << ")\n"
       << rule << "\n";
    return os.str();
}

}  // namespace xgrad::nn
