#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "xgrad/core/error.hpp"

namespace xgrad::io::detail {

void write_file_atomically(const std::string& path, std::string_view bytes,
                           const std::function<void(std::size_t)>& on_chunk) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::string tmp_name = target.filename().string();
    tmp_name.insert(tmp_name.begin(), '.');  // (not "." + name: g++ 12 warns -Wrestrict falsely)
    tmp_name.append(".tmp.XXXXXX");
    std::string tmpl = (dir / tmp_name).string();
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0) {
        throw IoError(path + ": cannot open for writing (no temporary file in " + dir.string() + ": " +
                      std::strerror(errno) + ")");
    }
    try {
        std::size_t done = 0;
        constexpr std::size_t chunk = 1u << 20;
        while (done < bytes.size()) {
            const std::size_t len = std::min(chunk, bytes.size() - done);
            const ssize_t w = ::write(fd, bytes.data() + done, len);
            if (w < 0) {
                if (errno == EINTR) continue;
                throw IoError(path + ": write failed: " + std::strerror(errno));
            }
            done += static_cast<std::size_t>(w);
            if (on_chunk) on_chunk(done);
        }
        if (::fsync(fd) != 0) throw IoError(path + ": fsync failed: " + std::strerror(errno));
        if (::close(fd) != 0) {
            ::unlink(tmpl.c_str());
            throw IoError(path + ": close failed: " + std::strerror(errno));
        }
    } catch (...) {
        ::close(fd);
        ::unlink(tmpl.c_str());
        throw;
    }
    if (std::rename(tmpl.c_str(), path.c_str()) != 0) {
        const std::string err = std::strerror(errno);
        ::unlink(tmpl.c_str());
        throw IoError(path + ": cannot rename the temporary file into place: " + err);
    }
    // Make the rename itself durable.
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace xgrad::io::detail
