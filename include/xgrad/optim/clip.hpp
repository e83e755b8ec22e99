#pragma once
/// \file
/// Gradient clipping, as transforms for a chain (Keras' optimizer options
/// clipvalue / clipnorm / global_clipnorm) and as free functions on the
/// .grad() of parameters (PyTorch's torch.nn.utils.clip_grad_*_).
///
/// Example (REFERENCE.md): gradients g1 = [3, 4], g2 = [12]:
///   clip_by_value(1)       → [1, 1], [1]          (direction of g1 changes)
///   clip_by_norm(1)        → [0.6, 0.8], [1]      (each tensor on its own)
///   clip_by_global_norm(1) → [3, 4]/13, [12]/13   (N = sqrt(9 + 16 + 144) = 13)
#include <vector>

#include "xgrad/core/tensor.hpp"
#include "xgrad/optim/transform.hpp"

namespace xgrad::optim {

/// Each element clipped to [−v, v] (Keras clipvalue). Can change the
/// gradient's direction. v > 0 (ValueError otherwise).
GradientTransformPtr clip_by_value(double v);
/// Each tensor rescaled on its own: u · c / max(‖u‖₂, c) (Keras clipnorm).
/// Keeps each tensor's direction. c > 0.
GradientTransformPtr clip_by_norm(double c);
/// All tensors rescaled together: u · c / max(N, c), N = sqrt(Σ‖uᵢ‖²) over
/// the parameters updated this step (Keras global_clipnorm). Keeps the
/// overall direction. c > 0.
GradientTransformPtr clip_by_global_norm(double c);

/// Clips the .grad() of `params` elementwise to [−v, v] in place (parameters
/// without a gradient are skipped). PyTorch's clip_grad_value_.
void clip_grad_value(const std::vector<Tensor>& params, double v);

/// Rescales the .grad() of `params` in place so that their total norm is at
/// most max_norm, and returns the total norm before clipping. PyTorch's
/// clip_grad_norm_: N = (Σ‖gᵢ‖ₚᵖ)^(1/p) (p = norm_type; infinity for the max
/// norm), then g ← g · min(1, max_norm / (N + 1e-6)). Parameters without a
/// gradient are skipped; none at all gives 0. A non-finite N is a ValueError
/// when error_if_nonfinite; else, as in PyTorch, the gradients are still
/// multiplied by the coefficient (0 for N = ∞, so ∞ elements become NaN).
/// Differs from clip_by_global_norm (Keras) by the 1e-6 (a norm within 1e-6
/// below max_norm is still scaled a little).
///
///     double n = clip_grad_norm(model.trainable_parameters(), 1.0);
double clip_grad_norm(const std::vector<Tensor>& params, double max_norm, double norm_type = 2.0,
                      bool error_if_nonfinite = false);

}  // namespace xgrad::optim
