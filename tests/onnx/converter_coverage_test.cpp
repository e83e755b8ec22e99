// Fails when a registered op can be neither written by ONNX export by
// tracing nor explained: every op in op_registry() has a converter in
// io::onnx_converter_registry() or a reason listed here (the one place the
// reasons live). A reason listed for an op that has a converter, or that is
// not registered, fails too, so the list cannot rot.
#define BOOST_TEST_MODULE onnx_converter_coverage
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "../test_helpers.hpp"
#include "xgrad/onnx/converter_registry.hpp"
#include "xgrad/ops/registry.hpp"

namespace {

// Kinds of reasons, shared by several ops.
const std::string composite =
    "composite, not reported: the ops it is made of are traced, so it exports when they all have converters";
const std::string backward_only = "a helper of backward passes: runs inside gradients, never in a forward";
const std::string several_outputs = "several outputs, which export by tracing does not write yet (one output per op)";
const std::string linalg = "linear algebra with no ONNX operator at opset 13; not in any layer's forward";
const std::string unreported_elementwise =
    "no converter yet (composable from ONNX operators); used in a forward, it fails the export by name";
const std::string indexing =
    "indexing by data-dependent positions (ScatterElements / GatherND forms); no converter yet, and used in a "
    "forward it fails the export by name";

// Op → why it has no ONNX converter.
const std::map<std::string, std::string> ops_without_converter = {
    {"index_select_backward", backward_only},
    {"slice_backward", backward_only},
    {"diagonal_backward", backward_only},
    {"conv2d_transpose",
     "no per-op converter yet: the Conv2DTranspose layer's exporter writes it (ConvTranspose)"},
    {"upsample_nearest2d", "composite: traced through its inner ops (reshape, expand); UpSampling2D's exporter writes Resize"},
    {"upsample_bilinear2d", "composite: traced through its inner ops (two matmuls); UpSampling2D's exporter writes Resize"},
    {"im2col", "conv2d's building block, silenced inside conv2d's report; ONNX has no such operator"},
    {"col2im", "conv2d's building block for its gradient; ONNX has no such operator"},
    {"dropout", "the identity in inference (export runs the model in inference mode); the training form is random"},
    {"alpha_dropout", "the identity in inference; the training form is random"},
    {"gaussian_noise", "the identity in inference; the training form is random"},
    {"batch_normalization",
     "the op is batch norm's fused training form; in inference batch_norm is composed of traced ops, and "
     "BatchNormalization layers export whole through their layer exporter"},
    {"sum_across_ranks", "a collective of distributed training; no ONNX form"},
    {"stack", composite},
    {"tile", composite},
    {"movedim", composite},
    {"std", composite},
    {"tensordot", composite},
    {"diag", composite},
    {"trace", composite},
    {"repeat_interleave", composite},
    {"median", composite},
    {"meshgrid", composite},
    {"broadcast_tensors", composite},
    {"index", composite},
    {"take", composite},
    {"slice_scatter", composite},
    {"split", several_outputs},
    {"sort", several_outputs},
    {"topk", several_outputs},
    {"kthvalue", several_outputs},
    {"unique", "several outputs of data-dependent size"},
    {"nonzero", "an output whose size depends on the data; reported, no converter"},
    {"argwhere", "nonzero's other name: an output whose size depends on the data"},
    {"argsort", "computed by sort's kernel, which does not report; the traced constants check fails it"},
    {"searchsorted", "no ONNX operator; the traced constants check fails it"},
    {"one_hot", "reported, no converter: makes targets from labels, not part of a model's forward"},
    {"any", "reported, no converter: bool reductions are not part of the models exported"},
    {"all", "reported, no converter: bool reductions are not part of the models exported"},
    {"var", "no ONNX operator (a composition of ReduceMean, Sub, Mul); no converter yet, fails the export by name"},
    {"norm", "no single ONNX operator for every order (ReduceL1 / ReduceL2 cover two); fails the export by name"},
    {"cumprod", "no ONNX operator; fails the export by name"},
    {"cummax", "no ONNX operator; its values are a gather at indices found by a loop: the traced constants "
               "check fails it"},
    {"cummin", "no ONNX operator; as cummax"},
    {"logcumsumexp", "no ONNX operator; fails the export by name"},
    {"tril", "ONNX's Trilu needs opset 14; the exporter writes opset 13"},
    {"triu", "ONNX's Trilu needs opset 14; the exporter writes opset 13"},
    {"diagonal", "no ONNX operator; fails the export by name"},
    {"round", unreported_elementwise},
    {"trunc", unreported_elementwise},
    {"atan2", unreported_elementwise},
    {"fmod", unreported_elementwise},
    {"remainder", unreported_elementwise},
    {"logaddexp", unreported_elementwise},
    {"hypot", unreported_elementwise},
    {"nan_to_num", unreported_elementwise},
    {"roll", "no ONNX operator (a pair of Slices and a Concat); fails the export by name"},
    {"masked_fill", indexing},
    {"index_put", indexing},
    {"scatter_add", indexing},
    {"scatter_reduce", indexing},
    {"linalg_matrix_norm", linalg},
    {"linalg_pinv", linalg},
    {"linalg_matrix_exp", linalg},
    {"linalg_det", linalg},
    {"linalg_slogdet", linalg},
    {"linalg_cholesky", linalg},
    {"linalg_qr", linalg},
    {"linalg_eigh", linalg},
    {"linalg_svd", linalg},
    {"linalg_svdvals", linalg},
    {"linalg_solve", linalg},
    {"linalg_inv", linalg},
    {"linalg_solve_triangular", linalg},
    {"linalg_cholesky_solve", linalg},
    {"linalg_lstsq", linalg},
};

// What is wrong with `ops` (registered ops), `converted` (ops with a
// converter) and `reasons` (op → why it has none), one message each.
std::vector<std::string> coverage_gaps(const std::vector<std::string>& ops, const std::vector<std::string>& converted,
                                       const std::map<std::string, std::string>& reasons) {
    const auto has = [](const std::vector<std::string>& names, const std::string& name) {
        return std::find(names.begin(), names.end(), name) != names.end();
    };
    std::vector<std::string> gaps;
    for (const std::string& op : ops)
        if (!has(converted, op) && !reasons.contains(op))
            gaps.push_back("op '" + op + "' has no ONNX converter and no reason listed for it");
    for (const auto& [op, reason] : reasons) {
        if (has(converted, op))
            gaps.push_back("op '" + op + "' has an ONNX converter; remove its reason \"" + reason + "\"");
        else if (!has(ops, op))
            gaps.push_back("op '" + op + "' is not registered; remove its reason \"" + reason + "\"");
    }
    return gaps;
}

std::vector<std::string> registered_op_names() {
    std::vector<std::string> names;
    for (const xgrad::OpInfo& op : xgrad::registered_ops()) names.push_back(op.name);
    return names;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(converter_coverage)

BOOST_AUTO_TEST_CASE(every_registered_op_has_a_converter_or_a_reason) {
    const std::vector<std::string> ops = registered_op_names();
    BOOST_TEST_REQUIRE(ops.size() >= 150u);  // the built-in ops
    const std::vector<std::string> converted = xgrad::io::onnx_converter_registry().names();
    const std::vector<std::string> gaps = coverage_gaps(ops, converted, ops_without_converter);
    for (const std::string& gap : gaps) BOOST_ERROR(gap);
    BOOST_TEST(gaps.empty());
    // The list the README quotes: how many of the registered ops convert.
    std::size_t n = 0;
    for (const std::string& op : ops) n += std::find(converted.begin(), converted.end(), op) != converted.end();
    BOOST_TEST_MESSAGE(std::to_string(n) + " of " + std::to_string(ops.size()) + " registered ops have a converter");
    BOOST_TEST(n + ops_without_converter.size() == ops.size());
}

// The ops the chapter-11, CNN and residual models run convert.
BOOST_AUTO_TEST_CASE(the_ops_of_the_book_models_convert) {
    for (const char* op : {"add", "sub", "mul", "div", "neg", "matmul", "linear", "reshape", "permute", "concat",
                           "slice", "sum", "mean", "max", "exp", "log", "sqrt", "pow", "tanh", "sigmoid", "relu",
                           "scaled_elu", "softmax", "log_softmax", "conv2d", "max_pool2d", "avg_pool2d", "clamp",
                           "where", "pad"})
        BOOST_TEST(xgrad::io::onnx_converter_registry().contains(op), op);
}

// The check itself, on made-up registries.
BOOST_AUTO_TEST_CASE(names_an_op_with_neither_a_converter_nor_a_reason) {
    const auto gaps = coverage_gaps({"add", "cummax"}, {"add"}, {});
    BOOST_TEST_REQUIRE(gaps.size() == 1u);
    BOOST_TEST(gaps[0] == "op 'cummax' has no ONNX converter and no reason listed for it");
    BOOST_TEST(coverage_gaps({"add", "cummax"}, {"add"}, {{"cummax", "no ONNX operator"}}).empty());
}

BOOST_AUTO_TEST_CASE(names_a_reason_listed_for_an_op_that_has_a_converter_or_is_not_registered) {
    auto gaps = coverage_gaps({"add"}, {"add"}, {{"add", "was hard"}});
    BOOST_TEST_REQUIRE(gaps.size() == 1u);
    BOOST_TEST(gaps[0] == "op 'add' has an ONNX converter; remove its reason \"was hard\"");
    gaps = coverage_gaps({"add"}, {"add"}, {{"cummax", "no ONNX operator"}});
    BOOST_TEST_REQUIRE(gaps.size() == 1u);
    BOOST_TEST(gaps[0] == "op 'cummax' is not registered; remove its reason \"no ONNX operator\"");
}

BOOST_AUTO_TEST_SUITE_END()
