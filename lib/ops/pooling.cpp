// 2-D pooling:
//   max_pool2d  y[n, p, c] = x[n, w(n, p, c), c]  with w the first largest
//               pixel of window p, found in the same pass as y;
//               dx = g added at the winners (a scatter_add; composed from
//               that op when the backward pass builds a graph)
//   avg_pool2d  y = Σ_window im2col(x) / (pixels of the window inside the image)
#include "xgrad/ops/pooling.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "ops/over_images.hpp"
#include "simd/kernel_table.hpp"
#include "xgrad/autograd/node.hpp"
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

/// A max pooling's forward pass: the window maxima and, per output value,
/// the row-major index (r·W + s) of the window's first largest pixel.
struct MaxPoolResult {
    Tensor values;                      // [N, Ho, Wo, C]
    std::vector<std::int32_t> winners;  // [N, Ho·Wo, C]
};

/// One pass over x, channels innermost (contiguous, folded into the
/// running maxima by the kernel of this CPU's vector level), images in parallel.
template <class T>
MaxPoolResult max_pool_forward(const Tensor& x, const Window2d& w, std::int64_t ho, std::int64_t wo, std::int64_t top,
                               std::int64_t left) {
    const std::int64_t n = x.shape()[0], h = x.shape()[1], width = x.shape()[2], c = x.shape()[3];
    MaxPoolResult result{Tensor({n, ho, wo, c}, x.dtype()), std::vector<std::int32_t>(static_cast<std::size_t>(n * ho * wo * c))};
    const T* in = x.data<T>();
    T* out = result.values.data<T>();
    std::int32_t* winners = result.winners.data();
    const auto fold_pixel = simd::kernels_of<T>().max_pool_step;
    const auto images = [&](std::int64_t first, std::int64_t last) {
        for (std::int64_t b = first; b < last; ++b)
            for (std::int64_t i = 0; i < ho; ++i)
                for (std::int64_t j = 0; j < wo; ++j) {
                    const std::int64_t offset = ((b * ho + i) * wo + j) * c;
                    T* best = out + offset;
                    std::int32_t* at = winners + offset;
                    bool first_pixel = true;
                    for (std::int64_t a = 0; a < w.size[0]; ++a) {
                        const std::int64_t r = i * w.strides[0] + a - top;
                        if (r < 0 || r >= h) continue;
                        for (std::int64_t k = 0; k < w.size[1]; ++k) {
                            const std::int64_t s = j * w.strides[1] + k - left;
                            if (s < 0 || s >= width) continue;
                            const T* pixel = in + ((b * h + r) * width + s) * c;
                            const auto index = static_cast<std::int32_t>(r * width + s);
                            if (first_pixel) {
                                std::copy_n(pixel, c, best);
                                std::fill_n(at, c, index);
                                first_pixel = false;
                                continue;
                            }
                            fold_pixel(pixel, best, at, index, c);
                        }
                    }
                    if (first_pixel)
                        throw ValueError("max_pool2d: a window lies entirely in the padding (input " +
                                         to_string(x.shape()) + "); use less padding than the pool size");
                }
    };
    detail::over_images(n, x.numel(), images);
    return result;
}

/// max_pool2d's gradient: each output's gradient added at its winner.
template <class T>
Tensor max_pool_backward(const Tensor& g, const Shape& image, const std::vector<std::int32_t>& winners) {
    const std::int64_t n = image[0], pixels = image[1] * image[2], c = image[3], outputs = g.shape()[1] * g.shape()[2];
    Tensor dx = zeros(image, g.dtype());
    const T* grad = g.data<T>();
    T* out = dx.data<T>();
    const auto images = [&](std::int64_t first, std::int64_t last) {
        for (std::int64_t b = first; b < last; ++b)
            for (std::int64_t p = 0; p < outputs; ++p) {
                const std::int64_t offset = (b * outputs + p) * c;
                T* target = out + b * pixels * c;
                for (std::int64_t ch = 0; ch < c; ++ch) target[winners[offset + ch] * c + ch] += grad[offset + ch];
            }
    };
    detail::over_images(n, g.numel(), images);
    return dx;
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
        const auto out = output_size("max_pool2d", xl.shape(), w);
        const std::int64_t ho = out[0], wo = out[1];  // plain names: clang 14 cannot capture structured bindings
        const std::int64_t top = window_padding(xl.shape()[1], w, 0)[0], left = window_padding(xl.shape()[2], w, 1)[0];
        MaxPoolResult pooled = visit_floating(xl.dtype(), "max_pool2d", [&](auto tag) {
            return max_pool_forward<decltype(tag)>(xl, w, ho, wo, top, left);
        });
        record("max_pool2d", pooled.values, {&xl},
               [image = xl.shape(), winners = std::move(pooled.winners)](const Tensor& g, InputGrads& dx) {
                   if (!is_grad_enabled()) {
                       dx[0] = visit_floating(g.dtype(), "max_pool2d", [&](auto tag) {
                           return max_pool_backward<decltype(tag)>(g, image, winners);
                       });
                       return;
                   }
                   // A graph of the gradient is wanted (create_graph): the same sum as scatter_add,
                   // linear in g, so its own gradient is a gather at the winners.
                   const std::int64_t n = image[0], c = image[3];
                   const Shape rows{n, g.shape()[1] * g.shape()[2], c};
                   std::vector<std::int64_t> index(winners.begin(), winners.end());
                   dx[0] = reshape(scatter_add(zeros({n, image[1] * image[2], c}, g.dtype()), 1, from_vector(index, rows),
                                               reshape(g, rows)),
                                   image);
               });
        return pooled.values;
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

XGRAD_REGISTER_OP(max_pool2d, differentiable);
XGRAD_REGISTER_OP(avg_pool2d, differentiable);  // composite

}  // namespace xgrad
