// models::model_registry(): the built-in models by name, built with the
// caller's activation and initializer, and a program's own model registered
// the same way.
#include "../test_helpers.hpp"

using namespace xgrad;

BOOST_AUTO_TEST_SUITE(models_registry)

BOOST_AUTO_TEST_CASE(builtins_in_registration_order_with_their_parameter_counts) {
    std::vector<std::string> names;
    for (const auto& [name, entry] : models::model_registry().entries())
        if (name != "tiny") names.push_back(name);  // registered by another case
    BOOST_TEST(names == (std::vector<std::string>{"bn-mlp", "mlp", "selu100", "cnn", "book-cnn", "resnet"}),
               boost::test_tools::per_element());
    const auto params = [](const std::string& name) {
        return models::model_registry().get(name).make({}).summary();
    };
    BOOST_TEST(params("bn-mlp").find("Total params: 271,346") != std::string::npos);
    BOOST_TEST(params("mlp").find("Total params: 266,610") != std::string::npos);
    BOOST_TEST(params("cnn").find("Total params: 421,642") != std::string::npos);
    BOOST_TEST(params("book-cnn").find("Total params: 1,413,834") != std::string::npos);
    BOOST_TEST(params("resnet").find("Total params: 176,090") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(selu100_trains_on_standardized_inputs_at_its_own_rate) {
    const models::ModelEntry selu = models::model_registry().get("selu100");
    BOOST_TEST(selu.standardized_inputs);
    BOOST_TEST(selu.learning_rate.value_or(0) == 0.001);
    BOOST_TEST(selu.make({}).size() == 102u);  // Flatten, 100 hidden layers, output
    const models::ModelEntry mlp = models::model_registry().get("mlp");
    BOOST_TEST(!mlp.standardized_inputs);
    BOOST_TEST(!mlp.learning_rate.has_value());
}

BOOST_AUTO_TEST_CASE(the_options_reach_the_hidden_layers) {
    nn::Sequential m = models::model_registry().get("mlp").make({.activation = "tanh", .init = "glorot_uniform"});
    const std::string layers = m.summary(true);
    BOOST_TEST(layers.find("activation=tanh") != std::string::npos, layers);
    BOOST_TEST(layers.find("glorot_uniform") != std::string::npos, layers);
}

BOOST_AUTO_TEST_CASE(a_registered_model_is_built_by_name) {
    models::model_registry().add("tiny", {"one hidden layer of 10 units", [](const models::ModelOptions& o) {
                                              return nn::Sequential{nn::Dense(10, o.activation, o.init),
                                                                    nn::Dense(2, "softmax")};
                                          }});
    BOOST_TEST(models::model_registry().get("tiny").description == "one hidden layer of 10 units");
    BOOST_TEST(models::model_registry().get("tiny").make({}).size() == 2u);
}

BOOST_AUTO_TEST_CASE(an_entry_without_a_factory_is_refused) {
    BOOST_CHECK_EXCEPTION(models::model_registry().add("empty", {"no factory", nullptr}), ValueError,
                          [](const ValueError& e) { return std::string(e.what()) == "model registry: 'empty' is empty"; });
    BOOST_CHECK_EXCEPTION(models::model_registry().get("vgg"), ValueError, [](const ValueError& e) {
        return std::string(e.what()).find("unknown model 'vgg' (known: ") == 0;
    });
}

BOOST_AUTO_TEST_SUITE_END()
