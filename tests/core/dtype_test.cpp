// The bool dtype: its name, size, conversions both ways (NaN, −0.0),
// creation, filling, reading and printing.
#include <limits>
#include <sstream>

#include "../test_helpers.hpp"

using namespace xgrad;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(core_dtype)

BOOST_AUTO_TEST_CASE(bool_name_size_and_cpp_type) {
    BOOST_TEST(dtype_name(boolean) == "bool");
    BOOST_TEST((dtype_from_name("bool") == boolean));
    BOOST_TEST(itemsize(boolean) == 1u);
    BOOST_TEST(sizeof(bool) == 1u);
    BOOST_TEST(!is_floating(boolean));
    BOOST_TEST((dtype_v<bool> == boolean));
    BOOST_TEST(std::count(all_dtypes.begin(), all_dtypes.end(), boolean) == 1);
    CHECK_THROWS_WITH(dtype_from_name("boolean"), DtypeError,
                      "unknown dtype 'boolean' (xgrad has float32, float64, int64, uint8, bool)");
}

BOOST_AUTO_TEST_CASE(into_bool_is_nonzero) {
    // As PyTorch: nonzero is true, NaN and ±inf included; −0.0 is zero.
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    const std::vector<bool> expected{false, false, true, true, true, true, true, true};
    for (const Dtype from : {float32, float64}) {
        const Tensor t = tensor({0.0, -0.0, 0.5, -2.0, nan, inf, -inf, 1e-30}, from).to(boolean);
        BOOST_TEST((t.dtype() == boolean));
        // 1e-30 is a normal float32, so true in both dtypes.
        BOOST_TEST(t.to_vector<bool>() == expected, tt::per_element());
    }
    BOOST_TEST(tensor({0, -3, 7}, int64).to(boolean).to_vector<bool>() == std::vector<bool>({false, true, true}),
               tt::per_element());
    BOOST_TEST(tensor({0, 1, 255}, uint8).to(boolean).to_vector<bool>() == std::vector<bool>({false, true, true}),
               tt::per_element());
    // Creation and filling convert the same way.
    BOOST_TEST(tensor({0.0, nan, -0.0}, boolean).to_vector<bool>() == std::vector<bool>({false, true, false}),
               tt::per_element());
    BOOST_TEST(full({2}, -0.5, boolean).to_vector<bool>() == std::vector<bool>({true, true}), tt::per_element());
    BOOST_TEST(zeros({2}, boolean).to_vector<bool>() == std::vector<bool>({false, false}), tt::per_element());
    BOOST_TEST(ones({1}, boolean).item<bool>());
    Tensor f = zeros({3}, boolean);
    f.fill_(nan);
    BOOST_TEST(f.to_vector<bool>() == std::vector<bool>({true, true, true}), tt::per_element());
    f.fill_(-0.0);
    BOOST_TEST(f.to_vector<bool>() == std::vector<bool>({false, false, false}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(out_of_bool_is_zero_or_one) {
    const Tensor b = from_vector(std::vector<bool>{true, false, true}, {3});
    BOOST_TEST((b.dtype() == boolean));
    BOOST_TEST(b.data<bool>()[0]);
    BOOST_TEST(b.to(float32).to_vector<float>() == std::vector<float>({1, 0, 1}), tt::per_element());
    BOOST_TEST(b.to(float64).to_vector<double>() == std::vector<double>({1, 0, 1}), tt::per_element());
    BOOST_TEST(b.to(int64).to_vector<std::int64_t>() == std::vector<std::int64_t>({1, 0, 1}), tt::per_element());
    // Into uint8, true is 1 (not clamped to 255).
    BOOST_TEST(b.to(uint8).to_vector<std::uint8_t>() == std::vector<std::uint8_t>({1, 0, 1}), tt::per_element());
    BOOST_TEST(b.to_vector<double>() == std::vector<double>({1, 0, 1}), tt::per_element());
    BOOST_TEST(scalar(1.0, boolean).item() == 1.0);
    BOOST_TEST(!scalar(0.0, boolean).item<bool>());
    // Round trip through every dtype keeps the values.
    for (const Dtype via : all_dtypes)
        BOOST_TEST(b.to(via).to(boolean).to_vector<bool>() == std::vector<bool>({true, false, true}), tt::per_element());
    CHECK_THROWS_WITH(from_vector(std::vector<bool>{true}, {2}), ShapeError, "from_vector: 1 values do not fill shape [2]");
    CHECK_THROWS_WITH(b.data<float>(), DtypeError, "tensor: data requested as float32 but the tensor is bool");
}

BOOST_AUTO_TEST_CASE(empty_bool_tensors) {
    const Tensor e = zeros({0, 4}, boolean);
    BOOST_TEST((e.dtype() == boolean && e.numel() == 0));
    BOOST_TEST(e.to(float32).numel() == 0);
    BOOST_TEST(zeros({0}).to(boolean).to_vector<bool>().empty());
    BOOST_TEST(from_vector(std::vector<bool>{}, {0, 2}).numel() == 0);
    BOOST_TEST(to_string(e) == "tensor([], dtype=bool)");
}

BOOST_AUTO_TEST_CASE(bool_tensors_print_and_move_but_take_no_arithmetic) {
    BOOST_TEST(to_string(tensor({{1, 0}, {0, 1}}, boolean)) ==
               "tensor([[ true, false],\n        [false,  true]], dtype=bool)");
    // Data movement works on bool as on every dtype.
    const Tensor b = tensor({{1, 0, 1}, {0, 0, 1}}, boolean);
    BOOST_TEST(transpose(b, 0, 1).to_vector<bool>() == std::vector<bool>({true, false, false, false, true, true}),
               tt::per_element());
    BOOST_TEST(expand(tensor({1, 0}, boolean), {2, 2}).to_vector<bool>() ==
                   std::vector<bool>({true, false, true, false}),
               tt::per_element());
    BOOST_TEST(reshape(b, {3, 2}).to_vector<bool>() == b.to_vector<bool>(), tt::per_element());
    BOOST_TEST(concat({b, b}, 0).shape() == Shape({4, 3}));
    BOOST_TEST(b.clone().to_vector<bool>() == b.to_vector<bool>(), tt::per_element());
    CHECK_THROWS_WITH(neg(b), DtypeError,
                      "bool tensors hold masks and take no arithmetic: convert with .to(float32) (or the dtype you "
                      "compute in) first");
    CHECK_THROWS_WITH(mean(b), DtypeError, "mean: expected a floating dtype (float32 or float64), got bool");
    CHECK_THROWS_WITH(Tensor(b).requires_grad_(), DtypeError, "only floating tensors can require gradients, this one is bool");
}

BOOST_AUTO_TEST_SUITE_END()
