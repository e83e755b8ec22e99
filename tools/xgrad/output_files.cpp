#include "output_files.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/atomic_file.hpp"
#include "usage_error.hpp"
#include "xgrad/core/error.hpp"

namespace xgrad::cli {

namespace fs = std::filesystem;

namespace {

/// UsageError unless the file named by --flag can be written (see check_outputs).
void check_writable(const std::string& flag, const std::string& path) {
    const auto fail = [&](const std::string& why) { throw UsageError("--" + flag + " '" + path + "': " + why); };
    if (path.empty()) fail("empty file name");
    std::error_code ec;
    if (fs::is_directory(path, ec)) fail("is a folder, expected a file name");
    try {
        io::detail::check_atomic_write(path);
    } catch (const IoError& e) {
        throw UsageError("--" + flag + " " + e.what());
    }
    if (fs::exists(path, ec) && ::access(path.c_str(), W_OK) != 0)
        fail(std::string("cannot write: ") + std::strerror(errno));
}

/// `path` made absolute and normal, through symbolic links as far as they lead.
fs::path normalized(const fs::path& path) {
    std::error_code ec;
    // Absolute first: weakly_canonical leaves a relative path whose first part does not exist relative.
    const fs::path target = fs::absolute(io::detail::write_target(path.string()));
    const fs::path canonical = fs::weakly_canonical(target, ec);
    return ec ? target.lexically_normal() : canonical;
}

bool same_file(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    const bool a_exists = fs::exists(a, ec), b_exists = fs::exists(b, ec);
    if (a_exists && b_exists) return fs::equivalent(a, b, ec);
    return !a_exists && !b_exists && normalized(a) == normalized(b);
}

}  // namespace

std::vector<InputFile> folder_files(const std::string& source, const fs::path& dir) {
    std::vector<InputFile> files;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file(ec)) files.push_back({source, it->path()});
    return files;
}

void check_outputs(const Arguments& a, const std::vector<InputFile>& inputs) {
    std::vector<std::string> set;
    for (const FlagGroup& group : a.command().groups)
        for (const Flag& flag : group.flags) {
            const bool output = flag.kind == FlagKind::output_file ||
                                (flag.kind == FlagKind::optional_output && !a.text(flag.name).empty());
            if (output && a.has(flag.name)) {
                check_writable(flag.name, a.text(flag.name));
                set.push_back(flag.name);
            }
        }
    for (std::size_t i = 0; i < set.size(); ++i) {
        const std::string path = a.text(set[i]);
        const auto clash = [&](const std::string& source, const fs::path& other, const char* why) {
            throw UsageError("--" + set[i] + " '" + path + "' is the same file as " + source + " '" + other.string() +
                             "': " + why);
        };
        for (const InputFile& input : inputs)
            if (same_file(path, input.path)) clash(input.source, input.path, "an output must not replace an input");
        for (std::size_t j = 0; j < i; ++j)
            if (same_file(path, a.text(set[j]))) clash("--" + set[j], a.text(set[j]), "give each output its own file");
    }
}

}  // namespace xgrad::cli
