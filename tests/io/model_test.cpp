#include <sys/resource.h>

#include <chrono>
#include <functional>
#include <set>

#include "../test_helpers.hpp"
#include "io_test_util.hpp"
#include "xgrad/io/model.hpp"
#include "xgrad/nn/reshape.hpp"
#include "xgrad/io/safetensors.hpp"
#include "xgrad/optim/sgd.hpp"
#include "xgrad/train/fit.hpp"

using namespace xgrad;
using namespace xgrad::nn;
using xgrad_test::TempDir;
using xgrad_test::slurp;

namespace {

std::vector<float> floats(const Tensor& t) { return t.to_vector<float>(); }

/// A model file of no weights whose architecture is a Sequential of
/// `entries` (JSON layer objects, comma-separated).
std::string architecture_file(const TempDir& dir, const std::string& entries) {
    const std::string path = dir.file("arch");
    io::save_safetensors(path, {},
                         {{"xgrad.architecture",
                           R"({"format":1,"model":{"type":"Sequential","name":"sequential","trainable":true,)"
                           R"("dtype":"float32","config":{},"layers":[)" +
                               entries + "]}}"}});
    return path;
}

/// `n` copies of `entry`, comma-separated.
std::string repeated(const std::string& entry, std::size_t n) {
    std::string out;
    out.reserve(n * (entry.size() + 1));
    for (std::size_t i = 0; i < n; ++i) out += (i ? "," : "") + entry;
    return out;
}

/// save → load → the same layer types, names, flags, weights and predictions, bit for bit.
void check_round_trip(Sequential& model, const Tensor& x) {
    TempDir dir;
    const std::string path = dir.file("m.safetensors");
    model.eval();
    const Tensor before = model(x);
    io::save(model, path);
    ModulePtr loaded = io::load(path);
    loaded->eval();
    BOOST_TEST(loaded->type_name() == "Sequential");
    BOOST_TEST(loaded->name() == model.name());
    const auto& a = model.children();
    const auto& b = loaded->children();
    BOOST_REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        BOOST_TEST(b[i]->type_name() == a[i]->type_name());
        BOOST_TEST(b[i]->name() == a[i]->name());
        BOOST_TEST(b[i]->trainable() == a[i]->trainable());
        BOOST_TEST((b[i]->config() == a[i]->config()));
    }
    const auto wa = model.get_weights(), wb = loaded->get_weights();
    BOOST_REQUIRE(wa.size() == wb.size());
    for (std::size_t i = 0; i < wa.size(); ++i) {
        BOOST_TEST((wa[i].shape() == wb[i].shape()));
        BOOST_TEST(xgrad_test::values(wa[i]) == xgrad_test::values(wb[i]), boost::test_tools::per_element());
    }
    const Tensor after = (*loaded)(x);
    BOOST_TEST(floats(after) == floats(before), boost::test_tools::per_element());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(io_model)

BOOST_AUTO_TEST_CASE(round_trip_dense_flatten_sequential) {
    Sequential model{Flatten({2, 3}), Dense(5, "relu", "he_normal"), Dense(2, "sigmoid").use_bias(false)};
    model[1]->set_trainable(false);
    check_round_trip(model, randn({4, 2, 3}));
}
// One sample per registered layer type, with every option away from its
// default where it has one; the walk below fails for a type without a sample.
std::map<std::string, Config> layer_samples() {
    return {
        {"Dense",
         {{"units", "4"}, {"activation", "tanh"}, {"kernel_initializer", "random_normal"},
          {"kernel_initializer.stddev", "0.3"}, {"bias_initializer", "constant"}, {"bias_initializer.value", "0.1"},
          {"kernel_regularizer", "l1_l2"}, {"kernel_regularizer.l1", "0.01"}, {"kernel_regularizer.l2", "0.02"},
          {"bias_regularizer", "l2"}, {"bias_regularizer.l2", "0.03"}, {"kernel_constraint", "max_norm"},
          {"kernel_constraint.max_value", "0.5"}, {"bias_constraint", "max_norm"}, {"bias_constraint.max_value", "0.2"}}},
        {"BatchNormalization",
         {{"momentum", "0.9"}, {"epsilon", "1e-05"}, {"gamma_initializer", "random_uniform"},
          {"gamma_initializer.minval", "0.5"}, {"gamma_initializer.maxval", "1.5"}, {"beta_regularizer", "l1"},
          {"beta_regularizer.l1", "0.02"}, {"gamma_regularizer", "l2"}, {"gamma_regularizer.l2", "0.05"},
          {"beta_constraint", "max_norm"}, {"beta_constraint.max_value", "0.3"}, {"gamma_constraint", "max_norm"},
          {"gamma_constraint.max_value", "0.9"}}},
        {"Dropout", {{"rate", "0.3"}}},
        {"AlphaDropout", {{"rate", "0.2"}}},
        {"GaussianNoise", {{"stddev", "0.5"}}},
        {"Flatten", {}},
        {"ReLU", {{"negative_slope", "0.1"}, {"max_value", "1"}, {"threshold", "0.05"}}},
        {"LeakyReLU", {{"negative_slope", "0.2"}}},
        {"PReLU", {{"alpha_initializer", "constant"}, {"alpha_initializer.value", "0.25"}, {"shared_axes", "[1]"}}},
        {"ELU", {{"alpha", "0.7"}}},
        {"RReLU", {{"lower", "0.1"}, {"upper", "0.3"}}},
        {"Activation", {{"activation", "selu"}}},
        {"Softmax", {{"axis", "-1"}}},
        {"Rescaling", {{"scale", "0.5"}, {"offset", "-1"}}},
        {"Reshape", {{"target_shape", "[2,2]"}}},
        {"Conv2D",
         {{"filters", "4"}, {"kernel_size", "[2,3]"}, {"strides", "[1,2]"}, {"padding", "same"}, {"groups", "2"},
          {"dilation_rate", "[1,1]"}, {"activation", "tanh"}, {"kernel_initializer", "random_normal"},
          {"kernel_initializer.stddev", "0.3"}, {"kernel_regularizer", "l2"}, {"kernel_regularizer.l2", "0.01"},
          {"bias_constraint", "max_norm"}, {"bias_constraint.max_value", "0.2"}}},
        {"MaxPooling2D", {{"pool_size", "[2,2]"}, {"strides", "[1,1]"}, {"padding", "same"}}},
        {"AveragePooling2D", {{"pool_size", "[3,3]"}, {"strides", "[2,2]"}, {"padding", "same"}}},
        {"GlobalMaxPooling2D", {{"keepdims", "true"}}},
        {"GlobalAveragePooling2D", {{"data_format", "channels_first"}}},
        {"InputLayer", {{"shape", "[4]"}, {"dtype", "float32"}}},
    };
}

/// Layer types with several inputs (nn/merge.hpp, nn/functional.hpp):
/// tests/nn/merge_test.cpp walks them inside a functional model.
bool takes_several_inputs(const std::string& type) {
    static const std::set<std::string> types = {"Functional", "Add",     "Subtract",    "Multiply", "Average",
                                                "Maximum",    "Minimum", "Concatenate", "Dot"};
    return types.contains(type);
}

/// Layers that take images [N, H, W, C]: tested between a Reshape to 4x4x2 and a Flatten.
bool takes_images(const std::string& type) {
    return type == "Conv2D" || type.ends_with("Pooling2D");
}

std::vector<double> loss_values(const Module& m) {
    std::vector<double> out;
    for (const Tensor& l : m.losses()) out.push_back(l.item<double>());
    return out;
}

// For every layer type in the registry: config(from_config(c)) == c, and
// after save and load the same config, predictions, losses() and constraints.
BOOST_AUTO_TEST_CASE(every_registered_layer_round_trips_all_its_options) {
    const auto samples = layer_samples();
    int walked = 0;
    for (const auto& [type, factory] : nn::layer_registry().entries()) {
        if (type == "Sequential" || type.ends_with("ForTest") || takes_several_inputs(type)) continue;  // below, elsewhere
        BOOST_TEST_CONTEXT("layer " << type) {
            BOOST_REQUIRE_MESSAGE(samples.count(type), "no sample config for " << type);
            const Config sample = samples.at(type);
            const ModulePtr layer = factory(sample, {});
            const Config c = layer->config();
            for (const auto& [k, v] : sample) BOOST_TEST(c.at(k) == v, k);
            BOOST_TEST((factory(c, {})->config() == c));

            manual_seed(7);
            const bool image = takes_images(type);
            Sequential model = image ? Sequential{Dense(32, "linear").input_shape({6}), Reshape({4, 4, 2}),
                                                  AnyModule(layer), Flatten(), Dense(3, "softmax")}
                                     : Sequential{Dense(4, "linear").input_shape({6}), AnyModule(layer),
                                                  Dense(3, "softmax")};
            const Tensor x = randn({5, 6});
            model(x, true);
            std::vector<Tensor> w = model.get_weights();
            for (Tensor& t : w) t = t + randn(t.shape()) * 0.5;
            model.set_weights(w);
            TempDir dir;
            io::save(model, dir.file("m"));
            const ModulePtr loaded = io::load(dir.file("m"));
            const ModulePtr twin = loaded->children()[image ? 2 : 1];
            BOOST_TEST((twin->config() == c));
            BOOST_TEST(loss_values(*twin) == loss_values(*layer), boost::test_tools::per_element());
            model.eval();
            loaded->eval();
            BOOST_TEST(floats((*loaded)(x)) == floats(model(x)), boost::test_tools::per_element());
            layer->apply_constraints();
            twin->apply_constraints();
            for (const auto& [name, t] : layer->state_dict())
                BOOST_TEST(floats(twin->state_dict().at(name)) == floats(t), boost::test_tools::per_element());
            ++walked;
        }
    }
    BOOST_TEST(walked == static_cast<int>(samples.size()));
}

// Finding 3: BatchNormalization dropped its regularizers on save (losses() went from 1 to 0).
BOOST_AUTO_TEST_CASE(batch_norm_keeps_regularizers_and_constraints) {
    Sequential model{BatchNormalization().gamma_regularizer(L2(0.1)).beta_constraint(MaxNorm(1.0)).input_shape({3})};
    TempDir dir;
    io::save(model, dir.file("m"));
    const ModulePtr loaded = io::load(dir.file("m"));
    BOOST_TEST(model.losses().size() == 1u);
    BOOST_TEST(loaded->losses().size() == 1u);
    BOOST_TEST(loaded->losses()[0].item<double>() == 0.1 * 3, boost::test_tools::tolerance(1e-6));  // gamma = 1
    BOOST_TEST(loaded->children()[0]->config().at("beta_constraint.max_value") == "1");
}

// A regularizer load() could not rebuild is refused at save time, and the
// previous good file stays.
BOOST_AUTO_TEST_CASE(unsaveable_regularizer_is_an_error_at_save_time) {
    struct Half : Regularizer {
        Tensor operator()(const Tensor& w) const override { return sum(w) * 0.5; }
        std::string name() const override { return "half_for_io_test"; }
    };
    Sequential good{Dense(2).input_shape({2})};
    Sequential bad{Dense(2).kernel_regularizer(Half()).input_shape({2})};
    TempDir dir;
    io::save(good, dir.file("m"));
    const std::string before = slurp(dir.file("m"));
    try {
        io::save(bad, dir.file("m"));
        BOOST_FAIL("expected IoError");
    } catch (const IoError& e) {
        BOOST_TEST(std::string(e.what()).find("'half_for_io_test' is not a registered regularizer") != std::string::npos,
                   e.what());
    }
    BOOST_TEST(slurp(dir.file("m")) == before);
}

BOOST_AUTO_TEST_CASE(round_trip_nested_sequential_float64) {
    auto inner = std::make_shared<Sequential>(std::initializer_list<AnyModule>{Dense(3, "relu"), Dense(2)});
    Sequential model{Dense(4).input_shape({3}), inner};
    model.to(float64);
    check_round_trip(model, randn({2, 3}, float64));
}

BOOST_AUTO_TEST_CASE(architecture_is_one_metadata_string) {
    Sequential model{Flatten({2, 2}), Dense(1, "sigmoid")};
    model(zeros({1, 2, 2}));
    TempDir dir;
    io::save(model, dir.file("m"));
    const io::TensorFile f = io::load_safetensors(dir.file("m"));
    const std::string arch = f.metadata.at("xgrad.architecture");
    BOOST_TEST(arch.find(R"("type":"Dense")") != std::string::npos);
    BOOST_TEST(arch.find(R"("units":"1")") != std::string::npos);
    BOOST_TEST(arch.find(R"("input_shape":[2,2])") != std::string::npos);
    BOOST_TEST(f.tensors.count("dense.kernel") == 1u);
}

BOOST_AUTO_TEST_CASE(unknown_layer_type_and_user_registration) {
    struct Twice : Cloneable<Twice> {
        Twice() : Cloneable("TwiceForTest") {}
        Tensor forward(const Tensor& x, bool) override { return x * 2.0; }
    };
    Sequential model{Dense(2).input_shape({2}), Twice()};
    TempDir dir;
    try {
        io::save(model, dir.file("m"));
        BOOST_FAIL("expected IoError");
    } catch (const IoError& e) {
        BOOST_TEST(std::string(e.what()).find("'TwiceForTest', which is not a registered layer type") != std::string::npos,
                   e.what());
    }
    BOOST_TEST(!std::filesystem::exists(dir.file("m")));
    nn::register_layer("TwiceForTest", [](const Module::Config&, const std::vector<ModulePtr>&) {
        return std::make_shared<Twice>();
    });
    check_round_trip(model, tensor({{1.0, -2.0}}));
}

BOOST_AUTO_TEST_CASE(custom_activation_callable_cannot_be_saved) {
    Sequential model{Dense(2, [](const Tensor& x) { return x; }).input_shape({2})};
    TempDir dir;
    BOOST_CHECK_THROW(io::save(model, dir.file("m")), IoError);
}

BOOST_AUTO_TEST_CASE(save_weights_load_weights_and_their_errors) {
    Sequential a{Dense(3).input_shape({2}), Dense(1)};
    Sequential b{Dense(3).input_shape({2}), Dense(1)};
    TempDir dir;
    io::save_weights(a, dir.file("w"));
    io::load_weights(b, dir.file("w"));
    BOOST_TEST(xgrad_test::values(b.get_weights()[0]) == xgrad_test::values(a.get_weights()[0]),
               boost::test_tools::per_element());

    auto message = [&](Module& m) {
        try {
            io::load_weights(m, dir.file("w"));
        } catch (const IoError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    Sequential wider{Dense(4).input_shape({2}), Dense(1)};
    const std::string shape_msg = message(wider);
    // The first mismatch in name order: dense.bias, [4] in the model, [3] in the file.
    BOOST_TEST(shape_msg.find("'dense.bias' has shape [4] but the value has [3]") != std::string::npos, shape_msg);
    Sequential fewer{Dense(3).input_shape({2})};
    BOOST_TEST(message(fewer).find("unexpected weight 'dense_1.") != std::string::npos, message(fewer));
    Sequential more{Dense(3).input_shape({2}), Dense(1), Dense(1)};
    BOOST_TEST(message(more).find("missing weight 'dense_2.") != std::string::npos, message(more));
    BOOST_TEST(message(more).find(dir.file("w")) != std::string::npos);
    // A model file loads as weights too; a weights-only file is not a model.
    BOOST_CHECK_THROW(io::load(dir.file("w")), IoError);
}

BOOST_AUTO_TEST_CASE(hostile_architectures_give_io_errors) {
    const std::vector<std::string> bad{
        "not json",
        R"({"format":2,"model":{}})",
        R"({"format":1,"model":[]})",
        R"({"format":1,"model":{"type":"Dense","name":"d","trainable":true,"dtype":"float32","config":{"units":"x"}}})",
        R"({"format":1,"model":{"type":"Dense","name":"d","trainable":true,"dtype":"float32","config":{"units":"-3"}}})",
        R"({"format":1,"model":{"type":"Dense","name":"d","trainable":"yes","dtype":"float32","config":{}}})",
        R"({"format":1,"model":{"type":"Dense","name":"d","trainable":true,"dtype":"int8","config":{}}})",
        R"({"format":1,"model":{"type":"Dense","name":"d","trainable":true,"dtype":"float32","config":{},"build_input_shape":[-1,-5]}})",
        R"({"format":1,"model":{"type":"Dense","name":"d","trainable":true,"dtype":"float32","config":{"activation":"nope"}}})",
        R"({"format":1,"model":{"type":"Sequential","name":"s","trainable":true,"dtype":"float32","config":{},"layers":[{"type":"Evil"}]}})",
    };
    for (const std::string& text : bad) {
        BOOST_TEST_INFO(text);
        BOOST_CHECK_THROW(io::model_from_json(text), IoError);
    }
}

// A model file's dtype is read by dtype_from_name: an unknown one names the
// layer and the dtypes there are; a dtype weights cannot have is refused.
BOOST_AUTO_TEST_CASE(a_model_files_dtype_is_a_weight_dtype_by_name) {
    const auto dense = [](const std::string& dtype) {
        return R"({"format":1,"model":{"type":"Dense","name":"d","trainable":true,"dtype":")" + dtype +
               R"(","config":{"units":"3"}}})";
    };
    CHECK_THROWS_WITH(io::model_from_json(dense("int8")), IoError,
                      "layer of type 'Dense': unknown dtype 'int8' (xgrad has float32, float64, int64, uint8, bool)");
    CHECK_THROWS_WITH(io::model_from_json(dense("int64")), IoError,
                      "layer of type 'Dense': dtype int64 is not a weight dtype (float32 or float64)");
    CHECK_THROWS_WITH(io::model_from_json(dense("bool")), IoError,
                      "layer of type 'Dense': dtype bool is not a weight dtype (float32 or float64)");
    BOOST_TEST((io::model_from_json(dense("float64"))->dtype() == float64));
    BOOST_TEST((io::model_from_json(dense("float32"))->dtype() == float32));
}

// A real file (Flatten([2,2]) → Dense(3): 15 floats of weights) with its
// architecture edited: every lie is an IoError naming the file and the
// problem, found before anything the size of the lie is allocated.
BOOST_AUTO_TEST_CASE(hostile_model_files_fail_before_allocating) {
    Sequential model{Flatten({2, 2}), Dense(3)};
    model(zeros({1, 2, 2}));
    TempDir dir;
    io::save(model, dir.file("good"));
    const io::TensorFile good = io::load_safetensors(dir.file("good"));
    const std::string arch = good.metadata.at("xgrad.architecture");
    const auto edited = [&](const std::string& from, const std::string& to) {
        std::string a = arch;
        for (auto pos = a.find(from); pos != std::string::npos; pos = a.find(from, pos + to.size()))
            a.replace(pos, from.size(), to);
        BOOST_REQUIRE(a != arch);
        auto metadata = good.metadata;
        metadata["xgrad.architecture"] = a;
        io::save_safetensors(dir.file("bad"), good.tensors, metadata);
        return dir.file("bad");
    };
    const auto load_error = [](const std::string& path) -> std::string {
        try {
            io::load(path);
        } catch (const IoError& e) {
            return e.what();
        }
        return "no error";
    };
    struct rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    const long peak_before_kib = usage.ru_maxrss;
    const std::string t40 = std::to_string(std::int64_t{1} << 40);
    const std::vector<std::pair<std::string, std::string>> cases{
        // 2^40 · 2^40 features: the product used to wrap around
        {load_error(edited("[2,2]", "[" + t40 + "," + t40 + "]")), "has more than 2^63 elements"},
        // Dense(units=20000000) in a 3 KB file: a 320 MB kernel used to be allocated and initialized
        {load_error(edited(R"("units":"3")", R"("units":"20000000")")),
         "dense (Dense): weight 'kernel' of shape [4,20000000] needs 320000000 bytes, more than the 60 bytes of "
         "weights left in the file"},
        {load_error(edited(R"("units":"3")", R"("units":"9000000000000000000")")),
         "weight 'kernel': shape [4,9000000000000000000] has more than 2^63 elements"},
        // fits the budget, not the file's shapes: both shapes named
        {load_error(edited(R"("units":"3")", R"("units":"2")")), "weight 'dense.bias' has shape [2] but the value has [3]"},
        {load_error(edited(R"("units":"3")", R"("units":"3","units":"4")")), "key \"units\" appears twice"},
    };
    for (const auto& [message, expected] : cases) {
        BOOST_TEST_INFO("expected: " << expected);
        BOOST_TEST(message.find(expected) != std::string::npos, message);
        BOOST_TEST(message.find("bad") != std::string::npos, message);  // names the file
    }
    ::getrusage(RUSAGE_SELF, &usage);
    BOOST_TEST(usage.ru_maxrss - peak_before_kib < 64 * 1024, "peak RSS grew by " << usage.ru_maxrss - peak_before_kib << " KiB");
}

// Step 13, finding 5: load() took time quadratic in the layer count (each
// layer's name checked against every sibling, alike names retried from
// flatten_1), so 200k layers took 76 s and 10^6 (a 95 MB file) never ended.
BOOST_AUTO_TEST_CASE(load_is_linear_in_the_layer_count) {
    constexpr std::size_t n = io::max_layers - 1;  // and the Sequential: as many layers as a file may hold
    TempDir dir;
    // All named alike: the names load() must make unique are the slow case.
    const std::string path =
        architecture_file(dir, repeated(R"({"type":"Flatten","name":"flatten","trainable":true,"dtype":"float32","config":{}})", n));
    const auto start = std::chrono::steady_clock::now();
    const ModulePtr model = io::load(path);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    BOOST_TEST(model->children().size() == n);
    BOOST_TEST(model->child_names().back() == "flatten_" + std::to_string(n - 1));
    BOOST_TEST(took.count() < 20.0, "loading " << n << " layers took " << took.count() << " s");
}

// Building from a file skips the initializers: the file's tensors replace the
// weights, and "orthogonal" (QR) on this kernel took seconds before.
BOOST_AUTO_TEST_CASE(load_does_not_run_the_orthogonal_initializer) {
    constexpr std::int64_t n = 1024;
    TempDir dir;
    const std::string path = dir.file("orthogonal");
    const Tensor kernel = arange(0.0, double(n * n), 1.0, float32).reshape({n, n}) / double(n * n);
    io::save_safetensors(
        path, {{"d.kernel", kernel}},
        {{"xgrad.architecture",
          R"({"format":1,"model":{"type":"Sequential","name":"sequential","trainable":true,"dtype":"float32",)"
          R"("config":{},"layers":[{"type":"Dense","name":"d","trainable":true,"dtype":"float32","config":)"
          R"({"units":"1024","use_bias":"false","kernel_initializer":"orthogonal"},"layers":[],)"
          R"("build_input_shape":[-1,1024]}],"build_input_shape":[-1,1024]}})"}});
    const auto start = std::chrono::steady_clock::now();
    const ModulePtr model = io::load(path);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    BOOST_TEST(took.count() < 1.0, "loading a 1024x1024 orthogonal kernel took " << took.count() << " s");
    const auto weights = model->get_weights();
    BOOST_REQUIRE(weights.size() == 1u);
    BOOST_TEST(xgrad_test::values(weights[0]) == xgrad_test::values(kernel), boost::test_tools::per_element());
    BOOST_TEST(model->children()[0]->config().at("kernel_initializer") == "orthogonal");
}

// The layer count is bounded (io::max_layers) and checked before any layer is built.
BOOST_AUTO_TEST_CASE(too_many_layers_is_an_io_error_naming_the_count) {
    TempDir dir;
    const std::string path = architecture_file(dir, repeated("{}", io::max_layers));
    CHECK_THROWS_WITH(io::load(path), IoError,
                      path + ": architecture: " + std::to_string(io::max_layers + 1) + " layers, more than the " +
                          std::to_string(io::max_layers) + " a model file may hold");
    // One fewer is counted as allowed and fails on its first (empty) entry instead.
    const std::string below = architecture_file(dir, repeated("{}", io::max_layers - 1));
    CHECK_THROWS_WITH(io::load(below), IoError, "architecture: missing \"type\"");
}

// Step 13, finding 7: load_weights copied tensor by tensor, so a file whose
// last tensor did not fit replaced every other weight before it threw.
BOOST_AUTO_TEST_CASE(failed_load_weights_leaves_every_weight_unchanged) {
    manual_seed(5);
    Sequential model{Dense(4).input_shape({3}), Dense(3), Dense(2)};
    std::map<std::string, Tensor> file;
    for (const auto& [name, t] : model.state_dict()) file.emplace(name, full(t.shape(), 0.5));
    BOOST_REQUIRE(file.rbegin()->first == "dense_2.kernel");
    file["dense_2.kernel"] = zeros({3, 5});
    TempDir dir;
    io::save_safetensors(dir.file("w"), file);
    std::vector<std::vector<float>> before;
    for (const Tensor& t : model.get_weights()) before.push_back(floats(t));
    CHECK_THROWS_WITH(io::load_weights(model, dir.file("w")), IoError,
                      dir.file("w") + ": load_state_dict: weight 'dense_2.kernel' has shape [3,2] but the value has [3,5]");
    const auto after = model.get_weights();
    BOOST_REQUIRE(after.size() == before.size());
    for (std::size_t i = 0; i < after.size(); ++i)
        BOOST_TEST(floats(after[i]) == before[i], boost::test_tools::per_element());  // bit for bit: == on floats

    file.erase("dense_1.bias");  // a missing name, found before anything is copied
    io::save_safetensors(dir.file("w"), file);
    CHECK_THROWS_WITH(io::load_weights(model, dir.file("w")), IoError, "missing weight 'dense_1.bias'");
    for (std::size_t i = 0; i < after.size(); ++i)
        BOOST_TEST(floats(model.get_weights()[i]) == before[i], boost::test_tools::per_element());
}

// The notebook's pitfall: Sequential(model_A.layers[:-1]) shares the layers,
// so training model_B_on_A changes model A; reusing a clone leaves A intact.
BOOST_AUTO_TEST_CASE(transfer_shared_layers_change_model_a_clone_does_not) {
    manual_seed(3);
    auto model_a = std::make_shared<Sequential>(std::initializer_list<AnyModule>{
        Dense(4, "relu", "he_normal").input_shape({3}), Dense(4, "relu", "he_normal"), Dense(2, "softmax")});
    const Tensor x = randn({16, 3});
    const Tensor y = reshape((randn({16}) > 0.0).to(float32), {16, 1});
    auto train_b = [&](Sequential& b) {
        auto opt = std::make_shared<optim::SGD>(optim::ParamGroup(b), optim::SGDOptions().learning_rate(0.1));
        train::FitOptions o;
        o.loss = "binary_crossentropy";
        o.optimizer = opt;
        o.epochs = 2;
        o.verbose = 0;
        train::fit(b, x, y, o);
    };
    auto same = [](const std::vector<Tensor>& p, const std::vector<Tensor>& q) {
        for (std::size_t i = 0; i < p.size(); ++i)
            if (p[i].to_vector<float>() != q[i].to_vector<float>()) return false;
        return true;
    };
    std::vector<Tensor> original;
    for (const Tensor& t : model_a->get_weights()) original.push_back(t.to(float64).to(float32));

    ModulePtr clone = model_a->clone();
    Sequential b_from_clone(clone->children().begin(), clone->children().end() - 1);
    b_from_clone.add(Dense(1, "sigmoid"));
    train_b(b_from_clone);
    BOOST_TEST(same(model_a->get_weights(), original));    // A untouched
    BOOST_TEST(!same(clone->get_weights(), original));     // the clone's layers did train

    Sequential b_shared(model_a->layers().begin(), model_a->layers().end() - 1);
    b_shared.add(Dense(1, "sigmoid"));
    train_b(b_shared);
    BOOST_TEST(!same(model_a->get_weights(), original));   // A changed
}

BOOST_AUTO_TEST_CASE(clone_model_has_the_architecture_and_fresh_weights) {
    manual_seed(3);
    Sequential model{Flatten({4, 4}), Dense(8, "relu", "he_normal"), BatchNormalization(), Dense(3, "softmax")};
    model[1]->set_trainable(false);
    const ModulePtr copy = io::clone_model(model);
    auto seq = std::dynamic_pointer_cast<Sequential>(copy);
    BOOST_TEST_REQUIRE(seq);
    BOOST_TEST(seq->size() == 4u);
    BOOST_TEST(seq->layers()[1]->name() == model[1]->name());
    BOOST_TEST(!seq->layers()[1]->trainable());
    BOOST_TEST(seq->count_params() == model.count_params());
    // Fresh initialization: same shapes, different values; set_weights copies them over.
    BOOST_TEST((seq->layers()[1]->weight("kernel").shape() == model[1]->weight("kernel").shape()));
    BOOST_TEST(xgrad_test::values(seq->layers()[1]->weight("kernel")) != xgrad_test::values(model[1]->weight("kernel")));
    seq->set_weights(model.get_weights());
    const Tensor x = randn({2, 4, 4});
    BOOST_TEST(xgrad_test::values((*seq)(x, false)) == xgrad_test::values(model(x, false)),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
