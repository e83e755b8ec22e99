#pragma once
/// \file
/// Functions of matrices (torch.linalg): norms, pseudo-inverse, exponential,
/// on float32 and float64 matrices [..., m, n], batched over leading
/// dimensions. Each is a composition of differentiable xgrad ops (svd, solve,
/// matmul, reductions), so gradients of every order follow.
#include <string>

#include "xgrad/core/tensor.hpp"

namespace xgrad::linalg {

/// Matrix norm over the last two dimensions: ord "fro" (Frobenius) or "nuc"
/// (nuclear: sum of singular values). keepdim keeps them as size 1.
/// ValueError naming any other ord.
/// Gradient: of the composition (fro: A/‖A‖, undefined at A = 0; nuc: U·Vh).
Tensor matrix_norm(const Tensor& a, const std::string& ord = "fro", bool keepdim = false);

/// Matrix norm for numeric ord: 1 / −1 (max / min column sum of |a_ij|),
/// inf / −inf (max / min row sum), 2 / −2 (largest / smallest singular
/// value). ValueError naming any other ord.
Tensor matrix_norm(const Tensor& a, double ord, bool keepdim = false);

/// Moore–Penrose pseudo-inverse [..., n, m] of A [..., m, n] via SVD: singular
/// values ≤ rtol·σ_max count as zero; rtol < 0 means max(m, n)·ε of the dtype
/// (PyTorch's default). Differentiable through svd (distinct singular values).
Tensor pinv(const Tensor& a, double rtol = -1.0);

/// e^A of A [..., n, n]: degree-13 Padé approximant with scaling and squaring
/// (Higham 2005), the scaling chosen from the largest 1-norm in the batch.
/// Gradient: of that composition (matmul and solve), which equals PyTorch's
/// block-triangular formula to rounding.
Tensor matrix_exp(const Tensor& a);

}  // namespace xgrad::linalg
