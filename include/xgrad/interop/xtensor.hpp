#pragma once
/// \file
/// Zero-copy bridges between xgrad tensors and xtensor (include only where you
/// use xtensor: it is a heavy header, kept out of xgrad.hpp).
///
///     xt::xarray<float> a = {{1, 2}, {3, 4}};
///     xgrad::Tensor t = xgrad::from_xtensor(std::move(a));   // takes the buffer, no copy
///     auto view = xgrad::as_xtensor<float>(t);               // xt adaptor on t's data, no copy
#include <memory>
#include <vector>

#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// An xtensor adaptor over t's data (row-major, shape of t). It aliases the
/// tensor: writes through it change the tensor (call nothing that autograd
/// saved for backward). T must match t.dtype().
template <class T> auto as_xtensor(const Tensor& t) {
    std::vector<std::size_t> shape(t.shape().begin(), t.shape().end());
    return xt::adapt(t.data<T>(), static_cast<std::size_t>(t.numel()), xt::no_ownership(), shape);
}

/// Takes ownership of an xarray's buffer without copying.
template <class T> Tensor from_xtensor(xt::xarray<T>&& array) {
    auto owner = std::make_shared<xt::xarray<T>>(std::move(array));
    std::vector<std::int64_t> dims(owner->shape().begin(), owner->shape().end());
    return from_blob(owner->data(), Shape(dims), dtype_v<T>, owner);
}

/// Evaluates any xtensor expression into a new tensor.
template <class E> Tensor from_xtensor(const xt::xexpression<E>& expression) {
    using T = typename E::value_type;
    return from_xtensor(xt::xarray<T>(expression));
}

}  // namespace xgrad
