#pragma once
// Writing a whole file so that a failure never destroys the previous one:
// model files (safetensors), histories and gradient reports all go this way.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace xgrad::io::detail {

/// Writes `bytes` to a temporary file beside `path` in 1 MiB chunks
/// (`on_chunk`, if set, sees the bytes written so far after each; throwing
/// from it simulates a failed write), fsyncs it, renames it over `path` and
/// fsyncs the folder. On any failure the temporary file is removed, the
/// previous file is left as it was, and IoError names `path` and the cause.
void write_file_atomically(const std::string& path, std::string_view bytes,
                           const std::function<void(std::size_t)>& on_chunk = {});

}  // namespace xgrad::io::detail
