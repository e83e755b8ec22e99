#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <random>

#include "core/fnv1a.hpp"
#include "core/regular_file.hpp"
#include "xgrad/core/error.hpp"

namespace xgrad::io::detail {

namespace fs = std::filesystem;

namespace {

constexpr int max_symlinks = 40;  // Linux's own limit for one path (MAXSYMLINKS)
constexpr std::string_view name_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::size_t random_chars = 6;  // as mkstemp's XXXXXX

fs::path folder_of(const fs::path& file) { return file.has_parent_path() ? file.parent_path() : fs::path("."); }

constexpr std::size_t name_max = 255;  // bytes in one file name (NAME_MAX) on Linux filesystems
constexpr std::string_view temporary_tag = ".tmp.";

/// ".NAME.tmp.": the temporaries of the file NAME are this and random_chars
/// more. A NAME too long for that keeps its start and adds "~" and a hash of
/// the whole name (".NAMESTART~HASH.tmp."), so any name valid for the folder
/// can be written and each long name still has its own temporaries.
std::string temporary_prefix(const fs::path& target) {
    std::string name = target.filename().string();
    constexpr std::size_t added = 1 + temporary_tag.size() + random_chars;
    if (name.size() + added > name_max) {
        char hash[17];
        std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(xgrad::detail::fnv1a(name)));
        name.resize(name_max - added - 1 - 16);
        name.push_back('~');
        name.append(hash);
    }
    name.insert(name.begin(), '.');  // (not "." + name: g++ 12 warns -Wrestrict falsely)
    name.append(temporary_tag);
    return name;
}

/// An open temporary file, flock-ed by its writer while the descriptor is open.
struct Temporary {
    int fd = -1;
    fs::path path;
};

/// A new temporary beside `target`, created with `mode` (less the umask),
/// open for writing and locked; fd -1 with errno set if the folder refuses.
/// O_EXCL with a random name, as mkstemp, but with a mode of our choosing.
Temporary create_temporary(const fs::path& target, mode_t mode) {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    const fs::path dir = folder_of(target);
    const std::string prefix = temporary_prefix(target);
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::string name = prefix;
        for (std::size_t i = 0; i < random_chars; ++i) name += name_chars[random() % name_chars.size()];
        fs::path path = dir / name;
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd < 0) {
            if (errno == EEXIST) continue;
            return {};
        }
        while (::flock(fd, LOCK_EX) != 0 && errno == EINTR) {
        }
        // A cleaner that locked it first has unlinked it: take another name.
        struct stat st {};
        if (::fstat(fd, &st) == 0 && st.st_nlink > 0) return {fd, std::move(path)};
        ::close(fd);
    }
    errno = EEXIST;
    return {};
}

/// Removes the temporaries of `target` whose lock no writer holds: those of
/// writers killed mid-write. Best effort: what cannot be removed stays.
void remove_stale_temporaries(const fs::path& target) {
    const std::string prefix = temporary_prefix(target);
    std::error_code ec;
    for (fs::directory_iterator it(folder_of(target), ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& path = it->path();
        const std::string name = path.filename().string();
        if (name.size() != prefix.size() + random_chars || !name.starts_with(prefix)) continue;
        const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) continue;
        struct stat held {}, named {};
        // Unlinked only while locked, and only if the name still means the file locked.
        if (::fstat(fd, &held) == 0 && S_ISREG(held.st_mode) && ::flock(fd, LOCK_EX | LOCK_NB) == 0 &&
            ::lstat(path.c_str(), &named) == 0 && named.st_dev == held.st_dev && named.st_ino == held.st_ino)
            ::unlink(path.c_str());
        ::close(fd);
    }
}

/// IoError unless `target` (the write target of `path`) is missing or a
/// regular file: a rename over a device node, FIFO or socket would replace it.
void refuse_non_regular(const std::string& path, const fs::path& target) {
    const char* kind = xgrad::detail::non_regular_kind(target.string());
    if (kind == nullptr) return;
    const std::string what = std::string_view(kind) == "a directory" ? "is a directory"
                                                                      : std::string("is not a regular file (") + kind + ")";
    throw IoError(path + ": " + what + "; only regular files are replaced");
}

}  // namespace

fs::path write_target(const std::string& path) {
    fs::path file(path);
    for (int links = 0;; ++links) {
        std::error_code ec;
        if (!fs::is_symlink(fs::symlink_status(file, ec))) return file;
        if (links == max_symlinks) throw IoError(path + ": too many levels of symbolic links");
        const fs::path to = fs::read_symlink(file, ec);
        if (ec) throw IoError(path + ": cannot read the symbolic link '" + file.string() + "': " + ec.message());
        file = to.is_absolute() ? to : folder_of(file) / to;
    }
}

void check_atomic_write(const std::string& path) {
    const fs::path target = write_target(path);
    refuse_non_regular(path, target);
    const Temporary probe = create_temporary(target, 0600);
    if (probe.fd < 0) {
        const int err = errno;
        throw IoError(path + ": cannot write in folder '" + folder_of(target).string() + "': " + std::strerror(err));
    }
    ::unlink(probe.path.c_str());
    ::close(probe.fd);
}

void write_file_atomically(const std::string& path, std::string_view bytes,
                           const std::function<void(std::size_t)>& on_chunk) {
    const fs::path target = write_target(path);
    const fs::path dir = folder_of(target);
    refuse_non_regular(path, target);
    remove_stale_temporaries(target);
    struct stat old {};
    const bool replacing = ::stat(target.c_str(), &old) == 0;
    const Temporary tmp = create_temporary(target, replacing ? 0600 : 0666);
    if (tmp.fd < 0) {
        const int err = errno;
        throw IoError(path + ": cannot open for writing (no temporary file in " + dir.string() + ": " +
                      std::strerror(err) + ")");
    }
    const int fd = tmp.fd;
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
        // Best effort: a filesystem without modes (vfat, some FUSE) refuses, and the bytes matter more.
        if (replacing) (void)::fchmod(fd, old.st_mode & 0777);
        if (::fsync(fd) != 0) throw IoError(path + ": fsync failed: " + std::strerror(errno));
        // Renamed while still open: closing would release the lock, and a cleaner could take the file.
        if (std::rename(tmp.path.c_str(), target.c_str()) != 0) {
            const int err = errno;
            throw IoError(path + ": cannot rename the temporary file into place: " + std::strerror(err));
        }
    } catch (...) {
        ::unlink(tmp.path.c_str());
        ::close(fd);
        throw;
    }
    // The bytes are on disk (fsync succeeded), so close cannot lose them.
    ::close(fd);
    // Make the rename itself durable.
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace xgrad::io::detail
