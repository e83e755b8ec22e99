// PyTorch comparison cases for the ops that existed before step 15:
// arithmetic with broadcasting, unary math and activations, reductions,
// softmax, matmul and linear, shape ops, indexing, convolution and pooling.
// xgrad's images are NHWC and its kernels HWIO (Keras); the torch
// expressions permute to NCHW/OIHW and back.
#include "torch_case.hpp"

namespace {

using namespace xgrad;
using namespace xgrad::reference;

Outputs one(const Tensor& t) { return Outputs{t}; }

/// Values in ±[0.2, 2): away from 0, where abs, relu and the like have kinks.
Tensor away_from_zero(const Shape& shape, std::uint64_t seed) {
    const Tensor magnitude = sample_uniform(shape, 0.2, 2.0, seed);
    const Tensor sign = where(sample_uniform(shape, 0, 1, seed + 1) > 0.5, ones(shape, float64), full(shape, -1.0, float64));
    return magnitude * sign;
}

void add_arithmetic(std::vector<TorchCase>& cases) {
    const std::vector<std::pair<Shape, Shape>> pairs = {{{5}, {5}}, {{3, 4}, {4}}, {{2, 1, 4}, {3, 1}}, {{0, 4}, {4}}};
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        const auto& [sa, sb] = pairs[i];
        const std::string n = std::to_string(i);
        const Tensor a = away_from_zero(sa, 10 + i), b = away_from_zero(sb, 20 + i);
        const Tensor positive = sample_uniform(sa, 0.5, 2.0, 30 + i);
        cases.push_back({"add/" + n, "x0 + x1", [](const Inputs& x) { return one(x[0] + x[1]); }, {a, b}});
        cases.push_back({"sub/" + n, "x0 - x1", [](const Inputs& x) { return one(x[0] - x[1]); }, {a, b}});
        cases.push_back({"mul/" + n, "x0 * x1", [](const Inputs& x) { return one(x[0] * x[1]); }, {a, b}});
        cases.push_back({"div/" + n, "x0 / x1", [](const Inputs& x) { return one(x[0] / x[1]); }, {a, b}});
        cases.push_back({"pow/" + n, "torch.pow(x0, x1)", [](const Inputs& x) { return one(pow(x[0], x[1])); },
                         {positive, b}});
        cases.push_back({"maximum/" + n, "torch.maximum(x0, x1)",
                         [](const Inputs& x) { return one(maximum(x[0], x[1])); }, {a, b}});
        cases.push_back({"minimum/" + n, "torch.minimum(x0, x1)",
                         [](const Inputs& x) { return one(minimum(x[0], x[1])); }, {a, b}});
        cases.push_back({"add_scalar/" + n, "2.5 - x0", [](const Inputs& x) { return one(2.5 - x[0]); }, {a}});
        cases.push_back({"mul_scalar/" + n, "x0 * -1.5", [](const Inputs& x) { return one(x[0] * -1.5); }, {a}});
        cases.push_back({"pow_scalar/" + n, "torch.pow(x0, 2.5)", [](const Inputs& x) { return one(pow(x[0], 2.5)); },
                         {positive}});
        cases.push_back({"neg/" + n, "-x0", [](const Inputs& x) { return one(neg(x[0])); }, {a}});
    }
}

void add_unary(std::vector<TorchCase>& cases) {
    struct Unary {
        const char* name;
        const char* torch;
        Tensor (*op)(const Tensor&);
        bool positive;
    };
    const Unary ops[] = {
        {"exp", "torch.exp(x0)", &exp, false},         {"expm1", "torch.expm1(x0)", &expm1, false},
        {"log", "torch.log(x0)", &log, true},          {"log1p", "torch.log1p(x0)", &log1p, true},
        {"sqrt", "torch.sqrt(x0)", &sqrt, true},       {"rsqrt", "torch.rsqrt(x0)", &rsqrt, true},
        {"abs", "torch.abs(x0)", &abs, false},         {"sign", "torch.sign(x0)", &sign, false},
        {"erf", "torch.erf(x0)", &erf, false},         {"square", "torch.square(x0)", &square, false},
        {"relu", "torch.relu(x0)", &relu, false},      {"sigmoid", "torch.sigmoid(x0)", &sigmoid, false},
        {"tanh", "torch.tanh(x0)", &tanh, false},      {"softplus", "torch.nn.functional.softplus(x0)", &softplus, false},
    };
    const std::vector<Shape> shapes = {{6}, {3, 5}, {0}};
    for (const Unary& u : ops)
        for (std::size_t i = 0; i < shapes.size(); ++i) {
            const Tensor x = u.positive ? sample_uniform(shapes[i], 0.2, 3.0, 40 + i) : away_from_zero(shapes[i], 40 + i);
            cases.push_back({std::string(u.name) + "/" + std::to_string(i), u.torch,
                             [op = u.op](const Inputs& v) { return one(op(v[0])); }, {x},
                             std::string(u.name) != "sign"});
        }
    cases.push_back({"clamp/0", "torch.clamp(x0, -1.0, 0.5)",
                     [](const Inputs& x) { return one(clamp(x[0], -1.0, 0.5)); }, {away_from_zero({4, 5}, 50)}});
    cases.push_back({"scaled_elu/selu", "torch.selu(x0)",
                     [](const Inputs& x) {
                         return one(scaled_elu(x[0], 1.6732632423543772848170429916717, 1.0507009873554804934193349852946));
                     },
                     {away_from_zero({4, 5}, 51)}});
    cases.push_back({"scaled_elu/elu", "torch.nn.functional.elu(x0, 0.7)",
                     [](const Inputs& x) { return one(scaled_elu(x[0], 0.7, 1.0)); }, {away_from_zero({6}, 52)}});
}

void add_reductions(std::vector<TorchCase>& cases) {
    const Tensor x = sample_normal({3, 4, 5}, 60);
    cases.push_back({"sum/all", "torch.sum(x0)", [](const Inputs& v) { return one(sum(v[0])); }, {x}});
    cases.push_back({"sum/axes", "torch.sum(x0, (0, 2), keepdim=True)",
                     [](const Inputs& v) { return one(sum(v[0], {0, 2}, true)); }, {x}});
    cases.push_back({"sum/empty", "torch.sum(x0, 0)", [](const Inputs& v) { return one(sum(v[0], {0})); },
                     {sample_normal({0, 3}, 61)}});
    cases.push_back({"mean/axis", "torch.mean(x0, -1)", [](const Inputs& v) { return one(mean(v[0], {-1})); }, {x}});
    cases.push_back({"mean/all", "torch.mean(x0)", [](const Inputs& v) { return one(mean(v[0])); }, {x}});
    cases.push_back({"var/population", "torch.var(x0, 1, unbiased=False)",
                     [](const Inputs& v) { return one(var(v[0], {1})); }, {x}});
    cases.push_back({"var/ddof1", "torch.var(x0, (0, 1))", [](const Inputs& v) { return one(var(v[0], {0, 1}, false, 1)); },
                     {x}});
    cases.push_back({"std/ddof1", "torch.std(x0, 2, keepdim=True)",
                     [](const Inputs& v) { return one(stddev(v[0], {2}, true, 1)); }, {x}});
    cases.push_back({"max/axis", "torch.amax(x0, 1)", [](const Inputs& v) { return one(max(v[0], {1})); }, {x}});
    cases.push_back({"min/axes", "torch.amin(x0, (0, 2))", [](const Inputs& v) { return one(min(v[0], {0, 2})); }, {x}});
    cases.push_back({"logsumexp/axis", "torch.logsumexp(x0, 2)",
                     [](const Inputs& v) { return one(logsumexp(v[0], {2})); }, {x * 30.0}});
    cases.push_back({"argmax/axis", "torch.argmax(x0, 1)", [](const Inputs& v) { return one(argmax(v[0], 1)); }, {x},
                     false});
    cases.push_back({"argmin/axis", "torch.argmin(x0, 0)", [](const Inputs& v) { return one(argmin(v[0], 0)); }, {x},
                     false});
    cases.push_back({"softmax/last", "torch.softmax(x0, -1)", [](const Inputs& v) { return one(softmax(v[0])); },
                     {x * 5.0}});
    cases.push_back({"softmax/axis0", "torch.softmax(x0, 0)", [](const Inputs& v) { return one(softmax(v[0], 0)); }, {x}});
    cases.push_back({"log_softmax/last", "torch.log_softmax(x0, -1)",
                     [](const Inputs& v) { return one(log_softmax(v[0])); }, {x * 5.0}});
}

void add_products_and_shapes(std::vector<TorchCase>& cases) {
    cases.push_back({"matmul/2d", "x0 @ x1", [](const Inputs& v) { return one(matmul(v[0], v[1])); },
                     {sample_normal({4, 6}, 70), sample_normal({6, 3}, 71)}});
    cases.push_back({"matmul/batched_broadcast", "x0 @ x1", [](const Inputs& v) { return one(matmul(v[0], v[1])); },
                     {sample_normal({2, 1, 4, 6}, 72), sample_normal({3, 6, 5}, 73)}});
    cases.push_back({"matmul/vector", "x0 @ x1", [](const Inputs& v) { return one(matmul(v[0], v[1])); },
                     {sample_normal({6}, 74), sample_normal({2, 6, 3}, 75)}});
    cases.push_back({"matmul/empty", "x0 @ x1", [](const Inputs& v) { return one(matmul(v[0], v[1])); },
                     {sample_normal({0, 6}, 76), sample_normal({6, 3}, 77)}});
    cases.push_back({"linear/keras_layout", "x0 @ x1 + x2", [](const Inputs& v) { return one(linear(v[0], v[1], v[2])); },
                     {sample_normal({5, 7}, 78), sample_normal({7, 3}, 79), sample_normal({3}, 80)}});
    const Tensor x = sample_normal({2, 3, 4}, 81);
    cases.push_back({"reshape/0", "x0.reshape(4, 6)", [](const Inputs& v) { return one(reshape(v[0], {4, 6})); }, {x}});
    cases.push_back({"permute/0", "x0.permute(2, 0, 1)", [](const Inputs& v) { return one(permute(v[0], {2, 0, 1})); },
                     {x}});
    cases.push_back({"expand/0", "x0.expand(2, 3, 4)", [](const Inputs& v) { return one(expand(v[0], {2, 3, 4})); },
                     {sample_normal({3, 1}, 82)}});
    cases.push_back({"slice/step", "x0[:, 1::2]", [](const Inputs& v) { return one(slice(v[0], 1, 1, 100, 2)); }, {x}});
    cases.push_back({"concat/axis1", "torch.cat((x0, x1), 1)", [](const Inputs& v) { return one(concat({v[0], v[1]}, 1)); },
                     {x, sample_normal({2, 2, 4}, 83)}});
    cases.push_back({"stack/axis2", "torch.stack((x0, x1), 2)", [](const Inputs& v) { return one(stack({v[0], v[1]}, 2)); },
                     {x, sample_normal({2, 3, 4}, 84)}});
    cases.push_back({"split/0", "torch.split(x0, [1, 3], 2)",
                     [](const Inputs& v) {
                         const auto parts = split(v[0], std::vector<std::int64_t>{1, 3}, 2);
                         return Outputs(parts.begin(), parts.end());
                     },
                     {x}});
    cases.push_back({"pad/0", "torch.nn.functional.pad(x0, (2, 1, 0, 3), value=0.5)",
                     [](const Inputs& v) { return one(pad(v[0], {{0, 0}, {0, 3}, {2, 1}}, 0.5)); }, {x}});
    const Tensor index = from_vector<std::int64_t>({3, 0, 3, 1}, {4});
    cases.push_back({"index_select/0", "torch.index_select(x0, 2, x1)",
                     [](const Inputs& v) { return one(index_select(v[0], 2, v[1])); }, {x, index}});
    const Tensor gather_index = from_vector<std::int64_t>({0, 2, 2, 1, 0, 0}, {2, 3, 1});
    cases.push_back({"gather/0", "torch.gather(x0, 2, x1)", [](const Inputs& v) { return one(gather(v[0], 2, v[1])); },
                     {x, gather_index}});
    cases.push_back({"scatter_add/0", "torch.scatter_add(x0, 2, x1, x2)",
                     [](const Inputs& v) { return one(scatter_add(v[0], 2, v[1], v[2])); },
                     {x, gather_index, sample_normal({2, 3, 1}, 85)}});
}

void add_images(std::vector<TorchCase>& cases) {
    const Tensor image = sample_normal({2, 6, 7, 3}, 90);
    const std::string nchw = "x0.permute(0, 3, 1, 2)", oihw = "x1.permute(3, 2, 0, 1)";
    cases.push_back({"conv2d/valid", "torch.nn.functional.conv2d(" + nchw + ", " + oihw + ", x2).permute(0, 2, 3, 1)",
                     [](const Inputs& v) { return one(conv2d(v[0], v[1], v[2])); },
                     {image, sample_normal({3, 2, 3, 4}, 91), sample_normal({4}, 92)}});
    cases.push_back({"conv2d/strided_dilated",
                     "torch.nn.functional.conv2d(" + nchw + ", " + oihw + ", stride=(2, 1), dilation=(1, 2)).permute(0, 2, 3, 1)",
                     [](const Inputs& v) { return one(conv2d(v[0], v[1], Tensor(), {.strides = {2, 1}, .dilation = {1, 2}})); },
                     {image, sample_normal({2, 2, 3, 5}, 93)}});
    cases.push_back({"conv2d/groups_padding",
                     "torch.nn.functional.conv2d(" + nchw + ", " + oihw + ", padding=1, groups=3).permute(0, 2, 3, 1)",
                     [](const Inputs& v) {
                         return one(conv2d(v[0], v[1], Tensor(), {.padding = Padding2d(1, 1, 1, 1), .groups = 3}));
                     },
                     {image, sample_normal({3, 3, 1, 6}, 94)}});
    cases.push_back({"max_pool2d/0", "torch.nn.functional.max_pool2d(" + nchw + ", 2).permute(0, 2, 3, 1)",
                     [](const Inputs& v) { return one(max_pool2d(v[0], {.pool_size = {2, 2}})); }, {image}});
    cases.push_back({"avg_pool2d/strided", "torch.nn.functional.avg_pool2d(" + nchw + ", (3, 2), (1, 2)).permute(0, 2, 3, 1)",
                     [](const Inputs& v) {
                         return one(avg_pool2d(v[0], {.pool_size = {3, 2}, .strides = std::array<std::int64_t, 2>{1, 2}}));
                     },
                     {image}});
}

}  // namespace

XGRAD_TORCH_CASES(core_ops_cases) {
    std::vector<TorchCase> cases;
    add_arithmetic(cases);
    add_unary(cases);
    add_reductions(cases);
    add_products_and_shapes(cases);
    add_images(cases);
    return cases;
}
