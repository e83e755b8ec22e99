// Fails when a registered differentiable op has no gradcheck or no
// gradgradcheck case: every op registered with
// XGRAD_REGISTER_OP(name, differentiable) must appear as CHECK_GRADCHECK("name"
// and as CHECK_GRADGRADCHECK("name" somewhere in the test sources.
#include <filesystem>
#include <map>
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

// tools/docs/ops.md lists every registered op in rows "| `name` | yes | notes |"
// (yes/no: differentiable), and no op that is not registered.
BOOST_AUTO_TEST_CASE(the_op_table_lists_every_op) {
    std::ifstream in(XGRAD_OP_TABLE);
    BOOST_TEST_REQUIRE(in.good(), "cannot read " << XGRAD_OP_TABLE);
    std::map<std::string, bool> documented;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("| `", 0) != 0) continue;
        const auto name_end = line.find('`', 3);
        const auto column = line.find("| ", name_end);
        BOOST_TEST_REQUIRE((name_end != std::string::npos && column != std::string::npos), "bad row: " << line);
        const std::string name = line.substr(3, name_end - 3);
        const std::string kind = line.substr(column + 2, line.find(' ', column + 2) - column - 2);
        BOOST_TEST((kind == "yes" || kind == "no"), "row '" << name << "': differentiable is '" << kind << "'");
        BOOST_TEST(documented.emplace(name, kind == "yes").second, "op '" << name << "' listed twice");
    }
    std::set<std::string> registered;
    for (const auto& op : xgrad::registered_ops()) {
        registered.insert(op.name);
        const auto row = documented.find(op.name);
        if (row == documented.end()) {
            BOOST_TEST(false, "op '" << op.name << "' is not in " << XGRAD_OP_TABLE);
            continue;
        }
        BOOST_TEST(row->second == (op.kind == xgrad::OpKind::differentiable),
                   "op '" << op.name << "': the table's differentiable column disagrees with the registry");
    }
    for (const auto& [name, differentiable] : documented)
        BOOST_TEST(registered.count(name) == 1u, "the op table lists '" << name << "', which is not registered");
}

BOOST_AUTO_TEST_CASE(op_names_are_unique) {
    std::set<std::string_view> seen;
    for (const auto& op : xgrad::registered_ops())
        BOOST_TEST(seen.insert(op.name).second, "op '" << op.name << "' registered twice");
}

BOOST_AUTO_TEST_SUITE_END()
