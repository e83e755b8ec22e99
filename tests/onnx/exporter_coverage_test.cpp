// Fails when a registered layer can be neither exported nor explained: every
// type in nn::layer_registry() has an exporter in io::onnx_exporter_registry()
// or a reason listed here why it has none. A reason listed for a layer that
// has an exporter (or is not registered at all) fails too, so the list
// cannot rot.
#define BOOST_TEST_MODULE onnx_exporter_coverage
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "../test_helpers.hpp"
#include "xgrad/nn/layer.hpp"
#include "xgrad/onnx/exporter_registry.hpp"

namespace {

// Layer type → why it has no ONNX exporter. A layer that cannot be
// expressed in ONNX goes here with the reason.
const std::string by_tracing = "functional API (step 16): exported by tracing the ops it runs, not by a layer exporter";
const std::map<std::string, std::string> layers_without_exporter = {
    {"Functional", by_tracing}, {"InputLayer", by_tracing}, {"Add", by_tracing},     {"Subtract", by_tracing},
    {"Multiply", by_tracing},   {"Average", by_tracing},    {"Maximum", by_tracing}, {"Minimum", by_tracing},
    {"Concatenate", by_tracing}, {"Dot", by_tracing},
};

// What is wrong with `layers` (registered layer types), `exporters`
// (types with an exporter) and `reasons` (layer → why it has no exporter),
// one message each, naming the layer.
std::vector<std::string> coverage_gaps(const std::vector<std::string>& layers,
                                       const std::vector<std::string>& exporters,
                                       const std::map<std::string, std::string>& reasons) {
    const auto has = [](const std::vector<std::string>& names, const std::string& name) {
        return std::find(names.begin(), names.end(), name) != names.end();
    };
    std::vector<std::string> gaps;
    for (const std::string& layer : layers)
        if (!has(exporters, layer) && !reasons.contains(layer))
            gaps.push_back("layer '" + layer + "' has no ONNX exporter and no reason listed for it");
    for (const auto& [layer, reason] : reasons) {
        if (has(exporters, layer))
            gaps.push_back("layer '" + layer + "' has an ONNX exporter; remove its reason \"" + reason + "\"");
        else if (!has(layers, layer))
            gaps.push_back("layer '" + layer + "' is not registered; remove its reason \"" + reason + "\"");
    }
    return gaps;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(exporter_coverage)

BOOST_AUTO_TEST_CASE(every_registered_layer_has_an_exporter_or_a_reason) {
    const std::vector<std::string> layers = xgrad::nn::layer_registry().names();
    BOOST_TEST_REQUIRE(layers.size() >= 21u);  // the built-in layers, Sequential included
    const std::vector<std::string> gaps =
        coverage_gaps(layers, xgrad::io::onnx_exporter_registry().names(), layers_without_exporter);
    for (const std::string& gap : gaps) BOOST_ERROR(gap);
    BOOST_TEST(gaps.empty());
}

// The check itself, on made-up registries.
BOOST_AUTO_TEST_CASE(names_a_layer_with_neither_an_exporter_nor_a_reason) {
    const auto gaps = coverage_gaps({"Dense", "Lambda"}, {"Dense"}, {});
    BOOST_TEST_REQUIRE(gaps.size() == 1u);
    BOOST_TEST(gaps[0] == "layer 'Lambda' has no ONNX exporter and no reason listed for it");
    BOOST_TEST(coverage_gaps({"Dense", "Lambda"}, {"Dense"}, {{"Lambda", "holds a C++ callable"}}).empty());
}

BOOST_AUTO_TEST_CASE(names_a_reason_listed_for_a_layer_that_has_an_exporter) {
    const auto gaps = coverage_gaps({"Dense"}, {"Dense"}, {{"Dense", "was hard"}});
    BOOST_TEST_REQUIRE(gaps.size() == 1u);
    BOOST_TEST(gaps[0] == "layer 'Dense' has an ONNX exporter; remove its reason \"was hard\"");
}

BOOST_AUTO_TEST_CASE(names_a_reason_listed_for_a_layer_not_registered) {
    const auto gaps = coverage_gaps({"Dense"}, {"Dense"}, {{"Lambda", "holds a C++ callable"}});
    BOOST_TEST_REQUIRE(gaps.size() == 1u);
    BOOST_TEST(gaps[0] == "layer 'Lambda' is not registered; remove its reason \"holds a C++ callable\"");
}

BOOST_AUTO_TEST_SUITE_END()
