#include "xgrad/train/checkpoint.hpp"

#include <bit>
#include <cmath>
#include <cstring>

#include "xgrad/io/model.hpp"
#include "xgrad/io/safetensors.hpp"

namespace xgrad::train {

void save_checkpoint(const std::string& path, const nn::Module& model, const optim::Optimizer& optimizer, int epoch,
                     const Generator& gen) {
    std::map<std::string, Tensor> all;
    for (const auto& [k, t] : model.state_dict()) all.emplace("model/" + k, t);
    for (const auto& [k, t] : optimizer.state_dict()) all.emplace("optimizer/" + k, t);
    const Generator::State st = gen.state();
    std::vector<std::int64_t> s(4);
    for (int i = 0; i < 4; ++i) s[i] = std::bit_cast<std::int64_t>(st.s[i]);
    all.emplace("rng/state", from_vector<std::int64_t>(s, {4}));
    all.emplace("rng/spare", from_vector<double>(std::vector<double>{st.has_spare ? 1.0 : 0.0, st.spare}, {2}));
    io::save_safetensors(path, all,
                         {{"format", "pt"},
                          {"xgrad.checkpoint.epoch", std::to_string(epoch)},
                          {"xgrad.checkpoint.step", std::to_string(optimizer.iterations())}});
}

namespace {

/// The tensor `key` of a checkpoint, which must be `dtype`[n].
const Tensor& rng_field(const io::TensorFile& f, const std::string& path, const std::string& key, Dtype dtype,
                        std::int64_t n) {
    const auto it = f.tensors.find(key);
    const std::string expected = std::string(dtype_name(dtype)) + to_string(Shape{n});
    if (it == f.tensors.end()) throw IoError(path + ": not an xgrad checkpoint: no '" + key + "' (" + expected + ")");
    const Tensor& t = it->second;
    if (t.dtype() != dtype || t.shape() != Shape{n})
        throw IoError(path + ": '" + key + "' is " + std::string(dtype_name(t.dtype())) + to_string(t.shape()) +
                      ", expected " + expected);
    return t;
}

/// The generator state stored in "rng/state" and "rng/spare", checked as Generator::check_state() does.
Generator::State generator_state(const io::TensorFile& f, const std::string& path) {
    const auto* words = rng_field(f, path, "rng/state", int64, 4).data<std::int64_t>();
    const auto* spare = rng_field(f, path, "rng/spare", float64, 2).data<double>();
    if (spare[0] != 0.0 && spare[0] != 1.0)
        throw IoError(path + ": 'rng/spare'[0] (whether a spare normal is cached) is " + std::to_string(spare[0]) +
                      ", not 0 or 1");
    Generator::State st{};
    for (int i = 0; i < 4; ++i) st.s[i] = std::bit_cast<std::uint64_t>(words[i]);
    st.has_spare = spare[0] == 1.0;
    st.spare = spare[1];
    try {
        Generator::check_state(st);
    } catch (const ValueError& e) {
        throw IoError(path + ": 'rng/state' and 'rng/spare': " + e.what());
    }
    return st;
}

}  // namespace

int load_checkpoint(const std::string& path, nn::Module& model, optim::Optimizer& optimizer, Generator& gen) {
    io::TensorFile f = io::load_safetensors(path);
    std::map<std::string, Tensor> m, o;
    for (auto& [k, t] : f.tensors) {
        if (k.rfind("model/", 0) == 0) m.emplace(k.substr(6), t);
        else if (k.rfind("optimizer/", 0) == 0) o.emplace(k.substr(10), t);
        else if (k != "rng/state" && k != "rng/spare")
            throw IoError(path + ": unexpected tensor '" + k +
                          "' (a checkpoint holds model/…, optimizer/…, rng/state and rng/spare)");
    }
    const Generator::State st = generator_state(f, path);
    const auto it = f.metadata.find("xgrad.checkpoint.epoch");
    if (it == f.metadata.end()) throw IoError(path + ": no xgrad.checkpoint.epoch in __metadata__");
    int epoch = 0;
    try {
        std::size_t used = 0;
        epoch = std::stoi(it->second, &used);
        if (used != it->second.size() || epoch < 0) throw std::invalid_argument("");
    } catch (const std::exception&) {
        throw IoError(path + ": invalid epoch '" + it->second + "'");
    }
    // All or nothing: everything is checked before the model, the optimizer
    // or the generator changes.
    try {
        model.check_state_dict(m);
        optimizer.check_state_dict(o);
    } catch (const Error& e) {
        throw IoError(path + ": " + e.what());
    }
    model.load_state_dict(m);
    optimizer.load_state_dict(o);
    gen.set_state(st);
    return epoch;
}

void ModelCheckpoint::on_epoch_end(int epoch, Logs& logs, TrainContext& ctx) {
    if (save_best_only_) {
        const auto it = logs.find(monitor_);
        if (it == logs.end() || std::isnan(it->second)) return;
        const bool maximize = mode_ == MonitorMode::max ||
                              (mode_ == MonitorMode::automatic && monitor_.find("acc") != std::string::npos);
        const double v = it->second;
        if (!std::isnan(best_) && !(maximize ? v > best_ : v < best_)) return;
        best_ = v;
    }
    std::string path = filepath_;
    for (std::size_t pos; (pos = path.find("{epoch}")) != std::string::npos;)
        path.replace(pos, 7, std::to_string(epoch + 1));
    if (ctx.rank != 0) return;  // the ranks' models are identical: one writer
    if (save_weights_only_) io::save_weights(ctx.model, path);
    else io::save(ctx.model, path);
    saved_.push_back(path);
}

}  // namespace xgrad::train
