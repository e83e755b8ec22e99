#include "core/regular_file.hpp"

#include <sys/stat.h>

#include <string_view>

#include "xgrad/core/error.hpp"

namespace xgrad::detail {

const char* non_regular_kind(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return nullptr;
    if (S_ISDIR(st.st_mode)) return "a directory";
    return S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISSOCK(st.st_mode) ? "a socket" : "a device";
}

void check_regular_file(const std::string& path) {
    const char* kind = non_regular_kind(path);
    if (kind == nullptr) return;
    if (std::string_view(kind) == "a directory") throw IoError(path + ": is a directory");
    throw IoError(path + ": is not a regular file (" + kind + ")");
}

}  // namespace xgrad::detail
