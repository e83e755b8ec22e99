#include "xgrad/core/tensor.hpp"

#include <cmath>
#include <cstring>
#include <type_traits>

#include "xgrad/core/pool_allocator.hpp"

namespace xgrad {

namespace {

std::shared_ptr<detail::TensorImpl> make_impl(const Shape& shape, Dtype dtype) {
    const std::int64_t numel = checked_numel(shape, "tensor");
    std::size_t nbytes = 0;
    if (__builtin_mul_overflow(static_cast<std::size_t>(numel), itemsize(dtype), &nbytes))
        throw ShapeError("tensor: shape " + to_string(shape) + " needs more than 2^64 bytes");
    auto impl = detail::make_pooled<detail::TensorImpl>();
    impl->shape = shape;
    impl->numel = numel;
    impl->dtype = dtype;
    impl->storage = detail::make_pooled<Storage>(nbytes);
    return impl;
}

template <class T, class U> void convert(const U* src, T* dst, std::int64_t n) {
    if constexpr (std::is_same_v<T, bool>) {
        // Into bool: nonzero is true, NaN included (as PyTorch); −0.0 is false.
        for (std::int64_t i = 0; i < n; ++i) dst[i] = src[i] != U(0);
    } else if constexpr (std::is_same_v<U, bool>) {
        for (std::int64_t i = 0; i < n; ++i) dst[i] = static_cast<T>(src[i]);  // 0 or 1
    } else if constexpr (std::is_same_v<T, std::uint8_t> && !std::is_same_v<U, std::uint8_t>) {
        // Into uint8: clamped to 0…255, truncated toward zero, NaN → 0 (a
        // plain cast of an out-of-range value is undefined).
        for (std::int64_t i = 0; i < n; ++i) {
            const U v = src[i];
            dst[i] = v >= U(255) ? std::uint8_t{255} : v > U(0) ? static_cast<std::uint8_t>(v) : std::uint8_t{0};
        }
    } else {
        for (std::int64_t i = 0; i < n; ++i) dst[i] = static_cast<T>(src[i]);
    }
}

/// Copies all values of src into dst's buffer, converting the dtype.
void copy_converting(const Tensor& src, const Tensor& dst) {
    visit_any_dtype(dst.dtype(), [&](auto dt) {
        using D = decltype(dt);
        visit_any_dtype(src.dtype(), [&](auto st) {
            using S = decltype(st);
            convert(src.data<S>(), dst.data<D>(), src.numel());
        });
    });
}

}  // namespace

Tensor::Tensor(Shape shape, Dtype dtype) : impl_(make_impl(shape, dtype)) {}

void Tensor::throw_undefined() { throw ValueError("tensor: operation on an undefined tensor"); }

void Tensor::check_dtype(Dtype expected) const {
    if (checked().dtype != expected) {
        throw DtypeError("tensor: data requested as " + std::string(dtype_name(expected)) +
                         " but the tensor is " + std::string(dtype_name(impl_->dtype)));
    }
}

std::int64_t Tensor::size(std::int64_t axis) const {
    return shape()[normalize_axis(axis, rank(), "size")];
}

template <class T> std::vector<T> Tensor::to_vector() const {
    std::vector<T> out(static_cast<std::size_t>(numel()));
    visit_any_dtype(dtype(), [&](auto tag) {
        using S = decltype(tag);
        if constexpr (std::is_same_v<T, bool>) {
            // std::vector<bool> packs bits: it has no buffer to convert into.
            const S* p = data<S>();
            for (std::size_t i = 0; i < out.size(); ++i) out[i] = p[i] != S(0);
        } else {
            convert(data<S>(), out.data(), numel());
        }
    });
    return out;
}
template std::vector<float> Tensor::to_vector<float>() const;
template std::vector<double> Tensor::to_vector<double>() const;
template std::vector<std::int64_t> Tensor::to_vector<std::int64_t>() const;
template std::vector<std::uint8_t> Tensor::to_vector<std::uint8_t>() const;
template std::vector<bool> Tensor::to_vector<bool>() const;

double Tensor::item() const {
    if (numel() != 1) {
        throw ValueError("item: the tensor has " + std::to_string(numel()) + " elements (shape " +
                         to_string(shape()) + "), expected exactly one");
    }
    return visit_any_dtype(dtype(), [&](auto tag) {
        using T = decltype(tag);
        return static_cast<double>(data<T>()[0]);
    });
}

Tensor Tensor::detach() const {
    auto impl = detail::make_pooled<detail::TensorImpl>();
    impl->storage = checked().storage;
    impl->shape = impl_->shape;
    impl->numel = impl_->numel;
    impl->dtype = impl_->dtype;
    return Tensor(std::move(impl));
}

Tensor& Tensor::requires_grad_(bool flag) {
    auto& impl = const_cast<detail::TensorImpl&>(checked());
    if (flag && !is_floating(impl.dtype)) {
        throw DtypeError("requires_grad_: only floating tensors can require gradients, this one is " +
                         std::string(dtype_name(impl.dtype)));
    }
    if (!flag && impl.grad_fn) {
        throw AutogradError("requires_grad_: cannot turn off gradients of a non-leaf tensor; use detach()");
    }
    impl.requires_grad = flag;
    return *this;
}

Tensor Tensor::grad() const { return Tensor(checked().grad); }

void Tensor::set_grad(const Tensor& g) {
    checked();
    if (g.defined() && g.shape() != shape()) {
        throw ShapeError("set_grad: gradient shape " + to_string(g.shape()) +
                         " does not match the tensor's " + to_string(shape()));
    }
    impl_->grad = g.impl();
}

void Tensor::zero_grad() { checked(), impl_->grad.reset(); }

Tensor& Tensor::fill_(double value) {
    visit_any_dtype(dtype(), [&](auto tag) {
        using T = decltype(tag);
        T* p = data<T>();
        T v;
        convert(&value, &v, 1);
        for (std::int64_t i = 0; i < numel(); ++i) p[i] = v;
    });
    impl_->storage->bump_version();
    return *this;
}

Tensor& Tensor::copy_(const Tensor& src) {
    if (src.shape() != shape()) {
        throw ShapeError("copy_: source shape " + to_string(src.shape()) +
                         " does not match destination " + to_string(shape()));
    }
    copy_converting(src, *this);
    impl_->storage->bump_version();
    return *this;
}

Tensor& Tensor::add_(const Tensor& other, double alpha) {
    if (other.shape() != shape()) {
        throw ShapeError("add_: shape " + to_string(other.shape()) + " does not match " +
                         to_string(shape()));
    }
    Tensor src = other;
    if (other.dtype() != dtype()) {  // converted without recording: in-place updates are outside the graph
        src = Tensor(shape(), dtype());
        copy_converting(other, src);
    }
    visit_dtype(dtype(), [&](auto tag) {
        using T = decltype(tag);
        T* p = data<T>();
        const T* q = src.data<T>();
        const T a = static_cast<T>(alpha);
        if (alpha == 1.0) {
            for (std::int64_t i = 0; i < numel(); ++i) p[i] += q[i];
        } else {
            for (std::int64_t i = 0; i < numel(); ++i) p[i] += a * q[i];
        }
    });
    impl_->storage->bump_version();
    return *this;
}

Tensor& Tensor::mul_(double factor) {
    visit_dtype(dtype(), [&](auto tag) {
        using T = decltype(tag);
        T* p = data<T>();
        const T f = static_cast<T>(factor);
        for (std::int64_t i = 0; i < numel(); ++i) p[i] *= f;
    });
    impl_->storage->bump_version();
    return *this;
}

}  // namespace xgrad
