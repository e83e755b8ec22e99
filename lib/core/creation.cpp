// Tensor factories: constant fills, ranges, identity, nested lists, blobs.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "xgrad/core/pool_allocator.hpp"
#include "xgrad/core/tensor.hpp"

namespace xgrad {

Tensor empty(const Shape& shape, Dtype dtype) { return Tensor(shape, dtype); }
Tensor zeros(const Shape& shape, Dtype dtype) { return full(shape, 0.0, dtype); }
Tensor ones(const Shape& shape, Dtype dtype) { return full(shape, 1.0, dtype); }
Tensor full(const Shape& shape, double value, Dtype dtype) {
    if (dtype == uint8 || dtype == boolean) return full(shape, value, float64).to(dtype);  // clamped, or != 0
    Tensor t(shape, dtype);
    visit_dtype(dtype, [&](auto tag) {
        using T = decltype(tag);
        T* p = t.data<T>();
        const T v = static_cast<T>(value);
        for (std::int64_t i = 0; i < t.numel(); ++i) p[i] = v;
    });
    return t;
}
Tensor zeros_like(const Tensor& t) { return zeros(t.shape(), t.dtype()); }
Tensor ones_like(const Tensor& t) { return ones(t.shape(), t.dtype()); }
Tensor full_like(const Tensor& t, double value) { return full(t.shape(), value, t.dtype()); }
Tensor scalar(double value, Dtype dtype) { return full({}, value, dtype); }

Tensor arange(double start, double stop, double step, Dtype dtype) {
    if (step == 0 || !std::isfinite(start) || !std::isfinite(stop) || !std::isfinite(step))
        throw ValueError("arange: step must be non-zero and all bounds finite");
    const double count = std::ceil((stop - start) / step);
    const auto n = static_cast<std::int64_t>(std::max(0.0, count));
    Tensor t({n}, dtype);
    visit_dtype(dtype, [&](auto tag) {
        using T = decltype(tag);
        T* p = t.data<T>();
        for (std::int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(start + static_cast<double>(i) * step);
    });
    return t;
}

Tensor arange(std::int64_t stop, Dtype dtype) { return arange(0.0, static_cast<double>(stop), 1.0, dtype); }

Tensor linspace(double start, double stop, std::int64_t count, Dtype dtype) {
    if (count < 0) throw ValueError("linspace: count must be non-negative, got " + std::to_string(count));
    Tensor t({count}, dtype);
    const double step = count > 1 ? (stop - start) / static_cast<double>(count - 1) : 0.0;
    visit_dtype(dtype, [&](auto tag) {
        using T = decltype(tag);
        T* p = t.data<T>();
        for (std::int64_t i = 0; i < count; ++i)
            p[i] = static_cast<T>(i == count - 1 && count > 1 ? stop : start + static_cast<double>(i) * step);
    });
    return t;
}

Tensor eye(std::int64_t n, std::int64_t m, Dtype dtype) {
    if (m < 0) m = n;
    Tensor t = zeros({n, m}, dtype);
    visit_dtype(dtype, [&](auto tag) {
        using T = decltype(tag);
        T* p = t.data<T>();
        for (std::int64_t i = 0; i < std::min(n, m); ++i) p[i * m + i] = T(1);
    });
    return t;
}

namespace {

// Walks a nested list, recording the shape at the first visit of each depth
// and checking every later list against it.
void walk(const NestedList& list, std::size_t depth, Shape& shape, std::size_t& number_depth,
          std::vector<double>& values) {
    if (list.is_number()) {
        if (number_depth == SIZE_MAX) number_depth = depth;
        if (number_depth != depth)
            throw ValueError("tensor: ragged nested list (numbers at depths " + std::to_string(number_depth) +
                             " and " + std::to_string(depth) + ")");
        values.push_back(list.value());
        return;
    }
    const auto n = static_cast<std::int64_t>(list.items().size());
    if (shape.size() == depth) {
        shape.push_back(n);
    } else if (shape.size() < depth || shape[depth] != n) {
        throw ValueError("tensor: ragged nested list (dimension " + std::to_string(depth) + " has lengths " +
                         std::to_string(shape.size() > depth ? shape[depth] : 0) + " and " + std::to_string(n) + ")");
    }
    for (const NestedList& item : list.items()) walk(item, depth + 1, shape, number_depth, values);
}

}  // namespace

Tensor tensor(const NestedList& list, Dtype dtype) {
    if (dtype == uint8 || dtype == boolean) return tensor(list, float64).to(dtype);  // clamped, or != 0
    Shape shape;
    std::size_t number_depth = SIZE_MAX;
    std::vector<double> values;
    walk(list, 0, shape, number_depth, values);
    if (number_depth != SIZE_MAX && number_depth != shape.size())
        throw ValueError("tensor: ragged nested list (a list and a number at the same depth)");
    Tensor t(shape, dtype);
    visit_dtype(dtype, [&](auto tag) {
        using T = decltype(tag);
        T* p = t.data<T>();
        for (std::size_t i = 0; i < values.size(); ++i) p[i] = static_cast<T>(values[i]);
    });
    return t;
}

template <class T> Tensor from_vector(std::span<const T> values, const Shape& shape) {
    if (static_cast<std::int64_t>(values.size()) != shape.numel()) {
        throw ShapeError("from_vector: " + std::to_string(values.size()) + " values do not fill shape " +
                         to_string(shape) + " (" + std::to_string(shape.numel()) + " elements)");
    }
    Tensor t(shape, dtype_v<T>);
    if (!values.empty()) std::memcpy(t.data<T>(), values.data(), values.size() * sizeof(T));
    return t;
}
template Tensor from_vector<float>(std::span<const float>, const Shape&);
template Tensor from_vector<double>(std::span<const double>, const Shape&);
template Tensor from_vector<std::int64_t>(std::span<const std::int64_t>, const Shape&);
template Tensor from_vector<std::uint8_t>(std::span<const std::uint8_t>, const Shape&);
template Tensor from_vector<bool>(std::span<const bool>, const Shape&);

Tensor from_vector(const std::vector<bool>& values, const Shape& shape) {
    if (static_cast<std::int64_t>(values.size()) != shape.numel()) {
        throw ShapeError("from_vector: " + std::to_string(values.size()) + " values do not fill shape " +
                         to_string(shape) + " (" + std::to_string(shape.numel()) + " elements)");
    }
    Tensor t(shape, boolean);
    bool* p = t.data<bool>();
    for (std::size_t i = 0; i < values.size(); ++i) p[i] = values[i];
    return t;
}

Tensor from_blob(void* data, const Shape& shape, Dtype dtype, std::shared_ptr<void> owner) {
    auto impl = detail::make_pooled<detail::TensorImpl>();
    impl->shape = shape;
    impl->numel = shape.numel();
    impl->dtype = dtype;
    impl->storage = detail::make_pooled<Storage>(data, static_cast<std::size_t>(impl->numel) * itemsize(dtype),
                                              std::move(owner));
    return Tensor(std::move(impl));
}

}  // namespace xgrad
