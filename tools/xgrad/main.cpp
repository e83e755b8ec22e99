// xgrad: command-line front end for the chapter's experiments. Each
// subcommand is declared in commands/ with its flags; `xgrad --help` and
// `xgrad COMMAND --help` are generated from those declarations.
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <xgrad/distributed/collectives.hpp>

#include "arguments.hpp"
#include "commands.hpp"
#include "help.hpp"
#include "usage_error.hpp"

using namespace xgrad;

int main(int argc, char** argv) {
    std::optional<distributed::Session> session;
    try {
        const std::string first = argc > 1 ? argv[1] : "";
        if (first == "help" || first == "--help" || first == "-h") {
            std::cout << cli::render_help(cli::commands());
            return 0;
        }
        if (first.empty() || first.rfind("--", 0) == 0) {
            std::cerr << cli::render_help(cli::commands());
            return 2;
        }
        const cli::Command& command = cli::find_command(first);
        // Before the flags are read: the other ranks wait in a collective for
        // one whose flags are bad, so its UsageError must end the job.
        if (command.data_parallel && distributed::launched_by_mpirun()) session.emplace(&argc, &argv);
        const std::vector<std::string> args(argv + 2, argv + argc);
        const cli::Arguments arguments = cli::Arguments::parse(command, args);
        if (arguments.help()) {
            std::cout << cli::render_help(command);
            return 0;
        }
        return command.run(arguments);
    } catch (const cli::UsageError& e) {
        // The other ranks may already wait in a collective for this one (their
        // flags were fine): end the job now rather than after the timeout.
        if (session && distributed::size() > 1)
            distributed::abort(std::string(e.what()) + " (run `xgrad --help` for the options)", 2);
        std::cerr << "xgrad: " << e.what() << "\n(run `xgrad --help` for the options)\n";
        return 2;
    } catch (const std::exception& e) {  // xgrad::Error, and e.g. std::bad_alloc from a huge --batch-size
        // Another rank may be waiting in a collective for this one: end the job.
        if (session && distributed::size() > 1) distributed::abort(e.what());
        std::cerr << "xgrad: " << e.what() << "\n";
        return 1;
    }
}
