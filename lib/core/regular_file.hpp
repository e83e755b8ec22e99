#pragma once
// The readers open only regular files: opening a FIFO blocks until a writer
// comes (a hang), and a directory or a device reports a meaningless size.
#include <string>

namespace xgrad::detail {

/// IoError "PATH: is a directory" or "PATH: is not a regular file (…)" for
/// anything a reader must not open; a missing file is left to the open,
/// whose error carries the system's reason.
void check_regular_file(const std::string& path);

}  // namespace xgrad::detail
