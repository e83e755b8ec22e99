// The thread pool: sizing, parallel_for's contract, and matrix products
// split over it (same values as one thread, from one or many calling threads).
#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "../test_helpers.hpp"
#include "core/thread_pool.hpp"

using namespace xgrad;
using xgrad_test::values;

namespace {

// Restores the pool size a test changed.
struct ThreadCount {
    explicit ThreadCount(int n) : previous(num_threads()) { set_num_threads(n); }
    ~ThreadCount() { set_num_threads(previous); }
    int previous;
};

// op(a)·op(b) in float64 by the textbook loop.
std::vector<double> reference_product(const Tensor& a, const Tensor& b) {
    const auto x = values(a), y = values(b);
    const std::int64_t m = a.shape()[0], k = a.shape()[1], n = b.shape()[1];
    std::vector<double> c(static_cast<std::size_t>(m * n), 0.0);
    for (std::int64_t i = 0; i < m; ++i)
        for (std::int64_t p = 0; p < k; ++p)
            for (std::int64_t j = 0; j < n; ++j) c[i * n + j] += x[i * k + p] * y[p * n + j];
    return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(core_threads)

BOOST_AUTO_TEST_CASE(set_and_read_the_thread_count) {
    const ThreadCount three(3);
    BOOST_TEST(num_threads() == 3);
    set_num_threads(1);
    BOOST_TEST(num_threads() == 1);
    CHECK_THROWS_WITH(set_num_threads(0), ValueError, "set_num_threads: need at least 1 thread, got 0");
    BOOST_TEST(num_threads() == 1);
}

BOOST_AUTO_TEST_CASE(every_task_runs_once_on_up_to_n_threads) {
    const ThreadCount two(2);
    for (int round = 0; round < 200; ++round) {
        std::vector<std::atomic<int>> runs(37);
        std::vector<std::thread::id> ids(37);
        detail::parallel_for(37, [&](std::int64_t i) {
            runs[static_cast<std::size_t>(i)].fetch_add(1);
            ids[static_cast<std::size_t>(i)] = std::this_thread::get_id();
        });
        for (const auto& r : runs) BOOST_TEST_REQUIRE(r.load() == 1);
        std::vector<std::thread::id> distinct;
        for (const auto& id : ids)
            if (std::find(distinct.begin(), distinct.end(), id) == distinct.end()) distinct.push_back(id);
        BOOST_TEST_REQUIRE(distinct.size() <= 2u);
    }
}

BOOST_AUTO_TEST_CASE(one_thread_runs_tasks_in_order_on_the_caller) {
    const ThreadCount one(1);
    std::vector<std::int64_t> order;
    std::vector<std::thread::id> ids;
    detail::parallel_for(5, [&](std::int64_t i) {
        order.push_back(i);
        ids.push_back(std::this_thread::get_id());
    });
    BOOST_TEST(order == (std::vector<std::int64_t>{0, 1, 2, 3, 4}), boost::test_tools::per_element());
    BOOST_TEST(std::count(ids.begin(), ids.end(), std::this_thread::get_id()) == 5);
}

// Boost.Test assertions are not thread-safe: tasks only record what they
// saw, the test thread checks it afterwards.
BOOST_AUTO_TEST_CASE(nested_parallel_for_runs_inline) {
    const ThreadCount two(2);
    std::atomic<int> inner{0}, elsewhere{0};
    detail::parallel_for(4, [&](std::int64_t) {
        const auto outer_thread = std::this_thread::get_id();
        detail::parallel_for(3, [&](std::int64_t) {
            if (std::this_thread::get_id() != outer_thread) elsewhere.fetch_add(1);
            inner.fetch_add(1);
        });
    });
    BOOST_TEST(inner.load() == 12);
    BOOST_TEST(elsewhere.load() == 0);
}

BOOST_AUTO_TEST_CASE(a_task_exception_reaches_the_caller_after_all_tasks) {
    const ThreadCount two(2);
    std::atomic<int> finished{0};
    BOOST_CHECK_THROW(detail::parallel_for(8,
                                           [&](std::int64_t i) {
                                               if (i == 3) throw std::runtime_error("task 3 failed");
                                               finished.fetch_add(1);
                                           }),
                      std::runtime_error);
    BOOST_TEST(finished.load() == 7);
    // The pool is usable afterwards.
    std::atomic<int> again{0};
    detail::parallel_for(8, [&](std::int64_t) { again.fetch_add(1); });
    BOOST_TEST(again.load() == 8);
}

BOOST_AUTO_TEST_CASE(split_products_match_the_reference_at_every_thread_count) {
    // Shapes over the split threshold, with row and column counts that do not
    // divide evenly. Forward is A·B (split by rows); backward gives G·Bᵀ (split
    // by columns) and Aᵀ·G (split by rows).
    manual_seed(5);
    for (const Shape& mkn : {Shape{32, 100, 100}, Shape{37, 301, 83}, Shape{300, 33, 100}}) {
        const Tensor a0 = randn({mkn[0], mkn[1]}), b0 = randn({mkn[1], mkn[2]}), g = randn({mkn[0], mkn[2]});
        const auto c_ref = reference_product(a0, b0);
        const auto da_ref = reference_product(g, transpose(b0, 0, 1));
        const auto db_ref = reference_product(transpose(a0, 0, 1), g);
        for (int threads : {1, 2, 3}) {
            const ThreadCount count(threads);
            Tensor a = a0.clone().requires_grad_(), b = b0.clone().requires_grad_();
            const Tensor c = matmul(a, b);
            sum(c * g).backward();
            for (const auto& [got, expected] : {std::pair{c.to_vector<float>(), c_ref},
                                                std::pair{a.grad().to_vector<float>(), da_ref},
                                                std::pair{b.grad().to_vector<float>(), db_ref}}) {
                BOOST_TEST_REQUIRE(got.size() == expected.size());
                for (std::size_t i = 0; i < got.size(); ++i)
                    BOOST_TEST_REQUIRE(std::abs(got[i] - expected[i]) < 1e-3 * (1 + std::abs(expected[i])));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(float64_products_split_too) {
    manual_seed(6);
    const Tensor a = randn({64, 96}, float64), b = randn({96, 80}, float64);
    const ThreadCount two(2);
    const auto c = values(matmul(a, b));
    const auto expected = reference_product(a, b);
    for (std::size_t i = 0; i < c.size(); ++i) BOOST_TEST_REQUIRE(std::abs(c[i] - expected[i]) < 1e-10);
}

BOOST_AUTO_TEST_CASE(many_calling_threads_share_the_pool) {
    // Four threads multiply at once: one holds the pool, the others run alone.
    const ThreadCount two(2);
    manual_seed(7);
    const Tensor a = randn({64, 128}), b = randn({128, 96});
    const auto expected = reference_product(a, b);
    std::atomic<int> wrong{0};
    std::vector<std::thread> callers;
    for (int t = 0; t < 4; ++t) {
        callers.emplace_back([&] {
            for (int i = 0; i < 50; ++i) {
                const auto c = matmul(a, b).to_vector<float>();
                for (std::size_t j = 0; j < c.size(); ++j)
                    if (std::abs(c[j] - expected[j]) > 1e-3) wrong.fetch_add(1);
            }
        });
    }
    for (std::thread& t : callers) t.join();
    BOOST_TEST(wrong.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
