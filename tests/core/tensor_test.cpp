#include "../test_helpers.hpp"
#include <algorithm>
#include <cmath>
#include <sstream>
#include <thread>

using namespace xgrad;
using xgrad_test::values;

BOOST_AUTO_TEST_SUITE(core_tensor)

BOOST_AUTO_TEST_CASE(creation_shapes_and_values) {
    const Tensor z = zeros({2, 3});
    BOOST_TEST(z.rank() == 2u);
    BOOST_TEST(z.numel() == 6);
    BOOST_TEST((z.dtype() == float32));
    BOOST_TEST(values(z) == std::vector<double>(6, 0.0), boost::test_tools::per_element());
    BOOST_TEST(values(ones({2}, float64)) == std::vector<double>({1, 1}), boost::test_tools::per_element());
    BOOST_TEST(values(full({3}, 2.5)) == std::vector<double>({2.5, 2.5, 2.5}), boost::test_tools::per_element());
    BOOST_TEST(values(arange(0.0, 1.0, 0.25)) == std::vector<double>({0, 0.25, 0.5, 0.75}),
               boost::test_tools::per_element());
    BOOST_TEST((arange(5).dtype() == int64));
    BOOST_TEST(values(linspace(0, 1, 5)) == std::vector<double>({0, 0.25, 0.5, 0.75, 1}),
               boost::test_tools::per_element());
    BOOST_TEST(values(eye(2, 3)) == std::vector<double>({1, 0, 0, 0, 1, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(scalar_tensor_is_rank_zero) {
    const Tensor s = scalar(3.5);
    BOOST_TEST(s.rank() == 0u);
    BOOST_TEST(s.numel() == 1);
    BOOST_TEST(s.item() == 3.5);
}

BOOST_AUTO_TEST_CASE(nested_initializer_lists) {
    const Tensor t = tensor({{1, 2, 3}, {4, 5, 6}});
    BOOST_TEST((t.shape() == Shape{2, 3}));
    BOOST_TEST(values(t) == std::vector<double>({1, 2, 3, 4, 5, 6}), boost::test_tools::per_element());
    const Tensor c = tensor({{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}, {{9, 10}, {11, 12}}}, float64);
    BOOST_TEST((c.shape() == Shape{3, 2, 2}));
    BOOST_TEST(c.data<double>()[11] == 12.0);
    CHECK_THROWS_WITH(tensor({{1, 2}, {3}}), ValueError, "ragged");
}

BOOST_AUTO_TEST_CASE(from_vector_checks_count) {
    const Tensor t = from_vector<double>({1, 2, 3, 4}, {2, 2});
    BOOST_TEST((t.dtype() == float64));
    BOOST_TEST(t.data<double>()[3] == 4.0);
    CHECK_THROWS_WITH(from_vector<float>({1, 2, 3}, {2, 2}), ShapeError, "3 values do not fill shape [2,2]");
}

BOOST_AUTO_TEST_CASE(data_access_checks_dtype) {
    const Tensor t = zeros({2});
    CHECK_THROWS_WITH(t.data<double>(), DtypeError, "requested as float64 but the tensor is float32");
    CHECK_THROWS_WITH(Tensor().shape(), ValueError, "undefined tensor");
}

BOOST_AUTO_TEST_CASE(copy_shares_clone_copies) {
    Tensor a = tensor({1, 2});
    Tensor b = a;
    Tensor c = a.clone();
    a.fill_(7);
    BOOST_TEST(b.data<float>()[0] == 7.0f);
    BOOST_TEST(c.data<float>()[0] == 1.0f);
    BOOST_TEST(a.version() == 1u);
}

BOOST_AUTO_TEST_CASE(dtype_conversion) {
    const Tensor a = tensor({1.7, -2.2});
    const Tensor i = a.to(int64);
    BOOST_TEST((i.dtype() == int64));
    BOOST_TEST(i.data<std::int64_t>()[0] == 1);
    BOOST_TEST(i.data<std::int64_t>()[1] == -2);
    BOOST_TEST(a.to(float32).is_same(a));
    BOOST_TEST(a.to(float64).data<double>()[0] == static_cast<double>(1.7f));
}

BOOST_AUTO_TEST_CASE(conversion_and_clone_gradients) {
    // to() between floating dtypes and clone() pass gradients through unchanged.
    Tensor x = tensor({1.0, 2.0}).requires_grad_();
    Tensor y = x.to(float64) * 3.0;
    y.sum().backward();
    BOOST_TEST((x.grad().dtype() == float32));
    BOOST_TEST(values(x.grad()) == std::vector<double>({3, 3}), boost::test_tools::per_element());
    using Fn = std::vector<Tensor>;
    // Through float32 the function is linear but rounded: a wide step keeps
    // the rounding (~1e-7) small against the step.
    GradcheckOptions wide;
    wide.eps = 1e-2;
    CHECK_GRADCHECK("to", [](const Fn& v) { return v[0].to(float32); }, {randn({3})}, wide);
    CHECK_GRADCHECK("clone", [](const Fn& v) { return v[0].clone() * v[0]; }, {randn({2, 2})});
}

BOOST_AUTO_TEST_CASE(item_requires_one_element) {
    CHECK_THROWS_WITH(zeros({2, 2}).item(), ValueError, "has 4 elements (shape [2,2])");
}

BOOST_AUTO_TEST_CASE(in_place_updates) {
    Tensor a = tensor({1, 2, 3});
    a.add_(tensor({1, 1, 1}), 2.0);
    BOOST_TEST(values(a) == std::vector<double>({3, 4, 5}), boost::test_tools::per_element());
    a.mul_(0.5);
    BOOST_TEST(values(a) == std::vector<double>({1.5, 2, 2.5}), boost::test_tools::per_element());
    a.copy_(tensor({9, 8, 7}, float64));
    BOOST_TEST(values(a) == std::vector<double>({9, 8, 7}), boost::test_tools::per_element());
    CHECK_THROWS_WITH(a.copy_(zeros({2})), ShapeError, "source shape [2] does not match destination [3]");
    BOOST_TEST(a.version() == 3u);
}

BOOST_AUTO_TEST_CASE(printing_is_numpy_like) {
    BOOST_TEST(to_string(tensor({{1, 2}, {3, 4}})) == "tensor([[1.0000, 2.0000],\n        [3.0000, 4.0000]])");
    BOOST_TEST(to_string(arange(3)) == "tensor([0, 1, 2], dtype=int64)");
    BOOST_TEST(to_string(scalar(2)) == "tensor(2.0000)");
    const std::string big = to_string(zeros({2000}));
    BOOST_TEST(big.find("...") != std::string::npos);
    BOOST_TEST(big.size() < 100u);
}

BOOST_AUTO_TEST_CASE(negative_or_overflowing_shapes_rejected) {
    CHECK_THROWS_WITH(zeros({2, -1}), ShapeError, "tensor: negative dimension in shape [2,-1]");
    // 2^40 · 2^40 wraps to 0 in int64 arithmetic: it used to make an empty tensor.
    const std::int64_t t40 = std::int64_t{1} << 40;
    CHECK_THROWS_WITH(zeros({t40, t40}), ShapeError,
                      "tensor: shape [1099511627776,1099511627776] has more than 2^63 elements");
    CHECK_THROWS_WITH(zeros({std::int64_t{1} << 62, 4}), ShapeError, "has more than 2^63 elements");
    CHECK_THROWS_WITH(zeros({std::int64_t{1} << 62}, float64), ShapeError,
                      "tensor: shape [4611686018427387904] needs more than 2^64 bytes");
    BOOST_TEST(checked_numel(Shape{3, 0, std::int64_t{1} << 62}, "x") == 0);
    BOOST_TEST(checked_numel(Shape{}, "x") == 1);
}

BOOST_AUTO_TEST_CASE(shape_broadcasting_rules) {
    BOOST_TEST((broadcast_shapes({3, 1}, {4}, "add") == Shape{3, 4}));
    BOOST_TEST((broadcast_shapes({}, {2, 2}, "add") == Shape{2, 2}));
    CHECK_THROWS_WITH(broadcast_shapes({3}, {4}, "add"), ShapeError, "add: shapes [3] and [4] cannot be broadcast");
}

BOOST_AUTO_TEST_CASE(uint8_holds_data_and_converts) {
    namespace tt = boost::test_tools;
    BOOST_TEST(itemsize(uint8) == 1u);
    BOOST_TEST(dtype_name(uint8) == "uint8");
    BOOST_TEST(!is_floating(uint8));
    // Conversions into uint8 clamp to 0…255 and truncate; NaN → 0.
    const Tensor t = tensor({0.0, 3.7, 300.0, -2.0, std::nan("")}, uint8);
    BOOST_TEST(t.to_vector<std::uint8_t>() == std::vector<std::uint8_t>({0, 3, 255, 0, 0}), tt::per_element());
    BOOST_TEST(t.to(float32).to_vector<float>() == std::vector<float>({0, 3, 255, 0, 0}), tt::per_element());
    BOOST_TEST(full({2}, 7.0, uint8).to(int64).to_vector<std::int64_t>() == std::vector<std::int64_t>({7, 7}),
               tt::per_element());
    BOOST_TEST(tensor({250.0}, uint8).item() == 250.0);
    std::ostringstream printed;
    printed << tensor({1.0, 2.0}, uint8);
    BOOST_TEST(printed.str().find("dtype=uint8") != std::string::npos);
    // No op computes on it: the error says how to convert.
    CHECK_THROWS_WITH(t + t, DtypeError, "uint8 tensors hold data only: convert with .to(float32) first");
    CHECK_THROWS_WITH(sum(t), DtypeError, "nn::Rescaling");
    CHECK_THROWS_WITH(Tensor(t).requires_grad_(), DtypeError, "only floating tensors can require gradients, this one is uint8");
}

BOOST_AUTO_TEST_CASE(shapes_of_any_rank) {
    Shape s = Shape::filled(9, 2);
    BOOST_TEST(s.size() == 9u);
    BOOST_TEST(s.numel() == 512);
    const Tensor t = zeros(s);
    BOOST_TEST(t.rank() == 9u);
    s.push_back(3);
    BOOST_TEST(s.back() == 3);
    BOOST_TEST(to_string(Shape{32, 784}) == "[32,784]");
}

// Tensors with static or thread storage duration can be freed after the
// per-thread buffer cache is destroyed (exit handlers run after it): their
// buffers must go back to the system, not into the dead cache. Under
// AddressSanitizer the old code failed both cases with heap-use-after-free.
BOOST_AUTO_TEST_CASE(tensors_freed_after_the_thread_cache_is_gone) {
    std::thread([] {
        thread_local Tensor late;  // constructed before the thread's cache, so destroyed after it
        late = ones({1000});
        BOOST_TEST(late.data<float>()[999] == 1.0f);
    }).join();
    static const Tensor at_exit = full({256}, 2.0);  // freed by exit handlers, after main's cache
    BOOST_TEST(at_exit.data<float>()[0] == 2.0f);
}

BOOST_AUTO_TEST_CASE(buffers_are_reused_by_the_cache) {
    const std::size_t before = detail::cached_bytes();
    { Tensor t = zeros({1000}); }
    BOOST_TEST(detail::cached_bytes() >= before + 4000);
    void* first = nullptr;
    { Tensor t = zeros({1000}); first = t.raw_data(); }
    { Tensor t = zeros({1000}); BOOST_TEST(t.raw_data() == first); }
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(first) % 64 == 0u);
}

// Every value of Dtype's byte that dtype_name() accepts is in all_dtypes and
// reads back from its name; every other value is refused, never sized.
BOOST_AUTO_TEST_CASE(every_dtype_round_trips_through_its_name) {
    std::size_t named = 0;
    for (unsigned v = 0; v < 256; ++v) {
        const Dtype d = static_cast<Dtype>(v);
        std::string name;
        try {
            name = dtype_name(d);
        } catch (const DtypeError& e) {
            BOOST_TEST(std::string(e.what()) ==
                       "invalid dtype value " + std::to_string(v) + " (xgrad has float32, float64, int64, uint8, bool)");
            BOOST_CHECK_THROW(itemsize(d), DtypeError);  // was 8
            continue;
        }
        ++named;
        BOOST_TEST(std::count(all_dtypes.begin(), all_dtypes.end(), d) == 1, name);
        BOOST_TEST((dtype_from_name(name) == d), name);
        visit_any_dtype(d, [&](auto element) { BOOST_TEST(itemsize(d) == sizeof(element), name); });
    }
    BOOST_TEST(named == all_dtypes.size());
    BOOST_TEST(itemsize(float32) == 4u);
    BOOST_TEST(itemsize(float64) == 8u);
    BOOST_TEST(itemsize(int64) == 8u);
    BOOST_TEST(itemsize(uint8) == 1u);
    for (const char* unknown : {"float16", "Float32", "f32", "F32", "<f4", ""})
        CHECK_THROWS_WITH(dtype_from_name(unknown), DtypeError,
                          "unknown dtype '" + std::string(unknown) + "' (xgrad has float32, float64, int64, uint8, bool)");
}

BOOST_AUTO_TEST_SUITE_END()
