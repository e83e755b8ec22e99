// A user-defined differentiable op through the public extension point:
// forward and backward side by side, checked with the same gradcheck the
// built-in ops use.
//
// The op is a "soft clip": y = c·tanh(x / c), which behaves like x near zero
// and saturates at ±c; dy/dx = 1 - tanh²(x / c).
#include <iostream>

#include <xgrad/xgrad.hpp>

using namespace xgrad;

struct SoftClip : Function<SoftClip> {
    static constexpr const char* name = "soft_clip";

    static Tensor forward(FunctionContext& ctx, const Tensor& x, double c) {
        Tensor t = xgrad::tanh(x / c);
        ctx.save_for_backward({t});
        return t * c;
    }

    // Written with xgrad ops, so second derivatives work too.
    static std::vector<Tensor> backward(FunctionContext& ctx, const std::vector<Tensor>& grad_outputs) {
        const Tensor t = ctx.saved_tensors()[0];
        return {grad_outputs[0] * (1.0 - t * t)};
    }
};

int main() {
    Tensor x = tensor({-4.0, -0.5, 0.0, 0.5, 4.0}).requires_grad_();
    Tensor y = SoftClip::apply(x, 2.0);
    y.sum().backward();
    std::cout << "x      = " << x.detach() << "\n"
              << "y      = " << y.detach() << "\n"
              << "dy/dx  = " << x.grad() << "\n";

    const auto check = gradcheck([](const std::vector<Tensor>& in) { return SoftClip::apply(in[0], 2.0); },
                                 {randn({3, 4})});
    std::cout << "gradcheck: " << check << "\n";
    return check.ok ? 0 : 1;
}
