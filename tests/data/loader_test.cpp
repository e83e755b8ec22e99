// DataLoader: batch counts, order without and with shuffling (seeded,
// reproducible, new every epoch, every sample once), drop_last, shards.
#include <algorithm>
#include <iterator>
#include <numeric>
#include <set>

#include "../test_helpers.hpp"

using namespace xgrad;
using namespace xgrad::data;
namespace tt = boost::test_tools;
using I64 = std::vector<std::int64_t>;

namespace {
/// x[i] = i (int64 [n, 1]), y[i] = 10 i: pairing is checkable in every batch.
Dataset numbered(std::int64_t n) { return Dataset(arange(n, int64).reshape({n, 1}), arange(0, 10.0 * n, 10, int64)); }

/// The x values of an epoch's batches, concatenated; checks x/y pairing on the way.
I64 seen(const Epoch& epoch) {
    I64 all;
    for (const Batch& b : epoch) {
        const I64 x = b.x.to_vector<std::int64_t>(), y = b.y.to_vector<std::int64_t>();
        for (std::size_t i = 0; i < x.size(); ++i) BOOST_TEST(y[i] == 10 * x[i]);
        all.insert(all.end(), x.begin(), x.end());
    }
    return all;
}
I64 iota(std::int64_t n) {
    I64 v(static_cast<std::size_t>(n));
    std::iota(v.begin(), v.end(), 0);
    return v;
}
}  // namespace

static_assert(std::input_iterator<Epoch::iterator>);

BOOST_AUTO_TEST_SUITE(data_loader)

BOOST_AUTO_TEST_CASE(batch_counts_of_the_notebook_training_set) {
    const Dataset d = numbered(55000);
    DataLoader loader(d);  // batch_size 32 as Keras
    BOOST_TEST(loader.options().batch_size == 32);
    BOOST_TEST(loader.num_batches() == 1719);  // ceil(55000 / 32)
    BOOST_TEST(loader.batch_size(0) == 32);
    BOOST_TEST(loader.batch_size(1718) == 24);  // 55000 − 1718 · 32
    std::int64_t batches = 0, samples = 0, last = 0;
    for (const Batch& b : loader) {
        ++batches;
        samples += b.size();
        last = b.size();
        BOOST_TEST((b.x.shape() == Shape{b.size(), 1}));
    }
    BOOST_TEST(batches == 1719);
    BOOST_TEST(samples == 55000);
    BOOST_TEST(last == 24);

    const DataLoader dropping(d, {.batch_size = 32, .drop_last = true});
    BOOST_TEST(dropping.num_batches() == 1718);
    const Epoch e = dropping.epoch(0);
    BOOST_TEST(e.size() == 1718);
    BOOST_TEST(e[1717].size() == 32);
    CHECK_THROWS_WITH(e[1718], IndexError, "batch 1718 is out of range for 1718 batches");
    BOOST_TEST(DataLoader(numbered(64), {.batch_size = 32}).num_batches() == 2);
    BOOST_TEST(DataLoader(Dataset(), {}).num_batches() == 0);
    CHECK_THROWS_WITH(DataLoader(d, {.batch_size = 0}), ValueError, "DataLoader: batch_size must be >= 1, got 0");
}

BOOST_AUTO_TEST_CASE(without_shuffle_batches_follow_the_dataset) {
    DataLoader loader(numbered(10), {.batch_size = 4});
    const Epoch e = loader.epoch(0);
    BOOST_TEST(e.size() == 3);
    BOOST_TEST(e[0].x.to_vector<std::int64_t>() == I64({0, 1, 2, 3}), tt::per_element());
    BOOST_TEST(e[2].y.to_vector<std::int64_t>() == I64({80, 90}), tt::per_element());
    BOOST_TEST(seen(loader.epoch(5)) == iota(10), tt::per_element());
    // A batch is a fresh tensor.
    Batch b = e[0];
    b.x.fill_(-1);
    BOOST_TEST(loader.dataset().x().to_vector<std::int64_t>()[0] == 0);
}

BOOST_AUTO_TEST_CASE(batches_of_several_tensors_keep_rows_aligned) {
    const Dataset one = numbered(10);
    DataLoader loader(Dataset({one.x(), one.x() + 1000}, {one.y(), one.y() * 2}), {.batch_size = 4, .shuffle = true});
    for (const Batch& b : loader.epoch(3)) {
        BOOST_TEST_REQUIRE(b.inputs.size() == 2u);
        BOOST_TEST_REQUIRE(b.targets.size() == 2u);
        const I64 x = b.x.to_vector<std::int64_t>();
        const I64 x1 = b.inputs[1].to_vector<std::int64_t>();
        const I64 y1 = b.targets[1].to_vector<std::int64_t>();
        for (std::size_t i = 0; i < x.size(); ++i) {
            BOOST_TEST(x1[i] == x[i] + 1000);
            BOOST_TEST(y1[i] == x[i] * 20);  // y = 10·x, doubled
        }
    }
}

BOOST_AUTO_TEST_CASE(seeded_shuffle_is_reproducible_and_new_each_epoch) {
    const Dataset d = numbered(1000);
    const DataLoaderOptions opts{.batch_size = 32, .shuffle = true, .seed = 7};
    DataLoader a(d, opts), b(d, opts);
    const I64 a0 = seen(a.epoch(0)), a1 = seen(a.epoch(1));
    BOOST_TEST(a0 == seen(b.epoch(0)), tt::per_element());
    BOOST_TEST(a1 == seen(b.epoch(1)), tt::per_element());
    BOOST_TEST(a0 != a1);
    BOOST_TEST(a0 != iota(1000));
    // Every sample exactly once per epoch.
    for (I64 s : {a0, a1}) {
        std::sort(s.begin(), s.end());
        BOOST_TEST(s == iota(1000), tt::per_element());
    }
    // Another seed, another order; order() is what the batches follow.
    BOOST_TEST(seen(DataLoader(d, {.shuffle = true, .seed = 8}).epoch(0)) != a0);
    const I64 order = a.order(1);
    BOOST_TEST(order == a1, tt::per_element());
    const Epoch e1 = a.epoch(1);
    BOOST_TEST((I64(e1.order().begin(), e1.order().end()) == order));
}

BOOST_AUTO_TEST_CASE(range_for_advances_the_epoch) {
    DataLoader loader(numbered(100), {.batch_size = 10, .shuffle = true, .seed = 3});
    BOOST_TEST(loader.next_epoch() == 0);
    I64 first, second;
    for (const Batch& b : loader)
        for (std::int64_t v : b.x.to_vector<std::int64_t>()) first.push_back(v);
    BOOST_TEST(loader.next_epoch() == 1);
    for (const Batch& b : loader)
        for (std::int64_t v : b.x.to_vector<std::int64_t>()) second.push_back(v);
    BOOST_TEST(first == seen(loader.epoch(0)), tt::per_element());
    BOOST_TEST(second == seen(loader.epoch(1)), tt::per_element());
    BOOST_TEST(first != second);
    loader.set_epoch(0);  // resume: epoch 0 again
    I64 again;
    for (auto it = loader.begin(); it != loader.end(); ++it)
        for (std::int64_t v : it->x.to_vector<std::int64_t>()) again.push_back(v);
    BOOST_TEST(again == first, tt::per_element());
}

BOOST_AUTO_TEST_CASE(drop_last_drops_different_samples_each_epoch) {
    DataLoader loader(numbered(10), {.batch_size = 4, .shuffle = true, .drop_last = true, .seed = 1});
    BOOST_TEST(loader.num_batches() == 2);
    std::set<std::int64_t> dropped_union;
    for (std::int64_t e = 0; e < 6; ++e) {
        const I64 s = seen(loader.epoch(e));
        BOOST_TEST(s.size() == 8u);
        BOOST_TEST(std::set<std::int64_t>(s.begin(), s.end()).size() == 8u);  // no repeats
        const auto order = loader.epoch(e).order();
        dropped_union.insert(order.begin() + 8, order.end());
    }
    BOOST_TEST(dropped_union.size() > 2u);
}

BOOST_AUTO_TEST_CASE(epochs_outlive_the_loader_and_inputs_without_targets) {
    Epoch e = [] {
        DataLoader tmp(Dataset(arange(5, float32).reshape({5, 1})), {.batch_size = 2});
        return tmp.epoch(0);
    }();
    BOOST_TEST(e.size() == 3);
    BOOST_TEST(e[2].x.to_vector<float>() == std::vector<float>({4}), tt::per_element());
    BOOST_TEST(!e[0].y.defined());  // predict-style dataset: x only
    auto it = e.begin();
    BOOST_TEST(it->size() == 2);
    ++it;
    BOOST_TEST(it.index() == 1);
}

// Three shards of 70 samples, 8 per shard and batch: global batches of 24,
// 24 and 22 (split 8/7/7); together the shards see each sample once.
BOOST_AUTO_TEST_CASE(shards_split_each_global_batch) {
    const Dataset data = numbered(70);
    std::vector<Epoch> epochs;
    for (std::int64_t shard = 0; shard < 3; ++shard) {
        const DataLoader loader(data, {.batch_size = 8, .shuffle = true, .seed = 3, .num_shards = 3, .shard = shard});
        BOOST_TEST(loader.num_batches() == 3);
        BOOST_TEST(loader.batch_size(0) == 8);
        BOOST_TEST(loader.batch_size(2) == (shard == 0 ? 8 : 7));
        epochs.push_back(loader.epoch(1));
    }
    I64 together;
    for (std::int64_t i = 0; i < 3; ++i)
        for (const Epoch& e : epochs) {
            const I64 part = e[i].x.to_vector<std::int64_t>();
            together.insert(together.end(), part.begin(), part.end());
        }
    BOOST_TEST(together == epochs[0].order(), tt::per_element());  // the global batches, in order
    std::set<std::int64_t> distinct(together.begin(), together.end());
    BOOST_TEST(distinct.size() == 70u);

    // 25 samples, 4 per shard: the last global batch has one sample, so two shards get an empty batch.
    const DataLoader last(numbered(25), {.batch_size = 4, .num_shards = 3, .shard = 2});
    BOOST_TEST(last.num_batches() == 3);
    BOOST_TEST(last.batch_size(2) == 0);
    BOOST_TEST(last.epoch(0)[2].x.shape() == Shape({0, 1}));
    BOOST_TEST(seen(last.epoch(0)) == I64({8, 9, 10, 11, 20, 21, 22, 23}), tt::per_element());
    const DataLoader dropped(numbered(25), {.batch_size = 4, .drop_last = true, .num_shards = 3, .shard = 0});
    BOOST_TEST(dropped.num_batches() == 2);
    CHECK_THROWS_WITH(DataLoader(numbered(4), {.num_shards = 2, .shard = 2}), ValueError,
                      "shard 2 of 2 shards (need num_shards >= 1 and 0 <= shard < num_shards)");
}

BOOST_AUTO_TEST_CASE(large_batches_of_images) {
    // [2000, 28, 28] float32 shuffled in batches of 128: shapes and contents.
    const Tensor x = arange(0, 2000.0 * 784, 1, float32).reshape({2000, 28, 28});
    DataLoader loader(Dataset(x, arange(2000, int64)), {.batch_size = 128, .shuffle = true});
    const Epoch e = loader.epoch(0);
    BOOST_TEST(e.size() == 16);
    const Batch b = e[15];
    BOOST_TEST((b.x.shape() == Shape{80, 28, 28}));
    const std::int64_t row = b.y.to_vector<std::int64_t>()[3];
    BOOST_TEST(b.x.data<float>()[3 * 784 + 5] == static_cast<float>(row * 784 + 5));
}

BOOST_AUTO_TEST_SUITE_END()
