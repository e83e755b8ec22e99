// Dataset and its cuts (subset, range, splits, class filter) on tiny data
// checked by hand.
#include "../test_helpers.hpp"

using namespace xgrad;
using namespace xgrad::data;
using xgrad_test::values;
namespace tt = boost::test_tools;
using I64 = std::vector<std::int64_t>;

namespace {
/// x[i] = [10i, 10i+1], y[i] = i, for i < n.
Dataset numbered(std::int64_t n) {
    std::vector<float> x;
    for (std::int64_t i = 0; i < n; ++i) x.insert(x.end(), {10.0f * i, 10.0f * i + 1});
    return Dataset(from_vector<float>(x, {n, 2}), arange(n, int64));
}
I64 labels(const Dataset& d) { return d.y().to_vector<std::int64_t>(); }
}  // namespace

BOOST_AUTO_TEST_SUITE(data_dataset)

BOOST_AUTO_TEST_CASE(samples_must_match) {
    const Dataset d = numbered(4);
    BOOST_TEST(d.size() == 4);
    BOOST_TEST(d.has_targets());
    BOOST_TEST(Dataset().empty());
    BOOST_TEST(!Dataset(zeros({3, 2})).has_targets());
    CHECK_THROWS_WITH(Dataset(zeros({4, 2}), zeros({3}, int64)), ShapeError,
                      "Dataset: x and y must have the same number of samples (first dimension), got x [4,2] and y [3]");
    CHECK_THROWS_WITH(Dataset(scalar(1.0)), ShapeError, "Dataset: x needs a sample dimension");
}

BOOST_AUTO_TEST_CASE(gather_rows_copies_rows) {
    const Tensor x = tensor({{0, 1}, {2, 3}, {4, 5}, {6, 7}});
    const Tensor g = gather_rows(x, I64{3, 0, 1, 2, 2});
    BOOST_TEST((g.shape() == Shape{5, 2}));
    BOOST_TEST(values(g) == std::vector<double>({6, 7, 0, 1, 2, 3, 4, 5, 4, 5}), tt::per_element());
    BOOST_TEST((gather_rows(x, I64{}).shape() == Shape{0, 2}));
    CHECK_THROWS_WITH(gather_rows(x, I64{1, 4}), IndexError, "gather_rows: index 4 at position 1 is out of range for 4 rows");
    // A fresh tensor: writing into it leaves the source alone.
    Tensor c = gather_rows(x, I64{0});
    c.fill_(9);
    BOOST_TEST(values(x)[0] == 0.0);
}

BOOST_AUTO_TEST_CASE(subset_and_range) {
    const Dataset d = numbered(6);
    const Dataset s = d.subset(tensor({5, 1}, int64));
    BOOST_TEST(labels(s) == I64({5, 1}), tt::per_element());
    BOOST_TEST(values(s.x()) == std::vector<double>({50, 51, 10, 11}), tt::per_element());
    BOOST_TEST(labels(d.range(1, 3)) == I64({1, 2}), tt::per_element());
    BOOST_TEST(labels(d.range(-2, 6)) == I64({4, 5}), tt::per_element());  // Python's [-2:]
    BOOST_TEST(d.range(3, 3).size() == 0);
    CHECK_THROWS_WITH(d.range(2, 7), IndexError, "Dataset::range: [2, 7) does not select a range of the 6 samples");
    // A range shares the rows: no copy, a write shows through.
    const Dataset r = d.range(2, 4);
    BOOST_TEST(static_cast<const float*>(r.x().raw_data()) == d.x().data<float>() + 4);
    Tensor(r.x()).fill_(-1.0);
    BOOST_TEST(values(d.x()) == std::vector<double>({0, 1, 10, 11, -1, -1, -1, -1, 40, 41, 50, 51}), tt::per_element());
    BOOST_TEST(labels(r) == I64({2, 3}), tt::per_element());
    BOOST_TEST(!r.x().requires_grad());
    // uint8 data is cut and batched like any other.
    const Dataset bytes(tensor({{1, 2}, {3, 4}, {5, 255}}, uint8), arange(3, int64));
    BOOST_TEST(bytes.range(1, 3).x().to_vector<std::uint8_t>() == std::vector<std::uint8_t>({3, 4, 5, 255}),
               tt::per_element());
    BOOST_TEST(bytes.get(I64{2, 0}).x.to_vector<std::uint8_t>() == std::vector<std::uint8_t>({5, 255, 1, 2}),
               tt::per_element());
    CHECK_THROWS_WITH(d.subset(tensor({1.0})), DtypeError, "index must be int64");
    const Batch b = d.get(I64{2, 2});
    BOOST_TEST(b.size() == 2);
    BOOST_TEST(values(b.y) == std::vector<double>({2, 2}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(notebook_split_first_and_last) {
    const Dataset d = numbered(10);
    const auto [train, valid] = split_at(d, -3);  // X[:-3], X[-3:]
    BOOST_TEST(labels(train) == I64({0, 1, 2, 3, 4, 5, 6}), tt::per_element());
    BOOST_TEST(labels(valid) == I64({7, 8, 9}), tt::per_element());
    BOOST_TEST(values(valid.x())[0] == 70.0);
    BOOST_TEST(split_at(d, 7).first.size() == 7);
    CHECK_THROWS_WITH(split_at(d, 11), IndexError, "split_at: cannot split 10 samples at 11");
}

BOOST_AUTO_TEST_CASE(keras_validation_split_takes_the_last_fraction) {
    const Dataset d = numbered(10);
    const auto [train, valid] = validation_split(d, 0.2);  // int(10 · 0.8) = 8
    BOOST_TEST(labels(train) == I64({0, 1, 2, 3, 4, 5, 6, 7}), tt::per_element());
    BOOST_TEST(labels(valid) == I64({8, 9}), tt::per_element());
    // Same double arithmetic as Keras: 100 · (1 − 0.9) = 9.999999999999998 → 9 training samples.
    BOOST_TEST(validation_split(numbered(100), 0.9).first.size() == 9);
    BOOST_TEST(validation_split(numbered(60000), 0.1).second.size() == 6000);
    CHECK_THROWS_WITH(validation_split(d, 0.0), ValueError, "the fraction must be in (0, 1)");
    CHECK_THROWS_WITH(validation_split(d, 1.0), ValueError, "the fraction must be in (0, 1)");
    CHECK_THROWS_WITH(validation_split(numbered(1), 0.5), ValueError, "1 samples are not enough");
}

BOOST_AUTO_TEST_CASE(filter_classes_for_transfer_learning) {
    // labels:               0  5  7  6  9  5  3
    const Dataset d(arange(7, float32).reshape({7, 1}), tensor({0, 5, 7, 6, 9, 5, 3}, int64));
    // Task A: every class but sandal (5) and shirt (6); 7, 8, 9 move to 5, 6, 7.
    const Dataset a = filter_classes(d, {0, 1, 2, 3, 4, 7, 8, 9});
    BOOST_TEST(values(a.x()) == std::vector<double>({0, 2, 4, 6}), tt::per_element());
    BOOST_TEST(labels(a) == I64({0, 5, 7, 3}), tt::per_element());
    // Task B: sandal → 0, shirt → 1.
    const Dataset b = filter_classes(d, {5, 6});
    BOOST_TEST(values(b.x()) == std::vector<double>({1, 3, 5}), tt::per_element());
    BOOST_TEST(labels(b) == I64({0, 1, 0}), tt::per_element());
    BOOST_TEST(labels(filter_classes(d, {5, 6}, /*remap=*/false)) == I64({5, 6, 5}), tt::per_element());
    CHECK_THROWS_WITH(filter_classes(d, {5, 5}), ValueError, "filter_classes: class 5 is listed twice");
    CHECK_THROWS_WITH(filter_classes(Dataset(zeros({2, 1}), zeros({2})), {1}), DtypeError, "labels must be int64");
}

BOOST_AUTO_TEST_CASE(several_inputs_and_targets_stay_together) {
    const Dataset one = numbered(5);
    // Input 1 is x·2, target 1 is y + 100: every cut must keep rows aligned.
    const Dataset d({one.x(), one.x() * 2.0}, {one.y(), one.y() + 100});
    BOOST_TEST(d.size() == 5);
    BOOST_TEST(d.inputs().size() == 2u);
    BOOST_TEST(d.targets().size() == 2u);
    BOOST_TEST(d.x().data<float>() == one.x().data<float>());  // x() is input 0, shared

    const Batch b = d.get(I64{4, 1});
    BOOST_TEST(values(b.x) == std::vector<double>({40, 41, 10, 11}), tt::per_element());
    BOOST_TEST(values(b.inputs[1]) == std::vector<double>({80, 82, 20, 22}), tt::per_element());
    BOOST_TEST(b.targets[1].to_vector<std::int64_t>() == I64({104, 101}), tt::per_element());
    BOOST_TEST(b.y.to_vector<std::int64_t>() == I64({4, 1}), tt::per_element());

    const Dataset r = d.range(3, 5);
    BOOST_TEST(values(r.inputs()[1]) == std::vector<double>({60, 62, 80, 82}), tt::per_element());
    BOOST_TEST(r.targets()[1].to_vector<std::int64_t>() == I64({103, 104}), tt::per_element());
    const Dataset s = d.subset(tensor({2, 0}, int64));
    BOOST_TEST(s.targets()[1].to_vector<std::int64_t>() == I64({102, 100}), tt::per_element());

    // filter_classes relabels target 0 and keeps every other tensor's rows.
    const Dataset f = filter_classes(d, {3, 1});
    BOOST_TEST(labels(f) == I64({1, 0}), tt::per_element());
    BOOST_TEST(f.targets()[1].to_vector<std::int64_t>() == I64({101, 103}), tt::per_element());
    BOOST_TEST(values(f.inputs()[1]) == std::vector<double>({20, 22, 60, 62}), tt::per_element());

    CHECK_THROWS_WITH(Dataset({one.x(), zeros({4, 3})}, {}), ShapeError,
                      "Dataset: input 0 and input 1 must have the same number of samples (first dimension), got "
                      "input 0 [5,2] and input 1 [4,3]");
    CHECK_THROWS_WITH(Dataset({one.x()}, {one.y(), zeros({6})}), ShapeError, "got input 0 [5,2] and target 1 [6]");
    CHECK_THROWS_WITH(Dataset(std::vector<Tensor>{}, {}), ValueError, "Dataset: no inputs given");
    CHECK_THROWS_WITH(Dataset({one.x(), Tensor()}, {}), ValueError, "Dataset: input 1 is undefined");
}

BOOST_AUTO_TEST_SUITE_END()
