#include "text_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "xgrad/core/error.hpp"

namespace xgrad::train::detail {

void write_text_file(const std::string& path, const std::string& text) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    std::string tmp_name = target.filename().string();
    tmp_name.insert(tmp_name.begin(), '.');
    tmp_name.append(".tmp");
    const fs::path tmp = target.has_parent_path() ? target.parent_path() / tmp_name : fs::path(tmp_name);
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            throw IoError(path + ": cannot open for writing (temporary file " + tmp.string() + ": " +
                          std::strerror(errno) + ")");
        }
        out << text;
        if (!out.flush()) {
            out.close();
            std::remove(tmp.c_str());
            throw IoError(path + ": write failed");
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string err = std::strerror(errno);
        std::remove(tmp.c_str());
        throw IoError(path + ": cannot rename the temporary file into place: " + err);
    }
}

}  // namespace xgrad::train::detail
