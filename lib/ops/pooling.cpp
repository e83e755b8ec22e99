// 2-D pooling:
//   max_pool2d  y[n, p, c] = x[n, w(n, p, c), c]  with w the first largest
//               pixel of window p, found in the same pass as y;
//               dx = g added at the winners (a scatter_add; composed from
//               that op when the backward pass builds a graph)
//   avg_pool2d  y[n, p, c] = Σ_{pixels of window p inside the image} x / (their count)
//               dx = each g spread evenly over its window's pixels (the
//               adjoint, itself recorded with avg_pool2d as its gradient)
// Both loop over the part of each window inside the image only, so the cost
// and memory follow the image and the output, never the window size.
#include "xgrad/ops/pooling.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "ops/over_images.hpp"
#include "ops/window_trace.hpp"
#include "simd/kernels.hpp"
#include "xgrad/autograd/node.hpp"
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

/// An image batch [N, H, W, C] and the pooling windows over it.
struct PoolGeometry {
    std::int64_t n, h, w, c;
    std::int64_t kh, kw, sh, sw;
    std::int64_t top, left;  // padding before the first row and column
    std::int64_t ho, wo;
    /// The image rows [first, last) under output row i (never empty, see pool_geometry).
    std::array<std::int64_t, 2> rows(std::int64_t i) const { return clip(i * sh - top, kh, h); }
    /// The image columns [first, last) under output column j.
    std::array<std::int64_t, 2> cols(std::int64_t j) const { return clip(j * sw - left, kw, w); }
    static std::array<std::int64_t, 2> clip(std::int64_t start, std::int64_t size, std::int64_t n) {
        return {std::max<std::int64_t>(start, 0), std::min(start + size, n)};
    }
};

/// The geometry of `w` over channels-last `image`, after checking the window
/// (ValueError), that it fits and that no window lies entirely in the padding
/// (ShapeError: such a window has no pixel to take a maximum or a mean of).
PoolGeometry pool_geometry(const char* op, const Shape& image, const Window2d& w) {
    check_window(w, op);
    const auto describe = [&] {
        const Padding2d& p = w.padding;
        const std::string padding = p.mode == Padding2d::Mode::valid  ? "\"valid\""
                                    : p.mode == Padding2d::Mode::same ? "\"same\""
                                                                      : std::to_string(p.top) + "," + std::to_string(p.bottom) +
                                                                            "," + std::to_string(p.left) + "," +
                                                                            std::to_string(p.right);
        return "input " + to_string(image) + " (channels last; strides " + std::to_string(w.strides[0]) + "," +
               std::to_string(w.strides[1]) + ", padding " + padding + ")";
    };
    const std::string pool = "the " + std::to_string(w.size[0]) + "x" + std::to_string(w.size[1]) + " pool";
    const std::array<std::int64_t, 2> out{window_output_size(image[1], w, 0), window_output_size(image[2], w, 1)};
    if (out[0] < 1 || out[1] < 1) throw ShapeError(std::string(op) + ": " + pool + " does not fit in " + describe());
    const std::array<std::int64_t, 2> before{window_padding(image[1], w, 0)[0], window_padding(image[2], w, 1)[0]};
    for (int a = 0; a < 2; ++a) {
        // Window starts grow with the output index: the first and the last are the ones that can miss the image.
        const std::int64_t first_end = w.size[a] - before[a], last_start = (out[a] - 1) * w.strides[a] - before[a];
        if (first_end <= 0 || last_start >= image[1 + a])
            throw ShapeError(std::string(op) + ": a window of " + pool + " lies entirely in the padding of " + describe() +
                             "; use less padding than the pool size");
    }
    return {image[0], image[1], image[2], image[3], w.size[0], w.size[1], w.strides[0], w.strides[1],
            before[0], before[1], out[0], out[1]};
}

/// A max pooling's forward pass: the window maxima and, per output value,
/// the row-major index (r·W + s) of the window's first largest pixel.
struct MaxPoolResult {
    Tensor values;                      // [N, Ho, Wo, C]
    std::vector<std::int32_t> winners;  // [N, Ho·Wo, C]
};

/// One pass over x, channels innermost (contiguous, folded into the
/// running maxima by the kernel of this CPU's vector level), images in parallel.
template <class T> MaxPoolResult max_pool_forward(const Tensor& x, const PoolGeometry& g) {
    MaxPoolResult result{Tensor({g.n, g.ho, g.wo, g.c}, x.dtype()),
                         std::vector<std::int32_t>(static_cast<std::size_t>(g.n * g.ho * g.wo * g.c))};
    const T* in = x.data<T>();
    T* out = result.values.data<T>();
    std::int32_t* winners = result.winners.data();
    const auto fold_pixel = simd::pooling_kernels<T>().max_pool_step;
    const std::int64_t c = g.c;
    const auto images = [&](std::int64_t first, std::int64_t last) {
        for (std::int64_t b = first; b < last; ++b)
            for (std::int64_t i = 0; i < g.ho; ++i)
                for (std::int64_t j = 0; j < g.wo; ++j) {
                    const std::int64_t offset = ((b * g.ho + i) * g.wo + j) * c;
                    T* best = out + offset;
                    std::int32_t* at = winners + offset;
                    const auto [r0, r1] = g.rows(i);
                    const auto [s0, s1] = g.cols(j);
                    bool first_pixel = true;
                    for (std::int64_t r = r0; r < r1; ++r)
                        for (std::int64_t s = s0; s < s1; ++s) {
                            const T* pixel = in + ((b * g.h + r) * g.w + s) * c;
                            const auto index = static_cast<std::int32_t>(r * g.w + s);
                            if (first_pixel) {
                                std::copy_n(pixel, c, best);
                                std::fill_n(at, c, index);
                                first_pixel = false;
                                continue;
                            }
                            fold_pixel(pixel, best, at, index, c);
                        }
                }
    };
    detail::over_images(g.n, x.numel(), images);
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

/// The means of the windows of x (channels last), recorded with its adjoint as gradient.
Tensor avg_pool_means(const Tensor& x, const PoolGeometry& g);

/// The adjoint of avg_pool_means: each of grad's values [N, Ho, Wo, C]
/// divided evenly over its window's pixels of an image [N, H, W, C];
/// recorded with avg_pool_means as its gradient (both are linear).
Tensor avg_pool_spread(const Tensor& grad, const PoolGeometry& g) {
    Tensor dx = zeros({g.n, g.h, g.w, g.c}, grad.dtype());
    visit_floating(grad.dtype(), "avg_pool2d", [&](auto tag) {
        using T = decltype(tag);
        const T* in = grad.data<T>();
        T* out = dx.data<T>();
        detail::over_images(g.n, dx.numel(), [&](std::int64_t first, std::int64_t last) {
            std::vector<T> share(static_cast<std::size_t>(g.c));
            for (std::int64_t b = first; b < last; ++b)
                for (std::int64_t i = 0; i < g.ho; ++i)
                    for (std::int64_t j = 0; j < g.wo; ++j) {
                        const auto [r0, r1] = g.rows(i);
                        const auto [s0, s1] = g.cols(j);
                        const auto count = static_cast<T>((r1 - r0) * (s1 - s0));
                        const T* from = in + ((b * g.ho + i) * g.wo + j) * g.c;
                        for (std::int64_t ch = 0; ch < g.c; ++ch) share[static_cast<std::size_t>(ch)] = from[ch] / count;
                        for (std::int64_t r = r0; r < r1; ++r)
                            for (std::int64_t s = s0; s < s1; ++s) {
                                T* to = out + ((b * g.h + r) * g.w + s) * g.c;
                                for (std::int64_t ch = 0; ch < g.c; ++ch) to[ch] += share[static_cast<std::size_t>(ch)];
                            }
                    }
        });
    });
    record("avg_pool2d_backward", dx, {&grad}, [g](const Tensor& gg, InputGrads& d) {
        if (d.needs(0)) d[0] = avg_pool_means(gg, g);
    });
    return dx;
}

Tensor avg_pool_means(const Tensor& x, const PoolGeometry& g) {
    Tensor y({g.n, g.ho, g.wo, g.c}, x.dtype());
    visit_floating(x.dtype(), "avg_pool2d", [&](auto tag) {
        using T = decltype(tag);
        const T* in = x.data<T>();
        T* out = y.data<T>();
        detail::over_images(g.n, x.numel(), [&](std::int64_t first, std::int64_t last) {
            for (std::int64_t b = first; b < last; ++b)
                for (std::int64_t i = 0; i < g.ho; ++i)
                    for (std::int64_t j = 0; j < g.wo; ++j) {
                        const auto [r0, r1] = g.rows(i);
                        const auto [s0, s1] = g.cols(j);
                        T* to = out + ((b * g.ho + i) * g.wo + j) * g.c;
                        std::fill_n(to, g.c, T(0));
                        for (std::int64_t r = r0; r < r1; ++r)
                            for (std::int64_t s = s0; s < s1; ++s) {
                                const T* pixel = in + ((b * g.h + r) * g.w + s) * g.c;
                                for (std::int64_t ch = 0; ch < g.c; ++ch) to[ch] += pixel[ch];
                            }
                        const auto count = static_cast<T>((r1 - r0) * (s1 - s0));
                        for (std::int64_t ch = 0; ch < g.c; ++ch) to[ch] /= count;
                    }
        });
    });
    record("avg_pool2d", y, {&x}, [g](const Tensor& grad, InputGrads& d) {
        if (d.needs(0)) d[0] = avg_pool_spread(grad, g);
    });
    return y;
}

// What a pooling op reports to a tracer: its window's geometry and size.
OpAttributes pool_attributes(const Shape& x_shape, const Window2d& w, DataFormat format) {
    OpAttributes attributes = detail::window_attributes(x_shape, w, format);
    attributes.push_back({"pool_size", std::vector<std::int64_t>{w.size[0], w.size[1]}});
    return attributes;
}

}  // namespace

Tensor max_pool2d(const Tensor& x, const Pool2dOptions& options) {
    check_input("max_pool2d", x);
    const Window2d w = window_of(options);
    const CompositeOpTrace trace;  // one MaxPool, without the layout permutes
    Tensor y = in_channels_last(x, options.data_format, [&](const Tensor& xl) {
        const PoolGeometry geometry = pool_geometry("max_pool2d", xl.shape(), w);
        MaxPoolResult pooled = visit_floating(xl.dtype(), "max_pool2d", [&](auto tag) {
            return max_pool_forward<decltype(tag)>(xl, geometry);
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
    trace.record("max_pool2d", {&x}, y, [&] { return pool_attributes(x.shape(), w, options.data_format); });
    return y;
}

Tensor avg_pool2d(const Tensor& x, const Pool2dOptions& options) {
    check_input("avg_pool2d", x);
    const Window2d w = window_of(options);
    const CompositeOpTrace trace;  // one AveragePool
    Tensor y = in_channels_last(x, options.data_format, [&](const Tensor& xl) {
        return avg_pool_means(xl, pool_geometry("avg_pool2d", xl.shape(), w));
    });
    trace.record("avg_pool2d", {&x}, y, [&] { return pool_attributes(x.shape(), w, options.data_format); });
    return y;
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
