#include "xgrad/optim/plateau.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "xgrad/core/error.hpp"
#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

PlateauController::PlateauController(Optimizer& optimizer, PlateauOptions options)
    : optimizer_(&optimizer), options_(options) {
    // Keras: "ReduceLROnPlateau does not support a factor >= 1.0".
    if (!(options_.factor() > 0 && options_.factor() < 1))
        throw ValueError("ReduceLROnPlateau: factor must be in (0, 1), got " + std::to_string(options_.factor()));
    if (options_.patience() < 0) throw ValueError("ReduceLROnPlateau: patience must be >= 0");
    if (options_.cooldown() < 0) throw ValueError("ReduceLROnPlateau: cooldown must be >= 0");
    reset();
}

void PlateauController::reset() {
    best_ = options_.mode() == PlateauOptions::Mode::min ? std::numeric_limits<double>::infinity()
                                                         : -std::numeric_limits<double>::infinity();
    wait_ = 0;
    cooldown_counter_ = 0;
}

bool PlateauController::step(double value) {
    if (cooldown_counter_ > 0) {
        --cooldown_counter_;
        wait_ = 0;
    }
    const bool improved = options_.mode() == PlateauOptions::Mode::min ? value < best_ - options_.min_delta()
                                                                       : value > best_ + options_.min_delta();
    if (improved) {
        best_ = value;
        wait_ = 0;
        return false;
    }
    if (cooldown_counter_ > 0) return false;
    if (++wait_ < options_.patience()) return false;
    const double lr = optimizer_->learning_rate();
    if (!(lr > static_cast<float>(options_.min_lr()))) return false;  // Keras compares with float32(min_lr)
    optimizer_->set_learning_rate(std::max(lr * options_.factor(), options_.min_lr()));
    cooldown_counter_ = options_.cooldown();
    wait_ = 0;
    return true;
}

}  // namespace xgrad::optim
