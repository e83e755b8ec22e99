#include "xgrad/nn/reshape.hpp"

#include <algorithm>
#include <span>
#include <string>

#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::nn {

Reshape::Reshape(std::vector<std::int64_t> target_shape) { set(&Reshape::target_shape_, std::move(target_shape)); }

const Options<Reshape>& Reshape::options() {
    static const auto options = Options<Reshape>("Reshape").add("target_shape", &Reshape::target_shape_, OptionKind::required);
    return options;
}
XGRAD_REGISTER_LAYER(Reshape);

Shape Reshape::resolve(const Shape& input_shape) const {
    const std::string who = name() + " (Reshape)";
    if (input_shape.empty()) throw ShapeError(who + ": input needs a batch dimension, got a scalar");
    const auto target_text = [&] {
        std::string text = "[";
        for (std::size_t i = 0; i < target_shape_.size(); ++i) {
            if (i) text += ',';
            text += std::to_string(target_shape_[i]);
        }
        return text + "]";
    };
    std::int64_t known = 1, inferred = -1;
    for (std::size_t i = 0; i < target_shape_.size(); ++i) {
        if (target_shape_[i] == -1 && inferred < 0) inferred = static_cast<std::int64_t>(i);
        else if (target_shape_[i] <= 0) throw ValueError(who + ": target_shape entries must be positive, or one -1");
        // Checked: a product that wrapped (to 0, say) would be divided by below.
        else if (__builtin_mul_overflow(known, target_shape_[i], &known))
            throw ShapeError(who + ": target_shape " + target_text() + " has more than 2^63 values per sample");
    }
    const std::span<const std::int64_t> features = std::span<const std::int64_t>(input_shape).subspan(1);
    const bool unknown = std::find(features.begin(), features.end(), -1) != features.end();
    Shape out{input_shape[0]};
    for (const std::int64_t d : target_shape_) out.push_back(d);
    if (unknown) return out;  // declared but unknown sizes: −1 stays
    const std::int64_t total = checked_numel(features, who);
    if ((inferred < 0 && total != known) || (inferred >= 0 && total % known != 0)) {
        throw ShapeError(who + ": cannot reshape input " + to_string(input_shape) + " (" + std::to_string(total) +
                         " values per sample) to " + target_text());
    }
    if (inferred >= 0) out[static_cast<std::size_t>(inferred) + 1] = total / known;
    return out;
}

Tensor Reshape::forward(const Tensor& x, bool) {
    Shape shape = resolve(x.shape());
    return reshape(x, shape);
}

Shape Reshape::output_shape(const Shape& input_shape) { return resolve(input_shape); }

}  // namespace xgrad::nn
