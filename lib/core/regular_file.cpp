#include "core/regular_file.hpp"

#include <sys/stat.h>

#include "xgrad/core/error.hpp"

namespace xgrad::detail {

void check_regular_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return;
    if (S_ISDIR(st.st_mode)) throw IoError(path + ": is a directory");
    const char* kind = S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISSOCK(st.st_mode) ? "a socket" : "a device";
    throw IoError(path + ": is not a regular file (" + kind + ")");
}

}  // namespace xgrad::detail
