// DataLoader: an epoch is a sample order cut into batch_size pieces (with
// shards, into global batches each shard takes its part of); a batch is
// gathered when the iterator is first dereferenced.
#include "xgrad/data/loader.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <string>

#include "xgrad/core/random.hpp"

namespace xgrad::data {

namespace {

/// Samples per global batch: batch_size · num_shards, saturating (batch_size may be huge).
std::int64_t global_batch(std::int64_t batch_size, std::int64_t num_shards) {
    return batch_size > std::numeric_limits<std::int64_t>::max() / num_shards ? std::numeric_limits<std::int64_t>::max()
                                                                                : batch_size * num_shards;
}

/// Where shard `shard`'s part of global batch i starts in an epoch's order of
/// n samples, and its length: the global batch split evenly, the first
/// shards taking one sample more.
std::pair<std::int64_t, std::int64_t> shard_rows(std::int64_t n, std::int64_t batch_size, std::int64_t num_shards,
                                                 std::int64_t shard, std::int64_t i) {
    const std::int64_t global = global_batch(batch_size, num_shards);
    const std::int64_t start = i * global;
    const std::int64_t count = std::min(global, n - start);
    const std::int64_t per = count / num_shards, extra = count % num_shards;
    return {start + shard * per + std::min(shard, extra), per + (shard < extra ? 1 : 0)};
}

}  // namespace

Batch Epoch::State::batch(std::int64_t i) const {
    if (i < 0 || i >= num_batches) {
        throw IndexError("Epoch: batch " + std::to_string(i) + " is out of range for " + std::to_string(num_batches) +
                         " batches");
    }
    const auto [begin, count] =
        shard_rows(static_cast<std::int64_t>(order.size()), batch_size, num_shards, shard, i);
    return dataset.get(std::span<const std::int64_t>(order.data() + begin, static_cast<std::size_t>(count)));
}

const Batch& Epoch::iterator::operator*() const {
    if (!state_) throw IndexError("Epoch::iterator: dereferencing the end of an epoch");
    if (!loaded_) {
        batch_ = state_->batch(index_);
        loaded_ = true;
    }
    return batch_;
}

Batch Epoch::operator[](std::int64_t i) const { return state_->batch(i); }

DataLoader::DataLoader(Dataset dataset, DataLoaderOptions options)
    : dataset_(std::move(dataset)), options_(options) {
    if (options_.batch_size < 1) {
        throw ValueError("DataLoader: batch_size must be >= 1, got " + std::to_string(options_.batch_size));
    }
    if (options_.num_shards < 1 || options_.shard < 0 || options_.shard >= options_.num_shards) {
        throw ValueError("DataLoader: shard " + std::to_string(options_.shard) + " of " +
                         std::to_string(options_.num_shards) + " shards (need num_shards >= 1 and 0 <= shard < num_shards)");
    }
}

std::int64_t DataLoader::num_batches() const {
    const std::int64_t n = dataset_.size(), b = global_batch(options_.batch_size, options_.num_shards);
    return n / b + (!options_.drop_last && n % b != 0);  // no n + b − 1: b may be huge
}

std::int64_t DataLoader::batch_size(std::int64_t i) const {
    if (i < 0 || i >= num_batches()) {
        throw IndexError("DataLoader: batch " + std::to_string(i) + " is out of range for " +
                         std::to_string(num_batches()) + " batches");
    }
    return shard_rows(dataset_.size(), options_.batch_size, options_.num_shards, options_.shard, i).second;
}

std::vector<std::int64_t> DataLoader::order(std::int64_t epoch) const {
    if (epoch < 0) throw ValueError("DataLoader: epoch must be >= 0, got " + std::to_string(epoch));
    const std::int64_t n = dataset_.size();
    if (!options_.shuffle) {
        std::vector<std::int64_t> identity(static_cast<std::size_t>(n));
        std::iota(identity.begin(), identity.end(), std::int64_t{0});
        return identity;
    }
    // One stream per (seed, epoch); the Generator mixes the seed through splitmix64.
    Generator gen(options_.seed ^ (0x9E3779B97F4A7C15ull * (static_cast<std::uint64_t>(epoch) + 1)));
    return randperm(n, gen).to_vector<std::int64_t>();
}

Epoch DataLoader::epoch(std::int64_t e) const {
    auto state = std::make_shared<Epoch::State>();
    state->dataset = dataset_;
    state->order = order(e);
    state->batch_size = options_.batch_size;
    state->num_shards = options_.num_shards;
    state->shard = options_.shard;
    state->num_batches = num_batches();
    state->number = e;
    return Epoch(std::move(state));
}

Epoch::iterator DataLoader::begin() { return epoch(next_epoch_++).begin(); }

}  // namespace xgrad::data
