#include "xgrad/nn/pooling.hpp"

#include "xgrad/nn/conv.hpp"

namespace xgrad::nn {

namespace {

const char* type_of(PoolKind kind, bool global) {
    if (global) return kind == PoolKind::max ? "GlobalMaxPooling2D" : "GlobalAveragePooling2D";
    return kind == PoolKind::max ? "MaxPooling2D" : "AveragePooling2D";
}

}  // namespace

template <PoolKind kind> const Options<Pooling2D<kind>>& Pooling2D<kind>::options() {
    using P = Pooling2D<kind>;
    static const auto options = Options<P>(type_of(kind, false))
                                    .add("pool_size", &P::pool_size_, require::window_entries)
                                    .add("strides", &P::strides_, require::window_entries)
                                    .add("padding", &P::padding_)
                                    .add("data_format", &P::data_format_);
    return options;
}

template <PoolKind kind> Pool2dOptions Pooling2D<kind>::pool_options() const {
    const std::string who = this->name() + " (" + type_of(kind, false) + ")";
    Pool2dOptions o;
    o.pool_size = parse_pair(pool_size_, who, "pool_size");
    if (!strides_.empty()) o.strides = parse_pair(strides_, who, "strides");
    o.padding = parse_padding(padding_, who);
    o.data_format = parse_data_format(data_format_, who);
    check_window({o.pool_size, o.strides.value_or(o.pool_size), {1, 1}, o.padding}, who);
    return o;
}

template <PoolKind kind> Tensor Pooling2D<kind>::forward(const Tensor& x, bool) {
    return kind == PoolKind::max ? max_pool2d(x, pool_options()) : avg_pool2d(x, pool_options());
}

template <PoolKind kind> Shape Pooling2D<kind>::output_shape(const Shape& input_shape) {
    const Pool2dOptions o = pool_options();
    const Window2d w{o.pool_size, o.strides.value_or(o.pool_size), {1, 1}, o.padding};
    return windowed_shape(input_shape, w, o.data_format, this->name() + " (" + type_of(kind, false) + ")");
}

template <PoolKind kind> const Options<GlobalPooling2D<kind>>& GlobalPooling2D<kind>::options() {
    using P = GlobalPooling2D<kind>;
    static const auto options =
        Options<P>(type_of(kind, true)).add("data_format", &P::data_format_).add("keepdims", &P::keepdims_);
    return options;
}

template <PoolKind kind> Tensor GlobalPooling2D<kind>::forward(const Tensor& x, bool) {
    const DataFormat format = parse_data_format(data_format_, this->name() + " (" + type_of(kind, true) + ")");
    return kind == PoolKind::max ? global_max_pool2d(x, format, keepdims_) : global_avg_pool2d(x, format, keepdims_);
}

template <PoolKind kind> Shape GlobalPooling2D<kind>::output_shape(const Shape& input_shape) {
    const std::string who = this->name() + " (" + type_of(kind, true) + ")";
    const DataFormat format = parse_data_format(data_format_, who);
    const std::size_t h = image_spatial_axis(input_shape, format, who);
    if (keepdims_) {
        Shape out = input_shape;
        out[h] = out[h + 1] = 1;
        return out;
    }
    return {input_shape[0], input_shape[format == DataFormat::channels_last ? 3 : 1]};
}

template class Pooling2D<PoolKind::max>;
template class Pooling2D<PoolKind::average>;
template class GlobalPooling2D<PoolKind::max>;
template class GlobalPooling2D<PoolKind::average>;

XGRAD_REGISTER_LAYER(MaxPooling2D);
XGRAD_REGISTER_LAYER(AveragePooling2D);
XGRAD_REGISTER_LAYER(GlobalMaxPooling2D);
XGRAD_REGISTER_LAYER(GlobalAveragePooling2D);

}  // namespace xgrad::nn
