// Decompositions: cholesky, qr, eigh, svd. Forward with LAPACK (lapack.hpp),
// backward with PyTorch's formulas (FunctionsManual.cpp), written here with
// xgrad ops and the differentiable solvers, so they differentiate again.
// qr, eigh and svd have several outputs: one node receives the gradients
// of all of them, undefined for outputs no gradient reached.
#include "xgrad/ops/linalg_decompositions.hpp"

#include <algorithm>
#include <string>

#include "linalg/lapack.hpp"
#include "linalg_common.hpp"
#include "xgrad/ops/diagonal.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::linalg {

namespace {

using namespace detail;

/// X·R⁻ᵀ for upper-triangular R: (R⁻¹·Xᵀ)ᵀ.
Tensor times_inverse_transpose(const char* op, const Tensor& x, const Tensor& r) {
    return mT(solve_triangular_matrices(op, r, mT(x), true, false));
}

/// X − Xᵀ.
Tensor skew(const Tensor& x) { return sub(x, mT(x)); }

/// The gradient of the lower Cholesky factor L: L⁻ᵀ·Φ·L⁻¹ with
/// Φ = ½(P + tril(P, −1)ᵀ), P = tril(Lᵀ·G) (symmetric, diagonal halved).
Tensor cholesky_backward(const Tensor& l, const Tensor& g) {
    constexpr const char* op = "linalg.cholesky (backward)";
    const Tensor p = tril(matmul(mT(l), g));
    const Tensor phi = mul(add(p, mT(tril(p, -1))), 0.5);
    const Tensor left = solve_triangular_matrices(op, mT(l), phi, true, false);  // L⁻ᵀ·Φ
    return mT(solve_triangular_matrices(op, mT(l), mT(left), true, false));       // (L⁻ᵀ·(L⁻ᵀ·Φ)ᵀ)ᵀ = L⁻ᵀ·Φ·L⁻¹
}

Tensor cholesky_lower(const Tensor& a) {
    constexpr const char* op = "linalg.cholesky";
    Tensor l(a.shape(), a.dtype());
    visit_floating(a.dtype(), op, [&](auto tag) {
        using T = decltype(tag);
        xgrad::detail::lapack::cholesky<T>(op, batch_count(a.shape()), a.shape().back(), a.data<T>(), l.data<T>());
    });
    record("linalg_cholesky", l, {&a}, [sl = SavedTensor::output(l)](const Tensor& g, InputGrads& dx) {
        dx[0] = cholesky_backward(sl.get(), g);
    });
    return l;
}

/// A's gradient from those of Q and R (m ≥ n): with M = R·G_Rᵀ − G_Qᵀ·Q,
/// dA = (G_Q + Q·copyltu(M))·R⁻ᵀ.
Tensor qr_backward(const Tensor& q, const Tensor& r, const Tensor& gq, const Tensor& gr) {
    Tensor m;
    if (gr.defined()) m = matmul(r, mT(gr));
    if (gq.defined()) m = m.defined() ? sub(m, matmul(mT(gq), q)) : neg(matmul(mT(gq), q));
    const Tensor copyltu = add(tril(m), mT(tril(m, -1)));
    Tensor b = matmul(q, copyltu);
    if (gq.defined()) b = add(b, gq);
    return times_inverse_transpose("linalg.qr (backward)", b, r);
}

/// A's gradient from those of the eigenvalues L and eigenvectors V:
/// V·(diag(G_L) + ½·skew(Vᵀ·G_V) ÷ E)·Vᵀ, E_ij = L_j − L_i (diagonal set to 1;
/// the skew part's diagonal is zero).
Tensor eigh_backward(const Tensor& w, const Tensor& v, const Tensor& gw, const Tensor& gv) {
    Tensor inner;
    if (gv.defined()) {
        const std::int64_t n = w.shape().back();
        const Tensor gaps = add(sub(unsqueeze(w, -2), unsqueeze(w, -1)), identity(n, w.dtype()));
        inner = div(mul(skew(matmul(mT(v), gv)), 0.5), gaps);
    }
    if (gw.defined()) inner = inner.defined() ? add(inner, diag_embed(gw)) : diag_embed(gw);
    return matmul(v, matmul(inner, mT(v)));
}

/// PyTorch's svd_backward for the reduced SVD, k = min(m, n).
Tensor svd_backward(const Tensor& u, const Tensor& s, const Tensor& vh, const Tensor& gu, const Tensor& gs,
                    const Tensor& gvh) {
    if (!gu.defined() && !gvh.defined()) return matmul(u, mul(unsqueeze(gs, -1), vh));  // U·diag(G_S)·Vh
    const Shape& su = u.shape();
    const std::int64_t m = su[su.size() - 2], k = su.back(), n = vh.shape().back();
    const Tensor v = mT(vh);
    const Tensor gv = gvh.defined() ? mT(gvh) : Tensor();
    const Tensor s_row = unsqueeze(s, -2), s_col = unsqueeze(s, -1);
    const Tensor s2 = square(s);
    const Tensor gaps = add(sub(unsqueeze(s2, -2), unsqueeze(s2, -1)), identity(k, s.dtype()));  // S_j² − S_i²
    Tensor ga;
    if (gu.defined() && gv.defined()) {
        ga = div(add(mul(skew(matmul(mT(u), gu)), s_row), mul(s_col, skew(matmul(mT(v), gv)))), gaps);
    } else if (gu.defined()) {
        ga = mul(div(skew(matmul(mT(u), gu)), gaps), s_row);
    } else {
        ga = mul(s_col, div(skew(matmul(mT(v), gv)), gaps));
    }
    if (gs.defined()) ga = add(ga, diag_embed(gs));
    if (m > k && gu.defined()) {  // the part of G_U off span(U)
        const Tensor gu_sinv = div(gu, s_row);
        ga = add(matmul(u, ga), sub(gu_sinv, matmul(u, matmul(mT(u), gu_sinv))));
        return matmul(ga, vh);
    }
    if (n > k && gv.defined()) {  // the part of G_V off span(V)
        const Tensor gv_sinv = div(gv, s_row);
        ga = add(matmul(ga, vh), sub(mT(gv_sinv), matmul(matmul(mT(gv_sinv), v), vh)));
        return matmul(u, ga);
    }
    return matmul(u, matmul(ga, vh));
}

}  // namespace

Tensor cholesky(const Tensor& a, bool upper) {
    check_square("linalg.cholesky", a);
    const Tensor l = cholesky_lower(a);
    return upper ? mT(l) : l;
}

QR qr(const Tensor& a) {
    constexpr const char* op = "linalg.qr";
    check_matrix(op, a);
    const Shape& s = a.shape();
    const Shape batch = batch_of(s);
    const std::int64_t m = s[s.size() - 2], n = s.back(), k = std::min(m, n);
    Tensor outs[2] = {zeros(matrix_shape(batch, m, k), a.dtype()), zeros(matrix_shape(batch, k, n), a.dtype())};
    visit_floating(a.dtype(), op, [&](auto tag) {
        using T = decltype(tag);
        xgrad::detail::lapack::qr<T>(op, batch.numel(), m, n, a.data<T>(), outs[0].data<T>(), outs[1].data<T>());
    });
    record_outputs("linalg_qr", outs, {&a},
                   [sq = SavedTensor::output(outs[0], 0), sr = SavedTensor::output(outs[1], 1), shape = s, m,
                    n](std::span<const Tensor> g, InputGrads& dx) {
                       if (m < n) {
                           throw ValueError("linalg.qr: the gradient is implemented for m ≥ n only, got shape " +
                                            to_string(shape));
                       }
                       dx[0] = qr_backward(sq.get(), sr.get(), g[0], g[1]);
                   });
    return {outs[0], outs[1]};
}

Eigh eigh(const Tensor& a) {
    constexpr const char* op = "linalg.eigh";
    check_square(op, a);
    const Shape& s = a.shape();
    const std::int64_t n = s.back();
    Shape w_shape = batch_of(s);
    w_shape.push_back(n);
    Tensor outs[2] = {Tensor(w_shape, a.dtype()), Tensor(s, a.dtype())};
    visit_floating(a.dtype(), op, [&](auto tag) {
        using T = decltype(tag);
        xgrad::detail::lapack::eigh<T>(op, batch_count(s), n, a.data<T>(), outs[0].data<T>(), outs[1].data<T>());
    });
    record_outputs("linalg_eigh", outs, {&a},
                   [sw = SavedTensor::output(outs[0], 0), sv = SavedTensor::output(outs[1], 1)](
                       std::span<const Tensor> g, InputGrads& dx) {
                       dx[0] = eigh_backward(sw.get(), sv.get(), g[0], g[1]);
                   });
    return {outs[0], outs[1]};
}

SVD svd(const Tensor& a) {
    constexpr const char* op = "linalg.svd";
    check_matrix(op, a);
    const Shape& s = a.shape();
    const Shape batch = batch_of(s);
    const std::int64_t m = s[s.size() - 2], n = s.back(), k = std::min(m, n);
    Shape s_shape = batch;
    s_shape.push_back(k);
    Tensor outs[3] = {Tensor(matrix_shape(batch, m, k), a.dtype()), Tensor(s_shape, a.dtype()),
                      Tensor(matrix_shape(batch, k, n), a.dtype())};
    visit_floating(a.dtype(), op, [&](auto tag) {
        using T = decltype(tag);
        xgrad::detail::lapack::svd<T>(op, batch.numel(), m, n, a.data<T>(), outs[0].data<T>(), outs[1].data<T>(), outs[2].data<T>());
    });
    record_outputs("linalg_svd", outs, {&a},
                   [su = SavedTensor::output(outs[0], 0), ss = SavedTensor::output(outs[1], 1),
                    svh = SavedTensor::output(outs[2], 2)](std::span<const Tensor> g, InputGrads& dx) {
                       dx[0] = svd_backward(su.get(), ss.get(), svh.get(), g[0], g[1], g[2]);
                   });
    return {outs[0], outs[1], outs[2]};
}

Tensor svdvals(const Tensor& a) {
    check_matrix("linalg.svdvals", a);
    return svd(a).S;
}

XGRAD_REGISTER_OP(linalg_cholesky, differentiable);
XGRAD_REGISTER_OP(linalg_qr, differentiable);
XGRAD_REGISTER_OP(linalg_eigh, differentiable);
XGRAD_REGISTER_OP(linalg_svd, differentiable);
XGRAD_REGISTER_OP(linalg_svdvals, differentiable);

}  // namespace xgrad::linalg
