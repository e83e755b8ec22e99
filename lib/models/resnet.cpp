#include "xgrad/models/resnet.hpp"

#include <string>

#include "xgrad/core/error.hpp"
#include "xgrad/nn/activation_layers.hpp"
#include "xgrad/nn/batch_norm.hpp"
#include "xgrad/nn/conv.hpp"
#include "xgrad/nn/dense.hpp"
#include "xgrad/nn/merge.hpp"
#include "xgrad/nn/pooling.hpp"
#include "xgrad/nn/reshape.hpp"

namespace xgrad::models {

using namespace xgrad::nn;

namespace {

/// A "same"-padded convolution without bias, He-initialized for the ReLUs.
Conv2D conv(std::int64_t filters, std::int64_t kernel_size, std::int64_t stride) {
    return std::move(Conv2D(filters, kernel_size, {}, "he_normal").strides({stride, stride}).padding("same").use_bias(false));
}

/// The book's ResidualUnit: conv → BN → ReLU → conv → BN, plus the input
/// (through a 1 × 1 strided conv → BN when the shape changes), then ReLU.
SymbolicTensor residual_unit(const SymbolicTensor& x, std::int64_t filters, std::int64_t stride) {
    SymbolicTensor main = ReLU()(BatchNormalization()(conv(filters, 3, stride)(x)));
    main = BatchNormalization()(conv(filters, 3, 1)(main));
    SymbolicTensor skip = x;
    if (stride != 1 || x.shape().back() != filters) skip = BatchNormalization()(conv(filters, 1, stride)(x));
    return ReLU()(Add()({main, skip}));
}

}  // namespace

Model small_resnet(const std::vector<std::int64_t>& stage_filters, std::int64_t units_per_stage, std::int64_t classes) {
    if (stage_filters.empty()) throw ValueError("small_resnet: stage_filters is empty; give one filter count per stage");
    if (units_per_stage < 1)
        throw ValueError("small_resnet: units_per_stage must be at least 1, got " + std::to_string(units_per_stage));
    const SymbolicTensor image = Input({28, 28}, "image");
    SymbolicTensor x = ReLU()(BatchNormalization()(conv(stage_filters[0], 3, 1)(Reshape({28, 28, 1})(image))));
    for (std::size_t stage = 0; stage < stage_filters.size(); ++stage)
        for (std::int64_t unit = 0; unit < units_per_stage; ++unit)
            x = residual_unit(x, stage_filters[stage], stage > 0 && unit == 0 ? 2 : 1);
    const SymbolicTensor probabilities = Dense(classes, "softmax")(GlobalAveragePooling2D()(x));
    return Model(image, probabilities, "small_resnet");
}

}  // namespace xgrad::models
