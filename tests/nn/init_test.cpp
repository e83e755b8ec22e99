#include "../test_helpers.hpp"

using namespace xgrad;
using namespace xgrad::nn;

namespace {
struct Moments {
    double mean, std, min, max;
};
Moments moments(const Tensor& t) {
    const auto v = t.to_vector<double>();
    double m = 0;
    for (double x : v) m += x;
    m /= v.size();
    double var = 0;
    for (double x : v) var += (x - m) * (x - m);
    return {m, std::sqrt(var / v.size()), *std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end())};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(nn_init)

BOOST_AUTO_TEST_CASE(fans_follow_keras) {
    BOOST_TEST(compute_fans({}).fan_in == 1.0);
    BOOST_TEST(compute_fans({7}).fan_out == 7.0);
    BOOST_TEST(compute_fans({784, 300}).fan_in == 784.0);
    BOOST_TEST(compute_fans({784, 300}).fan_out == 300.0);
    BOOST_TEST(compute_fans({3, 3, 16, 32}).fan_in == 144.0);  // receptive field 9 × 16
    BOOST_TEST(compute_fans({3, 3, 16, 32}).fan_out == 288.0);
}

BOOST_AUTO_TEST_CASE(reference_limits_and_stddevs) {
    // REFERENCE.md: fan_in 784, fan_out 300.
    BOOST_TEST(GlorotUniform().limit_for({784, 300}) == 0.07439795259651642, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(HeUniform().limit_for({784, 300}) == 0.08748177652797065, boost::test_tools::tolerance(1e-12));
    // he_normal: target std sqrt(2/784) = 0.0505076…, sampled with σ = target / 0.8796…
    BOOST_TEST(HeNormal().stddev_for({784, 300}) * 0.87962566103423978 == 0.050507627227610534,
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(VarianceScaling(2.0, "fan_avg", "uniform").limit_for({784, 300}) == std::sqrt(3.0 * 2.0 / 542.0),
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(LecunNormal().stddev_for({100, 100}) == 0.1 / 0.87962566103423978, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(sample_moments_match_the_formulas) {
    Generator g(3);
    const Shape s{784, 300};
    const auto glorot = moments(GlorotUniform()(s, float64, g));
    const double limit = 0.07439795259651642;
    BOOST_TEST(glorot.max <= limit);
    BOOST_TEST(glorot.min >= -limit);
    BOOST_TEST(glorot.std == limit / std::sqrt(3.0), boost::test_tools::tolerance(0.01));
    BOOST_TEST(std::abs(glorot.mean) < 1e-3);

    // Truncated variants: the corrected σ gives std exactly sqrt(scale / fan).
    const auto he = moments(HeNormal()(s, float64, g));
    BOOST_TEST(he.std == std::sqrt(2.0 / 784), boost::test_tools::tolerance(0.01));
    BOOST_TEST(he.max <= 2 * HeNormal().stddev_for(s));
    const auto lecun = moments(LecunNormal()(s, float64, g));
    BOOST_TEST(lecun.std == std::sqrt(1.0 / 784), boost::test_tools::tolerance(0.01));
    const auto gn = moments(GlorotNormal()(s, float64, g));
    BOOST_TEST(gn.std == std::sqrt(2.0 / (784 + 300)), boost::test_tools::tolerance(0.01));
    const auto hu = moments(HeUniform()(s, float64, g));
    BOOST_TEST(hu.max <= 0.08748177652797065);
    BOOST_TEST(hu.std == 0.08748177652797065 / std::sqrt(3.0), boost::test_tools::tolerance(0.01));
    const auto lu = moments(LecunUniform()(s, float64, g));
    BOOST_TEST(lu.std == std::sqrt(1.0 / 784), boost::test_tools::tolerance(0.01));
    const auto un = moments(VarianceScaling(1.0, "fan_out", "untruncated_normal")(s, float64, g));
    BOOST_TEST(un.std == std::sqrt(1.0 / 300), boost::test_tools::tolerance(0.01));
    BOOST_TEST(un.max > 2 * std::sqrt(1.0 / 300));  // not truncated

    const auto rn = moments(RandomNormal()(s, float64, g));
    BOOST_TEST(rn.std == 0.05, boost::test_tools::tolerance(0.01));
    const auto ru = moments(RandomUniform()(s, float64, g));
    BOOST_TEST(ru.max <= 0.05);
    BOOST_TEST(ru.min >= -0.05);
    // TruncatedNormal has no correction: std is 0.8796… × 0.05, cut at ±0.1.
    const auto tn = moments(TruncatedNormal()(s, float64, g));
    BOOST_TEST(tn.std == 0.05 * 0.87962566103423978, boost::test_tools::tolerance(0.01));
    BOOST_TEST(tn.max <= 0.1);
}

BOOST_AUTO_TEST_CASE(constants_identity_orthogonal) {
    BOOST_TEST(Zeros()({2, 2}).sum().item() == 0.0);
    BOOST_TEST(Ones()({2, 3}).sum().item() == 6.0);
    BOOST_TEST(Constant(2.5)({2}).sum().item() == 5.0);
    BOOST_TEST(xgrad_test::values(Identity(3.0)({2, 3})) == std::vector<double>({3, 0, 0, 0, 3, 0}),
               boost::test_tools::per_element());
    Generator g(9);
    for (const Shape& s : {Shape{6, 4}, Shape{4, 6}}) {
        const Tensor q = Orthogonal(2.0)(s, float64, g);
        BOOST_TEST((q.shape() == s));
        // Columns (tall) or rows (wide) are orthogonal with norm = gain: QᵀQ = 4I or QQᵀ = 4I.
        const Tensor gram = s[0] >= s[1] ? matmul(q.t(), q) : matmul(q, q.t());
        BOOST_TEST(xgrad_test::allclose(gram, eye(4, 4, float64) * 4.0, 1e-9, 1e-9));
    }
}

BOOST_AUTO_TEST_CASE(by_name_and_user_registered) {
    for (const char* name : {"zeros", "ones", "constant", "random_normal", "random_uniform", "truncated_normal",
                             "variance_scaling", "glorot_uniform", "glorot_normal", "he_normal", "he_uniform",
                             "lecun_normal", "lecun_uniform", "orthogonal", "identity"}) {
        BOOST_TEST(get_initializer(name)->name() == name);
    }
    CHECK_THROWS_WITH(get_initializer("he_normall"), ValueError, "unknown initializer 'he_normall' (known:");
    CHECK_THROWS_WITH(VarianceScaling(1.0, "fan_sideways"), ValueError, "mode must be fan_in, fan_out or fan_avg");

    struct Twos final : Initializer {
        Tensor operator()(const Shape& s, Dtype d, Generator&) const override { return full(s, 2.0, d); }
        using Initializer::operator();
        std::string name() const override { return "twos"; }
    };
    register_initializer("twos", [] { return std::make_shared<Twos>(); });
    Dense layer(3, "linear", "twos");
    layer.ensure_built({-1, 4});
    BOOST_TEST(layer.weight("kernel").sum().item() == 24.0);
    // An initializer object works where a name does.
    Dense scaled(3, "linear", VarianceScaling(2.0, "fan_avg", "uniform"));
    BOOST_TEST(scaled.kernel_initializer().name() == "variance_scaling");
}

BOOST_AUTO_TEST_CASE(seeded_generators_reproduce) {
    Generator a(5), b(5);
    BOOST_TEST(xgrad_test::values(HeNormal()({10, 10}, float32, a)) ==
                   xgrad_test::values(HeNormal()({10, 10}, float32, b)),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
