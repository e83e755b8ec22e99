// Upsampling by integer factors, composed from differentiable ops:
//
//   upsample_nearest2d   reshape [N, H, 1, W, 1, C] → expand by the factors → reshape
//                        (expand's gradient sums each block)
//   upsample_bilinear2d  A_h · x along H, then A_w · (that) along W, with
//                        constant interpolation matrices (their transposes carry the gradient)
#include "xgrad/ops/upsampling.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

namespace {

/// Checks x and the factors; the output shape, channels-last.
Shape upsampled_shape(const char* op, const Tensor& x, std::array<std::int64_t, 2> size) {
    if (!is_floating(x.dtype()))
        throw DtypeError(std::string(op) + ": input must be float32 or float64, got " + std::string(dtype_name(x.dtype())));
    if (x.rank() != 4) throw ShapeError(std::string(op) + ": input must be 4-D images, got " + to_string(x.shape()));
    for (const std::int64_t s : size)
        if (s < 1 || s > max_window_extent)
            throw ValueError(std::string(op) + ": size factors must be in [1, " + std::to_string(max_window_extent) +
                             "], got " + std::to_string(size[0]) + "," + std::to_string(size[1]));
    const Shape& s = x.shape();
    Shape out{s[0], 0, 0, s[3]};
    for (std::size_t axis = 0; axis < 2; ++axis)
        if (__builtin_mul_overflow(s[axis + 1], size[axis], &out[axis + 1]))
            throw ShapeError(std::string(op) + ": input size " + std::to_string(s[axis + 1]) + " times " +
                             std::to_string(size[axis]) + " overflows int64");
    checked_numel(out, std::string(op) + ": the output");
    return out;
}

/// The [n·s, n] matrix taking n samples to n·s with half-pixel centres.
Tensor interpolation_matrix(std::int64_t n, std::int64_t s, Dtype dtype) {
    const std::int64_t out = n * s;
    std::vector<double> a(static_cast<std::size_t>(out * n), 0.0);
    for (std::int64_t i = 0; i < out; ++i) {
        const double r = std::max((static_cast<double>(i) + 0.5) / static_cast<double>(s) - 0.5, 0.0);
        const auto low = static_cast<std::int64_t>(std::floor(r));
        const std::int64_t high = std::min(low + 1, n - 1);
        const double t = r - static_cast<double>(low);
        a[static_cast<std::size_t>(i * n + low)] += 1.0 - t;
        a[static_cast<std::size_t>(i * n + high)] += t;
    }
    return from_vector(a, {out, n}).to(dtype);
}

template <class Last> Tensor in_channels_last(const Tensor& x, DataFormat format, Last&& last) {
    if (format == DataFormat::channels_last) return last(x);
    return permute(last(permute(x, {0, 2, 3, 1})), {0, 3, 1, 2});
}

}  // namespace

Tensor upsample_nearest2d(const Tensor& x, std::array<std::int64_t, 2> size, DataFormat data_format) {
    return in_channels_last(x, data_format, [&](const Tensor& v) {
        const Shape out = upsampled_shape("upsample_nearest2d", v, size);
        const Shape& s = v.shape();
        const Tensor blocks = expand(reshape(v, {s[0], s[1], 1, s[2], 1, s[3]}), {s[0], s[1], size[0], s[2], size[1], s[3]});
        return reshape(blocks, out);
    });
}

Tensor upsample_bilinear2d(const Tensor& x, std::array<std::int64_t, 2> size, DataFormat data_format) {
    return in_channels_last(x, data_format, [&](const Tensor& v) {
        const Shape out = upsampled_shape("upsample_bilinear2d", v, size);
        const Shape& s = v.shape();
        const Tensor rows = matmul(interpolation_matrix(s[1], size[0], v.dtype()), reshape(v, {s[0], s[1], s[2] * s[3]}));
        const Tensor both = matmul(interpolation_matrix(s[2], size[1], v.dtype()), reshape(rows, {out[0] * out[1], s[2], s[3]}));
        return reshape(both, out);
    });
}

XGRAD_REGISTER_OP(upsample_nearest2d, differentiable);   // composite
XGRAD_REGISTER_OP(upsample_bilinear2d, differentiable);  // composite

}  // namespace xgrad
