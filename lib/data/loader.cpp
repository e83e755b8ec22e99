// DataLoader: an epoch is a sample order cut into batch_size pieces; a batch
// is gathered when the iterator is first dereferenced.
#include "xgrad/data/loader.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "xgrad/core/random.hpp"

namespace xgrad::data {

Batch Epoch::State::batch(std::int64_t i) const {
    if (i < 0 || i >= num_batches) {
        throw IndexError("Epoch: batch " + std::to_string(i) + " is out of range for " + std::to_string(num_batches) +
                         " batches");
    }
    const std::int64_t begin = i * batch_size;
    const std::int64_t count = std::min(batch_size, static_cast<std::int64_t>(order.size()) - begin);
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
}

std::int64_t DataLoader::num_batches() const {
    const std::int64_t n = dataset_.size(), b = options_.batch_size;
    return n / b + (!options_.drop_last && n % b != 0);  // no n + b − 1: b may be huge
}

std::int64_t DataLoader::batch_size(std::int64_t i) const {
    if (i < 0 || i >= num_batches()) {
        throw IndexError("DataLoader: batch " + std::to_string(i) + " is out of range for " +
                         std::to_string(num_batches()) + " batches");
    }
    return std::min(options_.batch_size, dataset_.size() - i * options_.batch_size);
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
    state->num_batches = num_batches();
    state->number = e;
    return Epoch(std::move(state));
}

Epoch::iterator DataLoader::begin() { return epoch(next_epoch_++).begin(); }

}  // namespace xgrad::data
