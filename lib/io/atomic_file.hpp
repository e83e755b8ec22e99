#pragma once
// Writing a whole file so that a failure never destroys the previous one:
// model files (safetensors), ONNX files, histories and gradient reports all go this way.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace xgrad::io::detail {

/// The file a write to `path` replaces: `path` itself or, when it is a
/// symbolic link, the file its chain of links ends at (which need not exist
/// yet), so that writing through a link keeps the link. IoError naming `path`
/// for a chain longer than 40 links.
std::filesystem::path write_target(const std::string& path);

/// Creates and removes a temporary file where write_file_atomically(path, …)
/// would create one, so that a command can refuse an unwritable output before
/// any work. IoError "PATH: cannot write in folder 'DIR': CAUSE" otherwise: a
/// missing or read-only folder, or one on a pseudo filesystem such as /proc
/// (which access(2) lets root pass); and the error of write_file_atomically
/// for a target that is no regular file.
void check_atomic_write(const std::string& path);

/// Writes `bytes` to a temporary file `.NAME.tmp.XXXXXX` beside
/// write_target(path) (for a NAME longer than 243 bytes, its first 226
/// bytes, "~" and a 64-bit hash of NAME in hex) in 1 MiB chunks (`on_chunk`, if set, sees the bytes
/// written so far after each; throwing from it simulates a failed write),
/// fsyncs it, renames it over the target and fsyncs the folder. IoError
/// "PATH: is not a regular file (a device|a FIFO|a socket); only regular
/// files are replaced" (or "PATH: is a directory; …") when the target exists
/// and is no regular file: the rename would put a plain file in its place. On any
/// failure the temporary file is removed, the previous file is left as it
/// was, and IoError names `path` and the cause.
///
/// A replaced file keeps its permission bits; a new one gets 0666 less the
/// umask, as any file a program creates. The writer holds an exclusive flock
/// on its temporary file, and each write first removes the temporaries of the
/// same target whose flock it can take: those left by a writer that was
/// killed, never those of one still writing.
void write_file_atomically(const std::string& path, std::string_view bytes,
                           const std::function<void(std::size_t)>& on_chunk = {});

}  // namespace xgrad::io::detail
