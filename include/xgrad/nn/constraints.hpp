#pragma once
/// \file
/// Weight constraints, applied in place (outside autograd) after every
/// optimizer step through Module::apply_constraints().
#include <memory>
#include <string>

#include "xgrad/core/tensor.hpp"

namespace xgrad::nn {

class Constraint {
public:
    virtual ~Constraint() = default;
    /// Rewrites w in place.
    virtual void apply(Tensor& w) const = 0;
    virtual std::string name() const = 0;
};
using ConstraintPtr = std::shared_ptr<const Constraint>;

/// Keras' MaxNorm: w · clip(‖w‖, 0, max_value) / (1e-7 + ‖w‖), norms taken
/// along `axis` (0: each unit's incoming weights of a [in, out] kernel).
struct MaxNorm final : Constraint {
    explicit MaxNorm(double max_value = 2.0, std::int64_t axis = 0) : max_value(max_value), axis(axis) {}
    void apply(Tensor& w) const override;
    std::string name() const override { return "max_norm"; }
    double max_value;
    std::int64_t axis;
};

/// "max_norm" or any Constraint object; empty = none.
class ConstraintRef {
public:
    ConstraintRef() = default;
    ConstraintRef(const char* name);
    ConstraintRef(ConstraintPtr ptr) : ptr_(std::move(ptr)) {}
    template <class C>
        requires std::is_base_of_v<Constraint, std::decay_t<C>>
    ConstraintRef(C&& c) : ptr_(std::make_shared<std::decay_t<C>>(std::forward<C>(c))) {}
    explicit operator bool() const noexcept { return ptr_ != nullptr; }
    const Constraint& operator*() const noexcept { return *ptr_; }
    const ConstraintPtr& ptr() const noexcept { return ptr_; }

private:
    ConstraintPtr ptr_;
};

}  // namespace xgrad::nn
