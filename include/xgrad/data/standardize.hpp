#pragma once
/// \file
/// Per-feature standardization fitted on the training set only — the
/// notebook's preprocessing for the self-normalizing (SELU) network:
///
///     X_means = X_train.mean(axis=0, keepdims=True)
///     X_stds = X_train.std(axis=0, keepdims=True)
///     X_train_scaled = (X_train - X_means) / X_stds       (same for valid, test)
///
/// is
///
///     data::Standardizer scaler(x_train);                 // statistics of x_train only
///     Tensor x_train_scaled = scaler(x_train), x_valid_scaled = scaler(x_valid);
#include <vector>

#include "xgrad/core/tensor.hpp"
#include "xgrad/data/dataset.hpp"

namespace xgrad::data {

/// mean and std per feature (every position of x[0]) over the samples of the
/// training set, computed in double:
///     mean = Σ x / N,   std = √(Σ (x − mean)² / N)   (population std, NumPy's default ddof 0)
///     transform(x) = (x − mean) / scale,   scale = std, or 1 where std == 0
///
/// Zero-std guard: a feature constant over the training set (std 0) would
/// give NaN or ±inf with the notebook's plain division. Its divisor is 1
/// instead (as scikit-learn's StandardScaler does), so it becomes x − mean:
/// 0 on the training set, the offset elsewhere. Every other feature is
/// exactly the notebook's formula. (No pixel is constant over Fashion-MNIST's
/// training images, so there the guard never applies.)
class Standardizer {
public:
    /// Not fitted: transform() throws ValueError.
    Standardizer() = default;
    /// Fits on x [N, ...] (floating dtype, N >= 1): statistics over dimension 0.
    explicit Standardizer(const Tensor& x_train);

    /// (x − mean) / scale for x [M, ...] with the training set's feature
    /// shape (ShapeError otherwise); the result has x's dtype, computed in
    /// double then rounded.
    Tensor transform(const Tensor& x) const;
    /// Same as transform(x).
    Tensor operator()(const Tensor& x) const { return transform(x); }
    /// The same dataset with x standardized (y shared).
    Dataset transform(const Dataset& d) const { return Dataset(transform(d.x()), d.y()); }

    /// Whether statistics were computed (false for a default-constructed one).
    bool fitted() const { return mean_.defined(); }
    /// float64 [1, features...] (keepdims, as the notebook's X_means).
    const Tensor& mean() const { return mean_; }
    /// float64 [1, features...]: the population std (0 for constant features).
    const Tensor& stddev() const { return std_; }
    /// float64 [1, features...]: the divisor transform() uses (std, 1 where std == 0).
    const Tensor& scale() const { return scale_; }

private:
    Tensor mean_, std_, scale_;
};

}  // namespace xgrad::data
