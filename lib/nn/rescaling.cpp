#include "xgrad/nn/rescaling.hpp"

#include <array>
#include <type_traits>

#include "xgrad/ops/elementwise.hpp"

namespace xgrad::nn {

Rescaling::Rescaling(double scale, double offset) {
    set(&Rescaling::scale_, scale);
    set(&Rescaling::offset_, offset);
}

const Options<Rescaling>& Rescaling::options() {
    static const auto options = Options<Rescaling>("Rescaling")
                                    .add("scale", &Rescaling::scale_, OptionKind::required)
                                    .add("offset", &Rescaling::offset_);
    return options;
}
XGRAD_REGISTER_LAYER(Rescaling);

namespace {

// out[i] = T(double(x[i])·scale + offset); uint8 through a 256-entry table.
template <class T, class S>
void rescale_integers(const S* x, T* out, std::int64_t n, double scale, double offset) {
    if constexpr (std::is_same_v<S, std::uint8_t>) {
        std::array<T, 256> table;
        for (int v = 0; v < 256; ++v) table[static_cast<std::size_t>(v)] = static_cast<T>(v * scale + offset);
        for (std::int64_t i = 0; i < n; ++i) out[i] = table[x[i]];
    } else {
        for (std::int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(static_cast<double>(x[i]) * scale + offset);
    }
}

}  // namespace

Tensor Rescaling::forward(const Tensor& x, bool) {
    if (is_floating(x.dtype())) {
        Tensor y = scale_ == 1.0 ? x : x * scale_;
        return offset_ == 0.0 ? y : y + offset_;
    }
    Tensor out(x.shape(), dtype());
    visit_any_dtype(x.dtype(), [&](auto source) {
        using S = decltype(source);
        visit_floating(dtype(), "Rescaling", [&](auto target) {
            using T = decltype(target);
            rescale_integers(x.data<S>(), out.data<T>(), x.numel(), scale_, offset_);
        });
    });
    return out;
}

}  // namespace xgrad::nn
