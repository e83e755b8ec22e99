// Collectives across ranks (see mpi_session.hpp for how the test runs).
#include <cstdlib>

#include "../test_helpers.hpp"
#include "mpi_session.hpp"
#include "xgrad/autograd/gradcheck.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/reduction.hpp"

using namespace xgrad;
namespace dist = xgrad::distributed;
using xgrad_test::values;

using xgrad_test::MpiSession;
BOOST_TEST_GLOBAL_FIXTURE(MpiSession);

BOOST_AUTO_TEST_SUITE(distributed_collectives)

BOOST_AUTO_TEST_CASE(rank_and_size) {
    BOOST_TEST(dist::initialized());
    if (const char* expected = std::getenv("XGRAD_EXPECT_RANKS")) {
        BOOST_TEST(dist::size() == std::atoi(expected));
        if (std::atoi(expected) > 1) BOOST_TEST(dist::available());
    }
    BOOST_TEST(dist::rank() >= 0);
    BOOST_TEST(dist::rank() < dist::size());
    dist::barrier();
}

BOOST_AUTO_TEST_CASE(all_reduce_sums_and_averages) {
    const double n = dist::size(), r = dist::rank();
    Tensor a = full({2, 3}, r + 1);  // ranks hold 1, 2, …, n: sum n(n+1)/2, mean (n+1)/2
    dist::all_reduce(a);
    BOOST_TEST(values(a) == std::vector<double>(6, n * (n + 1) / 2), boost::test_tools::per_element());
    Tensor m = full({5}, r + 1, float64);
    const auto before = m.version();
    dist::all_reduce(m, dist::ReduceOp::mean);
    BOOST_TEST(values(m) == std::vector<double>(5, (n + 1) / 2), boost::test_tools::per_element());
    BOOST_TEST(m.version() > before);  // an in-place write, seen by saved-tensor checks
    Tensor counts = full({3}, 2 * r, int64);
    dist::all_reduce(counts);
    BOOST_TEST(values(counts) == std::vector<double>(3, n * (n - 1)), boost::test_tools::per_element());
    Tensor empty_tensor = zeros({0, 4});
    dist::all_reduce(empty_tensor);
    BOOST_TEST(empty_tensor.numel() == 0);
}

BOOST_AUTO_TEST_CASE(broadcast_copies_from_the_root) {
    const int root = dist::size() - 1;
    Tensor t = tensor({1.0, 2.0, 3.0}) * static_cast<double>(dist::rank() + 1);
    dist::broadcast(t, root);
    const double k = root + 1;
    BOOST_TEST(values(t) == std::vector<double>({k, 2 * k, 3 * k}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(all_gather_concatenates_in_rank_order) {
    // Rank r passes r + 1 rows of [r, r]: the first dimensions differ.
    const std::int64_t r = dist::rank();
    const Tensor mine = full({r + 1, 2}, static_cast<double>(r), float64);
    const Tensor all = dist::all_gather(mine);
    std::vector<double> expected;
    for (int k = 0; k < dist::size(); ++k) expected.insert(expected.end(), 2 * (k + 1), k);
    BOOST_TEST(all.shape() == Shape({static_cast<std::int64_t>(expected.size() / 2), 2}));
    BOOST_TEST(values(all) == expected, boost::test_tools::per_element());
    const Tensor scalars = dist::all_gather(scalar(static_cast<double>(r)));
    BOOST_TEST(scalars.shape() == Shape({dist::size()}));
    BOOST_TEST(values(scalars).back() == dist::size() - 1.0);
}

// A rank with no rows gathers as many elements per row as the others (it
// used to count 0 per row, and the ranks' counts disagreed).
BOOST_AUTO_TEST_CASE(all_gather_with_a_rank_that_has_no_rows) {
    const std::int64_t r = dist::rank();
    const Tensor mine = full({r, 3}, static_cast<double>(r), float64);  // rank 0: [0, 3]
    const Tensor all = dist::all_gather(mine);
    std::vector<double> expected;
    for (int k = 0; k < dist::size(); ++k) expected.insert(expected.end(), 3 * k, k);
    BOOST_TEST(all.shape() == Shape({static_cast<std::int64_t>(expected.size() / 3), 3}));
    BOOST_TEST(values(all) == expected, boost::test_tools::per_element());
    const Tensor bytes = dist::all_gather(zeros({r}, uint8));  // one dimension: rank 0 sends nothing
    BOOST_TEST(bytes.numel() == dist::size() * (dist::size() - 1) / 2);
}

BOOST_AUTO_TEST_CASE(check_same_across_ranks_names_what_differs_and_every_value) {
    const int r = dist::rank();
    dist::check_same_across_ranks({{"the seed", "42"}, {"the model", "Dense"}});  // all agree: no error
    if (dist::size() < 2) return;
    const std::string seed = std::to_string(40 + r);
    CHECK_THROWS_WITH(dist::check_same_across_ranks({{"the model", "Dense"}, {"the seed", seed}}), ValueError,
                      "ranks disagree on the seed: rank 0 has 40, rank 1 has 41");
    // Several differences at once; rank 1 with an empty value.
    CHECK_THROWS_WITH(dist::check_same_across_ranks({{"the seed", seed}, {"the loss", r == 1 ? "" : "mse"}}),
                      ValueError, "the seed: rank 0 has 40, rank 1 has 41; on the loss: rank 0 has mse, rank 1 has ");
    // A long value is shown from shortly before its first difference.
    const std::string long_value = std::string(300, 'a') + (r == 1 ? "tanh" : "relu") + std::string(300, 'b');
    try {
        dist::check_same_across_ranks("the model", long_value);
        BOOST_ERROR("expected a ValueError");
    } catch (const ValueError& e) {
        const std::string message = e.what();
        BOOST_TEST(message.find("rank 0 has …" + std::string(60, 'a') + "relu") != std::string::npos, message);
        BOOST_TEST(message.find("rank 1 has …" + std::string(60, 'a') + "tanh") != std::string::npos, message);
        BOOST_TEST(message.size() < 500u, message);
    }
    // The ranks still agree afterwards.
    Tensor fine = ones({2});
    dist::all_reduce(fine);
    BOOST_TEST(values(fine) == std::vector<double>(2, dist::size()), boost::test_tools::per_element());
}

// Disagreeing ranks get the same clear error on every rank, never a hang.
BOOST_AUTO_TEST_CASE(ranks_that_disagree_get_a_clear_error) {
    Tensor counts = full({2}, 1.0, int64);
    CHECK_THROWS_WITH(dist::all_reduce(counts, dist::ReduceOp::mean), DtypeError,
                      "all_reduce: a mean needs a floating dtype, got int64");
    Tensor t = zeros({2});
    CHECK_THROWS_WITH(dist::broadcast(t, dist::size()), ValueError, "is not a rank");
    if (dist::size() < 2) return;
    const bool odd = dist::rank() == 1;
    Tensor shaped = zeros({odd ? 3 : 2});
    CHECK_THROWS_WITH(dist::all_reduce(shaped), ValueError, "all_reduce: rank 1 passed float32 [3] but rank 0 passed float32 [2]");
    Tensor typed = zeros({2}, odd ? float64 : float32);
    CHECK_THROWS_WITH(dist::all_reduce(typed), ValueError, "rank 1 passed float64 [2] but rank 0 passed float32 [2]");
    const Tensor wide = zeros({1, odd ? 3 : 2});
    CHECK_THROWS_WITH(dist::all_gather(wide), ValueError, "only the first dimension may differ");
    Tensor rooted = zeros({2});
    CHECK_THROWS_WITH(dist::broadcast(rooted, odd ? 1 : 0), ValueError, "(and a different root)");
    // The ranks still agree afterwards.
    Tensor fine = ones({2});
    dist::all_reduce(fine);
    BOOST_TEST(values(fine) == std::vector<double>(2, dist::size()), boost::test_tools::per_element());
}

// Rank r's gradient is Σ_s w_s·g_s / w_r: here w = (3, 1, 1, …) and
// g_s = s + 1 (the output gradient of loss Σ (s + 1)·y).
BOOST_AUTO_TEST_CASE(sum_across_ranks_values_and_weighted_gradients) {
    const int r = dist::rank(), n = dist::size();
    Tensor x = full({3}, r + 1.0, float64).requires_grad_();
    const double weight = r == 0 ? 3.0 : 1.0;
    const Tensor y = dist::sum_across_ranks(x, weight);
    BOOST_TEST(values(y) == std::vector<double>(3, n * (n + 1) / 2.0), boost::test_tools::per_element());
    sum(y * (r + 1.0)).backward();
    double weighted = 3.0;  // rank 0: weight 3, g 1
    for (int s = 1; s < n; ++s) weighted += s + 1.0;
    BOOST_TEST(values(x.grad()) == std::vector<double>(3, weighted / weight),
               boost::test_tools::tolerance(1e-15) << boost::test_tools::per_element());
    // A rank with weight 0 (no samples) joins the collectives and gets zeros.
    Tensor z = ones({2}, float64).requires_grad_();
    sum(dist::sum_across_ranks(z, r == n - 1 ? 0.0 : 1.0)).backward();
    const double expected = r == n - 1 ? 0.0 : n - 1.0;
    BOOST_TEST(values(z.grad()) == std::vector<double>(2, expected), boost::test_tools::per_element());
    CHECK_THROWS_WITH(dist::sum_across_ranks(x, -1.0), ValueError, "weight must be >= 0, got -1");
}

// With the same input and weight everywhere, every rank's gradcheck
// perturbs the same element at once, and the central differences of the
// summed output are the plain-sum adjoint (size()·g): a true check, first
// and second order, in a composite.
BOOST_AUTO_TEST_CASE(sum_across_ranks_gradchecks) {
    using Fn = std::vector<Tensor>;
    Generator g(3);
    const Tensor x = normal({2, 3}, 0.0, 1.0, float64, g);  // same seed: same x on every rank
    const auto fn = [](const Fn& v) { return tanh(dist::sum_across_ranks(v[0] * v[0])); };
    CHECK_GRADCHECK("sum_across_ranks", fn, {x});
    CHECK_GRADGRADCHECK("sum_across_ranks", fn, {x});
}

// A failing rank ends the job within the timeout: distributed/failures
// checks that end to end; here only the setting.
BOOST_AUTO_TEST_CASE(timeout_setting) {
    const double before = dist::timeout();
    BOOST_TEST(before == 600.0);  // the tests' environment leaves the default
    dist::set_timeout(2.5);
    BOOST_TEST(dist::timeout() == 2.5);
    CHECK_THROWS_WITH(dist::set_timeout(-1), ValueError, "seconds must be >= 0, got -1");
    dist::set_timeout(before);
}

BOOST_AUTO_TEST_SUITE_END()
