// The CLI's flag table: the help texts are generated from it (every flag
// with its help, range and default; each command exactly its flags), flags
// and values are checked against it, and registered optimizers and models
// are choices without editing the CLI.
#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

#include "../test_helpers.hpp"
#include "xgrad/optim/registry.hpp"

#include "arguments.hpp"
#include "commands.hpp"
#include "help.hpp"
#include "model_flags.hpp"
#include "optimizer_flags.hpp"
#include "suggest.hpp"
#include "usage_error.hpp"

using namespace xgrad;
using namespace xgrad::cli;

namespace {

/// `text` with every run of white space made one space (the help wraps lines).
std::string one_line(const std::string& text) {
    return std::regex_replace(text, std::regex("\\s+"), " ");
}

Arguments parse(const std::string& command, std::vector<std::string> args) {
    return Arguments::parse(find_command(command), args);
}

/// The UsageError message parse() throws (empty when it throws none).
std::string refusal(const std::string& command, std::vector<std::string> args) {
    try {
        parse(command, std::move(args));
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

/// The flags a help text lists: each line's leading "  --name".
std::vector<std::string> listed_flags(const std::string& help) {
    std::vector<std::string> names;
    std::istringstream lines(help);
    const std::regex flag_line("^  --([a-z-]+)( .*)?$");
    std::smatch m;
    for (std::string line; std::getline(lines, line);)
        if (std::regex_match(line, m, flag_line)) names.push_back(m[1]);
    return names;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_flags)

BOOST_AUTO_TEST_CASE(each_command_help_lists_exactly_its_flags) {
    const std::map<std::string, std::vector<std::string>> expected = {
        {"summary", {"model", "activation", "init"}},
        {"export", {"model-file", "onnx", "input-shape"}},
        {"transfer", {"epochs-a", "epochs-frozen", "epochs-unfrozen", "limit", "save", "seed", "data", "verbose"}},
        {"train",
         {"model", "activation", "init", "optimizer", "lr", "clipvalue", "clipnorm", "global-clipnorm", "epochs",
          "batch-size", "seed", "limit", "data", "data-npz", "save", "onnx", "history", "plot", "diagnose",
          "diagnose-every", "verbose"}},
    };
    BOOST_TEST(commands().size() == expected.size());
    for (const Command& command : commands()) {
        BOOST_TEST_CONTEXT(command.name) {
            const std::vector<std::string> listed = listed_flags(render_help(command));
            BOOST_TEST(listed == expected.at(command.name), boost::test_tools::per_element());
            BOOST_TEST(command.flag_names() == expected.at(command.name), boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(help_shows_every_flag_with_its_help_range_and_default) {
    for (const Command& command : commands()) {
        const std::string help = one_line(render_help(command));
        for (const FlagGroup& group : command.groups)
            for (const Flag& flag : group.flags) {
                BOOST_TEST_CONTEXT(command.name << " --" << flag.name) {
                    BOOST_TEST(help.find("--" + flag.name + " ") != std::string::npos);
                    BOOST_TEST(help.find(one_line(flag.help)) != std::string::npos);
                    if (flag.fallback) BOOST_TEST(help.find("default " + *flag.fallback + ")") != std::string::npos);
                }
            }
    }
    const std::string train = one_line(render_help(find_command("train")));
    BOOST_TEST(train.find("--epochs N training epochs (1 to 1000000; default 2)") != std::string::npos, train);
    BOOST_TEST(train.find("--verbose N 0 silent, 1 progress bar, 2 one line per epoch (0 to 2; default 1)") !=
               std::string::npos);
    BOOST_TEST(train.find("--batch-size N samples per step (per rank under mpirun) (at least 1; default 32)") !=
               std::string::npos);
    BOOST_TEST(train.find("--lr X learning rate (default: the model's, else the optimizer's Keras default) "
                          "(a number > 0)") != std::string::npos);
    BOOST_TEST(train.find("--diagnose [FILE]") != std::string::npos);
    BOOST_TEST(train.find("--model NAME the model to build: bn-mlp (the notebook's batch-norm MLP), mlp (the "
                          "300-100 MLP), selu100 (100 SELU layers, standardized inputs), cnn (2 conv + 2 pool "
                          "layers), book-cnn (the book's 5-conv CNN; slow on a CPU), resnet (a small ResNet, 6 residual "
                          "units) (default bn-mlp)") !=
               std::string::npos);
    BOOST_TEST(train.find("momentum (SGD with momentum 0.9), nesterov (SGD with Nesterov momentum 0.9)") !=
               std::string::npos);
    const std::string transfer = one_line(render_help(find_command("transfer")));
    BOOST_TEST(transfer.find("--verbose N 0 silent, 1 progress bar, 2 one line per epoch (0 to 2; default 0)") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(help_lines_fit_80_columns) {
    std::istringstream lines(render_help(commands()));
    for (std::string line; std::getline(lines, line);) BOOST_TEST(line.size() <= help_width, line);
}

BOOST_AUTO_TEST_CASE(the_full_help_shows_every_command_and_shared_groups_once) {
    const std::string help = render_help(commands());
    BOOST_TEST(help.find("usage: xgrad <command> [options]") == 0u);
    BOOST_TEST(help.find("  export     write a saved model (train --save) as ONNX for other runtimes\n") !=
               std::string::npos);
    for (const Command& command : commands())
        for (const std::string& name : command.flag_names())
            BOOST_TEST(help.find("  --" + name + " ") != std::string::npos, name);
    BOOST_TEST(help.find("\nmodel options (train, summary):\n") != std::string::npos);
    const auto count = [&](const std::string& s) {
        std::size_t n = 0;
        for (std::size_t at = help.find(s); at != std::string::npos; at = help.find(s, at + 1)) ++n;
        return n;
    };
    BOOST_TEST(count("  --activation NAME") == 1u);
    BOOST_TEST(count("  --seed N") == 2u);  // train's and transfer's groups differ
}

BOOST_AUTO_TEST_CASE(an_unknown_flag_is_refused_naming_it_and_the_nearest_flag) {
    BOOST_TEST(refusal("train", {"--epochz", "2"}) == "unknown flag --epochz for 'train' (did you mean --epochs?)");
    BOOST_TEST(refusal("summary", {"--epochs", "2"}) == "unknown flag --epochs for 'summary'");
    BOOST_TEST(refusal("export", {"--onxx=m.onnx"}) == "unknown flag --onxx for 'export' (did you mean --onnx?)");
    BOOST_TEST(refusal("train", {"model"}) == "unexpected argument 'model'");
    BOOST_TEST(refusal("train", {"--epochs"}) == "flag --epochs needs a value");
    BOOST_CHECK_EXCEPTION(find_command("trian"), UsageError, [](const UsageError& e) {
        return std::string(e.what()) == "unknown command 'trian' (did you mean train?)";
    });
}

BOOST_AUTO_TEST_CASE(a_value_out_of_range_is_refused_naming_the_flag_and_range) {
    BOOST_TEST(refusal("train", {"--epochs", "0"}) == "--epochs expects an integer from 1 to 1000000, got '0'");
    BOOST_TEST(refusal("train", {"--epochs=1000001"}) ==
               "--epochs expects an integer from 1 to 1000000, got '1000001'");
    BOOST_TEST(refusal("transfer", {"--verbose", "3"}) == "--verbose expects an integer from 0 to 2, got '3'");
    BOOST_TEST(refusal("train", {"--seed", "-5"}) ==
               "--seed expects an integer from 0 to 9223372036854775807, got '-5'");
    BOOST_TEST(refusal("train", {"--lr", "0"}) == "--lr expects a finite number > 0, got '0'");
    BOOST_TEST(refusal("train", {"--clipnorm", "nan"}) == "--clipnorm expects a finite number > 0, got 'nan'");
    BOOST_TEST(refusal("export", {"--input-shape", "28,,28"}) ==
               "--input-shape '28,,28': expected positive integers separated by commas");
    BOOST_TEST(refusal("summary", {"--model", "vgg"}) ==
               "--model: unknown model 'vgg' (known: bn-mlp, mlp, selu100, cnn, book-cnn, resnet)");
    BOOST_TEST(refusal("train", {"--optimizer", "adamz"}).find("--optimizer: unknown optimizer 'adamz' (did you "
                                                                "mean adam?) (known: ") == 0);
    BOOST_TEST(refusal("summary", {"--activation", "nope"}).find("--activation: unknown activation 'nope'") == 0);
    // the last of two values counts, and each is checked
    BOOST_TEST(parse("train", {"--epochs", "3", "--epochs", "5"}).integer("epochs") == 5);
    BOOST_TEST(refusal("train", {"--epochs", "3", "--epochs", "0"}) ==
               "--epochs expects an integer from 1 to 1000000, got '0'");
}

BOOST_AUTO_TEST_CASE(values_and_defaults_come_from_the_table) {
    const Arguments none = parse("train", {});
    BOOST_TEST(none.integer("epochs") == 2);
    BOOST_TEST(none.integer("batch-size") == 32);
    BOOST_TEST(none.integer("verbose") == 1);
    BOOST_TEST(none.text("model") == "bn-mlp");
    BOOST_TEST(!none.has("model"));
    BOOST_TEST(parse("transfer", {}).integer("verbose") == 0);
    const Arguments given = parse("train", {"--diagnose", "--seed=7", "--model", "cnn", "--lr", "0.05"});
    BOOST_TEST(given.has("diagnose"));
    BOOST_TEST(given.text("diagnose") == "");
    BOOST_TEST(given.integer("seed") == 7);
    BOOST_TEST(given.text("model") == "cnn");
    BOOST_TEST(given.number("lr") == 0.05);
    BOOST_TEST(parse("train", {"--diagnose", "d.svg"}).text("diagnose") == "d.svg");
    BOOST_TEST(parse("export", {"--input-shape", "28,28"}).dims("input-shape") == (std::vector<std::int64_t>{28, 28}),
               boost::test_tools::per_element());
    BOOST_TEST(parse("train", {"-h"}).help());
}

BOOST_AUTO_TEST_CASE(two_clipping_flags_are_refused) {
    BOOST_CHECK_EXCEPTION(make_optimizer(parse("train", {"--clipnorm", "1", "--clipvalue", "2"}), std::nullopt),
                          UsageError, [](const UsageError& e) {
                              return std::string(e.what()) ==
                                     "use at most one of --clipvalue, --clipnorm, --global-clipnorm";
                          });
}

BOOST_AUTO_TEST_CASE(optimizer_presets_and_learning_rates) {
    const auto nesterov = make_optimizer(parse("train", {"--optimizer", "nesterov"}), std::nullopt);
    const auto* sgd = dynamic_cast<const optim::SGD*>(nesterov.get());
    BOOST_REQUIRE(sgd);
    BOOST_TEST(sgd->options().momentum() == 0.9);
    BOOST_TEST(sgd->options().nesterov());
    BOOST_TEST(sgd->learning_rate() == 0.01);  // Keras' SGD default
    // the model's rate (selu100: 0.001) unless --lr is given
    BOOST_TEST(make_optimizer(parse("train", {"--optimizer", "adam"}), 0.001)->learning_rate() == 0.001);
    BOOST_TEST(make_optimizer(parse("train", {"--lr", "0.05"}), 0.001)->learning_rate() == 0.05);
    const auto adam = make_optimizer(parse("train", {"--optimizer", "adam", "--clipnorm", "2"}), std::nullopt);
    BOOST_TEST(adam->name() == "Adam");
    BOOST_TEST(dynamic_cast<const optim::Adam&>(*adam).options().clipnorm().value_or(0) == 2.0);
}

BOOST_AUTO_TEST_CASE(a_registered_model_is_a_choice_without_editing_the_cli) {
    models::model_registry().add("two-layer", {"a test's own model", [](const models::ModelOptions& o) {
                                                   return nn::Sequential{nn::Flatten({28, 28}),
                                                                         nn::Dense(3, o.activation, o.init),
                                                                         nn::Dense(10, "softmax")};
                                               }});
    BOOST_TEST(one_line(render_help(find_command("summary"))).find("two-layer (a test's own model)") !=
               std::string::npos);
    const std::string summary = build_model(parse("summary", {"--model", "two-layer"})).summary();
    BOOST_TEST(summary.find("Total params: 2,395") != std::string::npos, summary);  // 784·3 + 3 + 3·10 + 10
}

BOOST_AUTO_TEST_CASE(a_registered_optimizer_is_a_choice_without_editing_the_cli) {
    optim::optimizer_registry().add("plain_sgd", optim::optimizer_factory<optim::SGDOptions>());
    BOOST_TEST(one_line(render_help(find_command("train"))).find("plain_sgd") != std::string::npos);
    BOOST_TEST(one_line(render_help(commands())).find("lion") != std::string::npos);  // every built-in one too
    const auto made = make_optimizer(parse("train", {"--optimizer", "plain_sgd", "--lr", "0.3", "--clipvalue", "2"}),
                                     std::nullopt);
    BOOST_TEST(made->name() == "SGD");
    BOOST_TEST(made->learning_rate() == 0.3);
    BOOST_TEST(dynamic_cast<const optim::SGD&>(*made).options().clipvalue().value_or(0) == 2.0);
}

BOOST_AUTO_TEST_SUITE_END()
