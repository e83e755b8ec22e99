// Determinants from LAPACK's LU factorization; the backward formulas use the
// inverse through the differentiable solver, so they differentiate again.
#include "xgrad/ops/linalg_determinant.hpp"

#include "linalg/lapack.hpp"
#include "linalg_common.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg_solve.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::linalg {

namespace {

using namespace detail;

/// A⁻ᵀ, for the gradients (ValueError naming `op` for a singular A).
Tensor inverse_transpose(const char* op, const Tensor& a) {
    const Tensor at = mT(a);
    return solve_matrices(op, at, broadcast_to(identity(a.shape().back(), a.dtype()), a.shape()));
}

}  // namespace

Tensor det(const Tensor& a) {
    constexpr const char* op = "linalg.det";
    check_square(op, a);
    const Shape batch = batch_of(a.shape());
    Tensor out(batch, a.dtype());
    visit_floating(a.dtype(), op, [&](auto tag) {
        using T = decltype(tag);
        xgrad::detail::lapack::lu_determinant<T>(batch.numel(), a.shape().back(), a.data<T>(), out.data<T>(), nullptr, nullptr);
    });
    // d det A = det A · tr(A⁻¹·dA):  dA = G·det A·A⁻ᵀ.
    record("linalg_det", out, {&a}, [sa = SavedTensor(a), sd = SavedTensor::output(out)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(as_matrix_scale(mul(g, sd.get())), inverse_transpose("linalg.det (backward)", sa.get()));
    });
    return out;
}

SignLogAbsDet slogdet(const Tensor& a) {
    constexpr const char* op = "linalg.slogdet";
    check_square(op, a);
    const Shape batch = batch_of(a.shape());
    SignLogAbsDet r{Tensor(batch, a.dtype()), Tensor(batch, a.dtype())};
    visit_floating(a.dtype(), op, [&](auto tag) {
        using T = decltype(tag);
        xgrad::detail::lapack::lu_determinant<T>(batch.numel(), a.shape().back(), a.data<T>(), nullptr, r.sign.data<T>(),
                                  r.logabsdet.data<T>());
    });
    // d log|det A| = tr(A⁻¹·dA):  dA = G·A⁻ᵀ.
    record("linalg_slogdet", r.logabsdet, {&a}, [sa = SavedTensor(a)](const Tensor& g, InputGrads& dx) {
        dx[0] = mul(as_matrix_scale(g), inverse_transpose("linalg.slogdet (backward)", sa.get()));
    });
    return r;
}

XGRAD_REGISTER_OP(linalg_det, differentiable);
XGRAD_REGISTER_OP(linalg_slogdet, differentiable);

}  // namespace xgrad::linalg
