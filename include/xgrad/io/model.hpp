#pragma once
/// \file
/// Saving and loading models in one safetensors file (io/safetensors.hpp):
/// the weights and buffers under their hierarchical names (Module::state_dict,
/// "dense_1.kernel"), and the architecture as a JSON document stored as one
/// string in the header's __metadata__ under "xgrad.architecture":
///
///     {"format": 1, "model": {"type": "Sequential", "name": "sequential", "trainable": true,
///      "dtype": "float32", "input_shape": [28, 28], "build_input_shape": [-1, 28, 28],
///      "config": {}, "layers": [{"type": "Flatten", …}, {"type": "Dense", "config": {"units": "100", …}}]}}
///
/// A functional model (nn::Model, type "Functional") also stores its wiring
/// as Keras does: each layer entry's "inbound_nodes" (per call of the layer,
/// its inbound tensors as [layer name, call index, output index]) and the
/// model's "input_layers" and "output_layers" (lists of such references).
///
///     io::save(model, "model_A.safetensors");
///     nn::ModulePtr model_A = io::load("model_A.safetensors");
///     io::save_weights(model, "w.safetensors");     // weights only
///     io::load_weights(other, "w.safetensors");     // same names and shapes required
///
/// Extension point: a layer's options come from Module::config(), and
/// load() rebuilds each layer with the factory registered for its type name
/// in nn::layer_registry(). Built-in layers register themselves; a user layer
/// derived from nn::Layer registers with XGRAD_REGISTER_LAYER (nn/layer.hpp).
/// save() fails (IoError) for what load() could not rebuild: an
/// unregistered layer type, an unnamed activation callable, or an
/// initializer, regularizer or constraint that is not registered by name.
///
/// Not saved: layers' private random streams (NoiseLayer::seed(),
/// RReLU::generator()).
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "xgrad/nn/module.hpp"

namespace xgrad::io {

/// The most layers (modules, containers included, the model itself counted)
/// an architecture may declare: load() rejects a larger one with an IoError
/// naming its count before building any layer. A functional model's graph
/// may also hold at most this many layer calls.
inline constexpr std::size_t max_layers = 100'000;

/// The architecture JSON of `model` (what save() stores in __metadata__).
std::string architecture_json(const nn::Module& model);
/// Rebuilds a model (unbuilt weights created, values not loaded) from architecture_json().
nn::ModulePtr model_from_json(const std::string& json);

/// Keras' clone_model: the same architecture (layer types, configs, names,
/// trainable flags) with freshly initialized weights; copy the values with
/// `copy->set_weights(model.get_weights())` when wanted. (Module::clone()
/// is the deep copy with the same weights.)
nn::ModulePtr clone_model(const nn::Module& model);

/// Architecture + weights + buffers, atomically (IoError on failure).
void save(const nn::Module& model, const std::string& path);
/// A model saved by save(). IoError for a malformed file, an unknown layer
/// type (with a hint to register it), or weights that do not fit the architecture.
///
/// Untrusted files are safe to load: every malformed header, shape, offset or
/// architecture gives an IoError naming the file and the problem, and the
/// weights the architecture creates are bounded by the tensors the file
/// holds before any layer is built (a small file cannot make load() allocate
/// gigabytes). Layers must create their weights with Module::add_weight()
/// for that bound to cover them. Loading takes time linear in the file's
/// size, and at most max_layers layers.
nn::ModulePtr load(const std::string& path);
/// load() from the bytes of a file already in memory; `what` names it in errors.
nn::ModulePtr load_from_memory(std::span<const std::byte> bytes, const std::string& what = "<memory>");

/// Weights and buffers only, by hierarchical name.
void save_weights(const nn::Module& model, const std::string& path);
/// Copies the file's weights into `model` (built, same architecture): IoError
/// naming the file for a missing or unexpected name, a shape mismatch (both
/// shapes) or a dtype mismatch (both dtypes). All or nothing: on an error
/// no weight of `model` has changed.
void load_weights(nn::Module& model, const std::string& path);

}  // namespace xgrad::io
