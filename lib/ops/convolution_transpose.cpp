// 2-D transposed convolution: conv2d's input gradient as an op of its own.
//
//   conv2d_transpose  y = col2im(x · kernelᵀ) (+ bias), the image [N, Ho, Wo, filters]
//                     seen as the input of a conv2d whose output is x
//                     dx = conv2d(dy, kernel), dkernel = im2col(dy)ᵀ · x, dbias = Σ dy
//
// The output keeps positions [crop, crop + size) of the full result: as a
// conv2d geometry, the image is padded by `crop` before and by whatever
// makes that conv2d's output exactly x's size after (0 when the output runs
// past the full result, those positions then receive nothing).
// float32 runs on oneDNN's convolution primitives with the roles swapped
// (forward = backward data, dx = forward, dkernel = backward weights).
#include "xgrad/ops/convolution_transpose.hpp"

#include <algorithm>
#include <string>

#include "ops/convolution_dnnl.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/ops/convolution.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

namespace {

constexpr const char* kOp = "conv2d_transpose";

/// One spatial axis: the output size and the positions of the full result
/// it drops before (crop) and after (negative past its end).
struct Axis {
    std::int64_t size, before, after;
};

std::int64_t dilated(std::int64_t k, std::int64_t d) { return d * (k - 1) + 1; }

Axis transpose_axis(std::int64_t n, std::int64_t k, const Conv2dTransposeOptions& o, int axis) {
    const std::int64_t s = o.strides[axis], span = dilated(k, o.dilation[axis]);
    const Padding2d& p = o.padding;
    const bool padded = o.output_padding.has_value();
    const std::int64_t extra = padded ? (*o.output_padding)[axis] : 0;
    if (extra < 0 || extra >= s) {
        throw ValueError(std::string(kOp) + ": output_padding must be in [0, stride) per axis, got " +
                         std::to_string(extra) + " with stride " + std::to_string(s));
    }
    if (n < 1) throw ShapeError(std::string(kOp) + ": input size must be at least 1, got " + std::to_string(n));
    // (n − 1)·s + span: s and span are at most 2^16 (checked), n may be anything.
    std::int64_t full = 0;
    if (__builtin_mul_overflow(n - 1, s, &full) || __builtin_add_overflow(full, span, &full))
        throw ShapeError(std::string(kOp) + ": input size " + std::to_string(n) + " times stride " +
                         std::to_string(s) + " overflows int64");
    std::int64_t size = 0, crop = 0;
    switch (p.mode) {
        case Padding2d::Mode::valid:
            size = padded ? full + extra : full + std::max<std::int64_t>(s - span, 0);
            break;
        case Padding2d::Mode::same: {
            size = padded ? full - 2 * (span / 2) + extra : full + s - span;  // n·s without the product
            const std::int64_t q = padded ? span + span % 2 - 2 + extra : s + span - 2;
            crop = span - 1 - std::min(q / 2 + q % 2, span - 1);
            break;
        }
        case Padding2d::Mode::explicit_sizes: {
            const std::int64_t before = axis == 0 ? p.top : p.left, after = axis == 0 ? p.bottom : p.right;
            size = full - before - after + extra;
            crop = before;
            break;
        }
    }
    if (size < 1) {
        throw ShapeError(std::string(kOp) + ": input size " + std::to_string(n) + " with a window of " +
                         std::to_string(k) + " (dilation " + std::to_string(o.dilation[axis]) + "), stride " +
                         std::to_string(s) + " and this padding gives an output size " + std::to_string(size) +
                         " (at least 1 needed)");
    }
    return {size, crop, full - crop - size};
}

/// The checked shapes of one conv2d_transpose, channels-last.
struct Geometry {
    Shape out;        // [N, Ho, Wo, filters]
    Window2d window;  // the conv2d from `out` back to x's shape
};

void check_operand(const char* what, const Tensor& t) {
    if (!is_floating(t.dtype()))
        throw DtypeError(std::string(kOp) + ": " + what + " must be float32 or float64, got " +
                         std::string(dtype_name(t.dtype())));
    if (t.rank() != 4) throw ShapeError(std::string(kOp) + ": " + what + " must be 4-D, got " + to_string(t.shape()));
}

Geometry geometry(const Tensor& x, const Tensor& kernel, const Tensor& bias, const Conv2dTransposeOptions& o) {
    const Shape& xs = x.shape();
    const Shape& ks = kernel.shape();
    const std::int64_t filters = ks[2];
    if (xs[3] < 1 || filters < 1 || ks[3] != xs[3]) {
        throw ShapeError(std::string(kOp) + ": kernel " + to_string(ks) + " [kh, kw, filters, C] does not fit input " +
                         to_string(xs) + " [N, H, W, C] (C must be the kernel's last dimension; C and filters at least 1)");
    }
    if (bias.defined() && (bias.rank() != 1 || bias.shape()[0] != filters)) {
        throw ShapeError(std::string(kOp) + ": bias must have shape [" + std::to_string(filters) +
                         "] (one per filter), got " + to_string(bias.shape()));
    }
    Window2d window{{ks[0], ks[1]}, o.strides, o.dilation, {}};
    check_window({window.size, o.strides, o.dilation, o.padding}, kOp);
    const Axis rows = transpose_axis(xs[1], ks[0], o, 0), cols = transpose_axis(xs[2], ks[1], o, 1);
    // As the conv2d from the output back to x: padded by the crop before, by the dropped positions after.
    window.padding = Padding2d(rows.before, std::max<std::int64_t>(rows.after, 0), cols.before,
                               std::max<std::int64_t>(cols.after, 0));
    Geometry g{{xs[0], rows.size, cols.size, filters}, window};
    checked_numel(g.out, std::string(kOp) + ": the output");
    return g;
}

/// kernel [kh, kw, filters, C] as the matrix [kh·kw·filters, C].
Tensor kernel_rows(const Tensor& kernel) {
    const Shape& ks = kernel.shape();
    return reshape(kernel, {ks[0] * ks[1] * ks[2], ks[3]});
}

/// The composite: any dtype, any order of gradient.
Tensor composite_transpose(const Tensor& x, const Tensor& kernel, const Tensor& bias, const Geometry& g) {
    const Shape& xs = x.shape();
    const Tensor k = kernel_rows(kernel);
    const Tensor cols = matmul(reshape(x, {xs[0] * xs[1] * xs[2], xs[3]}), transpose(k, 0, 1));
    Tensor y = col2im(reshape(cols, {xs[0], xs[1], xs[2], k.shape()[0]}), g.out, g.window);
    if (bias.defined()) y = y + bias;
    return y;
}

/// The gradients composed from differentiable ops, for backward passes that build a graph.
void composite_gradients(const Tensor& x, const Tensor& kernel, const Tensor& grad, const Window2d& window,
                         InputGrads& dx) {
    const Shape& xs = x.shape();
    const Tensor k = kernel_rows(kernel);
    const std::int64_t rows = xs[0] * xs[1] * xs[2];
    const Tensor cols = reshape(im2col(grad, window), {rows, k.shape()[0]});
    if (dx.needs(0)) dx[0] = reshape(matmul(cols, k), xs);
    if (dx.needs(1)) dx[1] = reshape(matmul(transpose(cols, 0, 1), reshape(x, {rows, xs[3]})), kernel.shape());
    if (dx.needs(2)) dx[2] = sum(grad, {0, 1, 2});
}

/// The conv2d from the output image back to x, as oneDNN describes it.
detail::ConvShape conv_shape(const Tensor& x, const Geometry& g) {
    const Window2d& w = g.window;
    const Shape& xs = x.shape();
    return {g.out[0],        g.out[1],         g.out[2],        g.out[3],         xs[3],   w.size[0], w.size[1],
            1,               w.strides[0],     w.strides[1],    w.dilation[0],    w.dilation[1],
            w.padding.top,   w.padding.bottom, w.padding.left,  w.padding.right,  xs[1],   xs[2],     false};
}

Tensor dnnl_transpose(const Tensor& x, const Tensor& kernel, const Tensor& bias, const detail::ConvShape& shape,
                      const Geometry& g) {
    Tensor y = zeros(g.out, Dtype::float32);  // positions past the full result receive nothing
    detail::dnnl_convolution_backward_data(shape, x.data<float>(), kernel.data<float>(), y.data<float>());
    if (bias.defined()) {
        float* out = y.data<float>();
        const float* b = bias.data<float>();
        const std::int64_t filters = g.out[3], pixels = y.numel() / filters;
        for (std::int64_t p = 0; p < pixels; ++p)
            for (std::int64_t f = 0; f < filters; ++f) out[p * filters + f] += b[f];
    }
    record(kOp, y, {&x, &kernel, &bias},
           [sx = SavedTensor(x), sk = SavedTensor(kernel), shape, window = g.window](const Tensor& grad, InputGrads& dx) {
               const Tensor x = sx.get(), kernel = sk.get();
               if (is_grad_enabled() || grad.dtype() != Dtype::float32) {
                   composite_gradients(x, kernel, grad, window, dx);
                   return;
               }
               if (dx.needs(0)) {
                   dx[0] = Tensor(x.shape(), Dtype::float32);
                   detail::dnnl_convolution_forward(shape, grad.data<float>(), kernel.data<float>(), nullptr,
                                                    dx[0].data<float>());
               }
               if (dx.needs(1)) {
                   dx[1] = Tensor(kernel.shape(), Dtype::float32);
                   detail::dnnl_convolution_backward_weights(shape, grad.data<float>(), x.data<float>(),
                                                             dx[1].data<float>(), nullptr);
               }
               if (dx.needs(2)) dx[2] = sum(grad, {0, 1, 2});
           });
    return y;
}

}  // namespace

std::int64_t conv_transpose_output_size(std::int64_t n, std::int64_t k, const Conv2dTransposeOptions& options,
                                        int axis) {
    check_window({{k, k}, options.strides, options.dilation, options.padding}, kOp);
    return transpose_axis(n, k, options, axis).size;
}

std::array<std::int64_t, 2> conv_transpose_crop(std::int64_t n, std::int64_t k, const Conv2dTransposeOptions& options,
                                                int axis) {
    check_window({{k, k}, options.strides, options.dilation, options.padding}, kOp);
    const Axis a = transpose_axis(n, k, options, axis);
    return {a.before, a.after};
}

Tensor conv2d_transpose(const Tensor& x, const Tensor& kernel, const Tensor& bias, const Conv2dTransposeOptions& options) {
    check_operand("input", x);
    check_operand("kernel", kernel);
    if (kernel.dtype() != x.dtype() || (bias.defined() && bias.dtype() != x.dtype())) {
        throw DtypeError(std::string(kOp) + ": input, kernel and bias must have one dtype, got " +
                         std::string(dtype_name(x.dtype())) + ", " + std::string(dtype_name(kernel.dtype())) +
                         (bias.defined() ? ", " + std::string(dtype_name(bias.dtype())) : std::string()));
    }
    if (options.data_format == DataFormat::channels_first) {
        Conv2dTransposeOptions last = options;
        last.data_format = DataFormat::channels_last;
        return permute(conv2d_transpose(permute(x, {0, 2, 3, 1}), kernel, bias, last), {0, 3, 1, 2});
    }
    const Geometry g = geometry(x, kernel, bias, options);
    if (x.dtype() == Dtype::float32 && x.shape()[0] > 0) {  // an empty batch: composite
        const detail::ConvShape shape = conv_shape(x, g);
        if (detail::dnnl_convolution_available(shape)) return dnnl_transpose(x, kernel, bias, shape, g);
    }
    return composite_transpose(x, kernel, bias, g);
}

XGRAD_REGISTER_OP(conv2d_transpose, differentiable);

}  // namespace xgrad
