// 2-D convolution: im2col and col2im (each the other's gradient, both
// linear), and conv2d composed from them with one matmul per group.
//
//   im2col  cols[n, i, j, (a, b, c)] = x[n, i·sh + a·dh − top, j·sw + b·dw − left, c]   (pad_value outside)
//           dx = col2im(g)
//   col2im  x[n, r, s, c] = Σ cols[n, i, j, (a, b, c)] over the windows covering (r, s)
//           dcols = im2col(g)
//   conv2d  y = im2col(x) · kernel[(a, b, c), f] (+ bias), per group; float32 on
//           oneDNN's primitives where it has JIT code (ops/convolution_dnnl.cpp)
#include "xgrad/ops/convolution.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "ops/convolution_dnnl.hpp"
#include "ops/over_images.hpp"
#include "ops/window_trace.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

Padding2d::Padding2d(std::string_view name) {
    if (name == "valid") mode = Mode::valid;
    else if (name == "same") mode = Mode::same;
    else throw ValueError("padding: expected \"valid\", \"same\" or explicit sizes, got \"" + std::string(name) + "\"");
}

Padding2d::Padding2d(std::int64_t top, std::int64_t bottom, std::int64_t left, std::int64_t right)
    : mode(Mode::explicit_sizes), top(top), bottom(bottom), left(left), right(right) {
    if (top < 0 || bottom < 0 || left < 0 || right < 0) {
        throw ValueError("padding: sizes must be >= 0, got " + std::to_string(top) + ", " + std::to_string(bottom) +
                         ", " + std::to_string(left) + ", " + std::to_string(right));
    }
}

namespace {

/// An image [N, H, W, C] and the windows over it.
struct Geometry {
    std::int64_t n, h, w, c;             // image
    std::int64_t kh, kw, sh, sw, dh, dw;  // window
    std::int64_t top, bottom, left, right;  // padding
    std::int64_t ho, wo;                  // output positions
    std::int64_t row() const { return kh * kw * c; }
};

std::string window_text(const Window2d& w) {
    std::string text = std::to_string(w.size[0]) + "x" + std::to_string(w.size[1]) + " window (strides " +
                       std::to_string(w.strides[0]) + "," + std::to_string(w.strides[1]) + ", dilation " +
                       std::to_string(w.dilation[0]) + "," + std::to_string(w.dilation[1]);
    const Padding2d& p = w.padding;
    if (p.mode == Padding2d::Mode::explicit_sizes)
        text += ", padding " + std::to_string(p.top) + "," + std::to_string(p.bottom) + "," + std::to_string(p.left) +
                "," + std::to_string(p.right);
    return text + ")";
}

Geometry geometry(const char* op, const Shape& image, const Window2d& w) {
    check_window(w, op);
    if (image.size() != 4)
        throw ShapeError(std::string(op) + ": expected an image batch [N, H, W, C], got " + to_string(image));
    const auto [top, bottom] = window_padding(image[1], w, 0);
    const auto [left, right] = window_padding(image[2], w, 1);
    const Geometry g{image[0], image[1], image[2], image[3], w.size[0], w.size[1], w.strides[0], w.strides[1],
                     w.dilation[0], w.dilation[1], top, bottom, left, right, window_output_size(image[1], w, 0),
                     window_output_size(image[2], w, 1)};
    // Each output position holds kh·kw·C values: checked before anything is sized from it.
    checked_numel(std::array{g.n, g.ho, g.wo, g.kh, g.kw, g.c}, std::string(op) + ": the columns of the " + window_text(w));
    if (g.ho < 1 || g.wo < 1) {
        throw ShapeError(std::string(op) + ": the " + window_text(w) + " does not fit in input " + to_string(image) +
                         " padded by " + std::to_string(top) + "," + std::to_string(bottom) + " rows and " +
                         std::to_string(left) + "," + std::to_string(right) + " columns");
    }
    return g;
}

/// Visits every (output position, window slot) pair of images [first, last):
/// inside(slot_offset, pixel_offset) in elements, one per slot of C
/// channels, when the pixel lies inside the image; outside(slot_offset) for
/// slots in the padding.
template <class Inside, class Outside>
void for_each_slot(const Geometry& g, std::int64_t first, std::int64_t last, Inside&& inside, Outside&& outside) {
    const std::int64_t row = g.row();
    for (std::int64_t n = first; n < last; ++n)
        for (std::int64_t i = 0; i < g.ho; ++i)
            for (std::int64_t j = 0; j < g.wo; ++j) {
                const std::int64_t base = ((n * g.ho + i) * g.wo + j) * row;
                for (std::int64_t a = 0; a < g.kh; ++a) {
                    const std::int64_t r = i * g.sh + a * g.dh - g.top;
                    for (std::int64_t b = 0; b < g.kw; ++b) {
                        const std::int64_t s = j * g.sw + b * g.dw - g.left;
                        const std::int64_t slot = base + (a * g.kw + b) * g.c;
                        if (r >= 0 && r < g.h && s >= 0 && s < g.w) inside(slot, ((n * g.h + r) * g.w + s) * g.c);
                        else outside(slot);
                    }
                }
            }
}

void check_image(const char* op, const char* what, const Tensor& t) {
    if (!is_floating(t.dtype()))
        throw DtypeError(std::string(op) + ": " + what + " must be float32 or float64, got " +
                         std::string(dtype_name(t.dtype())));
    if (t.rank() != 4)
        throw ShapeError(std::string(op) + ": " + what + " must be 4-D, got " + to_string(t.shape()));
}

}  // namespace

void check_window(const Window2d& w, const std::string& who) {
    const std::string bound = std::to_string(max_window_extent);
    const auto fail = [&](const std::string& rule) { throw ValueError(who + ": " + rule + ", got a " + window_text(w)); };
    const auto in_range = [](std::int64_t v) { return v >= 1 && v <= max_window_extent; };
    for (int a = 0; a < 2; ++a) {
        if (!in_range(w.size[a]) || !in_range(w.strides[a]) || !in_range(w.dilation[a]))
            fail("window sizes, strides and dilation must be in [1, " + bound + "]");
        // Both factors are at most 2^16 here, so the product cannot overflow.
        if (w.dilation[a] * (w.size[a] - 1) + 1 > max_window_extent)
            fail("the dilated window, dilation·(size − 1) + 1, must be at most " + bound);
    }
    const Padding2d& p = w.padding;
    for (const std::int64_t side : {p.top, p.bottom, p.left, p.right})
        if (side < 0 || side > max_window_extent) fail("explicit padding must be in [0, " + bound + "]");
}

// With the window checked (every term at most 2^16), only `n` can make
// these sums overflow: checked against it.
std::array<std::int64_t, 2> window_padding(std::int64_t n, const Window2d& w, int axis) {
    check_window(w, "window_padding");
    if (n < 0) throw ShapeError("window_padding: negative input size " + std::to_string(n));
    const Padding2d& p = w.padding;
    switch (p.mode) {
        case Padding2d::Mode::valid: return {0, 0};
        case Padding2d::Mode::explicit_sizes: return axis == 0 ? std::array{p.top, p.bottom} : std::array{p.left, p.right};
        case Padding2d::Mode::same: break;
    }
    const std::int64_t s = w.strides[axis], span = w.dilation[axis] * (w.size[axis] - 1) + 1;
    const std::int64_t out = n / s + (n % s != 0);  // ceil(n / s) without n + s − 1
    // (out − 1)·s < n, so this sum stays below span.
    const std::int64_t total = std::max<std::int64_t>((out - 1) * s - n + span, 0);
    return {total / 2, total - total / 2};
}

std::int64_t window_output_size(std::int64_t n, const Window2d& window, int axis) {
    const auto [before, after] = window_padding(n, window, axis);
    const std::int64_t span = window.dilation[axis] * (window.size[axis] - 1) + 1;
    std::int64_t padded = 0;
    if (__builtin_add_overflow(n, before + after, &padded))
        throw ShapeError("window_output_size: input size " + std::to_string(n) + " plus padding " +
                         std::to_string(before + after) + " overflows int64");
    return padded < span ? 0 : (padded - span) / window.strides[axis] + 1;
}

Tensor im2col(const Tensor& x, const Window2d& window, double pad_value) {
    check_image("im2col", "input", x);
    const Geometry g = geometry("im2col", x.shape(), window);
    Tensor cols({g.n, g.ho, g.wo, g.row()}, x.dtype());
    visit_floating(x.dtype(), "im2col", [&](auto tag) {
        using T = decltype(tag);
        const T* in = x.data<T>();
        T* out = cols.data<T>();
        const auto pad = static_cast<T>(pad_value);
        const auto bytes = static_cast<std::size_t>(g.c) * sizeof(T);
        detail::over_images(g.n, g.n * g.ho * g.wo * g.row(), [&](std::int64_t first, std::int64_t last) {
            for_each_slot(
                g, first, last, [&](std::int64_t slot, std::int64_t pixel) { std::memcpy(out + slot, in + pixel, bytes); },
                [&](std::int64_t slot) { std::fill_n(out + slot, g.c, pad); });
        });
    });
    record("im2col", cols, {&x}, [shape = x.shape(), window](const Tensor& grad, InputGrads& dx) {
        if (dx.needs(0)) dx[0] = col2im(grad, shape, window);
    });
    return cols;
}

Tensor col2im(const Tensor& cols, const Shape& image_shape, const Window2d& window) {
    check_image("col2im", "columns", cols);
    const Geometry g = geometry("col2im", image_shape, window);
    const Shape expected{g.n, g.ho, g.wo, g.row()};
    if (cols.shape() != expected) {
        throw ShapeError("col2im: columns " + to_string(cols.shape()) + " do not match the " + window_text(window) +
                         " over image " + to_string(image_shape) + ", which gives " + to_string(expected));
    }
    Tensor image = zeros(image_shape, cols.dtype());
    visit_floating(cols.dtype(), "col2im", [&](auto tag) {
        using T = decltype(tag);
        const T* in = cols.data<T>();
        T* out = image.data<T>();
        detail::over_images(g.n, g.n * g.ho * g.wo * g.row(), [&](std::int64_t first, std::int64_t last) {
            for_each_slot(
                g, first, last,
                [&](std::int64_t slot, std::int64_t pixel) {
                    for (std::int64_t c = 0; c < g.c; ++c) out[pixel + c] += in[slot + c];
                },
                [](std::int64_t) {});
        });
    });
    record("col2im", image, {&cols}, [window](const Tensor& grad, InputGrads& dx) {
        if (dx.needs(0)) dx[0] = im2col(grad, window);
    });
    return image;
}

namespace {

/// Group `g` of `groups` along the channel axis (t itself when there is one group).
Tensor group_of(const Tensor& t, std::int64_t g, std::int64_t groups) {
    if (groups == 1) return t;
    const std::int64_t size = t.shape()[3] / groups;
    return slice(t, 3, g * size, (g + 1) * size);
}

/// Group tensors joined back along the channel axis.
Tensor join_groups(const std::vector<Tensor>& parts, std::int64_t axis) {
    return parts.size() == 1 ? parts[0] : concat(parts, axis);
}

/// conv2d from im2col and one matmul per group: any dtype, any order of gradient.
Tensor composite_conv2d(const Tensor& x, const Tensor& kernel, const Tensor& bias, const Window2d& window,
                        std::int64_t groups) {
    const std::int64_t filters = kernel.shape()[3], filters_per_group = filters / groups;
    std::vector<Tensor> outputs;
    Shape out_shape;
    for (std::int64_t g = 0; g < groups; ++g) {
        const Tensor cols = im2col(group_of(x, g, groups), window);
        const std::int64_t rows = cols.numel() / cols.shape()[3];
        out_shape = {cols.shape()[0], cols.shape()[1], cols.shape()[2], filters};
        outputs.push_back(matmul(reshape(cols, {rows, cols.shape()[3]}),
                                 reshape(group_of(kernel, g, groups), {cols.shape()[3], filters_per_group})));
    }
    Tensor y = reshape(join_groups(outputs, 1), out_shape);
    if (bias.defined()) y = y + bias;
    return y;
}

/// The gradients of conv2d composed from differentiable ops (per group,
/// dx = col2im(g · kernelᵀ), dkernel = im2col(x)ᵀ · g), for backward passes
/// that build a graph (create_graph).
void composite_conv2d_gradients(const Tensor& x, const Tensor& kernel, const Tensor& grad, const Window2d& window,
                                std::int64_t groups, InputGrads& dx) {
    const std::int64_t filters_per_group = kernel.shape()[3] / groups;
    const std::int64_t rows = grad.numel() / grad.shape()[3], window_size = kernel.numel() / kernel.shape()[3];
    std::vector<Tensor> image_grads, kernel_grads;
    for (std::int64_t g = 0; g < groups; ++g) {
        const Tensor xg = group_of(x, g, groups), kg = group_of(kernel, g, groups);
        const Tensor grad_rows = reshape(group_of(grad, g, groups), {rows, filters_per_group});
        if (dx.needs(0)) {
            const Tensor cols = matmul(grad_rows, transpose(reshape(kg, {window_size, filters_per_group}), 0, 1));
            const Shape& gs = grad.shape();
            image_grads.push_back(col2im(reshape(cols, {gs[0], gs[1], gs[2], window_size}), xg.shape(), window));
        }
        if (dx.needs(1)) {
            const Tensor cols = reshape(im2col(xg, window), {rows, window_size});
            kernel_grads.push_back(reshape(matmul(transpose(cols, 0, 1), grad_rows), kg.shape()));
        }
    }
    if (dx.needs(0)) dx[0] = join_groups(image_grads, 3);
    if (dx.needs(1)) dx[1] = join_groups(kernel_grads, 3);
    if (dx.needs(2)) dx[2] = sum(grad, {0, 1, 2});
}

detail::ConvShape conv_shape(const Tensor& x, const Tensor& kernel, const Tensor& bias, const Window2d& window,
                             std::int64_t groups) {
    const Geometry g = geometry("conv2d", x.shape(), window);
    return {g.n,  g.h,  g.w,      g.c,    kernel.shape()[3], g.kh,    g.kw, groups, g.sh,          g.sw,
            g.dh, g.dw, g.top, g.bottom, g.left,            g.right, g.ho, g.wo,   bias.defined()};
}

/// conv2d on oneDNN's float32 primitives (ops/convolution_dnnl.hpp).
Tensor dnnl_conv2d(const Tensor& x, const Tensor& kernel, const Tensor& bias, const detail::ConvShape& shape,
                   const Window2d& window) {
    Tensor y({shape.n, shape.ho, shape.wo, shape.filters}, Dtype::float32);
    detail::dnnl_convolution_forward(shape, x.data<float>(), kernel.data<float>(),
                                     bias.defined() ? bias.data<float>() : nullptr, y.data<float>());
    record("conv2d", y, {&x, &kernel, &bias},
           [sx = SavedTensor(x), sk = SavedTensor(kernel), shape, window](const Tensor& g, InputGrads& dx) {
               const Tensor x = sx.get(), kernel = sk.get();
               if (is_grad_enabled() || g.dtype() != Dtype::float32) {
                   composite_conv2d_gradients(x, kernel, g, window, shape.groups, dx);
                   return;
               }
               if (dx.needs(0)) {
                   dx[0] = Tensor(x.shape(), Dtype::float32);
                   detail::dnnl_convolution_backward_data(shape, g.data<float>(), kernel.data<float>(), dx[0].data<float>());
               }
               if (dx.needs(1) || dx.needs(2)) {
                   Tensor dkernel(kernel.shape(), Dtype::float32);
                   Tensor dbias = dx.needs(2) ? Tensor({shape.filters}, Dtype::float32) : Tensor();
                   detail::dnnl_convolution_backward_weights(shape, x.data<float>(), g.data<float>(), dkernel.data<float>(),
                                                             dbias.defined() ? dbias.data<float>() : nullptr);
                   if (dx.needs(1)) dx[1] = dkernel;
                   if (dx.needs(2)) dx[2] = dbias;
               }
           });
    return y;
}

Tensor convolve(const Tensor& x, const Tensor& kernel, const Tensor& bias, const Conv2dOptions& options) {
    check_image("conv2d", "input", x);
    check_image("conv2d", "kernel", kernel);
    if (kernel.dtype() != x.dtype() || (bias.defined() && bias.dtype() != x.dtype())) {
        throw DtypeError("conv2d: input, kernel and bias must have one dtype, got " + std::string(dtype_name(x.dtype())) +
                         ", " + std::string(dtype_name(kernel.dtype())) +
                         (bias.defined() ? ", " + std::string(dtype_name(bias.dtype())) : std::string()));
    }
    if (options.data_format == DataFormat::channels_first) {
        Conv2dOptions last = options;
        last.data_format = DataFormat::channels_last;
        return permute(conv2d(permute(x, {0, 2, 3, 1}), kernel, bias, last), {0, 3, 1, 2});
    }
    const std::int64_t groups = options.groups;
    const std::int64_t channels = x.shape()[3], filters = kernel.shape()[3];
    if (groups < 1) throw ValueError("conv2d: groups must be >= 1, got " + std::to_string(groups));
    if (channels < 1 || filters < 1) {
        throw ShapeError("conv2d: input " + to_string(x.shape()) + " and kernel " + to_string(kernel.shape()) +
                         " need at least one input channel and one filter");
    }
    if (channels % groups != 0 || filters % groups != 0 || kernel.shape()[2] * groups != channels) {
        throw ShapeError("conv2d: kernel " + to_string(kernel.shape()) + " [kh, kw, C / groups, filters] does not fit input " +
                         to_string(x.shape()) + " [N, H, W, C] with groups " + std::to_string(groups) +
                         " (C and filters must divide by groups, and C / groups = " +
                         std::to_string(channels / groups) + " must be the kernel's third dimension)");
    }
    if (bias.defined() && (bias.rank() != 1 || bias.shape()[0] != filters)) {
        throw ShapeError("conv2d: bias must have shape [" + std::to_string(filters) + "] (one per filter), got " +
                         to_string(bias.shape()));
    }
    const Window2d window{{kernel.shape()[0], kernel.shape()[1]}, options.strides, options.dilation, options.padding};
    if (x.dtype() == Dtype::float32 && x.shape()[0] > 0) {  // an empty batch (a rank's empty shard): composite
        const detail::ConvShape shape = conv_shape(x, kernel, bias, window, groups);
        if (detail::dnnl_convolution_available(shape)) return dnnl_conv2d(x, kernel, bias, shape, window);
    }
    return composite_conv2d(x, kernel, bias, window, groups);
}

}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& kernel, const Tensor& bias, const Conv2dOptions& options) {
    const CompositeOpTrace trace;  // one Conv, whichever path computes it
    Tensor y = convolve(x, kernel, bias, options);
    trace.record("conv2d", {&x, &kernel, &bias}, y, [&] {
        const Window2d window{{kernel.shape()[0], kernel.shape()[1]}, options.strides, options.dilation, options.padding};
        OpAttributes attributes = detail::window_attributes(x.shape(), window, options.data_format);
        attributes.push_back({"groups", options.groups});
        return attributes;
    });
    return y;
}

XGRAD_REGISTER_OP(im2col, differentiable);
XGRAD_REGISTER_OP(col2im, differentiable);
XGRAD_REGISTER_OP(conv2d, differentiable);

}  // namespace xgrad
