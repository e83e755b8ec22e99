// PyTorch comparison cases for einsum and tensordot: the equations of the
// issue (matmul, batched matmul, outer, trace, diagonal, transpose,
// attention, ellipsis broadcasting) and more, with size-1 broadcasting and
// empty operands, values and gradients.
#include <string>

#include "torch_case.hpp"

namespace {

using namespace xgrad;
using namespace xgrad::reference;

struct Equation {
    const char* name;
    const char* equation;
    std::vector<Shape> shapes;
};

const std::vector<Equation>& equations() {
    static const std::vector<Equation> all = {
        {"matmul", "ij,jk->ik", {{4, 6}, {6, 3}}},
        {"matmul_implicit", "ij,jk", {{4, 6}, {6, 3}}},
        {"matmul_spaces", " ij , jk -> ik ", {{4, 6}, {6, 3}}},
        {"matmul_transposed_operands", "ji,kj->ik", {{6, 4}, {3, 6}}},
        {"batched_matmul", "bij,bjk->bik", {{2, 4, 6}, {2, 6, 3}}},
        {"outer", "i,j->ij", {{4}, {5}}},
        {"dot", "i,i->", {{6}, {6}}},
        {"hadamard", "ij,ij->ij", {{3, 4}, {3, 4}}},
        {"trace", "ii->", {{4, 4}}},
        {"trace_implicit", "ii", {{4, 4}}},
        {"diagonal", "ii->i", {{4, 4}}},
        {"batched_diagonal", "bii->bi", {{2, 3, 3}}},
        {"diagonal_3d", "iii->i", {{3, 3, 3}}},
        {"transpose", "ij->ji", {{3, 5}}},
        {"transpose_implicit", "ba", {{3, 5}}},
        {"sum", "ij->", {{3, 5}}},
        {"row_sum", "ij->i", {{3, 5}}},
        {"attention_scores", "bhqd,bhkd->bhqk", {{2, 3, 4, 5}, {2, 3, 6, 5}}},
        {"attention_values", "bhqk,bhkd->bhqd", {{2, 3, 4, 6}, {2, 3, 6, 5}}},
        {"heads_moved", "bqhd,bkhd->bhqk", {{2, 4, 3, 5}, {2, 6, 3, 5}}},
        {"ellipsis_broadcast", "...ij,...jk->...ik", {{2, 1, 3, 4}, {5, 4, 2}}},
        {"ellipsis_implicit", "...ij,...jk", {{2, 1, 3, 4}, {5, 4, 2}}},
        {"ellipsis_summed", "...ij->ij", {{2, 3, 4}}},
        {"ellipsis_middle", "i...i->...", {{3, 2, 3}}},
        {"three_operands", "ij,jk,kl->il", {{2, 3}, {3, 4}, {4, 5}}},
        {"three_operands_cycle", "ij,jk,ki->", {{2, 3}, {3, 4}, {4, 2}}},
        {"bilinear", "bn,anm,bm->ba", {{2, 3}, {4, 3, 5}, {2, 5}}},
        {"repeated_summed_index", "iij,jk->ik", {{3, 3, 4}, {4, 2}}},
        {"summed_before_product", "ij,jk->k", {{3, 4}, {4, 2}}},
        {"upper_case", "aB,Bc->ac", {{3, 4}, {4, 2}}},
        {"size1_broadcast", "ij,ij->ij", {{3, 1}, {1, 4}}},
        {"empty_rows", "ij,jk->ik", {{0, 4}, {4, 3}}},
        {"empty_contraction", "ij,jk->ik", {{3, 0}, {0, 2}}},
        {"empty_diagonal", "ii->i", {{0, 0}}},
        {"empty_batch", "...ij,...jk->...ik", {{0, 2, 3}, {3, 4}}},
    };
    return all;
}

/// "'ij,jk->ik', x0, x1" for n operands.
std::string torch_einsum(const Equation& e) {
    std::string s = "torch.einsum('" + std::string(e.equation) + "'";
    for (std::size_t i = 0; i < e.shapes.size(); ++i) s += ", x" + std::to_string(i);
    return s + ")";
}

}  // namespace

XGRAD_TORCH_CASES(einsum_cases) {
    std::vector<TorchCase> cases;
    std::uint64_t seed = 500;
    for (const Equation& e : equations()) {
        Inputs inputs;
        for (const Shape& s : e.shapes) inputs.push_back(sample_normal(s, seed++));
        const std::string equation = e.equation;
        cases.push_back({std::string("einsum/") + e.name, torch_einsum(e),
                         [equation](const Inputs& x) { return Outputs{einsum(equation, x)}; }, inputs});
    }
    const Tensor a = sample_normal({2, 3, 4}, 600), b = sample_normal({4, 3, 5}, 601);
    cases.push_back({"tensordot/dims1", "torch.tensordot(x0, x1, dims=1)",
                     [](const Inputs& x) { return Outputs{tensordot(x[0], x[1], 1)}; }, {a, b}});
    cases.push_back({"tensordot/dims0", "torch.tensordot(x0, x1, dims=0)",
                     [](const Inputs& x) { return Outputs{tensordot(x[0], x[1], 0)}; },
                     {sample_normal({2, 3}, 602), sample_normal({4}, 603)}});
    cases.push_back({"tensordot/dims2", "torch.tensordot(x0, x1, dims=2)",
                     [](const Inputs& x) { return Outputs{tensordot(x[0], x[1], 2)}; },
                     {a, sample_normal({3, 4, 2}, 604)}});
    cases.push_back({"tensordot/axis_lists", "torch.tensordot(x0, x1, dims=([1, 2], [1, 0]))",
                     [](const Inputs& x) { return Outputs{tensordot(x[0], x[1], {1, 2}, {1, 0})}; }, {a, b}});
    cases.push_back({"tensordot/empty", "torch.tensordot(x0, x1, dims=1)",
                     [](const Inputs& x) { return Outputs{tensordot(x[0], x[1], 1)}; },
                     {sample_normal({0, 3}, 605), sample_normal({3, 2}, 606)}});
    return cases;
}
