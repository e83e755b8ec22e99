#include "xgrad/autograd/grad_mode.hpp"

namespace xgrad {
namespace {
thread_local bool grad_enabled = true;
}
bool is_grad_enabled() noexcept { return grad_enabled; }
void set_grad_enabled(bool enabled) noexcept { grad_enabled = enabled; }
}  // namespace xgrad
