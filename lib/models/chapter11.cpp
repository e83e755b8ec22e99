#include "xgrad/models/chapter11.hpp"

#include "xgrad/nn/batch_norm.hpp"
#include "xgrad/nn/dense.hpp"
#include "xgrad/nn/flatten.hpp"

namespace xgrad::models {

nn::Sequential mlp(const nn::ActivationFn& activation, const nn::InitializerRef& init,
                   const std::vector<std::int64_t>& hidden) {
    nn::Sequential model{nn::Flatten({28, 28})};
    for (std::int64_t units : hidden) model.add(nn::Dense(units, activation, init));
    model.add(nn::Dense(10, "softmax"));
    return model;
}

nn::Sequential batch_norm_mlp(const nn::ActivationFn& activation, const nn::InitializerRef& init) {
    return nn::Sequential{
        nn::Flatten({28, 28}),
        nn::BatchNormalization(),
        nn::Dense(300, activation, init),
        nn::BatchNormalization(),
        nn::Dense(100, activation, init),
        nn::BatchNormalization(),
        nn::Dense(10, "softmax"),
    };
}

nn::Sequential selu_deep(int depth, std::int64_t units) {
    nn::Sequential model{nn::Flatten({28, 28})};
    for (int i = 0; i < depth; ++i) model.add(nn::Dense(units, "selu", "lecun_normal"));
    model.add(nn::Dense(10, "softmax"));
    return model;
}

}  // namespace xgrad::models
