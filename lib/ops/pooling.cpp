// 2-D pooling, composed from differentiable ops:
//   max_pool2d  y[n, p, c] = x[n, w(n, p, c), c]  with w the first largest
//               pixel of window p (found here, a constant), i.e. a gather;
//               dx = scatter_add of g at the winners
//   avg_pool2d  y = Σ_window im2col(x) / (pixels of the window inside the image)
#include "xgrad/ops/pooling.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/thread_pool.hpp"
#include "xgrad/core/threads.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

namespace {

void check_input(const char* op, const Tensor& x) {
    if (!is_floating(x.dtype()))
        throw DtypeError(std::string(op) + ": input must be float32 or float64, got " + std::string(dtype_name(x.dtype())));
    if (x.rank() != 4) throw ShapeError(std::string(op) + ": input must be 4-D, got " + to_string(x.shape()));
}

Window2d window_of(const Pool2dOptions& o) {
    return {o.pool_size, o.strides.value_or(o.pool_size), {1, 1}, o.padding};
}

/// Runs a channels-last pooling on x in `format`.
template <class F> Tensor in_channels_last(const Tensor& x, DataFormat format, F&& pool) {
    if (format == DataFormat::channels_last) return pool(x);
    return permute(pool(permute(x, {0, 2, 3, 1})), {0, 3, 1, 2});
}

/// For each output position and channel, the row-major index (r·W + s) of
/// the window's first largest pixel: [N, Ho·Wo, C] int64. Channels innermost
/// (contiguous in x), images in parallel.
template <class T>
Tensor window_winners(const Tensor& x, const Window2d& w, std::int64_t ho, std::int64_t wo, std::int64_t top,
                      std::int64_t left) {
    const std::int64_t n = x.shape()[0], h = x.shape()[1], width = x.shape()[2], c = x.shape()[3];
    Tensor winners({n, ho * wo, c}, int64);
    const T* in = x.data<T>();
    auto* out = winners.data<std::int64_t>();
    const auto images = [&](std::int64_t first, std::int64_t last) {
        std::vector<T> best(static_cast<std::size_t>(c));
        for (std::int64_t b = first; b < last; ++b)
            for (std::int64_t i = 0; i < ho; ++i)
                for (std::int64_t j = 0; j < wo; ++j) {
                    std::int64_t* at = out + ((b * ho + i) * wo + j) * c;
                    bool first_pixel = true;
                    for (std::int64_t a = 0; a < w.size[0]; ++a) {
                        const std::int64_t r = i * w.strides[0] + a - top;
                        if (r < 0 || r >= h) continue;
                        for (std::int64_t k = 0; k < w.size[1]; ++k) {
                            const std::int64_t s = j * w.strides[1] + k - left;
                            if (s < 0 || s >= width) continue;
                            const T* pixel = in + ((b * h + r) * width + s) * c;
                            const std::int64_t index = r * width + s;
                            if (first_pixel) {
                                std::copy_n(pixel, c, best.data());
                                std::fill_n(at, c, index);
                                first_pixel = false;
                                continue;
                            }
                            for (std::int64_t ch = 0; ch < c; ++ch) {
                                const T v = pixel[ch];
                                if (v > best[ch] || (std::isnan(v) && !std::isnan(best[ch]))) {
                                    best[ch] = v;
                                    at[ch] = index;
                                }
                            }
                        }
                    }
                    if (first_pixel)
                        throw ValueError("max_pool2d: a window lies entirely in the padding (input " +
                                         to_string(x.shape()) + "); use less padding than the pool size");
                }
    };
    const std::int64_t tasks = std::min<std::int64_t>(n, 4 * num_threads());
    if (tasks <= 1 || x.numel() < (std::int64_t{1} << 15)) images(0, n);
    else detail::parallel_for(tasks, [&](std::int64_t t) { images(n * t / tasks, n * (t + 1) / tasks); });
    return winners;
}

/// {Ho, Wo}, after checking the window (ValueError) and that it fits (ShapeError).
std::array<std::int64_t, 2> output_size(const char* op, const Shape& image, const Window2d& w) {
    for (int a = 0; a < 2; ++a) {
        if (w.size[a] < 1 || w.strides[a] < 1)
            throw ValueError(std::string(op) + ": pool sizes and strides must be >= 1, got pool " +
                             std::to_string(w.size[0]) + "x" + std::to_string(w.size[1]) + ", strides " +
                             std::to_string(w.strides[0]) + "," + std::to_string(w.strides[1]));
    }
    const std::array<std::int64_t, 2> out{window_output_size(image[1], w, 0), window_output_size(image[2], w, 1)};
    if (out[0] < 1 || out[1] < 1)
        throw ShapeError(std::string(op) + ": the " + std::to_string(w.size[0]) + "x" + std::to_string(w.size[1]) +
                         " pool does not fit in input " + to_string(image) + " (channels last)");
    return out;
}

}  // namespace

Tensor max_pool2d(const Tensor& x, const Pool2dOptions& options) {
    check_input("max_pool2d", x);
    const Window2d w = window_of(options);
    return in_channels_last(x, options.data_format, [&](const Tensor& xl) {
        const auto [ho, wo] = output_size("max_pool2d", xl.shape(), w);
        const std::int64_t top = window_padding(xl.shape()[1], w, 0)[0], left = window_padding(xl.shape()[2], w, 1)[0];
        const Tensor winners = visit_floating(xl.dtype(), "max_pool2d", [&](auto tag) {
            return window_winners<decltype(tag)>(xl, w, ho, wo, top, left);
        });
        const std::int64_t n = xl.shape()[0], c = xl.shape()[3];
        return reshape(gather(reshape(xl, {n, xl.shape()[1] * xl.shape()[2], c}), 1, winners), {n, ho, wo, c});
    });
}

Tensor avg_pool2d(const Tensor& x, const Pool2dOptions& options) {
    check_input("avg_pool2d", x);
    const Window2d w = window_of(options);
    return in_channels_last(x, options.data_format, [&](const Tensor& xl) {
        const auto [ho, wo] = output_size("avg_pool2d", xl.shape(), w);
        const std::int64_t n = xl.shape()[0], c = xl.shape()[3], k = w.size[0] * w.size[1];
        const Tensor sums = sum(reshape(im2col(xl, w), {n, ho, wo, k, c}), {3});
        if (w.padding.mode == Padding2d::Mode::valid) return sums / static_cast<double>(k);
        // The pixels of each window inside the image: the windows over an image of ones.
        const Tensor inside = im2col(ones({1, xl.shape()[1], xl.shape()[2], 1}, xl.dtype()), w);
        return sums / sum(inside, {3}, true);
    });
}

Tensor global_avg_pool2d(const Tensor& x, DataFormat data_format, bool keepdims) {
    check_input("global_avg_pool2d", x);
    return data_format == DataFormat::channels_last ? mean(x, {1, 2}, keepdims) : mean(x, {2, 3}, keepdims);
}

Tensor global_max_pool2d(const Tensor& x, DataFormat data_format, bool keepdims) {
    check_input("global_max_pool2d", x);
    return data_format == DataFormat::channels_last ? max(x, {1, 2}, keepdims) : max(x, {2, 3}, keepdims);
}

XGRAD_REGISTER_OP(max_pool2d, differentiable);  // composite
XGRAD_REGISTER_OP(avg_pool2d, differentiable);  // composite

}  // namespace xgrad
