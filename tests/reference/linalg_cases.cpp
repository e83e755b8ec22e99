// PyTorch comparison cases for xgrad::linalg (torch.linalg). Inputs are
// well-conditioned random matrices (a factorization's gradient is only as
// accurate as its conditioning). Eigenvectors and singular vectors are
// determined up to sign and LAPACK need not pick PyTorch's, so those cases
// compare sign-invariant quantities: eigenvalues and V∘V; S, U·Vh, U∘U and
// Vh∘Vh. Q and R of QR are compared directly: both sides use LAPACK's
// Householder QR, whose signs are deterministic.
#include <cmath>
#include <limits>

#include "torch_case.hpp"

namespace {

using namespace xgrad;
using namespace xgrad::reference;

Outputs one(const Tensor& t) { return Outputs{t}; }

Tensor mT(const Tensor& x) { return transpose(x, -2, -1); }

/// Normal(0, 0.4) entries plus 2 on each diagonal: far from singular.
Tensor well_conditioned(const Shape& shape, std::uint64_t seed) {
    const std::int64_t n = shape.back();
    return sample_normal(shape, seed) * 0.4 + eye(n, n, float64) * 2.0;
}

/// x·xᵀ + n·I, built the same way on both sides.
Tensor spd(const Tensor& x) {
    const std::int64_t n = x.shape().back();
    return matmul(x, mT(x)) + eye(n, n, x.dtype()) * static_cast<double>(n);
}
std::string torch_spd(const std::string& x, std::int64_t n) {
    return "(" + x + " @ " + x + ".mT + " + std::to_string(n) + " * torch.eye(" + std::to_string(n) + ", dtype=" + x +
           ".dtype))";
}

void add_solvers(std::vector<TorchCase>& cases) {
    const std::vector<std::pair<Shape, Shape>> systems = {
        {{3, 3}, {3}}, {{2, 4, 4}, {4, 2}}, {{2, 1, 3, 3}, {3, 3, 2}}, {{0, 3, 3}, {0, 3}}};
    for (std::size_t i = 0; i < systems.size(); ++i) {
        const auto& [sa, sb] = systems[i];
        const std::string n = std::to_string(i);
        const Tensor a = well_conditioned(sa, 100 + i), b = sample_normal(sb, 110 + i);
        cases.push_back({"linalg_solve/" + n, "torch.linalg.solve(x0, x1)",
                         [](const Inputs& x) { return one(linalg::solve(x[0], x[1])); }, {a, b}});
    }
    for (const Shape& s : {Shape{3, 3}, Shape{2, 4, 4}, Shape{0, 2, 2}}) {
        const std::string n = std::to_string(s.size()) + "_" + std::to_string(s[0]);
        const Tensor a = well_conditioned(s, 120 + s.size());
        cases.push_back({"linalg_inv/" + n, "torch.linalg.inv(x0)", [](const Inputs& x) { return one(linalg::inv(x[0])); },
                         {a}});
        cases.push_back({"linalg_det/" + n, "torch.linalg.det(x0)", [](const Inputs& x) { return one(linalg::det(x[0])); },
                         {a}});
        cases.push_back({"linalg_slogdet/" + n, "torch.linalg.slogdet(x0)",
                         [](const Inputs& x) {
                             const linalg::SignLogAbsDet r = linalg::slogdet(x[0]);
                             return Outputs{r.sign, r.logabsdet};
                         },
                         {neg(a)}});
        // float32: the gradient goes back through the Padé's matmuls and squarings (1e-5 relative)
        cases.push_back({"linalg_matrix_exp/" + n, "torch.linalg.matrix_exp(x0)",
                         [](const Inputs& x) { return one(linalg::matrix_exp(x[0])); }, {a}, true, 1e-5, 1e-12});
    }
    // a larger norm: scaling and squaring. float32: the gradient runs back through
    // the degree-13 Padé's matmuls and the squarings, 1e-5 of its largest entry
    cases.push_back({"linalg_matrix_exp/squared", "torch.linalg.matrix_exp(x0)",
                     [](const Inputs& x) { return one(linalg::matrix_exp(x[0])); }, {sample_normal({2, 3, 3}, 125) * 4.0},
                     true, 1e-5, 1e-11});
    const std::vector<std::pair<Shape, Shape>> triangular = {{{3, 3}, {3, 2}}, {{2, 4, 4}, {4, 1}}, {{3, 3}, {2, 3, 2}},
                                                              {{0, 2, 2}, {0, 2, 3}}};
    for (std::size_t i = 0; i < triangular.size(); ++i) {
        const auto& [sa, sb] = triangular[i];
        const Tensor a = well_conditioned(sa, 130 + i), b = sample_normal(sb, 140 + i);
        for (int variant = 0; variant < 3; ++variant) {
            const bool upper = variant != 1, unit = variant == 2;
            const std::string name = "linalg_solve_triangular/" + std::to_string(i) + (upper ? "_upper" : "_lower") +
                                     (unit ? "_unit" : "");
            cases.push_back({name,
                             std::string("torch.linalg.solve_triangular(x0, x1, upper=") + (upper ? "True" : "False") +
                                 ", unitriangular=" + (unit ? "True" : "False") + ")",
                             [upper, unit](const Inputs& x) {
                                 return one(linalg::solve_triangular(x[0], x[1], upper, unit));
                             },
                             {a, b}});
        }
        // cholesky_solve from a factor built on both sides: tril(x1) + its
        // diagonal's shift (torch's dense gradient of L agrees on the lower triangle)
        cases.push_back({"linalg_cholesky_solve/" + std::to_string(i), "torch.cholesky_solve(x0, torch.tril(x1))",
                         [](const Inputs& x) { return one(linalg::cholesky_solve(x[0], tril(x[1]))); }, {b, a}});
    }
    const std::vector<std::pair<Shape, Shape>> least_squares = {
        {{5, 3}, {5, 2}}, {{2, 4, 3}, {1, 4, 2}}, {{2, 4, 3}, {2, 4}}, {{2, 4}, {2, 3}}, {{0, 4, 2}, {0, 4, 1}}};
    for (std::size_t i = 0; i < least_squares.size(); ++i) {
        const auto& [sa, sb] = least_squares[i];
        // B one rank below A is a batch of vectors; torch 1.13's lstsq backward
        // fails on that form, so its side adds and removes the column itself
        const bool vectors = sb.size() + 1 == sa.size();
        cases.push_back({"linalg_lstsq/" + std::to_string(i),
                         vectors ? "torch.linalg.lstsq(x0, x1.unsqueeze(-1)).solution.squeeze(-1)"
                                 : "torch.linalg.lstsq(x0, x1).solution",
                         [](const Inputs& x) { return one(linalg::lstsq(x[0], x[1])); },
                         {sample_normal(sa, 150 + i), sample_normal(sb, 160 + i)}});
    }
}

void add_decompositions(std::vector<TorchCase>& cases) {
    for (const Shape& s : {Shape{3, 3}, Shape{2, 4, 4}, Shape{0, 2, 2}}) {
        const std::string n = std::to_string(s.size()) + "_" + std::to_string(s[0]);
        const std::int64_t size = s.back();
        const Tensor x = sample_normal(s, 200 + s.size());
        cases.push_back({"linalg_cholesky/" + n, "torch.linalg.cholesky(" + torch_spd("x0", size) + ")",
                         [](const Inputs& v) { return one(linalg::cholesky(spd(v[0]))); }, {x}});
        cases.push_back({"linalg_cholesky/upper_" + n, "torch.linalg.cholesky(" + torch_spd("x0", size) + ", upper=True)",
                         [](const Inputs& v) { return one(linalg::cholesky(spd(v[0]), true)); }, {x}});
        // sign-invariant: eigenvalues and the squares of the eigenvectors' entries
        cases.push_back({"linalg_eigh/" + n, "(lambda e: (e[0], e[1] * e[1]))(torch.linalg.eigh(x0 + x0.mT))",
                         [](const Inputs& v) {
                             const linalg::Eigh e = linalg::eigh(v[0] + mT(v[0]));
                             return Outputs{e.eigenvalues, square(e.eigenvectors)};
                         },
                         {x}, true, 1e-5, 1e-11});
    }
    for (const Shape& s : {Shape{4, 3}, Shape{2, 3, 3}, Shape{3, 5}, Shape{0, 3, 2}}) {
        const std::string n = std::to_string(s.size()) + "_" + std::to_string(s[0]) + "_" + std::to_string(s.back());
        const Tensor a = sample_normal(s, 210 + s.size() + s.back());
        const bool tall = s[s.size() - 2] >= s.back();
        // both sides: LAPACK Householder (same signs); the gradient needs m ≥ n here
        cases.push_back({"linalg_qr/" + n, "torch.linalg.qr(x0)",
                         [](const Inputs& v) {
                             const linalg::QR f = linalg::qr(v[0]);
                             return Outputs{f.Q, f.R};
                         },
                         {a}, tall, 1e-5, 1e-11});
        // sign-invariant: S, U·Vh, U∘U, Vh∘Vh
        cases.push_back({"linalg_svd/" + n,
                         "(lambda f: (f[1], f[0] @ f[2], f[0] * f[0], f[2] * f[2]))(torch.linalg.svd(x0, "
                         "full_matrices=False))",
                         [](const Inputs& v) {
                             const linalg::SVD f = linalg::svd(v[0]);
                             return Outputs{f.S, matmul(f.U, f.Vh), square(f.U), square(f.Vh)};
                         },
                         {a}, true, 1e-5, 1e-11});
        cases.push_back({"linalg_svdvals/" + n, "torch.linalg.svdvals(x0)",
                         [](const Inputs& v) { return one(linalg::svdvals(v[0])); }, {a}, true, 1e-5, 1e-11});
        cases.push_back({"linalg_pinv/" + n, "torch.linalg.pinv(x0)", [](const Inputs& v) { return one(linalg::pinv(v[0])); },
                         {a}, true, 1e-5, 1e-11});
    }
}

void add_norms(std::vector<TorchCase>& cases) {
    const double inf = std::numeric_limits<double>::infinity();
    for (const Shape& s : {Shape{3, 4}, Shape{2, 3, 3}, Shape{2, 1, 4, 2}}) {
        const std::string n = std::to_string(s.size()) + "_" + std::to_string(s[0]);
        const Tensor a = sample_normal(s, 220 + s.size());
        for (const char* ord : {"fro", "nuc"}) {
            const std::string o = ord;
            cases.push_back({"linalg_matrix_norm/" + o + "_" + n, "torch.linalg.matrix_norm(x0, '" + o + "')",
                             [o](const Inputs& v) { return one(linalg::matrix_norm(v[0], o)); }, {a}, true, 1e-5, 1e-11});
        }
        for (double ord : {1.0, -1.0, 2.0, -2.0, inf, -inf}) {
            const std::string o = std::isinf(ord) ? (ord > 0 ? "inf" : "-inf") : std::to_string(static_cast<int>(ord));
            const std::string torch_ord = std::isinf(ord) ? (ord > 0 ? "float('inf')" : "-float('inf')") : o;
            cases.push_back({"linalg_matrix_norm/" + o + "_" + n, "torch.linalg.matrix_norm(x0, " + torch_ord + ")",
                             [ord](const Inputs& v) { return one(linalg::matrix_norm(v[0], ord)); }, {a}, true, 1e-5,
                             1e-11});
        }
    }
    cases.push_back({"linalg_matrix_norm/fro_empty", "torch.linalg.matrix_norm(x0, keepdim=True)",
                     [](const Inputs& v) { return one(linalg::matrix_norm(v[0], "fro", true)); },
                     {sample_normal({0, 2, 2}, 229)}});
}

}  // namespace

XGRAD_TORCH_CASES(linalg_cases) {
    std::vector<TorchCase> cases;
    add_solvers(cases);
    add_decompositions(cases);
    add_norms(cases);
    return cases;
}
