#include "../test_helpers.hpp"

using namespace xgrad;
using xgrad_test::allclose;
using xgrad_test::values;
using Fn = std::vector<Tensor>;

namespace {

/// Reference matmul for rank ≥ 2 operands with broadcast batch dimensions:
/// the textbook triple loop in double, batch offsets from the broadcast index.
Tensor naive_matmul(const Tensor& a, const Tensor& b) {
    const Shape& sa = a.shape();
    const Shape& sb = b.shape();
    const std::int64_t m = sa[sa.size() - 2], k = sa.back(), n = sb.back();
    BOOST_REQUIRE(sb[sb.size() - 2] == k);
    Shape ba, bb;
    for (std::size_t i = 0; i + 2 < sa.size(); ++i) ba.push_back(sa[i]);
    for (std::size_t i = 0; i + 2 < sb.size(); ++i) bb.push_back(sb[i]);
    const Shape batch = broadcast_shapes(ba, bb, "naive");
    Shape out_shape = batch;
    out_shape.push_back(m);
    out_shape.push_back(n);
    const auto x = a.to_vector<double>(), y = b.to_vector<double>();
    std::vector<double> c(static_cast<std::size_t>(out_shape.numel()));
    // flat index of a batch position in an operand whose batch shape is `own`
    auto offset = [&](const Shape& own, std::int64_t flat) {
        std::int64_t off = 0, stride = 1;
        for (std::size_t d = batch.size(); d-- > 0;) {
            const std::int64_t i = flat % batch[d];
            flat /= batch[d];
            const std::size_t lead = batch.size() - own.size();
            if (d >= lead) {
                const std::int64_t dim = own[d - lead];
                off += (dim == 1 ? 0 : i) * stride;
                stride *= dim;
            }
        }
        return off;
    };
    for (std::int64_t t = 0; t < batch.numel(); ++t) {
        const std::int64_t oa = offset(ba, t) * m * k, ob = offset(bb, t) * k * n;
        for (std::int64_t i = 0; i < m; ++i)
            for (std::int64_t j = 0; j < n; ++j) {
                double s = 0;
                for (std::int64_t p = 0; p < k; ++p) s += x[oa + i * k + p] * y[ob + p * n + j];
                c[t * m * n + i * n + j] = s;
            }
    }
    return from_vector<double>(c, out_shape);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_linalg)

BOOST_AUTO_TEST_CASE(hand_computed_products) {
    const Tensor a = tensor({{1, 2}, {3, 4}}), b = tensor({{5, 6}, {7, 8}});
    // [1·5+2·7, 1·6+2·8; 3·5+4·7, 3·6+4·8]
    const Tensor c = matmul(a, b);
    BOOST_TEST((c.shape() == Shape{2, 2}));
    BOOST_TEST(values(c) == std::vector<double>({19, 22, 43, 50}), boost::test_tools::per_element());
    // 1-D·1-D: 1·4 + 2·5 + 3·6 = 32, a 0-d scalar
    const Tensor dot = matmul(tensor({1, 2, 3}), tensor({4, 5, 6}));
    BOOST_TEST(dot.rank() == 0u);
    BOOST_TEST(dot.item() == 32.0);
    // [1,2]·B = [19, 22]; A·[5,6] = [1·5+2·6, 3·5+4·6] = [17, 39]
    const Tensor vm = matmul(tensor({1, 2}), b), mv = matmul(a, tensor({5, 6}));
    BOOST_TEST((vm.shape() == Shape{2}));
    BOOST_TEST(values(vm) == std::vector<double>({19, 22}), boost::test_tools::per_element());
    BOOST_TEST((mv.shape() == Shape{2}));
    BOOST_TEST(values(mv) == std::vector<double>({17, 39}), boost::test_tools::per_element());
    // float64 takes the OpenBLAS path, the same numbers
    BOOST_TEST(values(matmul(a.to(float64), b.to(float64))) == std::vector<double>({19, 22, 43, 50}),
               boost::test_tools::per_element());
    // batched: second matrix is B·2 → [38, 44, 86, 100]
    const Tensor batch = matmul(stack({a, a}), stack({b, b * 2.0}));
    BOOST_TEST((batch.shape() == Shape{2, 2, 2}));
    BOOST_TEST(values(batch) == std::vector<double>({19, 22, 43, 50, 38, 44, 86, 100}),
               boost::test_tools::per_element());
    // linear: x·W + b = [19+1, 22-1, 43+1, 50-1]
    const Tensor y = linear(a, b, tensor({1, -1}));
    BOOST_TEST(values(y) == std::vector<double>({20, 21, 44, 49}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(odd_sizes_against_naive_loop) {
    manual_seed(3);
    const std::vector<std::pair<Shape, Shape>> cases = {
        {{7, 13}, {13, 5}},          {{1, 1}, {1, 1}},           {{3, 1}, {1, 4}},
        {{1, 17}, {17, 1}},          {{65, 3}, {3, 9}},          {{33, 70}, {70, 31}},
        {{3, 4, 6}, {3, 6, 5}},      {{3, 4, 6}, {6, 5}},        {{4, 6}, {3, 6, 5}},
        {{2, 1, 4, 6}, {3, 6, 5}},   {{2, 3, 4, 6}, {1, 6, 5}},  {{5, 1, 2, 3}, {1, 4, 3, 2}},
        {{2, 3, 0, 4}, {4, 5}},      {{2, 3}, {3, 0}},           {{2, 0}, {0, 3}},
    };
    for (Dtype dt : {float64, float32}) {
        for (const auto& [sa, sb] : cases) {
            const Tensor a = randn(sa, dt), b = randn(sb, dt);
            const Tensor c = matmul(a, b), ref = naive_matmul(a, b);
            const double tol = dt == float64 ? 1e-12 : 1e-5;
            BOOST_TEST(allclose(c, ref, tol, tol), to_string(sa) << "·" << to_string(sb) << " " << dtype_name(dt));
        }
    }
    // 1-D operands against the promoted 2-D product
    const Tensor v = randn({6}, float64), m = randn({3, 6, 5}, float64), w = randn({3, 4, 6}, float64);
    const Tensor vm = matmul(v, m);
    BOOST_TEST((vm.shape() == Shape{3, 5}));
    BOOST_TEST(allclose(vm, reshape(naive_matmul(reshape(v, {1, 6}), m), {3, 5}), 1e-12, 1e-12));
    const Tensor wv = matmul(w, v);
    BOOST_TEST((wv.shape() == Shape{3, 4}));
    BOOST_TEST(allclose(wv, reshape(naive_matmul(w, reshape(v, {6, 1})), {3, 4}), 1e-12, 1e-12));
    // product with an empty contraction dimension is zeros
    BOOST_TEST(values(matmul(zeros({2, 0}), zeros({0, 3}))) == std::vector<double>(6, 0.0),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(float32_against_float64) {
    manual_seed(4);
    // The training shapes and a batched product: float32 (oneDNN) vs float64 (OpenBLAS).
    const std::vector<std::pair<Shape, Shape>> cases = {
        {{32, 784}, {784, 300}}, {{32, 300}, {300, 100}}, {{37, 301}, {301, 29}}, {{4, 9, 130}, {130, 11}}};
    for (const auto& [sa, sb] : cases) {
        const Tensor a = randn(sa, float64), b = randn(sb, float64);
        Tensor a32 = a.to(float32).requires_grad_(), b32 = b.to(float32).requires_grad_();
        Tensor a64 = a.clone().requires_grad_(), b64 = b.clone().requires_grad_();
        const Tensor c32 = matmul(a32, b32), c64 = matmul(a64, b64);
        BOOST_TEST((c32.dtype() == float32));
        // float32 rounding: terms ~N(0,1), sums of k of them: |error| ≲ k·2⁻²⁴·√k
        const double k = static_cast<double>(sa.back());
        const double atol = 4.0 * k * std::sqrt(k) * 6e-8;
        BOOST_TEST(allclose(c32, c64, 1e-4, atol), to_string(sa) << "·" << to_string(sb));
        const Tensor seed = randn(c64.shape(), float64);
        c32.backward(seed.to(float32));
        c64.backward(seed);
        BOOST_TEST(allclose(a32.grad(), a64.grad(), 1e-4, atol * 4), "dA " << to_string(sa));
        BOOST_TEST(allclose(b32.grad(), b64.grad(), 1e-4, atol * 4), "dB " << to_string(sb));
    }
}

BOOST_AUTO_TEST_CASE(linear_matches_matmul_plus_bias) {
    manual_seed(5);
    for (const Shape& sx : {Shape{8, 5}, Shape{2, 3, 5}, Shape{5}}) {
        for (Dtype dt : {float32, float64}) {
            const Tensor x = randn(sx, dt), w = randn({5, 4}, dt), b = randn({4}, dt);
            const Tensor y = linear(x, w, b);
            BOOST_TEST(allclose(y, matmul(x, w) + b, 1e-5, 1e-5), to_string(sx));
            BOOST_TEST(allclose(linear(x, w), matmul(x, w), 1e-5, 1e-5), to_string(sx));
            Shape expected = sx;
            expected[expected.size() - 1] = 4;
            BOOST_TEST((y.shape() == expected));
        }
    }
}

BOOST_AUTO_TEST_CASE(gradients_hand_computed) {
    Tensor a = tensor({{1, 2}, {3, 4}}).requires_grad_();
    Tensor b = tensor({{5, 6}, {7, 8}}).requires_grad_();
    matmul(a, b).sum().backward();
    // dA = 1·Bᵀ: row sums of B = [11, 15] in every row; dB = Aᵀ·1: column sums of A = [4, 6]
    BOOST_TEST(values(a.grad()) == std::vector<double>({11, 15, 11, 15}), boost::test_tools::per_element());
    BOOST_TEST(values(b.grad()) == std::vector<double>({4, 4, 6, 6}), boost::test_tools::per_element());

    // Only one side requiring grad: the other stays untouched.
    Tensor w = tensor({{1, 0}, {0, 1}}).requires_grad_();
    matmul(tensor({{2, 3}}), w).sum().backward();
    // d/dW Σ x·W = xᵀ·1 = [[2,2],[3,3]]
    BOOST_TEST(values(w.grad()) == std::vector<double>({2, 2, 3, 3}), boost::test_tools::per_element());

    // Shared 2-D weight under a batch: gradients are summed over the batch.
    Tensor k = ones({2, 1}).requires_grad_();
    Tensor bias = zeros({1}).requires_grad_();
    linear(ones({3, 4, 2}), k, bias).sum().backward();
    BOOST_TEST(values(k.grad()) == std::vector<double>({12, 12}), boost::test_tools::per_element());
    BOOST_TEST(values(bias.grad()) == std::vector<double>({12}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(errors) {
    CHECK_THROWS_WITH(matmul(zeros({32, 784}), zeros({300, 100})), ShapeError,
                      "matmul: shapes [32,784] and [300,100] are not aligned (784 != 300)");
    CHECK_THROWS_WITH(matmul(zeros({3}), zeros({4})), ShapeError, "matmul: shapes [3] and [4] are not aligned (3 != 4)");
    CHECK_THROWS_WITH(matmul(zeros({2, 3}), zeros({4})), ShapeError,
                      "matmul: shapes [2,3] and [4] are not aligned (3 != 4)");
    CHECK_THROWS_WITH(matmul(zeros({5, 2, 3}), zeros({4, 3, 2})), ShapeError,
                      "matmul: batch dimensions of shapes [5,2,3] and [4,3,2] cannot be broadcast ([5] vs [4])");
    CHECK_THROWS_WITH(matmul(scalar(1), zeros({3})), ShapeError, "matmul: operands must have at least one dimension");
    CHECK_THROWS_WITH(matmul(zeros({2, 2}), zeros({2, 2}, float64)), DtypeError,
                      "matmul: dtypes float32 and float64 differ");
    CHECK_THROWS_WITH(matmul(arange(4).reshape({2, 2}), arange(4).reshape({2, 2})), DtypeError,
                      "matmul: expected a floating dtype (float32 or float64), got int64");
    CHECK_THROWS_WITH(linear(zeros({32, 784}), zeros({300, 100})), ShapeError,
                      "linear: shapes [32,784] and [300,100] are not aligned (784 != 300)");
    CHECK_THROWS_WITH(linear(zeros({2, 3}), zeros({3})), ShapeError, "linear: weight must be 2-D");
    CHECK_THROWS_WITH(linear(zeros({2, 3}), zeros({3, 4}), zeros({3})), ShapeError,
                      "linear: bias must have shape [4]");
    CHECK_THROWS_WITH(linear(zeros({2, 3}), zeros({3, 4}, float64)), DtypeError,
                      "linear: dtypes float32 and float64 differ");
}

BOOST_AUTO_TEST_CASE(gradchecks) {
    manual_seed(6);
    const auto mm = [](const Fn& v) { return matmul(v[0], v[1]); };
    CHECK_GRADCHECK("matmul", mm, {randn({3, 4}), randn({4, 5})});             // 2-D · 2-D
    CHECK_GRADCHECK("matmul", mm, {randn({4}), randn({4})});                   // 1-D · 1-D
    CHECK_GRADCHECK("matmul", mm, {randn({4}), randn({4, 3})});                // 1-D · 2-D
    CHECK_GRADCHECK("matmul", mm, {randn({3, 4}), randn({4})});                // 2-D · 1-D
    CHECK_GRADCHECK("matmul", mm, {randn({2, 3, 4}), randn({2, 4, 3})});       // batched
    CHECK_GRADCHECK("matmul", mm, {randn({2, 3, 4}), randn({4, 3})});          // shared 2-D right operand
    CHECK_GRADCHECK("matmul", mm, {randn({3, 4}), randn({2, 4, 3})});          // shared 2-D left operand
    CHECK_GRADCHECK("matmul", mm, {randn({2, 1, 3, 4}), randn({3, 4, 2})});    // broadcast batch dims
    CHECK_GRADCHECK("matmul", mm, {randn({4}), randn({2, 4, 3})});             // 1-D · batched
    CHECK_GRADCHECK("matmul", mm, {randn({2, 3, 4}), randn({4})});             // batched · 1-D
    CHECK_GRADCHECK("matmul", mm, {randn({1, 1}), randn({1, 1})});             // tiny (loop path)

    const auto lin = [](const Fn& v) { return linear(v[0], v[1], v[2]); };
    const auto lin_nobias = [](const Fn& v) { return linear(v[0], v[1]); };
    CHECK_GRADCHECK("linear", lin, {randn({5, 3}), randn({3, 4}), randn({4})});
    CHECK_GRADCHECK("linear", lin, {randn({2, 3, 3}), randn({3, 4}), randn({4})});
    CHECK_GRADCHECK("linear", lin, {randn({3}), randn({3, 4}), randn({4})});
    CHECK_GRADCHECK("linear", lin_nobias, {randn({5, 3}), randn({3, 2})});
}

BOOST_AUTO_TEST_CASE(second_order) {
    manual_seed(7);
    const auto mm = [](const Fn& v) { return matmul(v[0], v[1]); };
    // The backward of the plain product runs the transposed variants (NT, TN);
    // their own backward (used here) runs every flag combination.
    CHECK_GRADGRADCHECK("matmul", mm, {randn({3, 4}), randn({4, 2})});
    CHECK_GRADGRADCHECK("matmul", mm, {randn({4}), randn({4})});
    CHECK_GRADGRADCHECK("matmul", mm, {randn({2, 3, 4}), randn({4, 2})});
    CHECK_GRADGRADCHECK("matmul", mm, {randn({3, 4}), randn({2, 4, 2})});
    CHECK_GRADGRADCHECK("matmul", mm, {randn({2, 1, 3, 4}), randn({3, 4, 2})});
    // Products whose backward itself contains a product of two inputs: x·(x·W)
    CHECK_GRADGRADCHECK("matmul", [](const Fn& v) { return matmul(v[0], matmul(v[0], v[1])); },
                        {randn({3, 3}), randn({3, 2})});
    CHECK_GRADGRADCHECK("matmul", [](const Fn& v) { return matmul(transpose(v[0], -1, -2), matmul(v[0], v[1])); },
                        {randn({2, 3, 4}), randn({4, 2})});

    const auto lin = [](const Fn& v) { return linear(v[0], v[1], v[2]); };
    CHECK_GRADGRADCHECK("linear", lin, {randn({4, 3}), randn({3, 2}), randn({2})});
    CHECK_GRADGRADCHECK("linear", lin, {randn({2, 2, 3}), randn({3, 2}), randn({2})});
    CHECK_GRADGRADCHECK("linear", [](const Fn& v) { return tanh(linear(tanh(linear(v[0], v[1])), v[2])); },
                        {randn({4, 3}), randn({3, 3}), randn({3, 2})});
}

BOOST_AUTO_TEST_CASE(mlp_hessian_vector_product) {
    // L(w) = Σ (tanh(x·W1 + b1)·W2 + b2 - y)², w = (W1, b1, W2, b2), float64.
    // Hv = ∇(∇L·v) via grad(create_graph) twice, against central differences of
    // the gradient: (g(w + εv) - g(w - εv)) / 2ε, error O(ε²).
    manual_seed(8);
    const Tensor x = randn({6, 4}, float64), y = randn({6, 3}, float64);
    const std::vector<Tensor> w0 = {randn({4, 5}, float64) * 0.7, randn({5}, float64) * 0.3,
                                    randn({5, 3}, float64) * 0.7, randn({3}, float64) * 0.3};
    std::vector<Tensor> v;
    for (const Tensor& p : w0) v.push_back(randn(p.shape(), float64));

    for (bool fused : {true, false}) {
        const auto loss = [&](const std::vector<Tensor>& w) {
            const Tensor h = fused ? tanh(linear(x, w[0], w[1])) : tanh(matmul(x, w[0]) + w[1]);
            const Tensor out = fused ? linear(h, w[2], w[3]) : matmul(h, w[2]) + w[3];
            const Tensor d = out - y;
            return (d * d).sum();
        };
        const auto leaves = [&](double step) {
            std::vector<Tensor> w;
            NoGradGuard no_grad;
            for (std::size_t i = 0; i < w0.size(); ++i) w.push_back((w0[i] + v[i] * step).requires_grad_());
            return w;
        };
        std::vector<Tensor> w = leaves(0.0);
        GradOptions create;
        create.create_graph = true;
        const std::vector<Tensor> g = grad({loss(w)}, w, {}, create);
        Tensor gv = scalar(0.0, float64);
        for (std::size_t i = 0; i < g.size(); ++i) gv = gv + (g[i] * v[i]).sum();
        const std::vector<Tensor> hv = grad({gv}, w);

        const double eps = 1e-5;
        const std::vector<Tensor> wp = leaves(eps), wm = leaves(-eps);
        const std::vector<Tensor> gp = grad({loss(wp)}, wp), gm = grad({loss(wm)}, wm);
        for (std::size_t i = 0; i < hv.size(); ++i) {
            const Tensor fd = (gp[i] - gm[i]) / (2 * eps);
            BOOST_TEST((hv[i].shape() == w0[i].shape()));
            BOOST_TEST(allclose(hv[i], fd, 1e-6, 1e-7), (fused ? "linear" : "matmul+add") << " param " << i << ": "
                                                                                        << hv[i] << " vs " << fd);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
