#include "xgrad/models/registry.hpp"

#include "xgrad/models/chapter11.hpp"
#include "xgrad/models/cnn.hpp"
#include "xgrad/models/resnet.hpp"

namespace xgrad::models {

Registry<ModelEntry>& model_registry() {
    static Registry<ModelEntry> registry(
        "model",
        {
            {"bn-mlp", {"the notebook's batch-norm MLP",
                        [](const ModelOptions& o) { return batch_norm_mlp(o.activation, o.init); }}},
            {"mlp", {"the 300-100 MLP", [](const ModelOptions& o) { return mlp(o.activation, o.init); }}},
            // The notebook trains the self-normalizing net on standardized inputs with SGD at 0.001.
            {"selu100", {"100 SELU layers, standardized inputs", [](const ModelOptions&) { return selu_deep(100, 100); },
                         true, 0.001}},
            {"cnn", {"2 conv + 2 pool layers", [](const ModelOptions&) { return small_cnn(); }}},
            {"book-cnn", {"the book's 5-conv CNN; slow on a CPU", [](const ModelOptions&) { return book_cnn(); }}},
            // A functional model is a layer: the Sequential around it trains, saves and exports as the others.
            {"resnet", {"a small ResNet, 6 residual units", [](const ModelOptions&) { return nn::Sequential{small_resnet()}; }}},
        });
    return registry;
}

}  // namespace xgrad::models
