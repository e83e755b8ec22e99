#include "xgrad/nn/init.hpp"

#include <cmath>
#include <vector>

namespace xgrad::nn {

namespace {

// The std of a standard normal truncated to [-2, 2] (Keras' correction factor).
constexpr double truncated_std = 0.87962566103423978;

}  // namespace

Fans compute_fans(const Shape& shape) {
    if (shape.empty()) return {1, 1};
    if (shape.size() == 1) return {static_cast<double>(shape[0]), static_cast<double>(shape[0])};
    if (shape.size() == 2) return {static_cast<double>(shape[0]), static_cast<double>(shape[1])};
    double receptive = 1;
    for (std::size_t i = 0; i + 2 < shape.size(); ++i) receptive *= static_cast<double>(shape[i]);
    return {static_cast<double>(shape[shape.size() - 2]) * receptive, static_cast<double>(shape.back()) * receptive};
}

InitializerRef::InitializerRef(const char* name) : ptr_(get_initializer(name)) {}
InitializerRef::InitializerRef(InitializerPtr ptr) : ptr_(std::move(ptr)) {
    if (!ptr_) throw ValueError("initializer: null initializer");
}

Tensor Zeros::operator()(const Shape& s, Dtype d, Generator&) const { return zeros(s, d); }
Tensor Ones::operator()(const Shape& s, Dtype d, Generator&) const { return ones(s, d); }
Tensor Constant::operator()(const Shape& s, Dtype d, Generator&) const { return full(s, value, d); }
Tensor RandomNormal::operator()(const Shape& s, Dtype d, Generator& g) const { return normal(s, mean, stddev, d, g); }
Tensor RandomUniform::operator()(const Shape& s, Dtype d, Generator& g) const {
    return uniform(s, minval, maxval, d, g);
}
Tensor TruncatedNormal::operator()(const Shape& s, Dtype d, Generator& g) const {
    return truncated_normal(s, mean, stddev, d, g);
}

VarianceScaling::VarianceScaling(double scale, std::string mode, std::string distribution)
    : scale(scale), mode(std::move(mode)), distribution(std::move(distribution)) {
    if (!(scale > 0)) throw ValueError("VarianceScaling: scale must be positive, got " + std::to_string(scale));
    if (this->mode != "fan_in" && this->mode != "fan_out" && this->mode != "fan_avg")
        throw ValueError("VarianceScaling: mode must be fan_in, fan_out or fan_avg, got '" + this->mode + "'");
    if (this->distribution == "normal") this->distribution = "truncated_normal";
    if (this->distribution != "truncated_normal" && this->distribution != "untruncated_normal" &&
        this->distribution != "uniform")
        throw ValueError("VarianceScaling: distribution must be truncated_normal, untruncated_normal or uniform, got '" +
                         this->distribution + "'");
}

namespace {
double scaled_variance(const VarianceScaling& v, const Shape& shape) {
    const Fans f = compute_fans(shape);
    const double n = v.mode == "fan_in" ? f.fan_in : v.mode == "fan_out" ? f.fan_out : (f.fan_in + f.fan_out) / 2;
    return v.scale / std::max(1.0, n);
}
}  // namespace

double VarianceScaling::stddev_for(const Shape& shape) const {
    const double s = scaled_variance(*this, shape);
    return distribution == "truncated_normal" ? std::sqrt(s) / truncated_std : std::sqrt(s);
}

double VarianceScaling::limit_for(const Shape& shape) const { return std::sqrt(3.0 * scaled_variance(*this, shape)); }

Tensor VarianceScaling::operator()(const Shape& s, Dtype d, Generator& g) const {
    if (distribution == "uniform") {
        const double limit = limit_for(s);
        return uniform(s, -limit, limit, d, g);
    }
    if (distribution == "truncated_normal") return truncated_normal(s, 0.0, stddev_for(s), d, g);
    return normal(s, 0.0, stddev_for(s), d, g);
}

Tensor Orthogonal::operator()(const Shape& s, Dtype d, Generator& g) const {
    if (s.size() < 2) throw ShapeError("orthogonal: needs a shape of rank >= 2, got " + to_string(s));
    const std::int64_t cols = s.back();
    const std::int64_t rows = s.numel() / std::max<std::int64_t>(cols, 1);
    // Orthonormalize the columns of a tall normal matrix (n ≥ m) by modified
    // Gram-Schmidt: the same Q as QR with R's diagonal made positive.
    const std::int64_t n = std::max(rows, cols), m = std::min(rows, cols);
    std::vector<double> a(static_cast<std::size_t>(n * m));
    for (double& v : a) v = g.normal();
    for (std::int64_t j = 0; j < m; ++j) {
        for (std::int64_t k = 0; k < j; ++k) {
            double dot = 0;
            for (std::int64_t i = 0; i < n; ++i) dot += a[i * m + j] * a[i * m + k];
            for (std::int64_t i = 0; i < n; ++i) a[i * m + j] -= dot * a[i * m + k];
        }
        double norm = 0;
        for (std::int64_t i = 0; i < n; ++i) norm += a[i * m + j] * a[i * m + j];
        norm = std::sqrt(norm);
        for (std::int64_t i = 0; i < n; ++i) a[i * m + j] /= norm;
    }
    // q is n x m; the result is rows x cols: q itself, or its transpose when rows < cols.
    std::vector<double> out(static_cast<std::size_t>(rows * cols));
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = 0; c < cols; ++c)
            out[r * cols + c] = gain * (rows >= cols ? a[r * m + c] : a[c * m + r]);
    return from_vector<double>(out, s).to(d);
}

Tensor Identity::operator()(const Shape& s, Dtype d, Generator&) const {
    if (s.size() != 2) throw ShapeError("identity: needs a 2-D shape, got " + to_string(s));
    Tensor t = eye(s[0], s[1], d);
    return gain == 1.0 ? t : t.mul_(gain);
}

Config Constant::config() const {
    return config_numbers({{"value", value}});
}
Config RandomNormal::config() const {
    return config_numbers({{"mean", mean}, {"stddev", stddev}});
}
Config RandomUniform::config() const {
    return config_numbers({{"minval", minval}, {"maxval", maxval}});
}
Config TruncatedNormal::config() const {
    return config_numbers({{"mean", mean}, {"stddev", stddev}});
}
Config VarianceScaling::config() const {
    if (fixed_) return {};
    Config c;
    config_set(c, "scale", scale);
    config_set(c, "mode", mode);
    config_set(c, "distribution", distribution);
    return c;
}
Config Orthogonal::config() const {
    return config_numbers({{"gain", gain}});
}
Config Identity::config() const {
    return config_numbers({{"gain", gain}});
}

namespace {
template <class I> ConfigFactory<InitializerPtr> plain() {
    return [](const Config&) { return std::make_shared<I>(); };
}
}  // namespace

Registry<ConfigFactory<InitializerPtr>>& initializer_registry() {
    using Make = ConfigFactory<InitializerPtr>;
    static Registry<Make> registry(
        "initializer",
        {{"zeros", plain<Zeros>()},
         {"ones", plain<Ones>()},
         {"constant", Make([](const Config& c) { return std::make_shared<Constant>(config_get(c, "value", 0.0)); })},
         {"random_normal", Make([](const Config& c) {
              return std::make_shared<RandomNormal>(config_get(c, "mean", 0.0), config_get(c, "stddev", 0.05));
          })},
         {"random_uniform", Make([](const Config& c) {
              return std::make_shared<RandomUniform>(config_get(c, "minval", -0.05), config_get(c, "maxval", 0.05));
          })},
         {"truncated_normal", Make([](const Config& c) {
              return std::make_shared<TruncatedNormal>(config_get(c, "mean", 0.0), config_get(c, "stddev", 0.05));
          })},
         {"variance_scaling", Make([](const Config& c) {
              return std::make_shared<VarianceScaling>(config_get(c, "scale", 1.0),
                                                       config_get<std::string>(c, "mode", "fan_in"),
                                                       config_get<std::string>(c, "distribution", "truncated_normal"));
          })},
         {"glorot_uniform", plain<GlorotUniform>()},
         {"glorot_normal", plain<GlorotNormal>()},
         {"he_normal", plain<HeNormal>()},
         {"he_uniform", plain<HeUniform>()},
         {"lecun_normal", plain<LecunNormal>()},
         {"lecun_uniform", plain<LecunUniform>()},
         {"orthogonal", Make([](const Config& c) { return std::make_shared<Orthogonal>(config_get(c, "gain", 1.0)); })},
         {"identity", Make([](const Config& c) { return std::make_shared<Identity>(config_get(c, "gain", 1.0)); })}});
    return registry;
}

InitializerPtr get_initializer(std::string_view name) { return initializer_registry().get(name)(Config{}); }

void register_initializer(std::string name, ConfigFactory<InitializerPtr> make) {
    initializer_registry().add(std::move(name), std::move(make));
}

void register_initializer(std::string name, std::function<InitializerPtr()> make) {
    register_initializer(std::move(name),
                         make ? ConfigFactory<InitializerPtr>([make = std::move(make)](const Config&) { return make(); })
                              : nullptr);
}

}  // namespace xgrad::nn
