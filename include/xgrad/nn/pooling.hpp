#pragma once
/// \file
/// Pooling layers (Keras' MaxPooling2D, AveragePooling2D,
/// GlobalAveragePooling2D, GlobalMaxPooling2D) over images [N, H, W, C]
/// (or [N, C, H, W] with data_format "channels_first"); no weights. The
/// computations are ops::max_pool2d, avg_pool2d and the global ones
/// (xgrad/ops/pooling.hpp), whose docs list the differences from PyTorch.
/// pool_size and strides entries must lie in [1, 2^16] (ValueError when set
/// or loaded; see max_window_extent).
///
///     MaxPooling2D()                              // 2x2, strides 2
///     AveragePooling2D({3, 3}).strides({1, 1}).padding("same")
///     GlobalAveragePooling2D()                    // [N, H, W, C] → [N, C]
#include <cstdint>
#include <string>
#include <vector>

#include "xgrad/nn/layer.hpp"
#include "xgrad/ops/pooling.hpp"

namespace xgrad::nn {

/// The reduction a pooling layer applies over each window: the maximum or the mean.
enum class PoolKind { max, average };

/// MaxPooling2D and AveragePooling2D.
template <PoolKind kind> class Pooling2D : public Layer<Pooling2D<kind>> {
public:
    /// A {ph, pw} pool (Keras' default 2x2); strides default to the pool size.
    explicit Pooling2D(std::vector<std::int64_t> pool_size = {2, 2}) {
        this->set(&Pooling2D::pool_size_, std::move(pool_size));
    }
    /// {sh, sw}, or one number for both (default: the pool size).
    Pooling2D& strides(std::vector<std::int64_t> s) { return this->set(&Pooling2D::strides_, std::move(s)); }
    /// "valid" (default) or "same".
    Pooling2D& padding(std::string p) { return this->set(&Pooling2D::padding_, std::move(p)); }
    /// "channels_last" (default) or "channels_first".
    Pooling2D& data_format(std::string f) { return this->set(&Pooling2D::data_format_, std::move(f)); }

    /// The options as the pooling ops take them (ValueError naming the layer for invalid ones).
    Pool2dOptions pool_options() const;
    Tensor forward(const Tensor& x, bool training) override;
    /// pool_size, strides (empty: the pool size), padding, data_format.
    static const Options<Pooling2D>& options();
    Shape output_shape(const Shape& input_shape) override;

private:
    std::vector<std::int64_t> pool_size_{2, 2};
    std::vector<std::int64_t> strides_;
    std::string padding_ = "valid";
    std::string data_format_ = "channels_last";
};

/// Keras' MaxPooling2D: the maximum of each window.
using MaxPooling2D = Pooling2D<PoolKind::max>;
/// Keras' AveragePooling2D: the mean of each window.
using AveragePooling2D = Pooling2D<PoolKind::average>;

/// GlobalMaxPooling2D and GlobalAveragePooling2D: [N, C] (or [N, 1, 1, C] /
/// [N, C, 1, 1] with keepdims).
template <PoolKind kind> class GlobalPooling2D : public Layer<GlobalPooling2D<kind>> {
public:
    GlobalPooling2D() = default;
    /// "channels_last" (default) or "channels_first".
    GlobalPooling2D& data_format(std::string f) { return this->set(&GlobalPooling2D::data_format_, std::move(f)); }
    /// Keep the spatial axes with size 1 (default false).
    GlobalPooling2D& keepdims(bool on) { return this->set(&GlobalPooling2D::keepdims_, on); }
    /// "channels_last" or "channels_first".
    const std::string& data_format() const noexcept { return data_format_; }
    /// Whether the spatial axes are kept with size 1.
    bool keepdims() const noexcept { return keepdims_; }

    Tensor forward(const Tensor& x, bool training) override;
    /// data_format, keepdims.
    static const Options<GlobalPooling2D>& options();
    Shape output_shape(const Shape& input_shape) override;

private:
    std::string data_format_ = "channels_last";
    bool keepdims_ = false;
};

/// Keras' GlobalMaxPooling2D: the maximum over H and W for each channel.
using GlobalMaxPooling2D = GlobalPooling2D<PoolKind::max>;
/// Keras' GlobalAveragePooling2D: the mean over H and W for each channel.
using GlobalAveragePooling2D = GlobalPooling2D<PoolKind::average>;

}  // namespace xgrad::nn
