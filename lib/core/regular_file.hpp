#pragma once
// The readers open only regular files: opening a FIFO blocks until a writer
// comes (a hang), and a directory or a device reports a meaningless size.
// The writers replace only regular files: a rename over a device node or a
// FIFO would put a plain file in its place (even /dev/null, for root).
#include <string>

namespace xgrad::detail {

/// What `path` (links followed) is when it exists but is no regular file:
/// "a directory", "a FIFO", "a socket" or "a device"; nullptr for a regular
/// file or a missing one.
const char* non_regular_kind(const std::string& path);

/// IoError "PATH: is a directory" or "PATH: is not a regular file (…)" for
/// anything a reader must not open; a missing file is left to the open,
/// whose error carries the system's reason.
void check_regular_file(const std::string& path);

}  // namespace xgrad::detail
