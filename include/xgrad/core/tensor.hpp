#pragma once
/// \file
/// Tensor: a cheap, shared handle to an n-dimensional array with a runtime
/// dtype and optional autograd history.
///
/// Storage choice: a tensor owns a contiguous, row-major buffer
/// (xgrad::Storage; 64-byte aligned when it comes from the cache, as every
/// op result does; memory wrapped by from_blob need not be) rather than an
/// xt::xarray. Reshape, flatten and
/// squeeze then share the buffer for free, the dtype can be a runtime
/// property, the buffer can come from a size-class cache, and this header
/// stays free of xtensor (user code compiles fast). Kernels wrap the buffer
/// with xt::adapt (no copy); include "xgrad/interop/xtensor.hpp" to do the
/// same in user code.
///
/// Copying a Tensor shares the data (as in PyTorch); clone() copies it.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "xgrad/core/dtype.hpp"
#include "xgrad/core/error.hpp"
#include "xgrad/core/hooks.hpp"
#include "xgrad/core/shape.hpp"
#include "xgrad/core/storage.hpp"

namespace xgrad {

class Node;
class Tensor;
class TensorIndex;
class IndexedUpdate;

/// Sees, and may replace, the gradient of a tensor as a backward pass
/// computes it: return an undefined Tensor to keep `grad`, or a replacement
/// of the same shape.
using GradHook = std::function<Tensor(const Tensor& grad)>;

namespace detail {
/// What a Tensor handle points to. The autograd fields cost nothing until used.
struct TensorImpl {
    std::shared_ptr<Storage> storage;
    Shape shape;
    std::int64_t numel = 0;
    Dtype dtype = Dtype::float32;

    bool requires_grad = false;
    bool retains_grad = false;
    std::uint32_t output_nr = 0;           // which output of grad_fn this is
    std::shared_ptr<Node> grad_fn;         // null for leaves
    std::shared_ptr<TensorImpl> grad;      // accumulated gradient
    std::shared_ptr<HookList<GradHook>> hooks;  // a leaf's gradient hooks (a non-leaf's live on grad_fn)
};
}  // namespace detail

/// A shared handle to an n-dimensional array (torch.Tensor): copies share the
/// data, and floating tensors may record autograd history.
class Tensor {
public:
    /// An undefined tensor (no data): `defined()` is false.
    Tensor() noexcept = default;
    /// A new, uninitialized tensor. Prefer zeros()/empty().
    Tensor(Shape shape, Dtype dtype);
    /// Wraps an existing implementation (used by the library internals).
    explicit Tensor(std::shared_ptr<detail::TensorImpl> impl) noexcept : impl_(std::move(impl)) {}

    /// False for a default-constructed (undefined) tensor; other members throw on one.
    bool defined() const noexcept { return impl_ != nullptr; }

    // ---- shape and type -------------------------------------------------
    /// The dimensions, outermost first.
    const Shape& shape() const { return checked().shape; }
    /// Size of dimension `axis` (negative counts from the end).
    std::int64_t size(std::int64_t axis) const;
    /// Number of dimensions (0 for a scalar).
    std::size_t rank() const { return checked().shape.size(); }
    /// Number of elements: the product of the dimensions.
    std::int64_t numel() const { return checked().numel; }
    /// The element type.
    Dtype dtype() const { return checked().dtype; }

    // ---- raw data ---------------------------------------------------------
    /// Pointer to the contiguous row-major data; T must match dtype() (else DtypeError).
    template <class T> T* data() const {
        check_dtype(dtype_v<T>);
        return static_cast<T*>(impl_->storage->data());
    }
    /// Untyped pointer to the contiguous row-major data, of any dtype.
    void* raw_data() const { return checked().storage->data(); }
    /// The values as a vector of T (converted from the tensor's dtype).
    template <class T> std::vector<T> to_vector() const;
    /// The single value of a one-element tensor (ValueError otherwise).
    double item() const;
    /// item() cast to T.
    template <class T> T item() const { return static_cast<T>(item()); }

    // ---- copies and conversions ---------------------------------------------
    /// A copy in another dtype (differentiable between floating dtypes);
    /// returns *this when the dtype already matches.
    Tensor to(Dtype dtype) const;
    /// A deep copy of the data (differentiable).
    Tensor clone() const;
    /// Shares the data, without autograd history and with requires_grad false.
    Tensor detach() const;
    /// Tensors are always contiguous; returns *this. Kept for PyTorch users.
    Tensor contiguous() const { return *this; }

    // ---- autograd -----------------------------------------------------------------
    /// True when backward computes a gradient for this tensor (a leaf marked with
    /// requires_grad_(), or the floating result of a recorded op).
    bool requires_grad() const { return checked().requires_grad; }
    /// Marks a leaf as needing gradients (floating dtypes only).
    Tensor& requires_grad_(bool flag = true);
    /// True for tensors not produced by a recorded op.
    bool is_leaf() const { return checked().grad_fn == nullptr; }
    /// The accumulated gradient (undefined until a backward pass reaches it).
    Tensor grad() const;
    /// Replaces the accumulated gradient with `g` (shared, not copied; same shape,
    /// else ShapeError; undefined clears it).
    void set_grad(const Tensor& g);
    /// Drops the accumulated gradient ("no gradient yet", not zero).
    void zero_grad();
    /// Keeps .grad() for a non-leaf tensor after backward.
    void retain_grad();
    /// Adds a hook that runs whenever a backward pass (backward() or grad())
    /// has the complete gradient of this tensor, before it is accumulated
    /// into .grad(), retained or returned; what the hook returns replaces it
    /// (ShapeError if its shape differs). A non-leaf's hooks belong to this
    /// graph (they go when the graph does); a leaf's stay until removed.
    /// Costs nothing while no hook is set.
    HookHandle register_hook(GradHook hook);
    /// The node that produced this tensor (null for leaves).
    const std::shared_ptr<Node>& grad_fn() const { return checked().grad_fn; }
    /// Reverse-mode differentiation from this tensor, accumulating into the
    /// .grad() of the leaves. `gradient` is required unless this is a scalar.
    ///
    /// With create_graph, a leaf's .grad() carries history that refers back to
    /// the leaf itself: a reference cycle (leaf → grad → graph → leaf), so
    /// neither is ever freed until zero_grad() breaks it (PyTorch has the same
    /// cycle). Prefer grad(outputs, inputs, …, {.create_graph = true}), which
    /// returns the gradients and stores nothing on the leaves.
    void backward(const Tensor& gradient = Tensor(), bool retain_graph = false,
                  bool create_graph = false) const;

    // ---- in-place updates (for optimizers; not recorded by autograd) ----------
    /// Counter of in-place writes to the underlying storage.
    std::uint32_t version() const { return checked().storage->version(); }
    /// Sets every element to `value` (converted to the dtype).
    Tensor& fill_(double value);
    /// Sets every element to 0.
    Tensor& zero_() { return fill_(0.0); }
    /// Copies `src` (same shape; converted to this dtype) into this tensor.
    Tensor& copy_(const Tensor& src);
    /// this += alpha · other (same shape, else ShapeError; converted to this dtype).
    Tensor& add_(const Tensor& other, double alpha = 1.0);
    /// this *= factor.
    Tensor& mul_(double factor);

    // ---- common ops as methods (the free functions are the full API) --------------
    /// Same data, new shape; one dimension may be -1 (inferred). See xgrad::reshape.
    Tensor reshape(const Shape& shape) const;
    /// Same as reshape() (tensors are always contiguous). Kept for PyTorch users.
    Tensor view(const Shape& shape) const { return reshape(shape); }
    /// All dimensions merged into one: shape {numel()}.
    Tensor flatten() const;
    /// Sum of all elements, as a 0-d tensor.
    Tensor sum() const;
    /// Mean of all elements, as a 0-d tensor.
    Tensor mean() const;
    /// Transpose of a 2-D tensor.
    Tensor t() const;

    // ---- indexing (xgrad/core/tensor_index.hpp; see xgrad::index) -------------------
    /// x[indices] with NumPy/PyTorch semantics, as a new contiguous tensor:
    /// `x.index({Slice(1, None, 2), None, Ellipsis, 3, idx})`.
    Tensor index(std::initializer_list<TensorIndex> indices) const;
    /// As above, from a vector built at run time.
    Tensor index(const std::vector<TensorIndex>& indices) const;
    /// A new tensor: x with x[indices] = v, or += v with accumulate (see xgrad::index_put).
    Tensor index_put(std::initializer_list<TensorIndex> indices, const Tensor& v, bool accumulate = false) const;
    /// As above, from a vector built at run time.
    Tensor index_put(const std::vector<TensorIndex>& indices, const Tensor& v, bool accumulate = false) const;
    /// JAX's x.at[indices]: `x.at({Slice(), 0}).set(v)`, `.add(v)`, `.get()`.
    IndexedUpdate at(std::initializer_list<TensorIndex> indices) const;
    /// As above, from a vector built at run time.
    IndexedUpdate at(const std::vector<TensorIndex>& indices) const;
    /// As above, with one entry: `x.at(idx).add(v)`.
    IndexedUpdate at(const TensorIndex& index) const;

    /// The shared implementation (null when undefined); for library internals.
    const std::shared_ptr<detail::TensorImpl>& impl() const noexcept { return impl_; }
    /// True when both handles share one implementation.
    bool is_same(const Tensor& other) const noexcept { return impl_ == other.impl_; }

private:
    const detail::TensorImpl& checked() const {
        if (!impl_) throw_undefined();
        return *impl_;
    }
    [[noreturn]] static void throw_undefined();
    void check_dtype(Dtype expected) const;

    std::shared_ptr<detail::TensorImpl> impl_;
};

// ---- creation -------------------------------------------------------------------
/// Uninitialized data.
Tensor empty(const Shape& shape, Dtype dtype = float32);
/// All elements 0.
Tensor zeros(const Shape& shape, Dtype dtype = float32);
/// All elements 1.
Tensor ones(const Shape& shape, Dtype dtype = float32);
/// All elements `value` (converted to `dtype`).
Tensor full(const Shape& shape, double value, Dtype dtype = float32);
/// zeros() with the shape and dtype of `t`.
Tensor zeros_like(const Tensor& t);
/// ones() with the shape and dtype of `t`.
Tensor ones_like(const Tensor& t);
/// full() with the shape and dtype of `t`.
Tensor full_like(const Tensor& t, double value);
/// A 0-d tensor holding `value`.
Tensor scalar(double value, Dtype dtype = float32);
/// [start, stop) with `step`, like numpy.arange.
Tensor arange(double start, double stop, double step = 1.0, Dtype dtype = float32);
/// 0, 1, …, stop-1; int64 by default.
Tensor arange(std::int64_t stop, Dtype dtype = int64);
/// `count` evenly spaced values from start to stop inclusive.
Tensor linspace(double start, double stop, std::int64_t count, Dtype dtype = float32);
/// n x m identity-like matrix (m = n when negative).
Tensor eye(std::int64_t n, std::int64_t m = -1, Dtype dtype = float32);

/// A literal for tensor(): a number, or a braced list of NestedLists.
/// `{2}` is a one-element list, so `{{1}, {2}}` is a 2 x 1 column.
class NestedList {
public:
    /// A number (implicit, so literals nest).
    NestedList(double value) : value_(value), is_number_(true) {}
    /// A list of numbers or of further lists.
    NestedList(std::initializer_list<NestedList> items) : items_(items) {}
    /// True for a number, false for a list.
    bool is_number() const noexcept { return is_number_; }
    /// The number; 0 for a list.
    double value() const noexcept { return value_; }
    /// The elements of a list; empty for a number.
    const std::vector<NestedList>& items() const noexcept { return items_; }

private:
    std::vector<NestedList> items_;
    double value_ = 0;
    bool is_number_ = false;
};

/// From nested initializer lists: `tensor({{1, 2}, {3, 4}})` is 2 x 2,
/// `tensor(3.0)` a 0-d scalar. ValueError for ragged lists.
Tensor tensor(const NestedList& values, Dtype dtype = float32);

/// Copies `values` into a tensor of `shape` (dtype from T). ShapeError if the counts differ.
template <class T> Tensor from_vector(std::span<const T> values, const Shape& shape);
/// As above, from a std::vector.
template <class T> Tensor from_vector(const std::vector<T>& values, const Shape& shape) {
    return from_vector<T>(std::span<const T>(values), shape);
}
/// Copies bools into a bool tensor of `shape` (std::vector<bool> packs bits, so it
/// has no span). ShapeError if the counts differ.
Tensor from_vector(const std::vector<bool>& values, const Shape& shape);
/// Wraps memory kept alive by `owner` without copying. For bool the bytes
/// must be 0 or 1 (any other byte is not a C++ bool); check foreign data
/// first, as the safetensors and .npy readers do (they refuse other bytes).
Tensor from_blob(void* data, const Shape& shape, Dtype dtype, std::shared_ptr<void> owner);

/// Numpy-like printing, truncated for large tensors.
std::ostream& operator<<(std::ostream& os, const Tensor& t);
/// The same text as operator<<.
std::string to_string(const Tensor& t);

}  // namespace xgrad

// The index entries need Tensor complete, and Tensor's indexing members need them.
#include "xgrad/core/tensor_index.hpp"
