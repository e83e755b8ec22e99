// Small-object memory: the per-thread pool behind tensor handles, storages
// and autograd nodes, and the inline vector nodes keep their edges in.
#include <cstdint>
#include <set>
#include <thread>
#include <vector>

#include "../test_helpers.hpp"
#include "xgrad/core/pool_allocator.hpp"
#include "xgrad/core/small_vector.hpp"

using namespace xgrad;
using xgrad_test::values;

namespace {

struct Counted {
    static inline int live = 0;
    explicit Counted(int v) : value(v) { ++live; }
    ~Counted() { --live; }
    int value;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(core_memory)

BOOST_AUTO_TEST_CASE(pool_blocks_are_aligned_and_sized) {
    std::vector<std::pair<void*, std::size_t>> blocks;
    for (std::size_t bytes = 1; bytes <= 1100; bytes += 7) {
        auto* p = static_cast<unsigned char*>(detail::pool_alloc(bytes));
        BOOST_TEST(reinterpret_cast<std::uintptr_t>(p) % 16 == 0u);
        for (std::size_t i = 0; i < bytes; ++i) p[i] = static_cast<unsigned char>(i);  // ASan checks the size
        blocks.emplace_back(p, bytes);
    }
    std::set<void*> distinct;
    for (auto [p, bytes] : blocks) distinct.insert(p);
    BOOST_TEST(distinct.size() == blocks.size());
    for (auto [p, bytes] : blocks) detail::pool_free(p, bytes);
}

BOOST_AUTO_TEST_CASE(pool_reuses_a_freed_block_of_the_same_class) {
    void* p = detail::pool_alloc(40);
    detail::pool_free(p, 40);
    void* q = detail::pool_alloc(33);  // 33 and 40 bytes share the 48-byte class
#if defined(__SANITIZE_ADDRESS__)
    BOOST_TEST_MESSAGE("AddressSanitizer build: the pool hands every block to the system");
#else
    BOOST_TEST(q == p);
#endif
    detail::pool_free(q, 33);
}

BOOST_AUTO_TEST_CASE(blocks_freed_on_another_thread) {
    std::vector<void*> blocks;
    for (int i = 0; i < 1000; ++i) blocks.push_back(detail::pool_alloc(64 + i % 200));
    std::thread other([&] {
        for (int i = 0; i < 1000; ++i) detail::pool_free(blocks[static_cast<std::size_t>(i)], 64 + i % 200);
        // Reused there, then the thread's lists go back to the system at exit.
        for (int i = 0; i < 1000; ++i) blocks[static_cast<std::size_t>(i)] = detail::pool_alloc(64 + i % 200);
        for (int i = 0; i < 1000; ++i) detail::pool_free(blocks[static_cast<std::size_t>(i)], 64 + i % 200);
    });
    other.join();
    // Tensors made on a worker and dropped on this thread.
    std::vector<Tensor> made;
    std::thread maker([&] {
        for (int i = 0; i < 100; ++i) made.push_back(full({3}, i).requires_grad_() * 2.0);
    });
    maker.join();
    BOOST_TEST(made[99].to_vector<float>()[0] == 198.0f);
    made.clear();
}

BOOST_AUTO_TEST_CASE(make_pooled_constructs_and_destroys) {
    {
        auto a = detail::make_pooled<Counted>(7);
        auto b = a;
        BOOST_TEST(Counted::live == 1);
        BOOST_TEST(b->value == 7);
    }
    BOOST_TEST(Counted::live == 0);
}

BOOST_AUTO_TEST_CASE(small_vector_inline_and_heap) {
    detail::SmallVector<Tensor, 2> v;
    BOOST_TEST(v.size() == 0u);
    const Tensor t = ones({4});
    v.assign(2);
    v[0] = t;
    BOOST_TEST(t.impl().use_count() == 2);
    v.clear();  // inline elements are released
    BOOST_TEST(t.impl().use_count() == 1);
    v.assign(5);
    for (auto& x : v) x = t;
    BOOST_TEST(v.size() == 5u);
    BOOST_TEST(t.impl().use_count() == 6);
    v.assign(1);  // back inline: the heap ones are gone
    BOOST_TEST(t.impl().use_count() == 1);
    BOOST_TEST(!v[0].defined());
}

BOOST_AUTO_TEST_CASE(ops_with_more_inputs_than_inline_edges) {
    // concat of five inputs keeps its edges on the heap; every input gets its gradient.
    std::vector<Tensor> parts;
    for (int i = 0; i < 5; ++i) parts.push_back(full({2}, i).requires_grad_());
    const Tensor y = concat(parts, 0);
    (y * tensor({1, 2, 3, 4, 5, 6, 7, 8, 9, 10})).sum().backward();
    for (int i = 0; i < 5; ++i)
        BOOST_TEST(values(parts[static_cast<std::size_t>(i)].grad()) == std::vector<double>({2.0 * i + 1, 2.0 * i + 2}),
                   boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
