// Standardizer: per-feature mean and population std in double (two passes,
// row by row so the inner loop runs over contiguous features).
#include "xgrad/data/standardize.hpp"

#include <cmath>
#include <string>

namespace xgrad::data {

namespace {

Shape feature_shape(const Shape& s) {
    Shape f = s;
    f[0] = 1;
    return f;
}

}  // namespace

Standardizer::Standardizer(const Tensor& x) {
    if (x.rank() == 0) throw ShapeError("Standardizer: expected samples [N, ...], got shape []");
    const std::int64_t n = x.size(0);
    if (n == 0) throw ValueError("Standardizer: cannot fit on 0 samples");
    const Shape fshape = feature_shape(x.shape());
    const auto f = static_cast<std::size_t>(fshape.numel());
    std::vector<double> mean(f, 0.0), var(f, 0.0);
    visit_floating(x.dtype(), "Standardizer", [&](auto tag) {
        using T = decltype(tag);
        const T* p = x.data<T>();
        for (std::int64_t i = 0; i < n; ++i, p += f)
            for (std::size_t k = 0; k < f; ++k) mean[k] += static_cast<double>(p[k]);
        for (double& m : mean) m /= static_cast<double>(n);
        p = x.data<T>();
        for (std::int64_t i = 0; i < n; ++i, p += f)
            for (std::size_t k = 0; k < f; ++k) {
                const double dv = static_cast<double>(p[k]) - mean[k];
                var[k] += dv * dv;
            }
    });
    std::vector<double> sd(f), scale(f);
    for (std::size_t k = 0; k < f; ++k) {
        sd[k] = std::sqrt(var[k] / static_cast<double>(n));
        scale[k] = sd[k] > 0.0 ? sd[k] : 1.0;  // the zero-std guard (see the header)
    }
    mean_ = from_vector<double>(mean, fshape);
    std_ = from_vector<double>(sd, fshape);
    scale_ = from_vector<double>(scale, fshape);
}

Tensor Standardizer::transform(const Tensor& x) const {
    if (!fitted()) throw ValueError("Standardizer: not fitted; construct it from the training samples first");
    const Shape& fshape = mean_.shape();
    bool same = x.rank() == fshape.size();
    for (std::size_t i = 1; same && i < fshape.size(); ++i) same = x.shape()[i] == fshape[i];
    if (!same) {
        Shape features(std::span<const std::int64_t>(fshape.begin() + 1, fshape.end()));
        throw ShapeError("Standardizer: fitted on samples of shape " + to_string(features) + ", got x " +
                         to_string(x.shape()));
    }
    const std::int64_t n = x.size(0);
    const auto f = static_cast<std::size_t>(fshape.numel());
    const double* mean = mean_.data<double>();
    const double* scale = scale_.data<double>();
    Tensor out(x.shape(), x.dtype());
    visit_floating(x.dtype(), "Standardizer", [&](auto tag) {
        using T = decltype(tag);
        const T* p = x.data<T>();
        T* o = out.data<T>();
        for (std::int64_t i = 0; i < n; ++i, p += f, o += f)
            for (std::size_t k = 0; k < f; ++k) o[k] = static_cast<T>((static_cast<double>(p[k]) - mean[k]) / scale[k]);
    });
    return out;
}

}  // namespace xgrad::data
