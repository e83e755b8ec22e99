// einsum and tensordot: hand-computed values on the classic equations,
// agreement with a naive loop over every index assignment, gradients to
// second order, and errors that point at the offending character/operand.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "../test_helpers.hpp"

using namespace xgrad;
using xgrad_test::values;
namespace tt = boost::test_tools;

namespace {

Tensor t64(const NestedList& v) { return tensor(v, float64); }

/// Standard normal values in float64, from their own seeded stream.
Tensor rnd(const Shape& shape, std::uint64_t seed) {
    Generator gen(seed);
    return randn(shape, float64, gen);
}

/// arange(0, n) in float64 with `shape`.
Tensor counting(const Shape& shape) {
    return arange(0.0, static_cast<double>(shape.numel()), 1.0, float64).reshape(shape);
}

/// einsum by definition: a loop over every assignment of the indices, in
/// double. Equations with explicit output and letters only.
std::vector<double> naive_einsum(const std::string& eq, const std::vector<Tensor>& xs) {
    const auto arrow = eq.find("->");
    std::vector<std::string> inputs;
    std::string current;
    for (char c : eq.substr(0, arrow)) {
        if (c == ',') {
            inputs.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    inputs.push_back(current);
    const std::string output = eq.substr(arrow + 2);
    std::map<char, std::int64_t> size;
    for (std::size_t i = 0; i < inputs.size(); ++i)
        for (std::size_t d = 0; d < inputs[i].size(); ++d) size[inputs[i][d]] = xs[i].shape()[d];
    std::vector<char> labels;
    for (const auto& [label, n] : size) labels.push_back(label);
    std::vector<std::vector<double>> data;
    for (const Tensor& x : xs) data.push_back(values(x));
    std::int64_t out_numel = 1;
    for (char c : output) out_numel *= size[c];
    std::vector<double> out(static_cast<std::size_t>(out_numel), 0.0);
    std::map<char, std::int64_t> at;
    for (char c : labels) at[c] = 0;
    auto offset = [&](const std::string& subs) {
        std::int64_t o = 0;
        for (char c : subs) o = o * size[c] + at[c];
        return o;
    };
    for (;;) {
        double product = 1.0;
        for (std::size_t i = 0; i < inputs.size(); ++i) product *= data[i][static_cast<std::size_t>(offset(inputs[i]))];
        out[static_cast<std::size_t>(offset(output))] += product;
        std::size_t d = labels.size();
        for (; d-- > 0;) {
            if (++at[labels[d]] < size[labels[d]]) break;
            at[labels[d]] = 0;
        }
        if (d == static_cast<std::size_t>(-1)) break;
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_einsum)

// A = [[1,2,3],[4,5,6]], B = [[1,0],[0,1],[2,-1]]: every expected value by hand.
BOOST_AUTO_TEST_CASE(hand_values_on_the_classic_equations) {
    const Tensor a = t64({{1, 2, 3}, {4, 5, 6}});
    const Tensor b = t64({{1, 0}, {0, 1}, {2, -1}});
    const Tensor m = t64({{1, 2}, {3, 4}});
    const Tensor u = t64({1, 2, 3}), v = t64({4, 5, 6});

    // matmul, explicit and implicit, and with spaces
    BOOST_TEST(values(einsum("ij,jk->ik", {a, b})) == (std::vector<double>{7, -1, 16, -1}), tt::per_element());
    BOOST_TEST(values(einsum("ij,jk", {a, b})) == (std::vector<double>{7, -1, 16, -1}), tt::per_element());
    BOOST_TEST(values(einsum(" ij , jk -> ik ", {a, b})) == (std::vector<double>{7, -1, 16, -1}), tt::per_element());
    BOOST_TEST(einsum("ij,jk->ik", {a, b}).shape() == (Shape{2, 2}));
    // transpose, sums
    const Tensor at = einsum("ij->ji", {a});
    BOOST_TEST(at.shape() == (Shape{3, 2}));
    BOOST_TEST(values(at) == (std::vector<double>{1, 4, 2, 5, 3, 6}), tt::per_element());
    BOOST_TEST(einsum("ij->", {a}).item() == 21.0);
    BOOST_TEST(values(einsum("ij->i", {a})) == (std::vector<double>{6, 15}), tt::per_element());
    BOOST_TEST(values(einsum("ij->j", {a})) == (std::vector<double>{5, 7, 9}), tt::per_element());
    // outer, dot, Hadamard
    BOOST_TEST(values(einsum("i,j->ij", {t64({1, 2}), t64({3, 4, 5})})) ==
                   (std::vector<double>{3, 4, 5, 6, 8, 10}), tt::per_element());
    BOOST_TEST(einsum("i,i->", {u, v}).item() == 32.0);
    BOOST_TEST(einsum("i,i", {u, v}).item() == 32.0);
    BOOST_TEST(values(einsum("ij,ij->ij", {a, a})) == (std::vector<double>{1, 4, 9, 16, 25, 36}), tt::per_element());
    BOOST_TEST(einsum("ij,ij->", {a, a}).item() == 91.0);
    // trace and diagonal
    BOOST_TEST(einsum("ii->", {m}).item() == 5.0);
    BOOST_TEST(einsum("ii", {m}).item() == 5.0);
    BOOST_TEST(values(einsum("ii->i", {m})) == (std::vector<double>{1, 4}), tt::per_element());
    BOOST_TEST(values(einsum("iii->i", {counting({2, 2, 2})})) == (std::vector<double>{0, 7}), tt::per_element());
    // repeated index that is summed: Σ_i X[i,i,j] = [0,1,2] + [9,10,11]
    BOOST_TEST(values(einsum("iij->j", {counting({2, 2, 3})})) == (std::vector<double>{9, 11, 13}), tt::per_element());
    // i occurs only in A and not in the output: summed first, [5,7,9]·B
    BOOST_TEST(values(einsum("ij,jk->k", {a, b})) == (std::vector<double>{23, -2}), tt::per_element());
    // three operands: (A·B)·C
    BOOST_TEST(values(einsum("ij,jk,kl->il", {a, b, t64({{1, 1}, {0, 2}})})) == (std::vector<double>{7, 5, 16, 14}),
               tt::per_element());
    BOOST_TEST(einsum("i,i,i->", {u, v, t64({1, 1, 2})}).item() == 50.0);
    // implicit output in ASCII order: "ba" → "ab", "aB" → "Ba" (upper case first)
    BOOST_TEST(values(einsum("ba", {m})) == (std::vector<double>{1, 3, 2, 4}), tt::per_element());
    BOOST_TEST(values(einsum("aB", {m})) == (std::vector<double>{1, 3, 2, 4}), tt::per_element());
    BOOST_TEST(values(einsum("Ab", {m})) == (std::vector<double>{1, 2, 3, 4}), tt::per_element());
    // scalars
    BOOST_TEST(einsum("", {scalar(3.0, float64)}).item() == 3.0);
    BOOST_TEST(einsum(",->", {scalar(2.0, float64), scalar(3.0, float64)}).item() == 6.0);
    BOOST_TEST(values(einsum(",i->i", {scalar(2.0, float64), t64({1, 2})})) == (std::vector<double>{2, 4}),
               tt::per_element());
    // an index of size 1 broadcasts against the same index elsewhere
    BOOST_TEST(values(einsum("ij,ij->ij", {t64({{1}, {2}}), t64({{1, 2, 3}})})) ==
                   (std::vector<double>{1, 2, 3, 2, 4, 6}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(batched_and_attention_equations) {
    // X = [[[0,1],[2,3]], [[4,5],[6,7]]], Y = [I, ones]
    const Tensor x = counting({2, 2, 2});
    const Tensor y = t64({{{1, 0}, {0, 1}}, {{1, 1}, {1, 1}}});
    BOOST_TEST(values(einsum("bij,bjk->bik", {x, y})) == (std::vector<double>{0, 1, 2, 3, 9, 9, 13, 13}),
               tt::per_element());

    // scores: Q [1,2,2,2] = h0 [[0,1],[2,3]], h1 [[4,5],[6,7]]; K [1,2,1,2] = h0 [[1,1]], h1 [[1,-1]]
    const Tensor q = counting({1, 2, 2, 2});
    const Tensor k = t64({{{{1, 1}}, {{1, -1}}}});
    const Tensor scores = einsum("bhqd,bhkd->bhqk", {q, k});
    BOOST_TEST(scores.shape() == (Shape{1, 2, 2, 1}));
    BOOST_TEST(values(scores) == (std::vector<double>{1, 5, -1, -1}), tt::per_element());
    // weighted values: V [1,2,1,2] = h0 [[1,2]], h1 [[3,4]]
    const Tensor vv = t64({{{{1, 2}}, {{3, 4}}}});
    const Tensor out = einsum("bhqk,bhkd->bhqd", {scores, vv});
    BOOST_TEST(out.shape() == (Shape{1, 2, 2, 2}));
    BOOST_TEST(values(out) == (std::vector<double>{1, 2, 5, 10, -3, -4, -3, -4}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(ellipsis_broadcasts_and_sums_when_not_in_the_output) {
    // X [2,1,1,2] = rows [1,2] and [3,4]; Y [3,2,1] = columns [1,0], [0,1], [1,1]
    const Tensor x = t64({{{{1, 2}}}, {{{3, 4}}}});
    const Tensor y = t64({{{1}, {0}}, {{0}, {1}}, {{1}, {1}}});
    const Tensor r = einsum("...ij,...jk->...ik", {x, y});
    BOOST_TEST(r.shape() == (Shape{2, 3, 1, 1}));
    BOOST_TEST(values(r) == (std::vector<double>{1, 2, 3, 3, 4, 7}), tt::per_element());
    BOOST_TEST(einsum("...ij,...jk", {x, y}).shape() == (Shape{2, 3, 1, 1}));  // implicit: ellipsis first
    // an ellipsis may stand for no dimension, in the operands and in the output
    BOOST_TEST(values(einsum("...ij,...jk->...ik", {t64({{1, 2}}), t64({{1}, {1}})})) == (std::vector<double>{3}),
               tt::per_element());
    BOOST_TEST(einsum("ij->...ij", {counting({2, 3})}).shape() == (Shape{2, 3}));
    // not in the output: summed (PyTorch's rule)
    const Tensor a = t64({{1, 2, 3}, {4, 5, 6}});
    BOOST_TEST(values(einsum("i...->i", {a})) == (std::vector<double>{6, 15}), tt::per_element());
    BOOST_TEST(einsum("...->", {a}).item() == 21.0);
    BOOST_TEST(values(einsum("...i->...", {a})) == (std::vector<double>{6, 15}), tt::per_element());
    BOOST_TEST(values(einsum("i...i->...", {counting({2, 3, 2})})) == (std::vector<double>{0 + 7, 2 + 9, 4 + 11}),
               tt::per_element());
}

BOOST_AUTO_TEST_CASE(agrees_with_the_naive_loop_in_both_dtypes) {
    struct Case {
        std::string equation;
        std::vector<Shape> shapes;
    };
    const std::vector<Case> cases = {
        {"ij,jk->ik", {{3, 4}, {4, 5}}},
        {"ij,kj->ik", {{3, 4}, {5, 4}}},
        {"ji,jk->ik", {{4, 3}, {4, 5}}},
        {"ji,kj->ki", {{4, 3}, {5, 4}}},
        {"bij,bjk->bik", {{2, 3, 4}, {2, 4, 5}}},
        {"bij,bkj->bki", {{2, 3, 4}, {2, 5, 4}}},
        {"bhqd,bhkd->bhqk", {{2, 3, 4, 5}, {2, 3, 6, 5}}},
        {"bhqk,bhkd->bhqd", {{2, 3, 4, 6}, {2, 3, 6, 5}}},
        {"bqhd,bkhd->bhqk", {{2, 4, 3, 5}, {2, 6, 3, 5}}},
        {"abc,cd->abd", {{2, 3, 4}, {4, 5}}},
        {"abc,bc->a", {{2, 3, 4}, {3, 4}}},
        {"i,j,k->ijk", {{2}, {3}, {4}}},
        {"ij,jk,kl->il", {{2, 3}, {3, 4}, {4, 5}}},
        {"ij,jk,ki->", {{2, 3}, {3, 4}, {4, 2}}},
        {"ab,cd,bc->ad", {{2, 3}, {4, 5}, {3, 4}}},
        {"iij,jk->ik", {{3, 3, 4}, {4, 2}}},
        {"iji->j", {{3, 4, 3}}},
        {"ijj,jk->ik", {{2, 3, 3}, {3, 4}}},
        {"ij,ij,ij->j", {{2, 3}, {2, 3}, {2, 3}}},
        {"abcd->dcba", {{2, 3, 4, 5}}},
        {"abcd->bd", {{2, 3, 4, 5}}},
        {"xy,yz,zx->x", {{3, 4}, {4, 5}, {5, 3}}},
        {"ab,b->a", {{3, 4}, {4}}},
        {"b,ab->a", {{4}, {3, 4}}},
        {"ij,k->kji", {{2, 3}, {4}}},
        {"ZA,Az->zZ", {{2, 3}, {3, 4}}},
    };
    std::uint64_t seed = 1;
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.equation) {
            std::vector<Tensor> xs;
            for (const Shape& s : c.shapes) xs.push_back(rnd(s, seed++));
            const std::vector<double> expected = naive_einsum(c.equation, xs);
            BOOST_TEST(values(einsum(c.equation, xs)) == expected, tt::tolerance(1e-12) << tt::per_element());
            std::vector<Tensor> xs32;
            for (const Tensor& x : xs) xs32.push_back(x.to(float32));
            const Tensor r32 = einsum(c.equation, xs32);
            BOOST_TEST((r32.dtype() == float32));
            // relative to the largest value: single-precision sums of products cancel
            double scale = 1.0;
            for (double e : expected) scale = std::max(scale, std::abs(e));
            const std::vector<double> got32 = values(r32);
            for (std::size_t i = 0; i < expected.size(); ++i) BOOST_TEST(std::abs(got32[i] - expected[i]) <= 1e-5 * scale);
        }
    }
}

// Left to right, "i,j,i,j->" would first build the i×j outer product (here
// 4·10^10 elements, more memory than the machine has); the greedy order
// contracts the two i's and the two j's first.
BOOST_AUTO_TEST_CASE(greedy_order_avoids_the_outer_product) {
    const std::int64_t n = 200000;
    const Tensor x = full({n}, 0.5, float64), y = full({n}, 0.25, float64);
    const double expected = (n * 0.25) * (n * 0.0625);  // (x·x)(y·y)
    BOOST_TEST(einsum("i,j,i,j->", {x, y, x, y}).item() == expected, tt::tolerance(1e-12));
    // the chain still comes out right whichever pair goes first
    BOOST_TEST(values(einsum("ij,jk,kl->il", {t64({{1, 2, 3}, {4, 5, 6}}), t64({{1, 0}, {0, 1}, {2, -1}}),
                                               t64({{1, 1}, {0, 2}})})) == (std::vector<double>{7, 5, 16, 14}),
               tt::per_element());
}

BOOST_AUTO_TEST_CASE(empty_operands) {
    const Tensor r = einsum("ij,jk->ik", {zeros({2, 0}, float64), zeros({0, 3}, float64)});
    BOOST_TEST(r.shape() == (Shape{2, 3}));
    BOOST_TEST(values(r) == std::vector<double>(6, 0.0), tt::per_element());
    BOOST_TEST(einsum("ij,jk->ik", {zeros({0, 3}), zeros({3, 2})}).shape() == (Shape{0, 2}));
    BOOST_TEST(einsum("ii->i", {zeros({0, 0})}).shape() == (Shape{0}));
    BOOST_TEST(einsum("ii->", {zeros({0, 0})}).item() == 0.0);
    BOOST_TEST(einsum("bij,bjk->bik", {zeros({0, 2, 3}), zeros({0, 3, 4})}).shape() == (Shape{0, 2, 4}));
}

BOOST_AUTO_TEST_CASE(identity_equation_returns_a_copy) {
    const Tensor a = counting({2, 3});
    for (const char* eq : {"ij->ij", "ij", "...->..."}) {
        BOOST_TEST_CONTEXT(eq) {
            const Tensor r = einsum(eq, {a});
            BOOST_TEST(r.raw_data() != a.raw_data());
            BOOST_TEST(values(r) == values(a), tt::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(gradients_to_second_order) {
    using Fn = std::vector<Tensor>;
    auto eq = [](std::string equation) {
        return [equation](const Fn& x) { return einsum(equation, x); };
    };
    CHECK_GRADCHECK("einsum", eq("ij,jk->ik"), {rnd({3, 4}, 1), rnd({4, 2}, 2)});
    CHECK_GRADGRADCHECK("einsum", eq("ij,jk->ik"), {rnd({3, 4}, 1), rnd({4, 2}, 2)});
    CHECK_GRADCHECK("einsum", eq("bhqd,bhkd->bhqk"), {rnd({1, 2, 3, 2}, 3), rnd({1, 2, 2, 2}, 4)});
    CHECK_GRADGRADCHECK("einsum", eq("bhqd,bhkd->bhqk"),
                        {rnd({1, 2, 3, 2}, 3), rnd({1, 2, 2, 2}, 4)});
    CHECK_GRADCHECK("einsum", eq("ii->i"), {rnd({3, 3}, 5)});
    // einsum of one operand is linear: squared so that the second derivative is not zero
    CHECK_GRADGRADCHECK("einsum", [](const Fn& x) { return square(einsum("ii->i", x)); }, {rnd({3, 3}, 5)});
    CHECK_GRADCHECK("einsum", eq("iij,jk->"), {rnd({2, 2, 3}, 6), rnd({3, 2}, 7)});
    CHECK_GRADGRADCHECK("einsum", eq("iij,jk->"), {rnd({2, 2, 3}, 6), rnd({3, 2}, 7)});
    CHECK_GRADCHECK("einsum", eq("...ij,...jk->...ik"), {rnd({2, 1, 2, 3}, 8), rnd({3, 3, 2}, 9)});
    CHECK_GRADGRADCHECK("einsum", eq("...ij,...jk->...ik"),
                        {rnd({2, 1, 2, 3}, 8), rnd({3, 3, 2}, 9)});
    CHECK_GRADCHECK("einsum", eq("ij,jk,kl->il"),
                    {rnd({2, 3}, 10), rnd({3, 2}, 11), rnd({2, 2}, 12)});
    CHECK_GRADGRADCHECK("einsum", eq("ij,jk,kl->il"),
                        {rnd({2, 3}, 10), rnd({3, 2}, 11), rnd({2, 2}, 12)});
    CHECK_GRADCHECK("einsum", eq("ij,ij->ij"), {rnd({2, 1}, 13), rnd({1, 3}, 14)});
    CHECK_GRADGRADCHECK("einsum", eq("ij,ij->ij"), {rnd({2, 1}, 13), rnd({1, 3}, 14)});

    CHECK_GRADCHECK("tensordot", [](const Fn& x) { return tensordot(x[0], x[1], {1, 2}, {1, 0}); },
                    {rnd({2, 3, 4}, 15), rnd({4, 3, 2}, 16)});
    CHECK_GRADGRADCHECK("tensordot", [](const Fn& x) { return tensordot(x[0], x[1], {1, 2}, {1, 0}); },
                        {rnd({2, 3, 4}, 15), rnd({4, 3, 2}, 16)});
}

BOOST_AUTO_TEST_CASE(trace_gradient_by_hand) {
    // d trace(M) / dM = I
    Tensor m = counting({3, 3}).requires_grad_();
    einsum("ii->", {m}).backward();
    BOOST_TEST(values(m.grad()) == (std::vector<double>{1, 0, 0, 0, 1, 0, 0, 0, 1}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(tensordot_values) {
    const Tensor a = t64({{1, 2, 3}, {4, 5, 6}});
    const Tensor b = t64({{1, 0}, {0, 1}, {2, -1}});
    BOOST_TEST(values(tensordot(a, b, 1)) == (std::vector<double>{7, -1, 16, -1}), tt::per_element());
    const Tensor outer = tensordot(t64({1, 2}), t64({3, 4, 5}), 0);
    BOOST_TEST(outer.shape() == (Shape{2, 3}));
    BOOST_TEST(values(outer) == (std::vector<double>{3, 4, 5, 6, 8, 10}), tt::per_element());
    BOOST_TEST(tensordot(a, a, 2).item() == 91.0);  // default dims = 2: Σ a²
    BOOST_TEST(tensordot(a, a).item() == 91.0);
    // axis lists, negative axes: Σ_j A[i,j]·B[j,k] written as axes {-1}, {0}
    BOOST_TEST(values(tensordot(a, b, {-1}, {0})) == (std::vector<double>{7, -1, 16, -1}), tt::per_element());
    // a [2,3,4] with b [4,3,2] over (1,2) ↔ (1,0)
    const Tensor x = rnd({2, 3, 4}, 21), y = rnd({4, 3, 2}, 22);
    const Tensor r = tensordot(x, y, {1, 2}, {1, 0});
    BOOST_TEST(r.shape() == (Shape{2, 2}));
    BOOST_TEST(values(r) == values(einsum("ijk,kjl->il", {x, y})), tt::tolerance(1e-14) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(parse_errors_point_at_the_character) {
    const Tensor a = zeros({2, 3}), b = zeros({3, 4});
    CHECK_THROWS_WITH(einsum("ij,jk->iz", {a, b}), ValueError,
                      "einsum: 'ij,jk->iz': index 'z' at position 8 is not in any operand");
    CHECK_THROWS_WITH(einsum("i$,jk->ik", {a, b}), ValueError, "invalid character '$' at position 1");
    CHECK_THROWS_WITH(einsum("ij,jk->i\xc3\xa9", {a, b}), ValueError, "invalid character byte \\xc3 at position 8");
    CHECK_THROWS_WITH(einsum("i..j", {a}), ValueError, "einsum: 'i..j': incomplete ellipsis at position 1");
    CHECK_THROWS_WITH(einsum("...i...", {a}), ValueError, "second ellipsis at position 4 in operand 0");
    CHECK_THROWS_WITH(einsum("ij->...i...", {a}), ValueError, "second ellipsis at position 8 in the output");
    CHECK_THROWS_WITH(einsum("ij-k", {a}), ValueError, "'-' at position 2 is not followed by '>'");
    CHECK_THROWS_WITH(einsum("ij->i->j", {a}), ValueError, "second '->' at position 5");
    CHECK_THROWS_WITH(einsum("ij->i,j", {a}), ValueError, "',' at position 5 is in the output");
    CHECK_THROWS_WITH(einsum("ij->ii", {a}), ValueError, "index 'i' at position 5 appears twice in the output");
}

BOOST_AUTO_TEST_CASE(operand_errors_name_the_operand) {
    const Tensor a = zeros({2, 3}), b = zeros({3, 4});
    CHECK_THROWS_WITH(einsum("ij,jk->ik", {a}), ValueError,
                      "einsum: 'ij,jk->ik': the equation has 2 operand(s) but 1 tensor(s) were given");
    CHECK_THROWS_WITH(einsum("i", {}), ValueError, "the equation has 1 operand(s) but 0 tensor(s)");
    CHECK_THROWS_WITH(einsum("ij,jk->ik", {a, zeros({3})}), ShapeError,
                      "einsum: 'ij,jk->ik': operand 1 ('jk', shape [3]) has 2 indices but 1 dimensions");
    CHECK_THROWS_WITH(einsum("...ijk", {a}), ShapeError,
                      "operand 0 ('...ijk', shape [2,3]) has 3 indices and an ellipsis but 2 dimensions");
    CHECK_THROWS_WITH(einsum("ij,jk->ik", {a, zeros({4, 5})}), ShapeError,
                      "einsum: 'ij,jk->ik': index 'j' has size 3 in operand 0 ('ij', shape [2,3]) but size 4 in "
                      "operand 1 ('jk', shape [4,5])");
    CHECK_THROWS_WITH(einsum("ii->i", {a}), ShapeError,
                      "index 'i' repeats in operand 0 ('ii', shape [2,3]) with sizes 2 and 3");
    CHECK_THROWS_WITH(einsum("...i,...i->...", {zeros({2, 3}), zeros({4, 3})}), ShapeError,
                      "the ellipsis dimensions of operand 0 ('...i', shape [2,3]) and operand 1 ('...i', shape [4,3]) "
                      "do not broadcast (2 vs 4)");
    CHECK_THROWS_WITH(einsum("ij,jk->ik", {a, zeros({3, 4}, float64)}), DtypeError,
                      "einsum: operand 1 has dtype float64 but operand 0 has float32");
    CHECK_THROWS_WITH(einsum("ij->j", {zeros({2, 3}, int64)}), DtypeError, "einsum: expected a floating dtype");
    // a result with more than 2^63 elements is refused before anything is computed
    const Tensor big = zeros({100000});
    CHECK_THROWS_WITH(einsum("a,b,c,d->abcd", {big, big, big, big}), ShapeError,
                      "einsum: result: shape [100000,100000,100000,100000] has more than 2^63 elements");
}

BOOST_AUTO_TEST_CASE(tensordot_errors) {
    const Tensor a = zeros({2, 3}), b = zeros({4, 5});
    CHECK_THROWS_WITH(tensordot(a, b, 1), ShapeError,
                      "tensordot: axis 1 of a (shape [2,3]) has size 3 but axis 0 of b (shape [4,5]) has size 4");
    CHECK_THROWS_WITH(tensordot(a, b, 3), ValueError,
                      "tensordot: dims = 3 is not in [0, min(rank a, rank b)] for shapes [2,3] and [4,5]");
    CHECK_THROWS_WITH(tensordot(a, b, -1), ValueError, "tensordot: dims = -1");
    CHECK_THROWS_WITH(tensordot(a, b, {0, 1}, {0}), ValueError, "tensordot: 2 axes given for a but 1 for b");
    CHECK_THROWS_WITH(tensordot(a, a, {0, 0}, {0, 1}), ValueError, "tensordot: axis 0 of a is given twice");
    CHECK_THROWS_WITH(tensordot(a, b, {2}, {0}), ValueError, "tensordot: axis 2 is out of range for a tensor of rank 2");
    CHECK_THROWS_WITH(tensordot(a, zeros({3}, int64), 1), DtypeError, "tensordot: expected a floating dtype");
}

BOOST_AUTO_TEST_SUITE_END()
