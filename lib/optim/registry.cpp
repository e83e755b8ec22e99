#include "xgrad/optim/registry.hpp"

#include "xgrad/optim/adagrad.hpp"
#include "xgrad/optim/adam.hpp"
#include "xgrad/optim/lion.hpp"
#include "xgrad/optim/rmsprop.hpp"
#include "xgrad/optim/sgd.hpp"

namespace xgrad::optim {

Registry<OptimizerFactory>& optimizer_registry() {
    // The built-ins are constructor arguments, so they are there before any
    // static initializer of another file looks them up.
    static Registry<OptimizerFactory> registry("optimizer", {
                                                                {"sgd", optimizer_factory<SGDOptions>()},
                                                                {"adagrad", optimizer_factory<AdagradOptions>()},
                                                                {"rmsprop", optimizer_factory<RMSpropOptions>()},
                                                                {"adam", optimizer_factory<AdamOptions>()},
                                                                {"adamw", optimizer_factory<AdamWOptions>()},
                                                                {"adamax", optimizer_factory<AdamaxOptions>()},
                                                                {"nadam", optimizer_factory<NadamOptions>()},
                                                                {"lion", optimizer_factory<LionOptions>()},
                                                            });
    return registry;
}

}  // namespace xgrad::optim
