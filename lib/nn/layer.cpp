#include "xgrad/nn/layer.hpp"

namespace xgrad::nn {

Registry<LayerFactory>& layer_registry() {
    static Registry<LayerFactory> registry("layer type");
    return registry;
}

void register_layer(std::string type_name, LayerFactory factory) {
    layer_registry().add(std::move(type_name), std::move(factory));
}

}  // namespace xgrad::nn
