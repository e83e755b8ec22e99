#pragma once
// The check every loss and metric makes of its predictions.
#include <string>

#include "xgrad/core/tensor.hpp"

namespace xgrad::detail {

/// y_pred must be floating with at least one axis (the one reduced per sample).
inline void check_pred(const char* op, const Tensor& y_pred) {
    if (!is_floating(y_pred.dtype())) {
        throw DtypeError(std::string(op) + ": y_pred must be float32 or float64, got " +
                         std::string(dtype_name(y_pred.dtype())));
    }
    if (y_pred.rank() == 0) {
        throw ShapeError(std::string(op) + ": y_pred must have at least one axis (the one reduced per sample), got shape " +
                         to_string(y_pred.shape()));
    }
}

}  // namespace xgrad::detail
