#include "optim_helpers.hpp"

using namespace xgrad;
using namespace xgrad::optim;
using optim_test::near;

namespace {

std::vector<double> values_neg(const Tensor& t) {
    std::vector<double> v = t.to_vector<double>();
    for (double& x : v) x = -x;
    return v;
}

// REFERENCE.md's example: g1 = [3, 4], g2 = [12]. SGD with η = 1 from θ = 0
// makes θ = −(clipped gradient), so the parameters show what the clip did.
std::vector<std::vector<double>> clipped_by(SGDOptions options) {
    Tensor a = zeros({2}, float64).requires_grad_(), b = zeros({1}, float64).requires_grad_();
    a.set_grad(tensor({3.0, 4.0}, float64));
    b.set_grad(tensor({12.0}, float64));
    SGD opt({a, b}, options.learning_rate(1.0));
    opt.step();
    return {values_neg(a), values_neg(b)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(optim_clip)

BOOST_AUTO_TEST_CASE(reference_example_clipvalue) {
    const auto g = clipped_by(SGDOptions().clipvalue(1.0));
    BOOST_TEST(near(g[0], {1.0, 1.0}));  // each element into [−1, 1]
    BOOST_TEST(near(g[1], {1.0}));
}

BOOST_AUTO_TEST_CASE(reference_example_clipnorm) {
    const auto g = clipped_by(SGDOptions().clipnorm(1.0));
    BOOST_TEST(near(g[0], {0.6, 0.8}));  // [3, 4]·1/max(5, 1)
    BOOST_TEST(near(g[1], {1.0}));       // [12]·1/max(12, 1)
}

BOOST_AUTO_TEST_CASE(reference_example_global_clipnorm) {
    const auto g = clipped_by(SGDOptions().global_clipnorm(1.0));
    // N = sqrt(3² + 4² + 12²) = 13; everything times 1/13
    BOOST_TEST(near(g[0], {3.0 / 13, 4.0 / 13}));
    BOOST_TEST(near(g[1], {12.0 / 13}));
}

BOOST_AUTO_TEST_CASE(small_gradients_pass_unchanged) {
    const auto g = clipped_by(SGDOptions().global_clipnorm(100.0));
    BOOST_TEST(near(g[0], {3.0, 4.0}));
    BOOST_TEST(near(g[1], {12.0}));
    const auto h = clipped_by(SGDOptions().clipnorm(13.0));
    BOOST_TEST(near(h[0], {3.0, 4.0}));
}

BOOST_AUTO_TEST_CASE(clipvalue_changes_the_direction_clipnorm_does_not) {
    // The chapter's example: g = [0.9, 100]. SGD(clipvalue=1.0) steps along
    // [0.9, 1.0], almost the diagonal; SGD(clipnorm=1.0) along
    // [0.9, 100]/‖g‖ = [0.0089996, 0.9999595], the gradient's own direction.
    const auto cosine = [](const std::vector<double>& u, const std::vector<double>& v) {
        return (u[0] * v[0] + u[1] * v[1]) / std::hypot(u[0], u[1]) / std::hypot(v[0], v[1]);
    };
    const std::vector<double> g = {0.9, 100.0};
    const auto step_with = [&](SGDOptions options) {
        Tensor w = zeros({2}, float64).requires_grad_();
        w.set_grad(from_vector(g, {2}));
        SGD opt({w}, options.learning_rate(1.0));
        opt.step();
        return values_neg(w);
    };
    const auto by_value = step_with(SGDOptions().clipvalue(1.0));
    const auto by_norm = step_with(SGDOptions().clipnorm(1.0));
    BOOST_TEST(near(by_value, {0.9, 1.0}));
    BOOST_TEST(near(by_norm, {0.9 / std::hypot(0.9, 100.0), 100.0 / std::hypot(0.9, 100.0)}));
    BOOST_TEST(cosine(by_value, g) < 0.76);  // ≈ 0.749: 41.5° off the gradient
    BOOST_TEST(std::abs(cosine(by_norm, g) - 1.0) < 1e-12);
    BOOST_TEST(std::abs(std::hypot(by_norm[0], by_norm[1]) - 1.0) < 1e-12);
}

BOOST_AUTO_TEST_CASE(only_one_clip_option) {
    CHECK_THROWS_WITH(SGD(SGDOptions().clipnorm(1.0).clipvalue(0.5)), ValueError,
                      "SGD: only one of clipnorm, clipvalue and global_clipnorm can be set");
    CHECK_THROWS_WITH(Adam(AdamOptions().global_clipnorm(1.0).clipnorm(1.0)), ValueError, "Adam: only one of");
    CHECK_THROWS_WITH(SGD(SGDOptions().clipnorm(0.0)), ValueError, "clip_by_norm: the threshold must be > 0");
}

BOOST_AUTO_TEST_CASE(global_norm_covers_only_parameters_with_gradients) {
    Tensor a = zeros({2}, float64).requires_grad_(), b = zeros({1}, float64).requires_grad_();
    a.set_grad(tensor({3.0, 4.0}, float64));  // b has no gradient: N = 5, not 13
    SGD opt({a, b}, SGDOptions().learning_rate(1.0).global_clipnorm(1.0));
    opt.step();
    BOOST_TEST(near(values_neg(a), {0.6, 0.8}));
    BOOST_TEST(near(values_neg(b), {0.0}));
}

BOOST_AUTO_TEST_CASE(clipping_does_not_change_param_grad) {
    Tensor a = zeros({2}, float64).requires_grad_();
    a.set_grad(tensor({3.0, 4.0}, float64));
    SGD opt({a}, SGDOptions().clipnorm(1.0));
    opt.step();
    BOOST_TEST(near(a.grad().to_vector<double>(), {3.0, 4.0}));
}

BOOST_AUTO_TEST_CASE(clip_grad_norm_pytorch_semantics) {
    Tensor a = zeros({2}, float64).requires_grad_(), b = zeros({1}, float64).requires_grad_();
    Tensor c = zeros({3}, float64).requires_grad_();  // no gradient: skipped
    a.set_grad(tensor({3.0, 4.0}, float64));
    b.set_grad(tensor({12.0}, float64));
    const double total = clip_grad_norm({a, b, c}, 1.0);
    BOOST_TEST(total == 13.0);  // the norm before clipping
    // g · 1/(13 + 1e-6)
    const double k = 1.0 / (13.0 + 1e-6);
    BOOST_TEST(near(a.grad().to_vector<double>(), {3 * k, 4 * k}));
    BOOST_TEST(near(b.grad().to_vector<double>(), {12 * k}));
    BOOST_TEST(!c.grad().defined());
    // Already small: unchanged, and the norm reported.
    BOOST_TEST(std::abs(clip_grad_norm({a, b}, 2.0) - 13 * k) < 1e-12);
    BOOST_TEST(near(a.grad().to_vector<double>(), {3 * k, 4 * k}));
    BOOST_TEST(clip_grad_norm({c}, 1.0) == 0.0);
}

BOOST_AUTO_TEST_CASE(clip_grad_norm_other_orders) {
    Tensor a = zeros({2}, float64).requires_grad_(), b = zeros({1}, float64).requires_grad_();
    a.set_grad(tensor({3.0, -4.0}, float64));
    b.set_grad(tensor({12.0}, float64));
    // p = ∞: max |g| = 12; scale 6/(12 + 1e-6)
    BOOST_TEST(clip_grad_norm({a, b}, 6.0, std::numeric_limits<double>::infinity()) == 12.0);
    BOOST_TEST(std::abs(b.grad().item() - 12.0 * 6.0 / (12.0 + 1e-6)) < 1e-12);
    a.set_grad(tensor({3.0, -4.0}, float64));
    b.set_grad(tensor({12.0}, float64));
    // p = 1: 3 + 4 + 12 = 19
    BOOST_TEST(std::abs(clip_grad_norm({a, b}, 100.0, 1.0) - 19.0) < 1e-12);
}

BOOST_AUTO_TEST_CASE(clip_grad_norm_non_finite) {
    Tensor a = zeros({2}, float64).requires_grad_();
    a.set_grad(tensor({3.0, std::numeric_limits<double>::infinity()}, float64));
    CHECK_THROWS_WITH(clip_grad_norm({a}, 1.0, 2.0, true), ValueError, "clip_grad_norm: the total norm of order");
    // Without the error, as in PyTorch: the norm is returned and the gradients are
    // multiplied by 1/(∞ + 1e-6) = 0, so 3 → 0 and ∞ → NaN.
    BOOST_TEST(std::isinf(clip_grad_norm({a}, 1.0)));
    BOOST_TEST(a.grad().to_vector<double>()[0] == 0.0);
    BOOST_TEST(std::isnan(a.grad().to_vector<double>()[1]));
}

BOOST_AUTO_TEST_CASE(clip_grad_value_in_place) {
    Tensor a = zeros({3}, float64).requires_grad_();
    a.set_grad(tensor({-3.0, 0.5, 4.0}, float64));
    clip_grad_value({a}, 1.0);
    BOOST_TEST(near(a.grad().to_vector<double>(), {-1.0, 0.5, 1.0}));
    CHECK_THROWS_WITH(clip_grad_value({a}, -1.0), ValueError, "clip_grad_value: the threshold must be > 0");
}

BOOST_AUTO_TEST_SUITE_END()
