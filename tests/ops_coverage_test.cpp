// Fails when a registered differentiable op has no gradcheck or no
// gradgradcheck case: every op registered with
// XGRAD_REGISTER_OP(name, differentiable) must appear as CHECK_GRADCHECK("name"
// and as CHECK_GRADGRADCHECK("name" somewhere in the test sources.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "test_helpers.hpp"

namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(ops_coverage)

BOOST_AUTO_TEST_CASE(every_differentiable_op_is_gradchecked_to_second_order) {
    std::string sources;
    for (const auto& entry : fs::recursive_directory_iterator(XGRAD_TEST_SOURCE_DIR)) {
        if (entry.path().extension() != ".cpp") continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        sources += text.str();
    }
    BOOST_TEST_REQUIRE(!sources.empty());
    std::size_t differentiable = 0;
    for (const auto& op : xgrad::registered_ops()) {
        if (op.kind != xgrad::OpKind::differentiable) continue;
        ++differentiable;
        const std::string first = "CHECK_GRADCHECK(\"" + std::string(op.name) + "\"";
        const std::string second = "CHECK_GRADGRADCHECK(\"" + std::string(op.name) + "\"";
        BOOST_TEST(sources.find(first) != std::string::npos, "op '" << op.name << "' has no gradcheck case");
        BOOST_TEST(sources.find(second) != std::string::npos, "op '" << op.name << "' has no gradgradcheck case");
    }
    BOOST_TEST(differentiable > 30u);
}

BOOST_AUTO_TEST_CASE(op_names_are_unique) {
    std::set<std::string_view> seen;
    for (const auto& op : xgrad::registered_ops())
        BOOST_TEST(seen.insert(op.name).second, "op '" << op.name << "' registered twice");
}

BOOST_AUTO_TEST_SUITE_END()
