#pragma once
/// \file
/// Data-parallel training by hand (in train/, above nn: it works on models'
/// parameters; the collectives it uses live in distributed/): every rank holds the whole model, trains
/// on its own share of each global batch, and averages the gradients before
/// the optimizer step, so all ranks take the same step:
///
///     distributed::broadcast_parameters(model);          // once: rank 0's weights everywhere
///     data::DataLoader loader(train, {.batch_size = B, .shuffle = true,
///                                     .num_shards = distributed::size(), .shard = distributed::rank()});
///     for (const data::Batch& b : loader) {   // my part of each global batch of B·size (the last may be empty)
///         optimizer.zero_grad();
///         if (b.size() > 0) loss_fn(b.y, model(b.x, true)).backward();   // the mean over my rows
///         distributed::average_gradients(model, b.size());
///         optimizer.step();                                // clipping sees the averaged gradient
///     }
///
/// With per-sample-mean losses and no batch statistics (no batch norm, batch
/// norm in inference mode, or BatchNormalization().synchronized(true)), this
/// is the step one process takes on the whole global batch, to float
/// rounding: each rank's gradient is weighted by its sample count, so an
/// uneven last batch averages correctly too. With synchronized batch
/// normalization every rank must run forward and backward each step, also
/// on an empty batch (its all-reduces need every rank), as fit() does.
///
/// Thread safety: as the collectives (one call at a time per process), and
/// the model must not be used by other threads meanwhile.
#include <cstddef>
#include <cstdint>

#include <map>
#include <string>

#include "xgrad/core/named_tensor.hpp"
#include "xgrad/distributed/collectives.hpp"
#include "xgrad/nn/module.hpp"

namespace xgrad::distributed {

/// Copies every tensor of `state` (a state_dict: weights and buffers) from
/// rank `root` to all ranks, in key order; every rank must pass the same
/// keys with the same shapes and dtypes.
void broadcast_parameters(const std::map<std::string, Tensor>& state, int root = 0);

/// Copies every weight and buffer of `model` from rank `root` to all ranks
/// (its state_dict(); the models must have the same structure).
void broadcast_parameters(nn::Module& model, int root = 0);

/// Options of average_gradients().
struct GradientAveraging {
    /// Gradients travel in buckets of about this many bytes (one all-reduce
    /// each), per dtype.
    std::size_t bucket_bytes = std::size_t{4} << 20;
};

/// Replaces the gradient of every parameter `source` gives now (a module's
/// trainable ones: nn::Module::parameter_source(), as optimizers take them) by the
/// average over all ranks, weighted by each rank's `local_samples` (the
/// rows its loss averaged over; 0 for a rank without data this step).
/// Frozen parameters (requires_grad false) are skipped. A parameter
/// without a gradient on this rank counts as zero and receives the average.
/// ValueError when the total sample count is 0 or negative counts are given.
void average_gradients(const ParameterSource& source, std::int64_t local_samples, GradientAveraging options = {});

/// average_gradients() over the trainable parameters of `model`.
void average_gradients(nn::Module& model, std::int64_t local_samples, GradientAveraging options = {});

}  // namespace xgrad::distributed
