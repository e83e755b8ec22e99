// models::small_resnet(): the book's residual units wired with the
// functional API, its parameter count worked out by hand, the shapes it
// produces, the skip connections as summary() shows them, and the options
// it refuses.
#include <filesystem>

#include "../test_helpers.hpp"

using namespace xgrad;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// Lines from the row of layer `name` up to the next row's rule.
std::string row_of(const std::string& summary, const std::string& name) {
    const std::size_t start = summary.find(" " + name + " (");
    if (start == std::string::npos) return "";
    return summary.substr(start, summary.find("____", start) - start);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(models_resnet)

BOOST_AUTO_TEST_CASE(default_parameter_count_worked_out_by_hand) {
    // Convolutions have no bias: k·k·in·out weights each; a BN layer has 4
    // per channel (gamma, beta trainable; moving mean and variance not).
    const std::int64_t stem = 3 * 3 * 1 * 16 + 4 * 16;                   // 208
    const std::int64_t unit16 = 2 * (3 * 3 * 16 * 16 + 4 * 16);          // 4,736
    const std::int64_t down32 = 3 * 3 * 16 * 32 + 4 * 32 + 3 * 3 * 32 * 32 + 4 * 32 + 16 * 32 + 4 * 32;  // 14,720
    const std::int64_t unit32 = 2 * (3 * 3 * 32 * 32 + 4 * 32);          // 18,688
    const std::int64_t down64 = 3 * 3 * 32 * 64 + 4 * 64 + 3 * 3 * 64 * 64 + 4 * 64 + 32 * 64 + 4 * 64;  // 58,112
    const std::int64_t unit64 = 2 * (3 * 3 * 64 * 64 + 4 * 64);          // 74,240
    const std::int64_t head = 64 * 10 + 10;                              // 650
    const std::int64_t total = stem + 2 * unit16 + down32 + unit32 + down64 + unit64 + head;
    BOOST_TEST(total == 176090);
    nn::Model model = models::small_resnet();
    BOOST_TEST(model.count_params() == total);
    // Moving statistics: 2 per channel of the 1 + 4 + 5 + 5 BN layers.
    const std::string summary = model.summary();
    BOOST_TEST(contains(summary, " Total params: 176,090 "), summary);
    BOOST_TEST(contains(summary, " Non-trainable params: 1,120 "), summary);
    BOOST_TEST(2 * (16 + 4 * 16 + 5 * 32 + 5 * 64) == 1120);
}

BOOST_AUTO_TEST_CASE(stages_units_and_classes_set_the_architecture) {
    nn::Model model = models::small_resnet({8, 16}, 1, 5);
    // stem 72 + 32; unit 8→8: 2 · (576 + 32); unit 8→16, strides 2: 1,152 + 64
    // + 2,304 + 64, projection 128 + 64; Dense 16·5 + 5.
    BOOST_TEST(model.count_params() == 72 + 32 + 2 * (576 + 32) + (1152 + 64 + 2304 + 64 + 128 + 64) + 85);
    BOOST_TEST(model.outputs() == std::vector<Shape>({Shape{-1, 5}}));
    const std::string summary = model.summary();
    BOOST_TEST(contains(row_of(summary, "add"), "(None, 28, 28, 8)"), summary);
    BOOST_TEST(contains(row_of(summary, "add_1"), "(None, 14, 14, 16)"), summary);
    BOOST_TEST(!contains(summary, " add_2 (Add)"), summary);
}

BOOST_AUTO_TEST_CASE(predicts_class_probabilities_for_a_batch) {
    manual_seed(3);
    nn::Model model = models::small_resnet();
    BOOST_TEST(model.inputs() == std::vector<Shape>({Shape{-1, 28, 28}}));
    BOOST_TEST(model.outputs() == std::vector<Shape>({Shape{-1, 10}}));
    const Tensor x = uniform({3, 28, 28}, 0.0, 1.0);
    const Tensor p = model(x, false);
    BOOST_TEST(p.shape() == Shape({3, 10}));
    for (const double row_sum : sum(p, {1}).to_vector<double>()) BOOST_TEST(row_sum == 1.0, boost::test_tools::tolerance(1e-5));
    // Images that differ give different probabilities (the graph reaches the input).
    BOOST_TEST(max(abs(slice(p, 0, 0, 1) - slice(p, 0, 1, 2))).item() > 0.0);
}

BOOST_AUTO_TEST_CASE(summary_shows_each_add_with_its_two_inbound_layers) {
    const std::string summary = models::small_resnet().summary();
    // An identity unit adds its last BN to the unit's input (the stem's ReLU).
    const std::string identity = row_of(summary, "add");
    BOOST_TEST(contains(identity, "(None, 28, 28, 16)"), identity);
    BOOST_TEST(contains(identity, "batch_normalization_2[0][0]\n"), identity);
    BOOST_TEST(contains(identity, "re_lu[0][0]\n"), identity);
    // A unit that halves the image adds its last BN to the projection's BN.
    const std::string projection = row_of(summary, "add_2");
    BOOST_TEST(contains(projection, "(None, 14, 14, 32)"), projection);
    BOOST_TEST(contains(projection, "batch_normalization_6[0][0]\n"), projection);
    BOOST_TEST(contains(projection, "batch_normalization_7[0][0]\n"), projection);
    const std::string shortcut = row_of(summary, "conv2d_7");
    BOOST_TEST(contains(shortcut, "(None, 14, 14, 32)"), shortcut);
    BOOST_TEST(contains(shortcut, "512"), shortcut);             // 1 × 1 × 16 × 32, no bias
    BOOST_TEST(contains(shortcut, "re_lu_4[0][0]"), shortcut);  // the stage's input
    BOOST_TEST(contains(row_of(summary, "add_5"), "(None, 7, 7, 64)"), summary);
    BOOST_TEST(!contains(summary, " add_6 (Add)"), summary);
}

BOOST_AUTO_TEST_CASE(saves_and_loads_with_identical_predictions) {
    manual_seed(5);
    nn::Model model = models::small_resnet({4, 8}, 1);
    const Tensor x = uniform({2, 28, 28}, 0.0, 1.0);
    model(x, true);  // moves the BN statistics away from their initial values
    const auto path = std::filesystem::temp_directory_path() / "xgrad_models_resnet_test.safetensors";
    io::save(model, path.string());
    const nn::ModulePtr loaded = io::load(path.string());
    std::filesystem::remove(path);
    BOOST_TEST((*loaded)(x, false).to_vector<float>() == model(x, false).to_vector<float>(),
               boost::test_tools::per_element());
    BOOST_TEST(dynamic_cast<nn::Model&>(*loaded).summary() == model.summary());
}

BOOST_AUTO_TEST_CASE(refuses_options_that_give_no_network) {
    BOOST_CHECK_EXCEPTION(models::small_resnet({}), ValueError, [](const ValueError& e) {
        return std::string(e.what()) == "small_resnet: stage_filters is empty; give one filter count per stage";
    });
    BOOST_CHECK_EXCEPTION(models::small_resnet({16}, 0), ValueError, [](const ValueError& e) {
        return std::string(e.what()) == "small_resnet: units_per_stage must be at least 1, got 0";
    });
    BOOST_CHECK_EXCEPTION(models::small_resnet({16, -4}), ValueError, [](const ValueError& e) {
        BOOST_TEST_MESSAGE(e.what());
        return contains(e.what(), "filters") && contains(e.what(), "-4");
    });
    BOOST_CHECK_EXCEPTION(models::small_resnet({16}, 1, 0), ValueError, [](const ValueError& e) {
        BOOST_TEST_MESSAGE(e.what());
        return contains(e.what(), "units") && contains(e.what(), "0");
    });
}

BOOST_AUTO_TEST_SUITE_END()
