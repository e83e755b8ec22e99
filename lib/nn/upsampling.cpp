#include "xgrad/nn/upsampling.hpp"

#include "xgrad/nn/conv.hpp"
#include "xgrad/ops/upsampling.hpp"

namespace xgrad::nn {

UpSampling2D::UpSampling2D(std::vector<std::int64_t> size) { set(&UpSampling2D::size_, std::move(size)); }

const Options<UpSampling2D>& UpSampling2D::options() {
    static const auto options = Options<UpSampling2D>("UpSampling2D")
                                    .add("size", &UpSampling2D::size_, require::window_entries)
                                    .add("data_format", &UpSampling2D::data_format_)
                                    .add("interpolation", &UpSampling2D::interpolation_);
    return options;
}
XGRAD_REGISTER_LAYER(UpSampling2D);

Tensor UpSampling2D::forward(const Tensor& x, bool) {
    const std::string who = name() + " (UpSampling2D)";
    const auto factors = parse_pair(size_, who, "size");
    const DataFormat format = parse_data_format(data_format_, who);
    image_spatial_axis(x.shape(), format, who);
    if (interpolation_ == "nearest") return upsample_nearest2d(x, factors, format);
    if (interpolation_ == "bilinear") return upsample_bilinear2d(x, factors, format);
    throw ValueError(who + ": interpolation must be \"nearest\" or \"bilinear\", got \"" + interpolation_ + "\"");
}

Shape UpSampling2D::output_shape(const Shape& input_shape) {
    const std::string who = name() + " (UpSampling2D)";
    if (interpolation_ != "nearest" && interpolation_ != "bilinear")
        throw ValueError(who + ": interpolation must be \"nearest\" or \"bilinear\", got \"" + interpolation_ + "\"");
    const auto factors = parse_pair(size_, who, "size");
    const std::size_t h = image_spatial_axis(input_shape, parse_data_format(data_format_, who), who);
    Shape out = input_shape;
    for (std::size_t axis = 0; axis < 2; ++axis) {
        const std::int64_t n = input_shape[h + axis];
        std::int64_t scaled = -1;
        if (n >= 0 && __builtin_mul_overflow(n, factors[axis], &scaled))
            throw ShapeError(who + ": input size " + std::to_string(n) + " times " + std::to_string(factors[axis]) +
                             " overflows int64");
        out[h + axis] = scaled;
    }
    return out;
}

}  // namespace xgrad::nn
