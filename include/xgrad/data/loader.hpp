#pragma once
/// \file
/// DataLoader: a Dataset in mini-batches, optionally reshuffled every epoch
/// with a seeded, reproducible order.
///
///     data::DataLoader loader(train, {.batch_size = 32, .shuffle = true, .seed = 42});
///     for (int epoch = 0; epoch < 5; ++epoch)
///         for (const data::Batch& b : loader) {   // each loop is the next epoch, in a new order
///             Tensor loss = loss_fn(b.y, model(b.x, true));
///             ...
///         }
///
/// Epoch e's order depends only on (seed, e): loader.epoch(e) gives the same
/// batches whenever it is asked for, so a run resumed at epoch 3 sees what an
/// uninterrupted run saw. Each batch is one gather of its rows into fresh
/// contiguous tensors (x [B, ...], y [B, ...]); without shuffling, a batch is
/// one memcpy.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

#include "xgrad/data/dataset.hpp"

namespace xgrad::data {

/// Options of DataLoader (PyTorch's DataLoader and DistributedSampler arguments).
struct DataLoaderOptions {
    /// Samples per batch (Keras' default 32); must be >= 1.
    std::int64_t batch_size = 32;
    /// A new random order every epoch (otherwise the dataset's order).
    bool shuffle = false;
    /// Drop the last batch when it is smaller than batch_size.
    bool drop_last = false;
    /// Seed of the shuffling; the same seed gives the same orders.
    std::uint64_t seed = 42;
    /// Data-parallel sharding (a distributed sampler): with num_shards R > 1,
    /// batch i is this shard's part of global batch i, batch_size·R samples
    /// of the epoch's order split evenly (the first shards take one sample
    /// more when it does not divide). R loaders with shards 0..R−1 and one
    /// seed see each epoch's samples once between them and have the same
    /// number of batches; a shard's last batch may be empty. drop_last
    /// drops a short last global batch. With MPI: num_shards =
    /// distributed::size(), shard = distributed::rank().
    std::int64_t num_shards = 1;
    std::int64_t shard = 0;  ///< This loader's shard, 0 <= shard < num_shards.
};

/// The batches of one epoch. Shares its dataset handles and its order with
/// its iterators, so both stay valid after the DataLoader (or the Epoch) is gone.
class Epoch {
    struct State {
        Dataset dataset;
        std::vector<std::int64_t> order;
        std::int64_t batch_size = 1, num_batches = 0, number = 0, num_shards = 1, shard = 0;
        Batch batch(std::int64_t i) const;
    };

public:
    /// Input iterator over an epoch's batches; each batch is gathered when first dereferenced.
    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;  ///< Single pass.
        using value_type = Batch;                            ///< A batch.
        using difference_type = std::ptrdiff_t;              ///< Distance in batches.
        using pointer = const Batch*;                        ///< Pointer to the current batch.
        using reference = const Batch&;                      ///< The current batch.

        iterator() = default;
        /// The batch (gathered on first access).
        const Batch& operator*() const;
        /// Member access to the batch (gathered on first access).
        const Batch* operator->() const { return &**this; }
        /// Moves to the next batch.
        iterator& operator++() {
            ++index_;
            loaded_ = false;
            return *this;
        }
        /// Moves to the next batch; returns the iterator as it was.
        iterator operator++(int) {
            iterator old = *this;
            ++*this;
            return old;
        }
        /// Position in the epoch (0-based batch number).
        std::int64_t index() const { return index_; }
        /// Equal when at the same batch position.
        friend bool operator==(const iterator& a, const iterator& b) { return a.index_ == b.index_; }

    private:
        friend class Epoch;
        friend class DataLoader;
        iterator(std::shared_ptr<const State> state, std::int64_t index) : state_(std::move(state)), index_(index) {}
        std::shared_ptr<const State> state_;
        std::int64_t index_ = 0;
        mutable Batch batch_;
        mutable bool loaded_ = false;
    };

    /// Which epoch this is.
    std::int64_t number() const { return state_->number; }
    /// Number of batches.
    std::int64_t size() const { return state_->num_batches; }
    /// Batch i (0 <= i < size(), IndexError otherwise), gathered now.
    Batch operator[](std::int64_t i) const;
    /// The sample order of this epoch (all samples, including any dropped tail).
    const std::vector<std::int64_t>& order() const { return state_->order; }
    /// The first batch.
    iterator begin() const { return iterator(state_, 0); }
    /// Past the last batch.
    iterator end() const { return iterator(nullptr, state_->num_batches); }

private:
    friend class DataLoader;
    explicit Epoch(std::shared_ptr<const State> state) : state_(std::move(state)) {}
    std::shared_ptr<const State> state_;
};

/// A Dataset in mini-batches (PyTorch's DataLoader), reshuffled per epoch when asked.
class DataLoader {
public:
    /// ValueError for batch_size < 1.
    explicit DataLoader(Dataset dataset, DataLoaderOptions options = {});
    /// Over Dataset(x, y).
    DataLoader(Tensor x, Tensor y, DataLoaderOptions options = {})
        : DataLoader(Dataset(std::move(x), std::move(y)), options) {}

    /// The dataset batched.
    const Dataset& dataset() const { return dataset_; }
    /// The options given at construction.
    const DataLoaderOptions& options() const { return options_; }

    /// Batches per epoch: ceil(N / batch_size), or floor with drop_last
    /// (55000 samples, 32 per batch: 1719, the last of 24; 1718 with drop_last);
    /// with shards, of N / (batch_size · num_shards).
    std::int64_t num_batches() const;
    /// Same as num_batches().
    std::int64_t size() const { return num_batches(); }
    /// Size of batch i of any epoch (batch_size, or the remainder for the
    /// last one; with shards, this shard's part).
    std::int64_t batch_size(std::int64_t i) const;

    /// The sample order of epoch e: 0..N-1 without shuffling, else a random
    /// permutation drawn from a Generator seeded from (seed, e).
    std::vector<std::int64_t> order(std::int64_t epoch) const;
    /// The batches of epoch e (any e >= 0, in any order, as often as wanted).
    Epoch epoch(std::int64_t e) const;

    /// Range-for support: each begin() starts the next epoch (0, 1, 2, …;
    /// see set_epoch()), so `for (const Batch& b : loader)` twice is two
    /// epochs in two different orders (when shuffling).
    Epoch::iterator begin();
    /// Past the last batch of the epoch begin() started.
    Epoch::iterator end() const { return Epoch::iterator(nullptr, num_batches()); }
    /// The epoch the next begin() starts.
    std::int64_t next_epoch() const { return next_epoch_; }
    /// Makes the next begin() start epoch e (PyTorch's DistributedSampler.set_epoch), e.g. when resuming.
    void set_epoch(std::int64_t e) { next_epoch_ = e; }

private:
    Dataset dataset_;
    DataLoaderOptions options_;
    std::int64_t next_epoch_ = 0;
};

}  // namespace xgrad::data
