// io::detail::write_file_atomically beyond "the old file survives a failure"
// (tests/io/safetensors_test.cpp): the mode of a replaced or new file,
// writing through symbolic links, removing temporaries left by killed
// writers (never a live writer's), and check_atomic_write's probe.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <set>

#include "../test_helpers.hpp"
#include "io/atomic_file.hpp"
#include "io_test_util.hpp"

using namespace xgrad;
using xgrad_test::TempDir;
namespace fs = std::filesystem;

namespace {

mode_t mode_of(const std::string& path) {
    struct stat st {};
    BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

std::set<std::string> names_in(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
    return names;
}

/// The IoError message `f` throws, or "" when it throws none.
template <class F> std::string io_error_of(F f) {
    try {
        f();
    } catch (const IoError& e) {
        return e.what();
    }
    return "";
}

/// Sets the process umask for one scope.
struct ScopedUmask {
    mode_t old;
    explicit ScopedUmask(mode_t mask) : old(::umask(mask)) {}
    ~ScopedUmask() { ::umask(old); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(io_atomic_file)

BOOST_AUTO_TEST_CASE(a_replaced_file_keeps_its_mode) {
    TempDir dir;
    const std::string path = dir.file("model.bin");
    for (const mode_t mode : {0644, 0640, 0600, 0444, 0755}) {
        xgrad_test::spit(path, "old");
        BOOST_REQUIRE(::chmod(path.c_str(), mode) == 0);
        io::detail::write_file_atomically(path, "new bytes");
        BOOST_TEST(mode_of(path) == mode);  // was 0600 (mkstemp's) for every one
        BOOST_TEST(xgrad_test::slurp(path) == "new bytes");
    }
}

BOOST_AUTO_TEST_CASE(a_new_file_gets_0666_less_the_umask) {
    TempDir dir;
    {
        const ScopedUmask mask(022);
        io::detail::write_file_atomically(dir.file("a.csv"), "a");
    }
    {
        const ScopedUmask mask(027);
        io::detail::write_file_atomically(dir.file("b.csv"), "b");
    }
    BOOST_TEST(mode_of(dir.file("a.csv")) == 0644u);
    BOOST_TEST(mode_of(dir.file("b.csv")) == 0640u);
}

BOOST_AUTO_TEST_CASE(a_symbolic_link_is_written_through_and_stays_a_link) {
    TempDir dir;
    fs::create_directories(dir.path / "models");
    fs::create_directories(dir.path / "links");
    const std::string real = dir.file("models/real.bin");
    xgrad_test::spit(real, "old");
    BOOST_REQUIRE(::chmod(real.c_str(), 0640) == 0);
    // A relative link from another folder, and a link to that link.
    fs::create_symlink("../models/real.bin", dir.path / "links" / "link.bin");
    fs::create_symlink("links/link.bin", dir.path / "chain.bin");
    io::detail::write_file_atomically(dir.file("links/link.bin"), "through one link");
    BOOST_TEST(fs::is_symlink(dir.path / "links" / "link.bin"));
    BOOST_TEST(xgrad_test::slurp(real) == "through one link");
    io::detail::write_file_atomically(dir.file("chain.bin"), "through two links");
    BOOST_TEST(fs::is_symlink(dir.path / "chain.bin"));
    BOOST_TEST(fs::is_symlink(dir.path / "links" / "link.bin"));
    BOOST_TEST(xgrad_test::slurp(real) == "through two links");
    BOOST_TEST(mode_of(real) == 0640u);
    // The temporaries went beside the target, and none is left anywhere.
    BOOST_TEST(names_in(dir.path / "models") == std::set<std::string>{"real.bin"});
    BOOST_TEST(names_in(dir.path / "links") == std::set<std::string>{"link.bin"});
    // A dangling link creates its target.
    fs::create_symlink("models/new.bin", dir.path / "dangling.bin");
    io::detail::write_file_atomically(dir.file("dangling.bin"), "created");
    BOOST_TEST(fs::is_symlink(dir.path / "dangling.bin"));
    BOOST_TEST(xgrad_test::slurp(dir.file("models/new.bin")) == "created");
    BOOST_TEST(io::detail::write_target(dir.file("chain.bin")) == dir.path / "links" / "../models/real.bin");
}

BOOST_AUTO_TEST_CASE(a_loop_of_links_is_an_io_error_naming_the_path) {
    TempDir dir;
    fs::create_symlink("b", dir.path / "a");
    fs::create_symlink("a", dir.path / "b");
    const std::string message = io_error_of([&] { io::detail::write_file_atomically(dir.file("a"), "x"); });
    BOOST_TEST(message == dir.file("a") + ": too many levels of symbolic links");
    BOOST_TEST(fs::is_symlink(dir.path / "a"));
}

BOOST_AUTO_TEST_CASE(temporaries_of_killed_writers_are_removed_by_the_next_write) {
    TempDir dir;
    const std::string path = dir.file("model.bin");
    // Left by writers killed mid-write (kill -9): no process holds their lock.
    xgrad_test::spit(dir.file(".model.bin.tmp.Ab3dE9"), "partial");
    xgrad_test::spit(dir.file(".model.bin.tmp.zzzzzz"), "partial");
    // Not temporaries of model.bin: another file's, and names of another length.
    xgrad_test::spit(dir.file(".other.bin.tmp.Ab3dE9"), "kept");
    xgrad_test::spit(dir.file(".model.bin.tmp.short"), "kept");
    xgrad_test::spit(dir.file(".model.bin.tmp.toolong"), "kept");
    // A writer still at work holds an exclusive flock on its temporary.
    const std::string live = dir.file(".model.bin.tmp.LIVE01");
    xgrad_test::spit(live, "being written");
    const int live_fd = ::open(live.c_str(), O_RDONLY | O_CLOEXEC);
    BOOST_REQUIRE(live_fd >= 0);
    BOOST_REQUIRE(::flock(live_fd, LOCK_EX) == 0);

    io::detail::write_file_atomically(path, "saved");
    BOOST_TEST(xgrad_test::slurp(path) == "saved");
    BOOST_TEST(names_in(dir.path) == (std::set<std::string>{"model.bin", ".other.bin.tmp.Ab3dE9", ".model.bin.tmp.short",
                                                            ".model.bin.tmp.toolong", ".model.bin.tmp.LIVE01"}));
    BOOST_TEST(xgrad_test::slurp(live) == "being written");

    // Once that writer is gone (its lock released with its descriptor), the next write removes it.
    ::close(live_fd);
    io::detail::write_file_atomically(path, "saved again");
    BOOST_TEST(!fs::exists(live));
    BOOST_TEST(xgrad_test::slurp(path) == "saved again");
}

BOOST_AUTO_TEST_CASE(check_atomic_write_tries_the_folder_and_leaves_nothing) {
    TempDir dir;
    io::detail::check_atomic_write(dir.file("model.bin"));
    BOOST_TEST(names_in(dir.path).empty());
    BOOST_TEST(io_error_of([&] { io::detail::check_atomic_write(dir.file("missing/model.bin")); }) ==
               dir.file("missing/model.bin") + ": cannot write in folder '" + dir.file("missing") +
                   "': No such file or directory");
    // access(2) lets root write anywhere, /proc included; creating a file there fails for everyone.
    const std::string proc = io_error_of([] { io::detail::check_atomic_write("/proc/xgrad_test.safetensors"); });
    BOOST_TEST(proc.starts_with("/proc/xgrad_test.safetensors: cannot write in folder '/proc': "));
    // Through a link: the folder tried is the target's.
    fs::create_symlink("/proc/xgrad_test.safetensors", dir.path / "to_proc");
    BOOST_TEST(io_error_of([&] { io::detail::check_atomic_write(dir.file("to_proc")); })
                   .starts_with(dir.file("to_proc") + ": cannot write in folder '/proc': "));
    // A read-only folder (root ignores the permission bits, so only checked for other users).
    if (::geteuid() != 0) {
        fs::create_directories(dir.path / "ro");
        fs::permissions(dir.path / "ro", fs::perms::owner_read | fs::perms::owner_exec);
        BOOST_TEST(io_error_of([&] { io::detail::check_atomic_write(dir.file("ro/m.bin")); }) ==
                   dir.file("ro/m.bin") + ": cannot write in folder '" + dir.file("ro") + "': Permission denied");
        fs::permissions(dir.path / "ro", fs::perms::owner_all);
    }
}

BOOST_AUTO_TEST_CASE(a_device_fifo_or_folder_is_refused_and_stays_what_it_was) {
    TempDir dir;
    const std::string fifo = dir.file("fifo");
    BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    fs::create_symlink("fifo", dir.path / "to_fifo");
    const std::string fifo_error = fifo + ": is not a regular file (a FIFO); only regular files are replaced";
    BOOST_TEST(io_error_of([&] { io::detail::write_file_atomically(fifo, "x"); }) == fifo_error);
    BOOST_TEST(io_error_of([&] { io::detail::check_atomic_write(fifo); }) == fifo_error);
    // Through a link the error names the path given, and the link and the FIFO stay.
    BOOST_TEST(io_error_of([&] { io::detail::write_file_atomically(dir.file("to_fifo"), "x"); }) ==
               dir.file("to_fifo") + ": is not a regular file (a FIFO); only regular files are replaced");
    BOOST_TEST(fs::is_fifo(fifo));
    BOOST_TEST(fs::is_symlink(dir.path / "to_fifo"));
    fs::create_directories(dir.path / "folder");
    BOOST_TEST(io_error_of([&] { io::detail::write_file_atomically(dir.file("folder"), "x"); }) ==
               dir.file("folder") + ": is a directory; only regular files are replaced");
    BOOST_TEST(fs::is_directory(dir.path / "folder"));
    // A private copy of /dev/null (never the system's); only root may create one.
    const std::string device = dir.file("devnull");
    if (::mknod(device.c_str(), S_IFCHR | 0666, ::makedev(1, 3)) != 0) {
        BOOST_TEST_MESSAGE("skipped the device node: mknod needs root");
    } else {
        const std::string device_error = device + ": is not a regular file (a device); only regular files are replaced";
        BOOST_TEST(io_error_of([&] { io::detail::write_file_atomically(device, "x"); }) == device_error);
        BOOST_TEST(io_error_of([&] { io::detail::check_atomic_write(device); }) == device_error);
        BOOST_TEST(fs::is_character_file(device));
    }
    BOOST_TEST(names_in(dir.path) == (::access(device.c_str(), F_OK) == 0
                                          ? std::set<std::string>{"fifo", "to_fifo", "folder", "devnull"}
                                          : std::set<std::string>{"fifo", "to_fifo", "folder"}));
}

BOOST_AUTO_TEST_CASE(a_name_of_250_bytes_is_written_and_its_temporaries_are_cleaned) {
    TempDir dir;
    const std::string name = std::string(246, 'm') + ".bin";
    const std::string path = dir.file(name);
    // Catch the temporary's name while it is being written.
    std::string temporary;
    io::detail::write_file_atomically(path, "saved", [&](std::size_t) {
        for (const std::string& n : names_in(dir.path))
            if (n != name) temporary = n;
    });
    BOOST_TEST(xgrad_test::slurp(path) == "saved");
    BOOST_TEST(names_in(dir.path) == std::set<std::string>{name});
    BOOST_TEST(temporary.size() == 255u);
    BOOST_TEST(temporary.starts_with("." + std::string(226, 'm') + "~"));
    BOOST_TEST(temporary.substr(temporary.size() - 11, 5) == ".tmp.");
    // Temporaries of this name left by killed writers go with the next write; another long name's stay.
    const std::string prefix = temporary.substr(0, temporary.size() - 6);
    xgrad_test::spit(dir.file(temporary), "partial");
    xgrad_test::spit(dir.file(prefix + "Zz9Zz9"), "partial");
    const std::string other = std::string(246, 'm') + ".bak";
    io::detail::write_file_atomically(dir.file(other), "other");
    BOOST_TEST(names_in(dir.path).size() == 4u);
    io::detail::write_file_atomically(path, "saved again");
    BOOST_TEST(names_in(dir.path) == (std::set<std::string>{name, other}));
    BOOST_TEST(xgrad_test::slurp(path) == "saved again");
}

BOOST_AUTO_TEST_SUITE_END()
