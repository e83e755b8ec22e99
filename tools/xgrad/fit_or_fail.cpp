#include "fit_or_fail.hpp"

#include <memory>

#include <xgrad/core/error.hpp>
#include <xgrad/train/callbacks.hpp>

namespace xgrad::cli {

train::History fit_or_fail(nn::Module& model, const Tensor& x, const Tensor& y, train::FitOptions fit,
                           const std::string& what) {
    auto nan_guard = std::make_shared<train::TerminateOnNaN>();
    fit.callbacks.push_back(nan_guard);
    train::History history = train::fit(model, x, y, std::move(fit));
    if (nan_guard->terminated())
        throw ValueError(what + ": training diverged (the loss became NaN or infinite); try a lower --lr or "
                                "gradient clipping (--clipnorm)");
    return history;
}

}  // namespace xgrad::cli
