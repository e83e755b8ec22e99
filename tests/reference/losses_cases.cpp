// PyTorch comparison cases for the losses PyTorch also has: kl_divergence
// (kl_div on log-probabilities), cosine_similarity (minus F.cosine_similarity),
// poisson (poisson_nll_loss with log_input=False), the crossentropies with
// label smoothing and sparse categorical crossentropy with ignore_class
// (cross_entropy's label_smoothing and ignore_index). Log-cosh and the hinge
// losses have no PyTorch counterpart.
//
// Label smoothing: Keras (y·(1 − s) + s/C) and PyTorch ((1 − s)·target + s/C)
// use the same smoothed targets for categorical crossentropy, so the numbers
// agree; PyTorch's BCE has no label_smoothing, so binary is compared against
// binary_cross_entropy_with_logits on Keras' smoothed labels y·(1 − s) + s/2.
#include "torch_case.hpp"

namespace {

using namespace xgrad;
using namespace xgrad::reference;
using losses::Reduction;

/// Batches of features for the per-sample losses: a vector, a batch, a batch of sequences.
const std::vector<Shape> loss_shapes = {{6}, {4, 3}, {2, 3, 5}};

}  // namespace

XGRAD_TORCH_CASES(losses_cases) {
    std::vector<TorchCase> cases;
    for (std::size_t i = 0; i < loss_shapes.size(); ++i) {
        const Shape& s = loss_shapes[i];
        const std::string n = std::to_string(i);
        // Targets and predictions inside (ε, 1), where Keras' clipping does nothing.
        // The mean is a small difference of terms t·log(t/p) of both signs and
        // size ~1 (0.03 from [4, 3]), so float32 rounding of the terms (Keras'
        // log(t/p) here, log t − log p in torch) is ~1e-6 of the result.
        cases.push_back({.name = "kl_divergence/" + n,
                         .torch = "torch.nn.functional.kl_div(torch.log(x1), x0, reduction='none').sum(-1).mean()",
                         .run = [](const Inputs& x) { return Outputs{losses::kl_divergence(x[0], x[1])}; },
                         .inputs = {sample_uniform(s, 0.05, 0.95, 10 + i), sample_uniform(s, 0.05, 0.95, 20 + i)},
                         .float32_tolerance = 1e-5});
        cases.push_back({"cosine_similarity/" + n,
                         "-torch.nn.functional.cosine_similarity(x0, x1, dim=-1, eps=1e-7).mean()",
                         [](const Inputs& x) { return Outputs{losses::cosine_similarity(x[0], x[1])}; },
                         {sample_normal(s, 30 + i), sample_normal(s, 40 + i)}});
        cases.push_back({"poisson/" + n,
                         "torch.nn.functional.poisson_nll_loss(x1, x0, log_input=False, full=False, eps=1e-7)",
                         [](const Inputs& x) { return Outputs{losses::poisson(x[0], x[1])}; },
                         {sample_uniform(s, 0, 3, 50 + i), sample_uniform(s, 0.2, 3, 60 + i)}});
        cases.push_back({"binary_crossentropy/label_smoothing/" + n,
                         "torch.nn.functional.binary_cross_entropy_with_logits(x1, x0 * 0.8 + 0.1)",
                         [](const Inputs& x) {
                             return Outputs{losses::binary_crossentropy(x[0], x[1], true, Reduction::mean, 0.2)};
                         },
                         {sample_uniform(s, 0, 1, 70 + i), sample_normal(s, 80 + i)}});
    }
    // Per-sample values of the same losses, and an empty batch.
    cases.push_back({"kl_divergence/none", "torch.nn.functional.kl_div(torch.log(x1), x0, reduction='none').sum(-1)",
                     [](const Inputs& x) { return Outputs{losses::kl_divergence(x[0], x[1], Reduction::none)}; },
                     {sample_uniform({4, 3}, 0.05, 0.95, 11), sample_uniform({4, 3}, 0.05, 0.95, 12)}});
    cases.push_back({"kl_divergence/empty", "torch.nn.functional.kl_div(torch.log(x1), x0, reduction='none').sum(-1)",
                     [](const Inputs& x) { return Outputs{losses::kl_divergence(x[0], x[1], Reduction::none)}; },
                     {sample_uniform({0, 3}, 0.05, 0.95, 13), sample_uniform({0, 3}, 0.05, 0.95, 14)}});
    cases.push_back({"cosine_similarity/axis0_none", "-torch.nn.functional.cosine_similarity(x0, x1, dim=0, eps=1e-7)",
                     [](const Inputs& x) { return Outputs{losses::cosine_similarity(x[0], x[1], 0, Reduction::none)}; },
                     {sample_normal({4, 3}, 31), sample_normal({4, 3}, 32)}});
    cases.push_back({"cosine_similarity/empty", "-torch.nn.functional.cosine_similarity(x0, x1, dim=-1, eps=1e-7)",
                     [](const Inputs& x) { return Outputs{losses::cosine_similarity(x[0], x[1], -1, Reduction::none)}; },
                     {sample_normal({0, 3}, 33), sample_normal({0, 3}, 34)}});
    cases.push_back({"poisson/sum",
                     "torch.nn.functional.poisson_nll_loss(x1, x0, log_input=False, full=False, eps=1e-7, reduction='sum')"
                     " / x1.shape[-1]",
                     [](const Inputs& x) { return Outputs{losses::poisson(x[0], x[1], Reduction::sum)}; },
                     {sample_uniform({5, 4}, 0, 3, 51), sample_uniform({5, 4}, 0.2, 3, 52)}});
    // Categorical crossentropy with label smoothing, logits against soft
    // targets (x0), the class axis last here and at dim 1 in torch.
    const std::vector<Shape> class_shapes = {{5, 4}, {1, 7}, {3, 2}};
    for (std::size_t i = 0; i < class_shapes.size(); ++i) {
        for (double smoothing : {0.0, 0.1, 0.3}) {
            const std::string s = ConfigCodec<double>::text(smoothing);
            cases.push_back({"categorical_crossentropy/label_smoothing_" + s + "/" + std::to_string(i),
                             "torch.nn.functional.cross_entropy(x1, x0, label_smoothing=" + s + ")",
                             [smoothing](const Inputs& x) {
                                 return Outputs{losses::categorical_crossentropy(x[0], x[1], true, Reduction::mean,
                                                                                 smoothing)};
                             },
                             {sample_uniform(class_shapes[i], 0, 1, 90 + i), sample_normal(class_shapes[i], 95 + i)}});
        }
    }
    // ignore_class = ignore_index: torch's mean is Σ/valid, Keras' Σ/(valid + ε),
    // so sums and per-sample losses are compared.
    const Tensor labels = from_vector<std::int64_t>({2, -1, 0, 3, -1, 1}, {6});
    cases.push_back({"sparse_categorical_crossentropy/ignore_class_sum",
                     "torch.nn.functional.cross_entropy(x1, x0, ignore_index=-1, reduction='sum')",
                     [](const Inputs& x) {
                         return Outputs{losses::sparse_categorical_crossentropy(x[0], x[1], true, Reduction::sum, -1)};
                     },
                     {labels, sample_normal({6, 4}, 101)}});
    cases.push_back({"sparse_categorical_crossentropy/ignore_class_none",
                     "torch.nn.functional.cross_entropy(x1, x0, ignore_index=-1, reduction='none')",
                     [](const Inputs& x) {
                         return Outputs{losses::sparse_categorical_crossentropy(x[0], x[1], true, Reduction::none, -1)};
                     },
                     {labels, sample_normal({6, 4}, 102)}});
    cases.push_back({"sparse_categorical_crossentropy/ignore_real_class",
                     "torch.nn.functional.cross_entropy(x1, x0, ignore_index=0, reduction='sum')",
                     [](const Inputs& x) {
                         return Outputs{losses::sparse_categorical_crossentropy(x[0], x[1], true, Reduction::sum, 0)};
                     },
                     {from_vector<std::int64_t>({0, 1, 2, 0}, {4}), sample_normal({4, 3}, 103)}});
    return cases;
}
