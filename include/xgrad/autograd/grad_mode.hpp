#pragma once
/// \file
/// Thread-local gradient recording mode.
namespace xgrad {

/// True when ops record autograd history on this thread (the default).
bool is_grad_enabled() noexcept;
/// Turns history recording on or off for this thread (prefer the guards below).
void set_grad_enabled(bool enabled) noexcept;

/// RAII: disables recording for its scope (inference, optimizer updates).
class NoGradGuard {
public:
    NoGradGuard() noexcept : previous_(is_grad_enabled()) { set_grad_enabled(false); }
    ~NoGradGuard() { set_grad_enabled(previous_); }
    NoGradGuard(const NoGradGuard&) = delete;
    NoGradGuard& operator=(const NoGradGuard&) = delete;

private:
    bool previous_;
};

/// RAII: sets recording to `enabled` for its scope.
class GradModeGuard {
public:
    /// Sets recording to `enabled`; the destructor restores the previous mode.
    explicit GradModeGuard(bool enabled) noexcept : previous_(is_grad_enabled()) {
        set_grad_enabled(enabled);
    }
    ~GradModeGuard() { set_grad_enabled(previous_); }
    GradModeGuard(const GradModeGuard&) = delete;
    GradModeGuard& operator=(const GradModeGuard&) = delete;

private:
    bool previous_;
};

}  // namespace xgrad
