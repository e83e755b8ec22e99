#pragma once
/// \file
/// Functional updates: each returns a new tensor (x is unchanged) with
/// gradients to x and to the values written. For updates through the
/// indexing object see xgrad::index_put and `x.at({...}).set(v)`.
#include <cstdint>
#include <string_view>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// x with `value` where `mask` is set (mask broadcasts to x's shape).
/// backward: dx = g where the mask is not set, 0 where it is.
Tensor masked_fill(const Tensor& x, const Tensor& mask, double value);
/// As above with a 0-d tensor `value` of x's dtype.
/// backward: dx as above; dvalue = Σ g over the set positions.
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value);

/// x with the slice start:stop:step of dimension `axis` replaced by `src`,
/// which has exactly that slice's shape (torch.slice_scatter). Bounds as in
/// Python (None: the whole dimension); step > 0.
/// backward: dx = g with the slice zeroed; dsrc = the slice of g.
Tensor slice_scatter(const Tensor& x, const Tensor& src, std::int64_t axis = 0, SliceBound start = None,
                     SliceBound stop = None, std::int64_t step = 1);

/// PyTorch's scatter_reduce: out = x, then each src element is reduced into
/// out[.., index[.., j, ..], ..] along `axis` with `reduce` ("sum", "mean",
/// "amax", "amin"); include_self=false leaves x's value out of the positions
/// that receive any src element. index (int64) and src have one shape, of
/// x's rank and x's sizes except along `axis`. "mean" on int64 rounds down.
/// backward (PyTorch's): sum: dx = g (0 at the received positions without
/// include_self), dsrc = gather(g); mean: both divided by the count;
/// amax/amin: the gradient goes to the elements equal to the result, split
/// evenly among ties.
Tensor scatter_reduce(const Tensor& x, std::int64_t axis, const Tensor& index, const Tensor& src,
                      std::string_view reduce = "sum", bool include_self = true);

}  // namespace xgrad
